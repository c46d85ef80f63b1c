/**
 * The live cluster as a CibSource: load() reads the CIB and everything else at ONE etcd
 * revision (so `cluster cib` shows a status section consistent with the configuration);
 * save() is a compare-and-swap on the CIB key's modRevision as loaded. If anyone wrote
 * the CIB in between, the write is refused (STORE_REVISION_CONFLICT) and nothing changes:
 * never a silent merge, never a lost update.
 */
import { existsSync } from "node:fs";
import { parseCib, serializeCib, statusSection, type CibDocument } from "../../cib/index.js";
import { cloneDocument } from "../../xml/index.js";
import { TandemError } from "../../core/index.js";
import { buildLiveCib, cibKey, readSnapshot, type ClusterSnapshot } from "../../controller/index.js";
import { configPath, loadConfig, type DaemonConfig } from "../../daemon/index.js";
import { EtcdStore, isStoreError, type Store } from "../../store/index.js";
import type { CibSource } from "../cib-source.js";

export function storeFor(config: DaemonConfig): EtcdStore {
  return new EtcdStore({ endpoints: config.etcdEndpoints, requestTimeoutMs: 3000 });
}

/** Runs fn with a store that is closed afterwards; an unreachable etcd is a clear error. */
export async function withStore<T>(config: DaemonConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = storeFor(config);
  try {
    return await fn(store);
  } catch (error) {
    if (isStoreError(error, "STORE_UNAVAILABLE")) {
      throw new TandemError("LIVE_STORE_UNREACHABLE", `cannot reach etcd at ${config.etcdEndpoints.join(", ")}: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  } finally {
    await store.close();
  }
}

export async function liveSnapshot(config: DaemonConfig): Promise<ClusterSnapshot> {
  return withStore(config, (store) => readSnapshot(store, config.clusterName));
}

export const CAS_CONFLICT_MESSAGE = "Unable to update cib\nCall cib_replace failed (-205): Update was older than existing configuration (the CIB was changed by someone else after it was read; nothing was changed)";

export class LiveCibSource implements CibSource {
  readonly description = "the live cluster";
  private readonly revisions = new WeakMap<CibDocument, number>();

  constructor(readonly config: DaemonConfig) {}

  async load(): Promise<CibDocument> {
    const snap = await liveSnapshot(this.config);
    if (snap.cibText === undefined) {
      throw new TandemError("LIVE_NO_CIB", `cluster '${this.config.clusterName}' has no CIB in etcd yet; run 'tandem cluster setup'`);
    }
    const doc = buildLiveCib({ cibText: snap.cibText, online: new Set(snap.members.keys()), reports: snap.reports, dc: snap.dc?.name, quorum: true });
    this.revisions.set(doc, snap.cibModRevision);
    return doc;
  }

  async save(doc: CibDocument, base: CibDocument): Promise<void> {
    const revision = this.revisions.get(base);
    if (revision === undefined) throw new TandemError("LIVE_BAD_BASE", "internal: the CIB to replace was not loaded from the live cluster");
    const stored = cloneDocument(doc);
    statusSection(stored).children = [];
    const text = serializeCib(stored);
    parseCib(text); // never store something we could not read back
    const r = await withStore(this.config, (store) => store.compareAndSwap(cibKey(this.config.clusterName), revision, text));
    if (!r.ok) throw new TandemError("STORE_REVISION_CONFLICT", CAS_CONFLICT_MESSAGE, { details: { expected: revision, current: r.current?.modRevision ?? 0 } });
  }
}

/** The local node's configuration, or undefined when this host has none. */
export function localConfig(env: NodeJS.ProcessEnv = process.env): DaemonConfig | undefined {
  const path = configPath(env);
  return existsSync(path) ? loadConfig(path) : undefined;
}

export class NoLocalCluster implements CibSource {
  readonly description = "the live cluster";
  load(): Promise<CibDocument> {
    return Promise.reject(
      new TandemError("LIVE_NOT_CONFIGURED", `no live cluster is configured on this host (no ${configPath()}; set TANDEM_CONFIG or run 'tandem cluster setup'); use -f FILE to work on a CIB file`),
    );
  }
  save(): Promise<void> {
    return this.load().then(() => undefined);
  }
}

export function liveSourceFactory(): CibSource {
  const config = localConfig();
  return config === undefined ? new NoLocalCluster() : new LiveCibSource(config);
}
