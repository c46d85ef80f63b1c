/**
 * Cluster views (what crm_mon would show) of the working set: the current state, and the
 * revised state once the transition's runnable actions have been applied.
 */

import type { ClusterView, CloneView, GroupView, NodeView, PrimitiveView, ResourceView } from "./types.js";
import { roleRank, type Role, type WNode, type WorkingSet, type WRsc } from "./model.js";

export function nodeState(n: WNode): string {
  if (n.unclean) return n.online ? "unclean+online" : "unclean+offline";
  if (!n.online) {
    if (n.pending) return "pending";
    // crm_mon qualifies an offline node only when the status section knows it.
    if (n.standby && n.hasState) return "offline+standby";
    if (n.maintenance) return "offline+maintenance";
    return "offline";
  }
  if (n.maintenance) return "maintenance";
  if (n.standby) return "standby";
  return "online";
}

/** Per-primitive state to display: role and nodes (current or revised). */
export interface DisplayState {
  role: Role;
  nodes: WNode[];
  failed: boolean;
}

export type StateOf = (rsc: WRsc) => DisplayState;

export const currentState: StateOf = (rsc) => ({ role: rsc.runningOn.length === 0 ? "Stopped" : rsc.role, nodes: rsc.runningOn, failed: rsc.failed });

function primitiveFlags(rsc: WRsc): string[] {
  const flags: string[] = [];
  if (rsc.targetRole === "Stopped" || (rsc.parent !== undefined && rsc.parent.targetRole === "Stopped") || (rsc.parent?.parent?.targetRole === "Stopped")) flags.push("disabled");
  if (rsc.blocked) flags.push("blocked");
  else if (!rsc.managed) flags.push(rsc.maintenance ? "maintenance" : "unmanaged");
  if (rsc.failureIgnored) flags.push("failure ignored");
  return flags;
}

function primitiveView(rsc: WRsc, state: StateOf): PrimitiveView {
  const s = state(rsc);
  const flags = primitiveFlags(rsc);
  if (s.failed) flags.unshift("failed");
  if (rsc.orphan) flags.unshift("orphaned");
  const display = s.nodes.length === 0 ? "Stopped" : displayRole(rsc, s.role);
  return { kind: "primitive", id: rsc.id, agent: rsc.agent, role: display, nodes: s.nodes.map((n) => n.name), flags };
}

function displayRole(rsc: WRsc, role: Role): string {
  if (role === "Unknown") return "Stopped";
  const clone = rsc.parent?.variant === "clone" ? rsc.parent : rsc.parent?.parent;
  if (clone?.promotable === true && role === "Started") return "Unpromoted";
  return role;
}

function groupView(rsc: WRsc, state: StateOf): GroupView {
  const flags: string[] = [];
  if (rsc.targetRole === "Stopped") flags.push("disabled");
  if (!rsc.children.every((c) => c.managed) && rsc.children.length > 0 && rsc.children.every((c) => !c.managed)) flags.push("unmanaged");
  return { kind: "group", id: rsc.id, members: rsc.children.map((c) => primitiveView(c, state)), flags };
}

function cloneView(rsc: WRsc, ws: WorkingSet, state: StateOf): CloneView {
  const instances: (PrimitiveView | GroupView)[] = [];
  const active = new Set<string>();
  for (const inst of rsc.children) {
    const prims = inst.variant === "primitive" ? [inst] : inst.children;
    const isActive = prims.some((p) => state(p).nodes.length > 0);
    for (const p of prims) for (const n of state(p).nodes) active.add(n.name);
    // Inactive anonymous instances are kept: the renderer decides what crm_mon prints.
    if (!isActive && inst.orphan) continue;
    instances.push(inst.variant === "primitive" ? primitiveView(inst, state) : groupView(inst, state));
  }
  // crm_mon lists the clone's allowed nodes without an instance: every node in a symmetric
  // cluster, else the nodes where the status section knows an instance.
  const known = new Set<string>();
  if (!ws.options.symmetric) for (const inst of rsc.children) for (const p of inst.variant === "primitive" ? [inst] : inst.children) for (const n of p.knownOn) known.add(n);
  const stoppedNodes =
    rsc.unique || rsc.cloneMax <= 0
      ? []
      : ws.nodes
          .map((n) => n.name)
          .filter((n) => !active.has(n) && (ws.options.symmetric || known.has(n)))
          .sort(byteCompare);
  const flags: string[] = [];
  if (rsc.targetRole === "Stopped") flags.push("disabled");
  if (!rsc.managed) flags.push("unmanaged");
  const view: CloneView = { kind: "clone", id: rsc.id, unique: rsc.unique, promotable: rsc.promotable, instances, stoppedNodes, flags };
  if (rsc.childId !== undefined) view.child = rsc.childId;
  return view;
}

export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildView(ws: WorkingSet, state: StateOf): ClusterView {
  const nodes: NodeView[] = ws.nodes.map((n) => {
    const v: NodeView = { name: n.name, id: n.id, state: nodeState(n) };
    if (n.standby && n.online) {
      const hasResources = ws.primitives.some((p) => state(p).nodes.includes(n));
      if (hasResources) v.standbyWithResources = true;
    }
    return v;
  });
  const resources: ResourceView[] = [];
  for (const r of ws.resourcesInOrder) {
    switch (r.variant) {
      case "primitive":
        // A stopped orphan is no longer shown.
        if (r.orphan && state(r).nodes.length === 0) break;
        resources.push(primitiveView(r, state));
        break;
      case "group":
        resources.push(groupView(r, state));
        break;
      case "clone":
        resources.push(cloneView(r, ws, state));
        break;
      default: {
        const never: never = r.variant;
        throw new Error(`unknown variant ${String(never)}`);
      }
    }
  }
  return { nodes, resources };
}

export function maxRole(a: Role, b: Role): Role {
  return roleRank(a) >= roleRank(b) ? a : b;
}
