export * from "./haproxy-runtime.js";
export * from "./haproxy-map.js";
export * from "./reconciler.js";
