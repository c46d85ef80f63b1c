/**
 * Actions and their ordering: start/stop/promote/demote per primitive, order constraints
 * and implicit orderings (group members, restarts) as edges, then the propagation of
 * "required" (first-implies-then, then-implies-first) and "unrunnable" along the edges
 * until nothing changes. The transition summary and the revised state read the result.
 */

import type { CibModel, OrderConstraint } from "../cib/index.js";
import { isAvailable, primitivesOf, roleRank, type Role, type WNode, type WorkingSet, type WRsc } from "./model.js";
import { resolveRefs } from "./constraints.js";
import type { GraphAction, SummaryAction } from "./types.js";

export type Task = "start" | "stop" | "promote" | "demote" | "monitor";

export interface Act {
  id: number;
  rsc: WRsc;
  task: Task;
  node: WNode | undefined;
  optional: boolean;
  runnable: boolean;
  reason: string | undefined;
  /** A blocked clone-instance start that Pacemaker still lists (require-all=false orders). */
  listBlocked?: boolean;
}

/** Edge flags: what a "first" action's state implies for "then" and back. */
interface Edge {
  first: Act;
  then: Act;
  impliesThen: boolean;
  impliesFirst: boolean;
  unrunnableBlocks: boolean;
  /** A symmetrical order: a running "then" whose start becomes unrunnable must stop. */
  stopsRunning: boolean;
  reason: string;
}

export interface PrimitiveActions {
  stops: Act[];
  start: Act;
  promote: Act | undefined;
  demote: Act | undefined;
}

export class ActionPlan {
  readonly acts: Act[] = [];
  readonly edges: Edge[] = [];
  readonly byRsc = new Map<WRsc, PrimitiveActions>();
  /** Primitives that move by live migration (migrate_to/migrate_from) instead of stop/start. */
  readonly migrating = new Set<WRsc>();

  constructor(private readonly ws: WorkingSet) {}

  private newAct(rsc: WRsc, task: Task, node: WNode | undefined, optional: boolean, runnable: boolean): Act {
    const a: Act = { id: this.acts.length, rsc, task, node, optional, runnable, reason: undefined };
    this.acts.push(a);
    return a;
  }

  private edge(first: Act, then: Act, impliesThen: boolean, impliesFirst: boolean, unrunnableBlocks: boolean, reason: string): void {
    if (first === then) return;
    this.edges.push({ first, then, impliesThen, impliesFirst, unrunnableBlocks, stopsRunning: this.symmetricOrder, reason });
  }

  createActions(): void {
    for (const p of this.ws.primitives) this.createPrimitiveActions(p);
  }

  nextRoleOf(p: WRsc): Role {
    if (p.assigned === undefined) return "Stopped";
    if (p.nextRole !== "Unknown") return p.nextRole;
    const clone = p.parent?.variant === "clone" ? p.parent : p.parent?.parent;
    return clone?.promotable === true ? "Unpromoted" : "Started";
  }

  private createPrimitiveActions(p: WRsc): void {
    const next = p.assigned;
    const managed = p.managed;
    const stops: Act[] = [];
    const multiply = p.runningOn.length > 1;
    for (const n of p.runningOn) {
      const recover = p.failed && !p.demoteOnFail;
      // An unmanaged resource gets no actions: its stops are never required.
      const needed = managed && (next !== n || multiply || recover);
      const runnable = managed && (n.online || n.unclean) && !p.stopFailedOn.has(n.name);
      const stop = this.newAct(p, "stop", n, !needed, runnable);
      if (needed) stop.reason = next === undefined ? "node availability" : undefined;
      stops.push(stop);
    }
    const running = p.runningOn.length === 1 && p.runningOn[0] === next && (!p.failed || p.demoteOnFail);
    // An unmanaged resource left running where it is counts as started for its dependents.
    const startRunnable = next !== undefined && ((managed && isAvailable(next)) || (!managed && !p.failed && p.runningOn.includes(next)));
    const start = this.newAct(p, "start", next, next === undefined || running || !managed, startRunnable);
    if (managed && next !== undefined && (multiply || (p.failed && !p.demoteOnFail)) && p.runningOn.includes(next)) start.optional = false;
    this.applyQuorumPolicy(p, start);
    // A start always follows the stops of the same resource; a restart needs both.
    for (const s of stops) {
      this.edge(s, start, s.node === next, s.node === next, false, `${p.id} restart`);
    }
    let promote: Act | undefined;
    let demote: Act | undefined;
    const nextRole = this.nextRoleOf(p);
    if (p.role === "Promoted" && p.runningOn.length > 0) {
      demote = this.newAct(p, "demote", p.runningOn[0], !(nextRole !== "Promoted" || next !== p.runningOn[0] || p.failed), managed);
      for (const s of stops) this.edge(demote, s, false, true, false, `${p.id} demote before stop`);
    }
    if (nextRole === "Promoted" && next !== undefined) {
      const already = p.role === "Promoted" && p.runningOn[0] === next && !p.failed;
      promote = this.newAct(p, "promote", next, already, managed && isAvailable(next));
      this.edge(start, promote, true, false, true, `${p.id} start before promote`);
    }
    this.byRsc.set(p, { stops, start, promote, demote });
  }

