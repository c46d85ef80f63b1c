export * from "./score.js";
export * from "./errors.js";
export * from "./ids.js";
export * from "./clock.js";
export * from "./random.js";
export * from "./duration.js";
