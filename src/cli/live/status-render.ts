/**
 * `tandem status` in pcs 0.11's layout (crm_mon's list format under pcs's headings),
 * built from one snapshot run through the scheduler's `current` view, and its JSON twin.
 */
import { readCib, type CibModel, type Resource } from "../../cib/index.js";
import type { ClusterSnapshot } from "../../controller/index.js";
import { buildLiveCib } from "../../controller/index.js";
import type { OpRecord } from "../../executor/index.js";
import { renderClusterStatus } from "../../scheduler/render/index.js";
import { schedule, type ClusterView } from "../../scheduler/index.js";

export interface LiveStatus {
  readonly clusterName: string;
  readonly dc: string | undefined;
  readonly quorum: boolean;
  readonly nodesConfigured: number;
  readonly resourceInstances: number;
  readonly view: ClusterView;
  readonly failed: readonly OpRecord[];
  readonly daemon: { readonly node: string; readonly active: boolean } | undefined;
}

function instanceCount(model: CibModel, r: Resource): number {
  switch (r.kind) {
    case "primitive":
      return 1;
    case "group":
      return r.children.length;
    case "clone": {
      const max = r.meta.flatMap((s) => s.nvpairs).find((n) => n.name === "clone-max")?.value;
      const per = r.child.kind === "group" ? r.child.children.length : 1;
      return (max === undefined ? model.nodes.length : Number(max) || 0) * per;
    }
    case "bundle":
      return 1;
  }
}

export function liveStatus(clusterName: string, snap: ClusterSnapshot, quorum: boolean, daemon: LiveStatus["daemon"]): LiveStatus {
  const online = new Set(snap.members.keys());
  const doc = buildLiveCib({ cibText: snap.cibText, online, reports: snap.reports, dc: snap.dc?.name, quorum });
  const model = readCib(doc);
  const result = schedule({ cib: model, nowSec: Math.floor(Date.now() / 1000) });
  const failed: OpRecord[] = [];
  for (const [node, r] of snap.reports) {
    if (!online.has(node)) continue;
    for (const op of r.ops) if (op.failed && op.id.endsWith("_last_failure_0")) failed.push(op);
  }
  return {
    clusterName,
    dc: snap.dc?.name,
    quorum,
    nodesConfigured: model.nodes.length,
    resourceInstances: model.resources.reduce((s, r) => s + instanceCount(model, r), 0),
    view: result.current,
    failed,
    daemon,
  };
}

const RC_TEXT: Readonly<Record<number, string>> = { 0: "ok", 1: "error", 2: "invalid parameter", 3: "unimplemented feature", 4: "insufficient privileges", 5: "not installed", 6: "not configured", 7: "not running", 8: "promoted", 9: "promoted (failed)" };

export function renderStatusText(s: LiveStatus, full: boolean): string {
  const lines = [`Cluster name: ${s.clusterName}`, "Cluster Summary:", "  * Stack: etcd"];
  lines.push(s.dc === undefined ? "  * Current DC: NONE" : `  * Current DC: ${s.dc} - partition ${s.quorum ? "with" : "WITHOUT"} quorum`);
  lines.push(`  * Last updated: ${new Date().toUTCString()}`);
  lines.push(`  * ${s.nodesConfigured} node${s.nodesConfigured === 1 ? "" : "s"} configured`);
  lines.push(`  * ${s.resourceInstances} resource instance${s.resourceInstances === 1 ? "" : "s"} configured`);
  lines.push("");
  // renderClusterStatus indents for crm_simulate; pcs puts the headings at column 0.
  for (const line of renderClusterStatus(s.view)) {
    if (line === "") lines.push("");
    else if (/^ {2}\* (Node List|Full List of Resources):$/.test(line)) lines.push(line.slice(4));
    else lines.push(line.slice(2));
  }
  if (s.failed.length > 0) {
    lines.push("", "Failed Resource Actions:");
    for (const op of s.failed) {
      const what = `${op.resourceId}_${op.operation}_${op.intervalMs}`;
      const detail = full ? `: call=${op.callId}, status='${op.opStatusName}', exitreason='${op.exitReason}', last-rc-change='${new Date(op.lastRcChange * 1000).toUTCString()}', queued=${op.queueTime}ms, exec=${op.execTime}ms` : "";
      lines.push(`  * ${what} on ${op.onNode} '${RC_TEXT[op.rcCode] ?? "error"}' (${op.rcCode})${detail}`);
    }
  }
  if (s.daemon !== undefined) {
    lines.push("", "Daemon Status:", `  tandemd: ${s.daemon.active ? "active" : "inactive"}`);
  }
  return lines.join("\n") + "\n";
}

export function renderStatusJson(s: LiveStatus): string {
  return (
    JSON.stringify(
      {
        cluster_name: s.clusterName,
        stack: "etcd",
        current_dc: s.dc ?? null,
        quorum: s.quorum,
        nodes_configured: s.nodesConfigured,
        resource_instances_configured: s.resourceInstances,
        nodes: s.view.nodes.map((n) => ({ name: n.name, state: n.state })),
        resources: s.view.resources,
        failed_actions: s.failed.map((op) => ({ resource: op.resourceId, operation: op.operation, interval_ms: op.intervalMs, node: op.onNode, rc: op.rcCode, status: op.opStatusName, exit_reason: op.exitReason })),
        daemon: s.daemon === undefined ? null : { node: s.daemon.node, tandemd: s.daemon.active ? "active" : "inactive" },
      },
      null,
      2,
    ) + "\n"
  );
}