  /** Without quorum, no-quorum-policy decides which starts may run (requires=nothing is exempt). */
  private applyQuorumPolicy(p: WRsc, start: Act): void {
    const o = this.ws.options;
    if (o.haveQuorum || p.requires === "nothing" || start.node === undefined) return;
    if (o.noQuorumPolicy === "stop" || o.noQuorumPolicy === "suicide") {
      start.runnable = false;
      start.reason = "no quorum";
    } else if (o.noQuorumPolicy === "freeze" && p.runningOn.length === 0) {
      start.runnable = false;
      start.reason = "quorum freeze";
    }
  }

  // ---- orderings ----

  private actsOf(r: WRsc, task: string): Act[] {
    const out: Act[] = [];
    for (const p of primitivesOf(r)) {
      const pa = this.byRsc.get(p);
      if (pa === undefined) continue;
      switch (task) {
        case "start":
          out.push(pa.start);
          break;
        case "stop":
          out.push(...pa.stops);
          break;
        case "promote":
          if (pa.promote !== undefined) out.push(pa.promote);
          break;
        case "demote":
          if (pa.demote !== undefined) out.push(pa.demote);
          break;
        default:
          break;
      }
    }
    return out;
  }

  createOrderings(cib: CibModel): void {
    // Group members: start in order, stop in reverse.
    const groups: WRsc[] = [];
    for (const r of this.ws.resourcesInOrder) {
      if (r.variant === "group") groups.push(r);
      if (r.variant === "clone") for (const c of r.children) if (c.variant === "group") groups.push(c);
    }
    for (const g of groups) {
      if (!g.groupOrdered) continue;
      for (let i = 1; i < g.children.length; i++) {
        const prev = g.children[i - 1] as WRsc;
        const cur = g.children[i] as WRsc;
        this.symmetricOrder = true;
        this.order(prev, "start", cur, "start", "Mandatory", `group ${g.id}`);
        this.symmetricOrder = false;
        this.order(cur, "stop", prev, "stop", "MandatoryReverse", `group ${g.id}`);
      }
    }
    for (const c of cib.constraints) if (c.kind === "order") this.unpackOrder(c, cib);
  }

