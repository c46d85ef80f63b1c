export * from "./addr.js";
export * from "./run.js";
export * from "./ocf.js";
export * from "./cluster-ip.js";
export * from "./vip.js";
export * from "./ipaddr2-agent.js";
