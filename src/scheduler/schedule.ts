/**
 * The scheduler's top function: a list of phases, as in Pacemaker's
 * pcmk__schedule_actions. Each phase is a function of the working set built by unpack.
 */

import { MINUS_INFINITY, formatScore } from "../core/index.js";
import { ActionPlan } from "./actions.js";
import { Assigner } from "./assign.js";
import { addLocation, addLocationRecursive, applyLocations, applySymmetricDefault, unpackColocations } from "./constraints.js";
import { cloneOf, isAvailable, type Role, type WNode, type WorkingSet, type WRsc } from "./model.js";
import { Promoter } from "./promotion.js";
import type { Explanation, ScheduleInput, ScheduleResult, ScoreLine } from "./types.js";
import { unpack } from "./unpack.js";
import { buildView, byteCompare, currentState, type DisplayState } from "./views.js";

export function schedule(input: ScheduleInput): ScheduleResult {
  const ws = unpack(input.cib, input.nowSec);
  const current = buildView(ws, currentState);

  applySymmetricDefault(ws);
  const promotedLocations = applyLocations(ws, input.cib);
  applyStickiness(ws);
  applyFailureThresholds(ws);
  unpackColocations(ws, input.cib);
  sortForPlacementStrategy(ws);

  const scores = snapshotScoresLater(ws);
  const assigner = new Assigner(ws);
  assigner.setPromoter(new Promoter(ws, assigner, promotedLocations));
  assigner.assignAll();

  const plan = new ActionPlan(ws);
  plan.createActions();
  plan.createOrderings(input.cib);
  plan.computeMigrations();
  plan.propagate();

  const summary = plan.summary();
  const revisedState = revisedStateOf(ws, plan);
  return {
    current,
    revised: buildView(ws, revisedState),
    summary,
    graph: plan.graph(),
    scores: scores(),
    explanation: explain(ws),
  };
}

/**
 * With a placement strategy other than default, resources of equal priority are assigned
 * in order of their score on their current node (inactive ones last), as Pacemaker's
 * pcmk__sort_resources does.
 */
function tableOf(r: WRsc): Map<string, number> {
  let p: WRsc | undefined = r;
  while (p !== undefined && p.variant !== "primitive") p = p.children[0];
  return p?.allowed ?? new Map<string, number>();
}

function sortForPlacementStrategy(ws: WorkingSet): void {
  if (ws.options.placementStrategy === "default") return;
  const scoreHere = (r: WRsc): number => {
    const p = r.variant === "primitive" ? r : r.variant === "group" ? r.children[0] : r.children[0]?.variant === "group" ? r.children[0].children[0] : r.children[0];
    const n = p?.runningOn[0];
    if (p === undefined || n === undefined) return Number.NEGATIVE_INFINITY;
    return (r.variant === "clone" ? r.allowed : p.allowed).get(n.name) ?? Number.NEGATIVE_INFINITY;
  };
  const score = new Map(ws.resources.map((r) => [r, scoreHere(r)]));
  ws.resources.sort((a, b) => {
    if (a.priority !== b.priority) return b.priority - a.priority;
    const sa = score.get(a) ?? 0;
    const sb = score.get(b) ?? 0;
    if (sa !== sb) return sb > sa ? 1 : -1;
    // Then node by node, in the first resource's order of preference, higher score first.
    const ta = tableOf(a);
    const tb = tableOf(b);
    const order = [...ws.nodes].sort((x, y) => {
      const vx = isAvailable(x) ? (ta.get(x.name) ?? MINUS_INFINITY) : MINUS_INFINITY;
      const vy = isAvailable(y) ? (ta.get(y.name) ?? MINUS_INFINITY) : MINUS_INFINITY;
      return vy - vx || byteCompare(x.name, y.name);
    });
    for (const n of order) {
      const xa = ta.get(n.name) ?? MINUS_INFINITY;
      const xb = tb.get(n.name) ?? MINUS_INFINITY;
      if (xa !== xb) return xb - xa;
    }
    return a.seq - b.seq;
  });
}

/** Stickiness on the single current node of a managed, active primitive. */
function applyStickiness(ws: WorkingSet): void {
  for (const p of ws.primitives) {
    if (!p.managed || p.stickiness < 1 || p.runningOn.length !== 1) continue;
    const node = p.runningOn[0] as WNode;
    if (!ws.options.symmetric && !p.allowed.has(node.name)) continue;
    addLocation(p, node, p.stickiness, "stickiness");
  }
}

/** Failcount of a primitive on a node (expired failures excluded). */
export function failcount(ws: WorkingSet, p: WRsc, node: WNode): number {
  const clone = cloneOf(p);
  const key = clone !== undefined && !clone.unique ? p.baseId : p.id;
  let count = 0;
  let last = 0;
  for (const [name, value] of node.attrs) {
    if (!name.startsWith("fail-count-")) continue;
    const rest = name.slice("fail-count-".length);
    const hash = rest.indexOf("#");
    const rid = hash >= 0 ? rest.slice(0, hash) : rest;
    if (rid !== key) continue;
    const v = value.toUpperCase() === "INFINITY" || value.toUpperCase() === "+INFINITY" ? 1_000_000 : Number.parseInt(value, 10) || 0;
    count = Math.min(1_000_000, count + v);
    const lf = Number.parseInt(node.attrs.get(`last-failure-${rest}`) ?? "0", 10) || 0;
    if (lf > last) last = lf;
  }
  if (count > 0 && p.failureTimeoutSec > 0 && last > 0 && last + p.failureTimeoutSec <= ws.nowSec) return 0;
  return count;
}