  private order(first: WRsc, firstTask: string, then: WRsc, thenTask: string, kind: "Mandatory" | "MandatoryReverse" | "Optional" | "Serialize", reason: string): void {
    if (kind === "Optional" || kind === "Serialize") return;
    const firstIsClone = first.variant === "clone";
    const thenIsClone = then.variant === "clone";
    if (firstIsClone && thenIsClone) {
      // Clone to clone: interleaved instances pair up per node; otherwise only runnability.
      // require-all=false goes through "one or more" of the first clone: no pairing.
      const interleave = (kind === "Mandatory" ? then : first).interleave && this.requireAll;
      if (interleave) {
        for (const ti of then.children) {
          const tn = instanceNode(ti);
          let partnered = false;
          for (const fi of first.children) {
            const fn = instanceNode(fi);
            if (fn === undefined || tn !== fn) continue;
            partnered = true;
            for (const f of this.actsOf(fi, firstTask)) for (const t of this.actsOf(ti, thenTask)) this.edge(f, t, kind === "Mandatory", kind !== "Mandatory", kind === "Mandatory", reason);
          }
          // An interleaved instance with no instance of the first clone on its node cannot start.
          if (!partnered && this.requireAll && !first.meta.has("clone-min") && kind === "Mandatory" && thenTask === "start" && firstTask === "start") {
            // Interleaved: no instance of the first clone on this node, so this one cannot start.
            for (const t of this.actsOf(ti, thenTask)) this.cloneRunnable.push({ firsts: [], then: t, reason, stopsRunning: this.symmetricOrder, minimum: 1, oneOrMore: false });
          } else if ((!partnered || cloneMin(first) > 1) && kind === "Mandatory" && thenTask === "start" && firstTask === "start") {
            const firsts = this.actsOf(first, firstTask);
            for (const t of this.actsOf(ti, thenTask)) this.cloneRunnable.push({ firsts, then: t, reason, stopsRunning: this.symmetricOrder, minimum: cloneMin(first), oneOrMore: !this.requireAll });
          }
        }
        return;
      }
      if (kind === "Mandatory") {
        const firsts = this.actsOf(first, firstTask);
        for (const t of this.actsOf(then, thenTask)) if (thenTask === "start" && firstTask === "start") this.cloneRunnable.push({ firsts, then: t, reason, stopsRunning: this.symmetricOrder, minimum: cloneMin(first), oneOrMore: !this.requireAll });
      }
      return;
    }
    const firsts = this.actsOf(first, firstTask);
    const thens = this.actsOf(then, thenTask);
    for (const t of thens) {
      if (kind === "Mandatory") {
        for (const f of firsts) this.edge(f, t, !thenIsClone, false, !firstIsClone, reason);
        // A clone's "running" pseudo action is redone when any instance stops or starts,
        // which restarts a primitive ordered after the clone.
        if (firstIsClone && !thenIsClone && firstTask === "start" && thenTask === "start") {
          for (const f of this.actsOf(first, "stop")) if (f.node === t.node) this.edge(f, t, true, false, false, `${reason} (${first.id} running)`);
        }
        if (firstIsClone && thenTask === "start" && firstTask === "start") this.cloneRunnable.push({ firsts, then: t, reason, stopsRunning: this.symmetricOrder, minimum: cloneMin(first), oneOrMore: !this.requireAll });
      } else {
        // Reverse (stop) direction: a stop that cannot run blocks the stops ordered after it.
        for (const f of firsts) this.edge(f, t, false, !firstIsClone && !thenIsClone, !firstIsClone && !thenIsClone && f.task === "stop", reason);
      }
    }
  }

  private readonly cloneRunnable: { firsts: Act[]; then: Act; reason: string; stopsRunning: boolean; minimum: number; oneOrMore: boolean }[] = [];
  /** Whether the order being expanded is symmetrical (read by edge()). */
  private symmetricOrder = false;
  /** require-all of the order being expanded (false: any instance of the first will do). */
  private requireAll = true;

  private unpackOrder(c: OrderConstraint, cib: CibModel): void {
    const kind = c.orderKind;
    const pairs: { first: WRsc; firstAction: string; then: WRsc; thenAction: string }[] = [];
    if (c.sets.length === 0) {
      if (c.first === undefined || c.then === undefined) return;
      const firstAction = c.firstAction ?? "start";
      for (const first of resolveRefs(this.ws, cib, c.first))
        for (const then of resolveRefs(this.ws, cib, c.then)) if (first !== then) pairs.push({ first, firstAction, then, thenAction: c.thenAction ?? firstAction });
    } else {
      let prevLast: { r: WRsc; action: string }[] | undefined;
      for (const s of c.sets) {
        const members = s.resources.flatMap((id) => resolveRefs(this.ws, cib, id));
        const action = s.action ?? "start";
        if (s.sequential !== false) for (let i = 1; i < members.length; i++) pairs.push({ first: members[i - 1] as WRsc, firstAction: action, then: members[i] as WRsc, thenAction: action });
        if (prevLast !== undefined && members.length > 0) {
          const thens = s.sequential !== false ? [members[0] as WRsc] : members;
          for (const p of prevLast) for (const t of thens) pairs.push({ first: p.r, firstAction: p.action, then: t, thenAction: action });
        }
        prevLast = s.sequential !== false ? (members.length > 0 ? [{ r: members[members.length - 1] as WRsc, action }] : prevLast) : members.map((r) => ({ r, action }));
      }
    }
    const symmetrical = c.symmetrical ?? kind !== "Serialize";
    for (const p of pairs) {
      const reason = `order ${c.id}`;
      this.symmetricOrder = symmetrical;
      this.requireAll = c.requireAll !== false;
      if (kind === "Mandatory") this.order(p.first, p.firstAction, p.then, p.thenAction, "Mandatory", reason);
      this.symmetricOrder = false;
      if (symmetrical && kind === "Mandatory") {
        const inv = (a: string): string | undefined => ({ start: "stop", stop: "start", promote: "demote", demote: "promote" })[a];
        const fi = inv(p.thenAction);
        const ti = inv(p.firstAction);
        if (fi !== undefined && ti !== undefined) this.order(p.then, fi, p.first, ti, "MandatoryReverse", reason);
      }
      this.requireAll = true;
    }
  }

