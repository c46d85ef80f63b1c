export * from "./store.js";
export * from "./errors.js";
export { MemoryStore } from "./memory-store.js";
export { EtcdStore, type EtcdStoreOptions } from "./etcd-store.js";
export type { EtcdAuthOptions, EtcdTlsOptions, EtcdConnectionOptions } from "./etcd-http.js";
export { requireSwapped } from "./conflict.js";
export { parseEtcdEndpoints } from "./endpoints.js";