function applyFailureThresholds(ws: WorkingSet): void {
  for (const p of ws.primitives) {
    if (p.migrationThreshold <= 0 || p.failureIgnored) continue;
    for (const node of ws.nodes) {
      const fc = failcount(ws, p, node);
      if (fc <= 0 || fc < p.migrationThreshold) continue;
      const clone = cloneOf(p);
      const target = clone !== undefined && !clone.unique ? clone : p;
      addLocationRecursive(target, node, MINUS_INFINITY, `failcount ${fc} (migration-threshold ${p.migrationThreshold})`);
    }
  }
}

/** Scores are printed as Pacemaker prints them at assignment time; collected after assignment. */
function snapshotScoresLater(ws: WorkingSet): () => ScoreLine[] {
  return () => {
    const out: ScoreLine[] = [];
    const visit = (r: WRsc): void => {
      const kind = r.variant === "primitive" ? "pcmk__primitive_assign" : r.variant === "group" ? "pcmk__group_assign" : "pcmk__clone_assign";
      const names = [...r.allowed.keys()].sort(byteCompare);
      for (const n of names) out.push({ kind, rsc: r.id, node: n, score: r.allowed.get(n) ?? 0 });
      r.children.forEach(visit);
    };
    ws.resourcesInOrder.forEach(visit);
    for (const p of ws.promotionScores) out.push({ ...p });
    return out;
  };
}

function revisedStateOf(ws: WorkingSet, plan: ActionPlan): (p: WRsc) => DisplayState {
  const cache = new Map<WRsc, DisplayState>();
  return (p: WRsc): DisplayState => {
    const hit = cache.get(p);
    if (hit !== undefined) return hit;
    const pa = plan.byRsc.get(p);
    let state: DisplayState;
    if (pa === undefined || !p.managed) {
      state = { role: p.runningOn.length === 0 ? "Stopped" : p.role, nodes: p.runningOn, failed: p.failed };
    } else {
      const stopped = new Set(pa.stops.filter((s) => !s.optional && s.runnable).map((s) => s.node));
      let nodes = p.runningOn.filter((n) => !stopped.has(n));
      let role: Role = nodes.length > 0 ? p.role : "Stopped";
      let failed = p.failed && nodes.length > 0;
      const start = pa.start;
      if (start.node !== undefined && !start.optional && start.runnable && nodes.length === 0) {
        nodes = [start.node];
        role = plan.nextRoleOf(p) === "Promoted" ? "Unpromoted" : "Started";
        failed = false;
      }
      if (nodes.length > 0) {
        if (pa.demote !== undefined && !pa.demote.optional && pa.demote.runnable) role = "Unpromoted";
        if (pa.promote !== undefined && !pa.promote.optional && pa.promote.runnable && nodes.includes(pa.promote.node as WNode)) role = "Promoted";
        if (role === "Started" && p.parent !== undefined && (cloneOf(p)?.promotable ?? false)) role = "Unpromoted";
      }
      // A pending start's record (call-id -1) sorts after anything simulated, so the
      // revised state still shows the resource active there (as crm_simulate does).
      for (const name of p.pendingStartOn) {
        const n = ws.nodeByName.get(name);
        if (n !== undefined && !nodes.includes(n)) {
          nodes = [...nodes, n];
          if (role === "Stopped") role = "Started";
        }
      }
      state = { role, nodes, failed };
    }
    cache.set(p, state);
    return state;
  };
}

function explain(ws: WorkingSet): Explanation {
  const resources: Explanation["resources"] = {};
  for (const p of ws.primitives) {
    const where = p.assigned?.name;
    const score = (n: string): string => formatScore(p.allowed.get(n) ?? MINUS_INFINITY);
    let decision: string;
    if (where !== undefined) {
      const current = p.runningOn[0]?.name;
      const stay = current === where ? "stays on" : current === undefined ? "starts on" : `moves from ${current} to`;
      decision = `${p.id} ${stay} ${where} (score ${score(where)}): the best of the available nodes.`;
    } else if (p.nextRoleReason === "unmanaged") decision = `${p.id} is unmanaged and is left where it is.`;
    else if (p.targetRole === "Stopped" || p.parent?.targetRole === "Stopped") decision = `${p.id} is disabled (target-role=Stopped).`;
    else if (p.orphan) decision = `${p.id} is no longer configured and is stopped.`;
    else {
      // Say, node by node, why it cannot run there.
      const why = ws.nodes.map((n) => {
        if (!isAvailable(n)) return `${n.name} is ${nodeWord(n)}`;
        const bans = p.contributions.filter((c) => c.node === n.name && c.delta <= MINUS_INFINITY).map((c) => c.source);
        if (bans.length > 0) return `${n.name} is banned by ${bans[0] ?? ""}`;
        if (!p.allowed.has(n.name)) return `${n.name} is not allowed (asymmetric cluster, no location constraint)`;
        return `${n.name} has score ${score(n.name)}`;
      });
      decision = `${p.id} cannot run anywhere: ${why.join("; ")}.`;
    }
    resources[p.id] = { contributions: p.contributions.map((c) => ({ ...c })), decision };
  }
  return { resources };
}

function nodeWord(n: WNode): string {
  if (!n.online) return "offline";
  if (n.standby) return "in standby";
  if (n.maintenance) return "in maintenance";
  if (n.shutdown) return "shutting down";
  return "unavailable";
}