  /**
   * Live migration: a resource with allow-migrate, not failed, moving between two usable
   * nodes migrates, unless a mandatory ordering makes its start wait for the start of a
   * resource that really starts (and does not migrate itself).
   */
  computeMigrations(): void {
    for (const [p, pa] of this.byRsc) {
      const cur = p.runningOn[0];
      const next = p.assigned;
      if (!p.allowMigrate || p.failed || !p.managed || p.runningOn.length !== 1 || cur === undefined || next === undefined || cur === next) continue;
      if (!cur.online || cur.unclean || !isAvailable(next) || !pa.start.runnable) continue;
      if (p.parent?.variant === "clone" || p.parent?.parent?.variant === "clone") continue;
      if (p.pendingTask !== undefined) continue;
      this.migrating.add(p);
    }
    let changed = true;
    while (changed) {
      changed = false;
      for (const e of this.edges) {
        if (!e.impliesThen || e.first.task !== "start" || e.then.task !== "start" || e.first.rsc === e.then.rsc) continue;
        if (!this.migrating.has(e.then.rsc)) continue;
        if (e.first.optional || this.migrating.has(e.first.rsc)) continue;
        this.migrating.delete(e.then.rsc);
        changed = true;
      }
    }
  }

  // ---- propagation ----

  propagate(): void {
    let changed = true;
    let rounds = 0;
    while (changed && rounds < 1000) {
      changed = false;
      rounds++;
      for (const e of this.edges) {
        const migratingStart = e.first.task === "start" && this.migrating.has(e.first.rsc) && e.first.rsc !== e.then.rsc;
        if (e.impliesThen && !migratingStart && !e.first.optional && e.then.optional && e.then.node !== undefined && e.first.runnable) {
          e.then.optional = false;
          e.then.reason ??= `required ${e.first.rsc.id} ${e.first.task}`;
          changed = true;
        }
        const migratingStop = e.then.task === "stop" && this.migrating.has(e.then.rsc) && e.first.rsc !== e.then.rsc;
        if (e.impliesFirst && !migratingStop && !e.then.optional && e.first.optional && e.first.node !== undefined) {
          e.first.optional = false;
          e.first.reason ??= `required ${e.then.rsc.id} ${e.then.task}`;
          changed = true;
        }
        // An unmanaged first blocks starts but stops nothing that already runs.
        if (e.unrunnableBlocks && !e.first.runnable && e.then.runnable && (!isAlreadyRunning(e.then) || (e.stopsRunning && e.first.rsc.managed))) {
          e.then.runnable = false;
          e.then.reason = `unrunnable ${e.first.rsc.id} ${e.first.task}`;
          changed = true;
        }
      }
      for (const cr of this.cloneRunnable) {
        if (cr.then.runnable && (!isAlreadyRunning(cr.then) || cr.stopsRunning) && cr.firsts.filter((f) => f.runnable || isAlreadyRunning(f)).length < cr.minimum) {
          cr.then.runnable = false;
          cr.then.reason = cr.oneOrMore ? `unrunnable clone-one-or-more:${cr.reason.replace(/^order /, "")}` : `unrunnable ${cr.firsts[0]?.rsc.id ?? ""} start`;
          if (cr.oneOrMore) cr.then.listBlocked = true;
          changed = true;
        }
      }
      // A mandatory colocation's dependent cannot start where its primary cannot.
      for (const c of this.ws.colocations) {
        if (c.score < 1_000_000 || c.dependentRole !== "Unknown" || c.primaryRole !== "Unknown") continue;
        const primaryStart = this.byRsc.get(c.primary.variant === "group" ? (c.primary.children[c.primary.children.length - 1] as WRsc) : c.primary)?.start;
        if (primaryStart === undefined || primaryStart.runnable || primaryStart.node === undefined || !primaryStart.rsc.managed) continue;
        for (const dp of primitivesOf(c.dependent)) {
          const ds = this.byRsc.get(dp)?.start;
          if (ds === undefined || !ds.runnable || ds.node !== primaryStart.node) continue;
          ds.runnable = false;
          ds.reason = `colocation with ${c.primary.id}`;
          changed = true;
        }
      }
      // A restart: a required start where the resource runs needs its stop, and back.
      for (const [p, pa] of this.byRsc) {
        const start = pa.start;
        if (!p.managed) continue;
        // A move needs its stop first: a required stop that cannot run blocks the start.
        if (start.runnable && start.node !== undefined && pa.stops.some((s) => !s.optional && !s.runnable && s.node !== start.node)) {
          start.runnable = false;
          start.reason = `unrunnable ${p.id} stop`;
          changed = true;
        }
        if (!start.runnable && start.node !== undefined) {
          // A running resource that can no longer start where it runs has to stop there.
          for (const s of pa.stops) {
            if (s.node === start.node && s.optional) {
              s.optional = false;
              s.reason ??= start.reason;
              changed = true;
            }
          }
        }
        if (!start.optional && start.node !== undefined) {
          for (const s of pa.stops) {
            if (s.node === start.node && s.optional) {
              s.optional = false;
              changed = true;
            }
          }
        }
        for (const s of pa.stops) {
          if (!s.optional && s.node === start.node && start.optional && start.node !== undefined) {
            start.optional = false;
            changed = true;
          }
        }
        if (pa.promote !== undefined && p.role === "Promoted" && !start.optional && pa.promote.optional) {
          pa.promote.optional = false;
          changed = true;
        }
      }
    }
  }

