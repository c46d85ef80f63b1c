/**
 * Normalizes a ScheduleResult the way the corpus's pcmk-placement/1 files are normalized
 * (oracle/pcmkcorpus.py): final placement per primitive key and the Transition Summary
 * actions without their "due to" reasons. Used by the scheduler's golden tests only.
 */
import type { Clone, CibModel } from "../../../src/cib/index.js";
import type { ClusterView, PrimitiveView, SummaryAction } from "../../../src/scheduler/index.js";

export type Placement = Record<string, Record<string, string[]>>;

export function placementOf(view: ClusterView, cib: CibModel): Placement {
  const members = new Map<string, string[]>();
  for (const r of cib.resources) {
    if (r.kind !== "clone") continue;
    const c: Clone = r;
    members.set(c.id, c.child.kind === "group" ? c.child.children.map((m) => m.id) : [c.child.id]);
  }
  const out: Placement = {};
  const add = (key: string, role: string, nodes: string[]): void => {
    const d = (out[key] ??= {});
    if (role !== "Stopped") for (const n of nodes) (d[role] ??= []).push(n);
  };
  const prim = (p: PrimitiveView, unique: boolean): void => add(unique ? p.id : p.id.replace(/:\d+$/, ""), p.role, p.nodes);
  for (const r of view.resources) {
    if (r.kind === "primitive") prim(r, true);
    else if (r.kind === "group") r.members.forEach((m) => prim(m, true));
    else {
      if (r.stoppedNodes.length > 0) for (const m of members.get(r.id) ?? []) add(m, "Stopped", []);
      for (const i of r.instances) {
        // crm_mon prints no line for an inactive anonymous instance.
        const members = i.kind === "primitive" ? [i] : i.members;
        if (!r.unique && members.every((m) => m.nodes.length === 0)) continue;
        members.forEach((m) => prim(m, r.unique));
      }
    }
  }
  const sorted: Placement = {};
  for (const k of Object.keys(out).sort()) {
    const roles = out[k] ?? {};
    sorted[k] = Object.fromEntries(Object.keys(roles).sort().map((role) => [role, [...(roles[role] ?? [])].sort()]));
  }
  return sorted;
}

/** Actions as sorted canonical strings (reason and blocked ignored, as the corpus normalizer does). */
export function actionsOf(summary: SummaryAction[], placement: Placement): string[] {
  return summary
    .map((a) => {
      const o: Record<string, string> = { action: a.action };
      if (a.rsc !== undefined) o["rsc"] = /:\d+$/.test(a.rsc) && !(a.rsc in placement) ? a.rsc.replace(/:\d+$/, "") : a.rsc;
      for (const k of ["node", "from", "to", "role"] as const) {
        const v = a[k];
        if (v !== undefined) o[k] = v;
      }
      if (a.fromRole !== undefined) o["from_role"] = a.fromRole;
      if (a.toRole !== undefined) o["to_role"] = a.toRole;
      if (a.fenceType !== undefined) o["type"] = a.fenceType;
      return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
    })
    .sort();
}

export function expectedActions(actions: Record<string, unknown>[]): string[] {
  return actions
    .map((a) => {
      const o = { ...a };
      delete o["reason"];
      delete o["blocked"];
      return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
    })
    .sort();
}
