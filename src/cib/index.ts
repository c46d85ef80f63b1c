export type * from "./model.js";
export { readCib, isTrue } from "./read.js";
export * from "./attributes.js";
export * from "./document.js";
