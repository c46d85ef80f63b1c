export type * from "./types.js";
export { schedule } from "./schedule.js";
export { evaluateRule, parseIsoDate, type RuleContext } from "./rules.js";
