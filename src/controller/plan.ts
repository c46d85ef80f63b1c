/**
 * Turns the scheduler's graph into the work the DC hands out: every action with the
 * agent, parameters, timeout and expected rc the node's executor needs, plus the two
 * kinds of action Tandem's scheduler leaves to the controller:
 *
 * - **probes** (monitor, interval 0) of every configured resource on every online node
 *   that has no history for it: run alone, before anything is placed, so resources that
 *   already run (started outside the cluster, or left by a restarted tandemd) are found;
 * - **recurring monitors** after each start, and for active resources whose monitor is
 *   not running on their node.
 *
 * Pure: the same inputs give the same transition.
 */

import { effectiveAttributes, type CibModel, type Clone, type Group, type Operation, type Primitive, type Resource } from "../cib/index.js";
import { parseDurationMs } from "../core/index.js";
import type { AgentAction } from "../agents/index.js";
import type { OperationRequest } from "../executor/index.js";
import type { GraphAction, ScheduleResult } from "../scheduler/index.js";
import type { NodeReport } from "./status-cib.js";

export const DEFAULT_ACTION_TIMEOUT_MS = 20_000;

export type PlannedKind = "probe" | "graph" | "monitor";

/** One action for one node's executor (epoch and transition key are added at dispatch). */
export interface PlannedAction {
  /** Index in the transition. */
  readonly id: number;
  readonly kind: PlannedKind;
  readonly node: string;
  /** The scheduler's display id ("rsc", "rsc:1"). */
  readonly rsc: string;
  readonly request: Omit<OperationRequest, "epoch" | "transitionKey">;
  /** "start web on holly". */
  readonly text: string;
}

export interface Transition {
  readonly actions: readonly PlannedAction[];
  /** [before, after] pairs of action ids. */
  readonly edges: readonly (readonly [number, number])[];
  /** Actions of the scheduler's graph that cannot run now (blocked), by text. */
  readonly blocked: readonly string[];
  /** "probe" when this transition only discovers state. */
  readonly phase: "probe" | "placement";
}

interface ResolvedPrimitive {
  readonly primitive: Primitive;
  readonly clone: Clone | undefined;
  readonly group: Group | undefined;
  readonly unique: boolean;
}

function visitPrimitives(resources: readonly Resource[], fn: (p: Primitive, clone: Clone | undefined, group: Group | undefined) => void): void {
  for (const r of resources) {
    switch (r.kind) {
      case "primitive":
        fn(r, undefined, undefined);
        break;
      case "group":
        for (const c of r.children) fn(c, undefined, r);
        break;
      case "clone":
        if (r.child.kind === "primitive") fn(r.child, r, undefined);
        else for (const c of r.child.children) fn(c, r, r.child);
        break;
      case "bundle":
        break;
    }
  }
}

function metaOf(model: CibModel, sets: Resource["meta"]): Map<string, string> {
  const out = effectiveAttributes(model.rscDefaults);
  for (const [k, v] of effectiveAttributes(sets)) out.set(k, v);
  return out;
}

function isUnique(model: CibModel, clone: Clone | undefined): boolean {
  if (clone === undefined) return false;
  const v = (metaOf(model, clone.meta).get("globally-unique") ?? "false").toLowerCase();
  return v === "true" || v === "yes" || v === "on" || v === "1" || v === "y";
}

function baseId(id: string): string {
  const colon = id.lastIndexOf(":");
  return colon > 0 && /^\d+$/.test(id.slice(colon + 1)) ? id.slice(0, colon) : id;
}

function indexPrimitives(model: CibModel): Map<string, ResolvedPrimitive> {
  const out = new Map<string, ResolvedPrimitive>();
  visitPrimitives(model.resources, (primitive, clone, group) => {
    out.set(primitive.id, { primitive, clone, group, unique: isUnique(model, clone) });
  });
  return out;
}

function agentOf(p: Primitive): string {
  return p.provider === undefined ? `${p.class}:${p.type}` : `${p.class}:${p.provider}:${p.type}`;
}

function findOp(p: Primitive, name: string, intervalMs: number): Operation | undefined {
  return p.operations.find((o) => o.name === name && o.intervalMs === intervalMs);
}

function timeoutMs(model: CibModel, p: Primitive | undefined, name: string, intervalMs: number): number {
  const own = p === undefined ? undefined : parseDurationMs(findOp(p, name, intervalMs)?.timeout);
  if (own !== undefined && own > 0) return own;
  const def = parseDurationMs(effectiveAttributes(model.opDefaults).get("timeout"));
  return def !== undefined && def > 0 ? def : DEFAULT_ACTION_TIMEOUT_MS;
}

