export * from "./plan.js";
export * from "./state.js";
export * from "./lab.js";
export * from "./cluster.js";
