/**
 * One consistent read of a cluster: every key under /tandem/<cluster>/ at ONE revision
 * (a single range), parsed into the CIB text, the members, what each node reported and
 * the pending actions. The DC schedules from exactly this; `status` prints from it.
 */
import type { OpRecord } from "../executor/index.js";
import { dcKey, nodesPrefix, parseNodeRecord, type NodeRecord } from "../cluster/index.js";
import type { KeyValue, Store } from "../store/index.js";
import { actionsPrefix, cibKey, clusterRoot, parseActionKey, parseStatusKey } from "./keys.js";
import type { NodeReport } from "./status-cib.js";

export interface ClusterSnapshot {
  readonly revision: number;
  readonly cibText: string | undefined;
  /** 0 when there is no CIB key. */
  readonly cibModRevision: number;
  readonly members: ReadonlyMap<string, NodeRecord>;
  readonly reports: ReadonlyMap<string, NodeReport>;
  readonly dc: { name: string; epoch: number } | undefined;
  /** Pending action keys (full store keys) by node. */
  readonly actions: ReadonlyMap<string, readonly string[]>;
}

interface MutableReport {
  ops: OpRecord[];
  attrs: Record<string, string>;
}

export function parseOpRecord(text: string): OpRecord | undefined {
  try {
    const v = JSON.parse(text) as Partial<OpRecord> | null;
    if (v === null || typeof v !== "object" || typeof v.resourceId !== "string" || typeof v.operation !== "string" || typeof v.callId !== "number") return undefined;
    return v as OpRecord;
  } catch {
    return undefined;
  }
}

export function parseSnapshot(cluster: string, kvs: readonly KeyValue[], revision: number): ClusterSnapshot {
  let cibText: string | undefined;
  let cibModRevision = 0;
  let dc: ClusterSnapshot["dc"];
  const members = new Map<string, NodeRecord>();
  const reports = new Map<string, MutableReport>();
  const actions = new Map<string, string[]>();
  const report = (node: string): MutableReport => {
    let r = reports.get(node);
    if (r === undefined) {
      r = { ops: [], attrs: {} };
      reports.set(node, r);
    }
    return r;
  };
  const nodes = nodesPrefix(cluster);
  for (const kv of kvs) {
    if (kv.key === cibKey(cluster)) {
      cibText = kv.value;
      cibModRevision = kv.modRevision;
    } else if (kv.key === dcKey(cluster)) {
      try {
        const v = JSON.parse(kv.value) as { name?: unknown; epoch?: unknown };
        if (typeof v.name === "string" && typeof v.epoch === "number") dc = { name: v.name, epoch: v.epoch };
      } catch {
        /* a malformed DC record counts as none */
      }
    } else if (kv.key.startsWith(nodes)) {
      const rec = parseNodeRecord(kv);
      if (rec !== undefined) members.set(rec.name, rec);
    } else if (kv.key.startsWith(actionsPrefix(cluster))) {
      const a = parseActionKey(cluster, kv.key);
      if (a !== undefined) actions.set(a.node, [...(actions.get(a.node) ?? []), kv.key]);
    } else {
      const s = parseStatusKey(cluster, kv.key);
      if (s === undefined) continue;
      if (s.kind === "attr") report(s.node).attrs[s.name] = kv.value;
      else {
        const op = parseOpRecord(kv.value);
        if (op !== undefined) report(s.node).ops.push(op);
      }
    }
  }
  return { revision, cibText, cibModRevision, members, reports, dc, actions };
}

export async function readSnapshot(store: Store, cluster: string): Promise<ClusterSnapshot> {
  const r = await store.range(clusterRoot(cluster));
  return parseSnapshot(cluster, r.kvs, r.revision);
}