function paramsOf(p: Primitive): Record<string, string> {
  return Object.fromEntries(effectiveAttributes(p.instance));
}

function cloneMeta(model: CibModel, resolved: ResolvedPrimitive, displayId: string): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of metaOf(model, resolved.primitive.meta)) meta[k.replaceAll("-", "_")] = v;
  const clone = resolved.clone;
  if (clone !== undefined) {
    const cm = metaOf(model, clone.meta);
    meta["clone_max"] = cm.get("clone-max") ?? String(model.nodes.length);
    meta["clone_node_max"] = cm.get("clone-node-max") ?? "1";
    meta["globally_unique"] = resolved.unique ? "true" : "false";
    const colon = displayId.lastIndexOf(":");
    if (colon > 0) meta["clone"] = displayId.slice(colon + 1);
  }
  return meta;
}

/** The executor's resource id: anonymous clone instances share the configured id, as in Pacemaker's lrm. */
export function lrmIdOf(displayId: string, resolved: ResolvedPrimitive | undefined): string {
  if (resolved?.clone !== undefined && !resolved.unique) return resolved.primitive.id;
  return displayId;
}

const ACTION_TASKS: ReadonlySet<string> = new Set(["start", "stop", "monitor", "promote", "demote", "notify", "migrate_to", "migrate_from", "reload", "reload-agent"]);

function expectedRcOf(task: string, intervalMs: number, role: string | undefined): number {
  if (task === "monitor" && intervalMs === 0) return 7;
  if (task === "monitor" && (role === "Promoted" || role === "Master")) return 8;
  return 0;
}

function isPromotedRole(role: string | undefined): boolean {
  return role === "Promoted" || role === "Master";
}

export interface PlanInput {
  readonly model: CibModel;
  readonly result: ScheduleResult;
  readonly online: ReadonlySet<string>;
  readonly reports: ReadonlyMap<string, NodeReport>;
  /**
   * Members the failure detector declared dead whose lease still exists: they may still
   * run what they ran until they self-fence (their lease expires).
   */
  readonly suspects?: ReadonlySet<string>;
}

/** Pacemaker's `requires`: meta attribute, else "fencing" when fencing is enabled, else "quorum". */
function requiresOf(model: CibModel, p: Primitive, clone: Clone | undefined): string {
  const own = metaOf(model, p.meta).get("requires") ?? (clone === undefined ? undefined : metaOf(model, clone.meta).get("requires"));
  if (own !== undefined) return own;
  const props = effectiveAttributes(model.properties);
  const fencing = (props.get("stonith-enabled") ?? props.get("fencing-enabled") ?? "true").toLowerCase();
  return ["false", "no", "off", "0", "n"].includes(fencing) ? "quorum" : "fencing";
}

/** The suspect node where the resource was last seen active, if any. */
function activeOnSuspect(input: PlanInput, lrmId: string): string | undefined {
  for (const node of input.suspects ?? []) {
    const ops = input.reports.get(node)?.ops ?? [];
    if (ops.some((o) => o.id === `${lrmId}_last_0` && !o.failed && o.rcCode !== 7 && o.operation !== "stop")) return node;
  }
  return undefined;
}

function hasHistory(reports: ReadonlyMap<string, NodeReport>, node: string, lrmId: string): boolean {
  return (reports.get(node)?.ops ?? []).some((o) => o.resourceId === lrmId);
}

function hasMonitor(reports: ReadonlyMap<string, NodeReport>, node: string, lrmId: string, intervalMs: number): boolean {
  return (reports.get(node)?.ops ?? []).some((o) => o.resourceId === lrmId && o.operation === "monitor" && o.intervalMs === intervalMs);
}

/** Probes for every (resource, online node) pair with no history; empty when all is known. */
function planProbes(input: PlanInput, index: Map<string, ResolvedPrimitive>): PlannedAction[] {
  const out: PlannedAction[] = [];
  const nodes = input.model.nodes.map((n) => n.uname).filter((n) => input.online.has(n));
  for (const resolved of index.values()) {
    const p = resolved.primitive;
    const ids: string[] = [];
    if (resolved.clone !== undefined && resolved.unique) {
      const max = Number.parseInt(metaOf(input.model, resolved.clone.meta).get("clone-max") ?? String(input.model.nodes.length), 10) || 0;
      for (let i = 0; i < max; i++) ids.push(`${p.id}:${i}`);
    } else ids.push(p.id);
    for (const node of nodes) {
      for (const id of ids) {
        if (hasHistory(input.reports, node, id)) continue;
        out.push({
          id: out.length,
          kind: "probe",
          node,
          rsc: id,
          request: {
            resourceId: id,
            agent: agentOf(p),
            operation: "monitor",
            intervalMs: 0,
            timeoutMs: timeoutMs(input.model, p, "monitor", 0),
            params: paramsOf(p),
            meta: cloneMeta(input.model, resolved, id),
            expectedRc: 7,
          },
          text: `probe ${id} on ${node}`,
        });
      }
    }
  }
  return out;
}

