export * from "./config.js";
export { JsonLogger } from "./logger.js";
export { Tandemd, type TandemdOptions } from "./tandemd.js";
export { main } from "./main.js";
