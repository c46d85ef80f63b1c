export { Executor, DEFAULT_OP_TIMEOUT_MS, INFINITY_FAILCOUNT } from "./executor.js";
export type { ExecutorOptions } from "./executor.js";
export { opDigest, canonicalParameters } from "./digest.js";
export * from "./types.js";
export { toLrmResources, toLrmRscOp, failcountAttributes } from "./status.js";