/** The agent of an orphan (removed from the configuration, still in some node's history). */
function orphanAgent(reports: ReadonlyMap<string, NodeReport>, node: string, lrmId: string): string | undefined {
  return (reports.get(node)?.ops ?? []).find((o) => o.resourceId === lrmId)?.agent;
}

function recurringMonitors(p: Primitive, promoted: boolean): Operation[] {
  return p.operations.filter((o) => o.name === "monitor" && o.intervalMs > 0 && o.enabled && isPromotedRole(o.role) === promoted);
}

/**
 * The transition for one snapshot: probes if anything is unknown, else the scheduler's
 * runnable actions (in its order) with recurring monitors after starts and promotes.
 */
export function planTransition(input: PlanInput): Transition {
  const index = indexPrimitives(input.model);
  const probes = planProbes(input, index);
  if (probes.length > 0) return { actions: probes, edges: [], blocked: [], phase: "probe" };

  const graph = input.result.graph;
  const actions: PlannedAction[] = [];
  const blocked: string[] = [];
  const byGraphId = new Map<number, number>();
  const skipped = new Set<number>();
  const predecessors = new Map<number, number[]>();
  for (const [before, after] of graph.edges) {
    const list = predecessors.get(after) ?? [];
    list.push(before);
    predecessors.set(after, list);
  }
  const graphText = (g: GraphAction): string => `${g.task} ${g.rsc ?? "?"}${g.node === undefined ? "" : ` on ${g.node}`}`;
  // The scheduler lists actions so that edges point forwards mostly, but do not rely on it:
  // decide runnability in a topological order.
  const order = topological(graph.actions.map((a) => a.id), graph.edges);
  const byId = new Map(graph.actions.map((a) => [a.id, a] as const));
  for (const gid of order) {
    const g = byId.get(gid);
    if (g === undefined) continue;
    const predSkipped = (predecessors.get(gid) ?? []).some((p) => skipped.has(p));
    if (!g.runnable || predSkipped) {
      skipped.add(gid);
      blocked.push(graphText(g));
      continue;
    }
    if (g.pseudo === true || g.node === undefined || g.rsc === undefined || !ACTION_TASKS.has(g.task)) continue;
    if (!input.online.has(g.node)) {
      skipped.add(gid);
      blocked.push(`${graphText(g)} (node offline)`);
      continue;
    }
    const resolved = index.get(baseId(g.rsc));
    const lrmId = lrmIdOf(g.rsc, resolved);
    const intervalMs = g.intervalMs ?? 0;
    const p = resolved?.primitive;
    const agent = p === undefined ? orphanAgent(input.reports, g.node, lrmId) : agentOf(p);
    if (agent === undefined) {
      skipped.add(gid);
      blocked.push(`${graphText(g)} (unknown agent)`);
      continue;
    }
    if ((g.task === "start" || g.task === "promote") && resolved !== undefined) {
      const requires = requiresOf(input.model, resolved.primitive, resolved.clone);
      const suspect = requires === "fencing" || requires === "unfencing" ? activeOnSuspect(input, lrmId) : undefined;
      if (suspect !== undefined) {
        // Safety: it may still run there until that node self-fences (its lease expires).
        skipped.add(gid);
        blocked.push(`${graphText(g)} (requires=${requires}: waiting for ${suspect} to self-fence)`);
        continue;
      }
    }
    const role = p === undefined ? undefined : findOp(p, g.task, intervalMs)?.role;
    const id = actions.length;
    byGraphId.set(gid, id);
    actions.push({
      id,
      kind: "graph",
      node: g.node,
      rsc: g.rsc,
      request: {
        resourceId: lrmId,
        agent,
        operation: g.task as AgentAction,
        intervalMs,
        timeoutMs: timeoutMs(input.model, p, g.task, intervalMs),
        ...(p === undefined ? {} : { params: paramsOf(p) }),
        ...(resolved === undefined ? {} : { meta: cloneMeta(input.model, resolved, g.rsc) }),
        expectedRc: expectedRcOf(g.task, intervalMs, role),
      },
      text: graphText(g),
    });
  }
  const edges: [number, number][] = [];
  for (const [before, after] of graph.edges) {
    const b = byGraphId.get(before);
    const a = byGraphId.get(after);
    if (b !== undefined && a !== undefined) edges.push([b, a]);
  }

  // Recurring monitors: after a start/promote in this transition, or where an active
  // resource lacks its monitor (a start from an aborted transition, a restarted tandemd).
  const stoppedHere = new Set(actions.filter((a) => a.request.operation === "stop").map((a) => `${a.request.resourceId}@${a.node}`));
  const addMonitor = (resolved: ResolvedPrimitive, displayId: string, node: string, op: Operation, after: number | undefined): void => {
    const lrmId = lrmIdOf(displayId, resolved);
    const promoted = isPromotedRole(op.role);
    const id = actions.length;
    actions.push({
      id,
      kind: "monitor",
      node,
      rsc: displayId,
      request: {
        resourceId: lrmId,
        agent: agentOf(resolved.primitive),
        operation: "monitor",
        intervalMs: op.intervalMs,
        timeoutMs: timeoutMs(input.model, resolved.primitive, "monitor", op.intervalMs),
        params: paramsOf(resolved.primitive),
        meta: cloneMeta(input.model, resolved, displayId),
        expectedRc: promoted ? 8 : 0,
      },
      text: `monitor ${displayId} every ${op.intervalMs} ms on ${node}`,
    });
    if (after !== undefined) edges.push([after, id]);
  };
  const monitored = new Set<string>();
  for (const a of [...actions]) {
    if (a.kind !== "graph" || (a.request.operation !== "start" && a.request.operation !== "promote")) continue;
    const resolved = index.get(baseId(a.rsc));
    if (resolved === undefined) continue;
    monitored.add(`${a.request.resourceId}@${a.node}`);
    for (const op of recurringMonitors(resolved.primitive, a.request.operation === "promote")) addMonitor(resolved, a.rsc, a.node, op, a.id);
  }
  for (const view of activePrimitives(input.result)) {
    const resolved = index.get(baseId(view.id));
    if (resolved === undefined) continue;
    const lrmId = lrmIdOf(view.id, resolved);
    for (const node of view.nodes) {
      const key = `${lrmId}@${node}`;
      if (monitored.has(key) || stoppedHere.has(key) || !input.online.has(node)) continue;
      const promoted = view.role === "Promoted";
      for (const op of recurringMonitors(resolved.primitive, promoted)) {
        if (!hasMonitor(input.reports, node, lrmId, op.intervalMs)) addMonitor(resolved, view.id, node, op, undefined);
      }
    }
  }
  return { actions, edges, blocked, phase: "placement" };
}