  // ---- output ----

  graph(): { actions: GraphAction[]; edges: [number, number][] } {
    const kept = this.acts.filter((a) => !a.optional && a.node !== undefined);
    const ids = new Map<Act, number>();
    const actions: GraphAction[] = kept.map((a, i) => {
      ids.set(a, i);
      const g: GraphAction = { id: i, rsc: a.rsc.id, task: a.task, runnable: a.runnable };
      if (a.node !== undefined) g.node = a.node.name;
      return g;
    });
    const edges: [number, number][] = [];
    const seen = new Set<string>();
    for (const e of this.edges) {
      const f = ids.get(e.first);
      const t = ids.get(e.then);
      if (f === undefined || t === undefined || f === t) continue;
      const k = `${f}>${t}`;
      if (seen.has(k)) continue;
      seen.add(k);
      edges.push([f, t]);
    }
    return { actions, edges };
  }

  summary(): SummaryAction[] {
    const out: SummaryAction[] = [];
    for (const p of this.ws.primitives) {
      const pa = this.byRsc.get(p);
      if (pa === undefined) continue;
      const s = summarize(p, pa, this.nextRoleOf(p), this.migrating.has(p));
      if (s !== undefined) out.push(...s);
    }
    return out;
  }
}

function instanceNode(inst: WRsc): WNode | undefined {
  const p = inst.variant === "primitive" ? inst : inst.children[0];
  return p?.assigned ?? p?.runningOn[0];
}

/** clone-min: how many instances of a clone must run before what is ordered after it may start. */
function cloneMin(r: WRsc): number {
  const v = Number.parseInt(r.meta.get("clone-min") ?? "", 10);
  return Number.isNaN(v) || v < 1 ? 1 : v;
}

function isAlreadyRunning(a: Act): boolean {
  return a.task === "start" && a.optional && a.node !== undefined;
}

function promotableOf(p: WRsc): boolean {
  const clone = p.parent?.variant === "clone" ? p.parent : p.parent?.parent;
  return clone?.promotable === true;
}

function roleLabel(p: WRsc, role: Role): string | undefined {
  if (!promotableOf(p)) return undefined;
  if (role === "Started") return "Unpromoted";
  return role;
}

