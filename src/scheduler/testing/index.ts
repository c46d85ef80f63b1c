export { placementDiffs, actionDiffs, type PlacementDoc } from "./compare.js";