interface ActiveView {
  id: string;
  role: string;
  nodes: string[];
}

/** Primitives the scheduler sees active now (current view), flattened from groups and clones. */
function activePrimitives(result: ScheduleResult): ActiveView[] {
  const out: ActiveView[] = [];
  const visit = (r: ScheduleResult["current"]["resources"][number]): void => {
    switch (r.kind) {
      case "primitive":
        if (r.nodes.length > 0 && r.role !== "Stopped" && !r.flags.includes("failed") && !r.flags.includes("unmanaged")) out.push({ id: r.id, role: r.role, nodes: r.nodes });
        break;
      case "group":
        r.members.forEach(visit);
        break;
      case "clone":
        r.instances.forEach(visit);
        break;
    }
  };
  result.current.resources.forEach(visit);
  return out;
}

/** Kahn's order (stable by id); nodes on a cycle come last, in id order. */
function topological(ids: readonly number[], edges: readonly (readonly [number, number])[]): number[] {
  const indegree = new Map<number, number>(ids.map((i) => [i, 0]));
  const next = new Map<number, number[]>();
  for (const [b, a] of edges) {
    if (!indegree.has(a) || !indegree.has(b)) continue;
    indegree.set(a, (indegree.get(a) ?? 0) + 1);
    next.set(b, [...(next.get(b) ?? []), a]);
  }
  const ready = ids.filter((i) => indegree.get(i) === 0).sort((x, y) => x - y);
  const out: number[] = [];
  const done = new Set<number>();
  while (ready.length > 0) {
    const i = ready.shift() as number;
    out.push(i);
    done.add(i);
    for (const a of next.get(i) ?? []) {
      const d = (indegree.get(a) ?? 0) - 1;
      indegree.set(a, d);
      if (d === 0) {
        ready.push(a);
        ready.sort((x, y) => x - y);
      }
    }
  }
  for (const i of ids) if (!done.has(i)) out.push(i);
  return out;
}