function summarize(p: WRsc, pa: PrimitiveActions, nextRole: Role, migrating: boolean): SummaryAction[] | undefined {
  const out: SummaryAction[] = [];
  const current = p.runningOn;
  const next = p.assigned;
  const start = pa.start;
  const requiredStops = pa.stops.filter((s) => !s.optional);
  const curRole = p.role === "Started" && promotableOf(p) ? "Unpromoted" : p.role;
  const withReason = (a: SummaryAction, reason: string | undefined): SummaryAction => {
    if (reason !== undefined) a.reason = `due to ${reason}`;
    return a;
  };
  if (!p.managed) return undefined;
  if (current.length === 0) {
    if (next === undefined || start.optional) return undefined;
    if (nextRole === "Promoted") {
      const a: SummaryAction = { action: "Promote", rsc: p.id, node: next.name, fromRole: "Stopped", toRole: "Promoted" };
      if (!start.runnable) a.blocked = true;
      return [a];
    }
    const a: SummaryAction = { action: "Start", rsc: p.id, node: next.name };
    // Clone instances that cannot start are not listed (their clone's pseudo action is what blocks).
    if (!start.runnable && p.instance >= 0 && start.listBlocked !== true) return undefined;
    if (!start.runnable) {
      a.blocked = true;
      if (start.reason !== undefined) a.reason = `due to ${start.reason}`;
    }
    return [a];
  }
  if (current.length > 1) {
    // Multiply active: Pacemaker lists one line, the restart (or move) to the chosen node.
    const stayOn = next !== undefined && start.runnable ? next : undefined;
    const first = current[0] as WNode;
    if (stayOn !== undefined && current.includes(stayOn)) out.push({ action: p.failed ? "Recover" : "Restart", rsc: p.id, node: stayOn.name });
    else if (stayOn !== undefined) out.push({ action: p.failed ? "Recover" : "Move", rsc: p.id, from: first.name, to: stayOn.name });
    else for (const n of current) out.push({ action: "Stop", rsc: p.id, node: n.name });
    return out;
  }
  const cur = current[0] as WNode;
  const stop = pa.stops[0];
  const stopBlocked = stop !== undefined && !stop.runnable;
  if (next === undefined || (!start.runnable && next !== cur) || (!start.runnable && requiredStops.length > 0)) {
    if (requiredStops.length === 0 && next !== undefined) return undefined;
    const a: SummaryAction = { action: "Stop", rsc: p.id, node: cur.name };
    const label = roleLabel(p, curRole);
    if (label !== undefined) a.role = label;
    if (stopBlocked) a.blocked = true;
    return [withReason(a, stop?.reason ?? "node availability")];
  }
  if (next !== cur) {
    const verb = p.failed ? "Recover" : migrating ? "Migrate" : "Move";
    const a: SummaryAction = { action: verb, rsc: p.id, from: cur.name, to: next.name };
    if (promotableOf(p)) {
      a.fromRole = curRole;
      a.toRole = nextRole;
    }
    if (stopBlocked) a.blocked = true;
    out.push(a);
    return out;
  }
  // Same node.
  const restart = stop !== undefined && !stop.optional;
  if (restart) {
    const a: SummaryAction = { action: p.failed ? "Recover" : "Restart", rsc: p.id, node: cur.name };
    const label = roleLabel(p, curRole);
    if (label !== undefined && label !== "Unpromoted" || (label === "Unpromoted" && p.failed)) a.role = label;
    if (stopBlocked) a.blocked = true;
    out.push(withReason(a, p.failed ? undefined : stop.reason ?? start.reason));
    if (roleRank(nextRole) > roleRank(curRole) && nextRole === "Promoted" && curRole !== "Promoted") {
      out.push({ action: "Promote", rsc: p.id, node: cur.name, fromRole: curRole, toRole: "Promoted" });
    }
    return out;
  }
  if (curRole === "Promoted" && nextRole !== "Promoted" && pa.demote !== undefined && !pa.demote.optional) {
    return [{ action: "Demote", rsc: p.id, node: cur.name, fromRole: "Promoted", toRole: "Unpromoted" }];
  }
  if (curRole !== "Promoted" && nextRole === "Promoted" && pa.promote !== undefined && !pa.promote.optional) {
    const a: SummaryAction = { action: "Promote", rsc: p.id, node: cur.name, fromRole: curRole, toRole: "Promoted" };
    if (!pa.promote.runnable) a.blocked = true;
    return [a];
  }
  return undefined;
}
