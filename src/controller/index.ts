export * from "./keys.js";
export * from "./log.js";
export * from "./envelope.js";
export * from "./status-cib.js";
export * from "./plan.js";
export * from "./graph-runner.js";
export * from "./snapshot.js";
export { DcController, type DcOptions, type DcLeadership, type Decision } from "./dc.js";
export { NodeAgent, type NodeAgentOptions, type NodeRequest } from "./node-agent.js";
