// Pure CIB edit commands and the helpers they share: (doc, request) → { doc, reports }.
export * from "./reports.js";
export * from "./lookup.js";
export * from "./nvsets.js";
export * from "./agent-info.js";
export * from "./format.js";
export * from "./operations.js";
export * from "./resource-create.js";
export * from "./resource-delete.js";
export * from "./resource-edit.js";
export * from "./defaults.js";
export * from "./constraints.js";
export * from "./constraints-listing.js";
export * from "./constraints-rule.js";
export * from "./rule-parse.js";
export * from "./properties.js";
export * from "./nodes.js";
export * from "./stonith.js";
