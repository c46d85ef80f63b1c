export {
  runConformance,
  runCase,
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
