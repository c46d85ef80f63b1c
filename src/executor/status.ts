/**
 * The executor's history as the CIB's status section holds it: `lrm_resource` entries with
 * `lrm_rsc_op` children (attribute names as Pacemaker writes them in `raw`), and
 * failcounts as the transient node attributes `fail-count-<rsc>#<op>_<interval>` and
 * `last-failure-<rsc>#<op>_<interval>`. Pure: records in, values out.
 */
import type { LrmResource, LrmRscOp } from "../cib/index.js";
import { formatScore, INFINITY } from "../core/index.js";
import type { Failcount, OpRecord } from "./types.js";

export function toLrmRscOp(rec: OpRecord): LrmRscOp {
  const raw: Record<string, string> = {
    id: rec.id,
    operation_key: rec.operationKey,
    operation: rec.operation,
    "call-id": String(rec.callId),
    "rc-code": String(rec.rcCode),
    "op-status": String(rec.opStatus),
    interval: String(rec.intervalMs),
    "last-rc-change": String(rec.lastRcChange),
    "exec-time": String(rec.execTime),
    "queue-time": String(rec.queueTime),
    "op-digest": rec.opDigest,
    on_node: rec.onNode,
  };
  if (rec.transitionKey !== undefined) {
    raw["transition-key"] = rec.transitionKey;
    raw["transition-magic"] = `${rec.opStatus}:${rec.rcCode};${rec.transitionKey}`;
  }
  if (rec.exitReason.length > 0) raw["exit-reason"] = rec.exitReason;
  if (rec.migrateSource !== undefined) raw["migrate_source"] = rec.migrateSource;
  if (rec.migrateTarget !== undefined) raw["migrate_target"] = rec.migrateTarget;
  const op: LrmRscOp = {
    id: rec.id,
    operation: rec.operation,
    operationKey: rec.operationKey,
    intervalMs: rec.intervalMs,
    callId: rec.callId,
    rcCode: rec.rcCode,
    opStatus: rec.opStatus,
    lastRun: rec.lastRun,
    lastRcChange: rec.lastRcChange,
    execTime: rec.execTime,
    queueTime: rec.queueTime,
    opDigest: rec.opDigest,
    exitReason: rec.exitReason,
    onNode: rec.onNode,
    raw,
  };
  if (rec.migrateSource !== undefined) op.migrateSource = rec.migrateSource;
  if (rec.migrateTarget !== undefined) op.migrateTarget = rec.migrateTarget;
  if (rec.transitionKey !== undefined) {
    op.transitionKey = rec.transitionKey;
    op.transitionMagic = raw["transition-magic"] ?? "";
  }
  return op;
}

/** Groups records by resource; class/provider/type come from each resource's agent. */
export function toLrmResources(records: readonly OpRecord[]): LrmResource[] {
  const byId = new Map<string, LrmResource>();
  for (const rec of [...records].sort((a, b) => a.callId - b.callId)) {
    let entry = byId.get(rec.resourceId);
    if (entry === undefined) {
      const parts = rec.agent.split(":");
      entry = { id: rec.resourceId, ops: [] };
      if (parts[0] !== undefined) entry.class = parts[0];
      if (parts.length === 3) {
        entry.provider = parts[1] ?? "";
        entry.type = parts[2] ?? "";
      } else {
        entry.type = parts.slice(1).join(":");
      }
      byId.set(rec.resourceId, entry);
    }
    entry.ops.push(toLrmRscOp(rec));
  }
  return [...byId.values()];
}

/** Transient node attributes for failcounts, as Pacemaker 2.1 names them. */
export function failcountAttributes(failcounts: readonly Failcount[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of failcounts) {
    const key = `${f.resourceId}#${f.operation}_${f.intervalMs}`;
    out[`fail-count-${key}`] = formatScore(Math.min(f.count, INFINITY));
    out[`last-failure-${key}`] = String(f.lastFailure);
  }
  return out;
}
