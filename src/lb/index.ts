export * from "./haproxy-runtime.js";
export * from "./haproxy-map.js";
export * from "./reconciler.js";
export * from "./l4-balancer.js";
export * from "./balancer-agent.js";
export * from "./status.js";
