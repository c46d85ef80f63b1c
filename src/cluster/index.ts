export * from "./timers.js";
export * from "./keys.js";
export { Listeners } from "./listeners.js";
export { PrefixMirror, type MirrorChange } from "./prefix-mirror.js";
export * from "./lease-keeper.js";
export * from "./membership.js";
export * from "./election.js";
export * from "./heartbeat-detector.js";
export * from "./heartbeat-udp.js";
