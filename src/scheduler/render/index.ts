export {
  renderSimulateText,
  renderClusterStatus,
  renderNodeList,
  renderSummaryLines,
  renderScoreLines,
  scoreLineText,
  actionDetails,
  type SimulateTextOptions,
} from "./text.js";
export {
  renderPlacementJson,
  placementOf,
  placementAction,
  sortPlacementActions,
  PLACEMENT_FORMAT,
  type PlacementJson,
  type PlacementAction,
} from "./placement-json.js";
export { layoutResources, bareId, cloneHints, type CloneHint, type ResourceLine } from "./layout.js";
export { compareNatural, compareBytes } from "./natural-sort.js";
