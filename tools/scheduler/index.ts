export {
  runConformance,
  reportOf,
  runCase,
  comparableSummary,
  corpusCaseList,
  passingOf,
  regressions,
  formatReport,
  type ConformanceReport,
  type CaseResult,
  type PassingList,
  type ScheduleFn,
  type TierSummary,
} from "./conformance.js";
export {
  runDifferential,
  summarize,
  formatDifferential,
  type SeedResult,
  type DifferentialSummary,
  type DifferentialOptions,
} from "./differential.js";
export { minimize, type MinimizeResult } from "./minimize.js";
