export { placementDiffs, actionDiffs, actionsNetEquivalent, type PlacementDoc } from "./compare.js";
export { generateDifferentialCib } from "./generate.js";
export { generateBenchCib } from "./generate-bench.js";
