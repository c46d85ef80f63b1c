export * from "./addr.js";
export * from "./run.js";
