/**
 * Unpacking: cluster options, nodes (with their state and attributes), the resource tree
 * (clone instances included) and the status section (what runs where, failures,
 * failcounts). Mirrors Pacemaker's unpack phase; builds a fresh working set.
 */

import {
  effectiveAttributes,
  isTrue,
  type AttributeSet,
  type CibModel,
  type Clone,
  type Group,
  type LrmResource,
  type LrmRscOp,
  type NodeState,
  type Primitive,
  type Resource,
} from "../cib/index.js";
import { INFINITY, parseDurationMs, parseScoreLenient } from "../core/index.js";
import { evaluateRule, type RuleContext } from "./rules.js";
import {
  cloneOf,
  parseRole,
  roleRank,
  type Options,
  type Role,
  type Variant,
  type WNode,
  type WorkingSet,
  type WRsc,
} from "./model.js";

function ruleHolds(ctx: RuleContext) {
  return (rule: Parameters<typeof evaluateRule>[0]): boolean => evaluateRule(rule, ctx);
}

function boolOf(v: string | undefined, dflt: boolean): boolean {
  return v === undefined ? dflt : isTrue(v);
}

function intOf(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  return parseScoreLenient(v);
}

function secondsOf(v: string | undefined): number {
  if (v === undefined) return 0;
  const ms = parseDurationMs(v);
  return ms === undefined ? 0 : Math.floor(ms / 1000);
}

/** Numeric-or-boolean membership fields: "true"/"online" in old CIBs, a non-zero timestamp in new ones. */
function truthyState(v: string | undefined, word: string): boolean {
  if (v === undefined) return false;
  if (/^\d+$/.test(v)) return Number(v) > 0;
  return v === word || isTrue(v);
}

export function unpackOptions(cib: CibModel, nowSec: number): Options {
  const props = effectiveAttributes(cib.properties, ruleHolds({ nodeAttrs: undefined, nowSec }), "cib-bootstrap-options");
  const get = (...names: string[]): string | undefined => {
    for (const n of names) {
      const v = props.get(n);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const rscDefaults = effectiveAttributes(cib.rscDefaults, ruleHolds({ nodeAttrs: undefined, nowSec }));
  const haveFencing = cib.resources.some(function hasStonith(r: Resource): boolean {
    switch (r.kind) {
      case "primitive":
        return r.class === "stonith";
      case "group":
        return r.children.some(hasStonith);
      case "clone":
        return hasStonith(r.child);
      case "bundle":
        return false;
      default:
        return false;
    }
  });
  const haveQuorumText = cib.cib["have-quorum"];
  return {
    symmetric: boolOf(get("symmetric-cluster"), true),
    stonithEnabled: boolOf(get("fencing-enabled", "stonith-enabled"), true),
    haveFencing,
    noQuorumPolicy: get("no-quorum-policy") ?? "stop",
    haveQuorum: haveQuorumText === undefined ? false : isTrue(haveQuorumText),
    stopOrphanResources: boolOf(get("stop-removed-resources", "stop-orphan-resources"), true),
    stopOrphanActions: boolOf(get("cancel-removed-actions", "stop-orphan-actions"), true),
    startFailureIsFatal: boolOf(get("start-failure-is-fatal"), true),
    maintenanceMode: boolOf(get("maintenance-mode"), false),
    stopAllResources: boolOf(get("stop-all-resources"), false),
    placementStrategy: get("placement-strategy") ?? "default",
    nodeHealthStrategy: get("node-health-strategy") ?? "none",
    defaultStickiness: intOf(rscDefaults.get("resource-stickiness") ?? get("default-resource-stickiness"), 0),
  };
}

function unpackNodes(cib: CibModel, options: Options, nowSec: number): WNode[] {
  const stateById = new Map<string, NodeState>();
  for (const s of cib.status) if (!stateById.has(s.id)) stateById.set(s.id, s);
  const nodes: WNode[] = [];
  cib.nodes.forEach((n, index) => {
    if (n.type === "remote" || n.type === "ping") return;
    const state = stateById.get(n.id);
    const attrs = new Map<string, string>();
    attrs.set("#uname", n.uname);
    attrs.set("#id", n.id);
    attrs.set("#kind", "cluster");
    attrs.set("#is_dc", cib.cib["dc-uuid"] === n.id ? "true" : "false");
    const baseCtx: RuleContext = { nodeAttrs: attrs, nowSec };
    for (const [k, v] of effectiveAttributes(n.attributes, ruleHolds(baseCtx))) attrs.set(k, v);
    if (state !== undefined) for (const [k, v] of effectiveAttributes(state.transient, ruleHolds(baseCtx))) attrs.set(k, v);
    let online = false;
    let unclean = false;
    let pending = false;
    if (state !== undefined) {
      const inCcm = truthyState(state.inCcm, "true");
      const crmd = truthyState(state.crmd, "online");
      const joined = state.join === undefined || state.join === "member";
      if (inCcm && crmd && joined) online = true;
      else if (inCcm && crmd) pending = true;
      else if (options.stonithEnabled && inCcm && state.expected === "member") unclean = true;
    } else if (options.stonithEnabled && options.haveFencing) {
      unclean = true;
    }
    const capacity = new Map<string, number>();
    for (const [k, v] of effectiveAttributes(n.utilization, ruleHolds(baseCtx))) capacity.set(k, parseScoreLenient(v));
    const shutdownAttr = attrs.get("shutdown") ?? state?.shutdown;
    nodes.push({
      name: n.uname,
      id: n.id,
      index,
      online,
      standby: isTrue(attrs.get("standby")),
      // Cluster-wide maintenance-mode makes resources unmanaged; nodes stay online.
      maintenance: isTrue(attrs.get("maintenance")),
      shutdown: online && shutdownAttr !== undefined && shutdownAttr !== "0",
      unclean,
      pending,
      hasState: state !== undefined,
      attrs,
      numResources: 0,
      capacity,
      remaining: new Map(capacity),
    });
  });
  return nodes;
}

// ---- resources ----

interface Builder {
  ws: WorkingSet;
  rscDefaults: AttributeSet[];
  nowSec: number;
  seq: number;
}

function metaOf(b: Builder, own: AttributeSet[], parent: WRsc | undefined, agent?: { class: string; provider?: string; type: string }): Map<string, string> {
  const ctx: RuleContext = { nodeAttrs: undefined, nowSec: b.nowSec };
  if (agent !== undefined) ctx.rsc = agent;
  const meta = effectiveAttributes(own, ruleHolds(ctx));
  if (parent !== undefined) for (const [k, v] of parent.meta) if (!meta.has(k)) meta.set(k, v);
  for (const [k, v] of effectiveAttributes(b.rscDefaults, ruleHolds(ctx))) if (!meta.has(k)) meta.set(k, v);
  return meta;
}

function newRsc(b: Builder, id: string, baseId: string, variant: Variant, parent: WRsc | undefined, meta: Map<string, string>): WRsc {
  const inClone = parent !== undefined && (parent.variant === "clone" || cloneOf(parent) !== undefined);
  const stickinessText = meta.get("resource-stickiness");
  const top = parent === undefined ? undefined : (cloneOf({ parent } as WRsc) ?? undefined);
  const cloneDefault = variant === "clone" || top !== undefined || inClone ? 1 : b.ws.options.defaultStickiness;
  const managed = boolOf(meta.get("is-managed"), true) && !b.ws.options.maintenanceMode && !isTrue(meta.get("maintenance"));
  const r: WRsc = {
    id,
    baseId,
    variant,
    parent,
    children: [],
    agent: "",
    className: "",
    meta,
    utilization: new Map(),
    priority: intOf(meta.get("priority"), 0),
    stickiness: stickinessText === undefined ? cloneDefault : intOf(stickinessText, 0),
    migrationThreshold: intOf(meta.get("migration-threshold"), INFINITY),
    failureTimeoutSec: secondsOf(meta.get("failure-timeout")),
    managed,
    maintenance: isTrue(meta.get("maintenance")) || b.ws.options.maintenanceMode,
    allowMigrate: isTrue(meta.get("allow-migrate")),
    multipleActive: meta.get("multiple-active") ?? "stop_start",
    requires: meta.get("requires") ?? "fencing",
    targetRole: parseRole(meta.get("target-role")),
    unique: false,
    promotable: false,
    cloneMax: 0,
    cloneNodeMax: 1,
    promotedMax: 1,
    promotedNodeMax: 1,
    interleave: false,
    ordered: false,
    notify: false,
    instance: -1,
    groupOrdered: true,
    groupColocated: true,
    role: "Stopped",
    nextRole: "Unknown",
    nextRoleReason: "",
    runningOn: [],
    failed: false,
    failureIgnored: false,
    demoteOnFail: false,
    blocked: false,
    orphan: false,
    notInstalled: false,
    pendingTask: undefined,
    pendingStartOn: new Set(),
    knownOn: new Set(),
    stopFailedOn: new Set(),
    history: new Map(),
    partialMigration: undefined,
    allowed: new Map(),
    assigned: undefined,
    unassigned: true,
    assigning: false,
    updatingNodes: false,
    thisWith: [],
    withThis: [],
    contributions: [],
    promotionPriority: 0,
    reasons: [],
    seq: b.seq++,
  };
  if (r.targetRole === "Stopped") r.nextRole = "Stopped";
  return r;
}

function buildPrimitive(b: Builder, p: Primitive, parent: WRsc | undefined, suffix: string): WRsc {
  const agentParts = { class: p.class, type: p.type, ...(p.provider === undefined ? {} : { provider: p.provider }) };
  const meta = metaOf(b, p.meta, parent, agentParts);
  const r = newRsc(b, p.id + suffix, p.id, "primitive", parent, meta);
  r.agent = p.provider === undefined ? `${p.class}:${p.type}` : `${p.class}:${p.provider}:${p.type}`;
  r.className = p.class;
  if (p.template !== undefined && parent === undefined) {
    const list = b.ws.byTemplate.get(p.template) ?? [];
    list.push(r);
    b.ws.byTemplate.set(p.template, list);
  }
  for (const [k, v] of effectiveAttributes(p.utilization, ruleHolds({ nodeAttrs: undefined, nowSec: b.nowSec }))) r.utilization.set(k, parseScoreLenient(v));
  return r;
}

function buildGroup(b: Builder, g: Group, parent: WRsc | undefined, suffix: string): WRsc {
  const meta = metaOf(b, g.meta, parent);
  const r = newRsc(b, g.id + suffix, g.id, "group", parent, meta);
  r.groupOrdered = boolOf(meta.get("ordered"), true);
  r.groupColocated = boolOf(meta.get("collocated"), true);
  r.children = g.children.map((c) => buildPrimitive(b, c, r, suffix));
  return r;
}

function buildClone(b: Builder, c: Clone): WRsc {
  const meta = metaOf(b, c.meta, undefined);
  const r = newRsc(b, c.id, c.id, "clone", undefined, meta);
  r.promotable = c.promotable || isTrue(meta.get("promotable"));
  r.childId = c.child.id;
  r.cloneMax = intOf(meta.get("clone-max"), b.ws.nodes.length);
  r.cloneNodeMax = intOf(meta.get("clone-node-max"), 1);
  const uniqueText = meta.get("globally-unique");
  r.unique = uniqueText === undefined ? r.cloneNodeMax > 1 : isTrue(uniqueText);
  // Only OCF and fencing agents support unique instances; Pacemaker forces the others anonymous.
  const childClasses = c.child.kind === "group" ? c.child.children.map((m) => m.class) : [c.child.class];
  if (childClasses.some((cls) => cls !== "ocf" && cls !== "stonith")) r.unique = false;
  r.promotedMax = intOf(meta.get("promoted-max") ?? meta.get("master-max"), 1);
  r.promotedNodeMax = intOf(meta.get("promoted-node-max") ?? meta.get("master-node-max"), 1);
  r.interleave = isTrue(meta.get("interleave"));
  r.ordered = isTrue(meta.get("ordered"));
  r.notify = isTrue(meta.get("notify"));
  for (let i = 0; i < r.cloneMax; i++) addInstance(b, r, c, i);
  return r;
}

function addInstance(b: Builder, clone: WRsc, c: Clone, i: number): WRsc {
  const suffix = `:${i}`;
  const inst = c.child.kind === "group" ? buildGroup(b, c.child, clone, suffix) : buildPrimitive(b, c.child, clone, suffix);
  inst.instance = i;
  for (const m of inst.children) m.instance = i;
  clone.children.push(inst);
  return inst;
}

function registerAll(ws: WorkingSet, r: WRsc): void {
  if (!ws.byId.has(r.id)) ws.byId.set(r.id, r);
  if (r.variant === "primitive") ws.primitives.push(r);
  for (const c of r.children) registerAll(ws, c);
}

// ---- status ----

interface OpOutcome {
  role: Role;
  onFail: string;
  failureIgnored: boolean;
  notInstalled: boolean;
  hardError: boolean;
  fatalError: boolean;
  pending: string | undefined;
  stopFailed: boolean;
  known: boolean;
  migratedFrom: string | undefined;
  migratingTo: string | undefined;
}

const ON_FAIL_RANK: Record<string, number> = {
  ignore: 0,
  demote: 1,
  restart: 2,
  "restart-container": 3,
  ban: 4,
  block: 5,
  stop: 6,
  standby: 7,
  fence: 8,
};

function expectedRc(op: LrmRscOp, isProbe: boolean): number {
  let key = op.transitionKey;
  if (key === undefined && op.transitionMagic !== undefined) {
    const semi = op.transitionMagic.indexOf(";");
    key = semi >= 0 ? op.transitionMagic.slice(semi + 1) : undefined;
  }
  if (key !== undefined) {
    // "action:transition:target-rc:uuid"
    const a = key.indexOf(":");
    const b = a < 0 ? -1 : key.indexOf(":", a + 1);
    const c = b < 0 ? -1 : key.indexOf(":", b + 1);
    if (c > b + 1) {
      const rc = Number(key.slice(b + 1, c));
      if (!Number.isNaN(rc)) return rc;
    }
  }
  return isProbe ? 7 : 0;
}

/** An operation's interval in ms, also for ISO 8601 durations ("P30S", "PT1M"). */
function opIntervalMs(o: { interval: string; intervalMs: number }): number {
  if (o.intervalMs !== 0 || !/^P/i.test(o.interval)) return o.intervalMs;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(o.interval.trim());
  if (m === null) return 0;
  const n = (i: number): number => Number(m[i] ?? 0);
  return ((((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
}

function configuredOnFail(prim: Primitive | undefined, task: string, intervalMs: number, options: Options): string {
  const op = prim?.operations.find((o) => o.name === task && opIntervalMs(o) === intervalMs);
  const v = op?.onFail;
  if (v !== undefined) return v;
  if (task === "stop") return options.stonithEnabled && options.haveFencing ? "fence" : "block";
  return "restart";
}

function unpackOps(rsc: WRsc, prim: Primitive | undefined, ops: LrmRscOp[], options: Options, nowSec: number): OpOutcome {
  const sorted =
    ops.length <= 1
      ? ops
      : ops
          .map((op, i) => ({ op, i }))
          .sort((a, b) => {
            const ca = a.op.callId < 0 ? Number.MAX_SAFE_INTEGER : a.op.callId;
            const cb = b.op.callId < 0 ? Number.MAX_SAFE_INTEGER : b.op.callId;
            return ca - cb || a.i - b.i;
          })
          .map((e) => e.op);
  const promotable = cloneOf(rsc)?.promotable ?? false;
  const activeRole: Role = promotable ? "Unpromoted" : "Started";
  const out: OpOutcome = {
    role: "Unknown",
    onFail: "ignore",
    failureIgnored: false,
    notInstalled: false,
    hardError: false,
    fatalError: false,
    pending: undefined,
    stopFailed: false,
    known: false,
    migratedFrom: undefined,
    migratingTo: undefined,
  };
  let lastFailureKey: string | undefined;
  const setActive = (): void => {
    if (roleRank(out.role) < roleRank("Started")) out.role = activeRole;
  };
  const clearPast = (): void => {
    if (out.onFail === "block" || out.onFail === "ignore" || out.onFail === "demote" || out.onFail === "restart" || out.onFail === "restart-container") out.onFail = "ignore";
    out.stopFailed = false;
  };
  for (const op of sorted) {
    const task = op.operation;
    const isProbe = task === "monitor" && op.intervalMs === 0;
    if (op.opStatus === -1 || op.opStatus === 1 && op.callId < 0) {
      // In flight.
      out.pending = task;
      if (task === "start" || task === "migrate_from") out.role = activeRole;
      else if (task === "promote") out.role = "Promoted";
      continue;
    }
    if (op.opStatus === 1) continue; // cancelled
    out.known = true;
    const expected = expectedRc(op, isProbe);
    // OCF "degraded" results count as success (190: running, 191: running promoted).
    const rc = op.rcCode === 190 ? 0 : op.rcCode === 191 ? 8 : op.rcCode;
    const key = `${task}_${op.intervalMs}`;
    // Old CIBs record unexpected results as op-status 4 (error); the rc decides, as Pacemaker remaps.
    let failed = op.opStatus !== 0 && op.opStatus !== 4;
    if (!failed) {
      if (rc === 7) failed = !(isProbe || expected === 7);
      else if (rc === 0) failed = !isProbe && expected !== 0 && !(expected === 7 && task !== "monitor");
      else if (rc === 8) failed = !isProbe && expected !== 8;
      else failed = true;
    }
    if (!failed) {
      if (rc === 7) {
        out.role = "Stopped";
        clearPast();
        continue;
      }
      switch (task) {
        case "start":
        case "migrate_from":
          out.role = activeRole;
          clearPast();
          break;
        case "stop":
          out.role = "Stopped";
          clearPast();
          break;
        case "promote":
          out.role = "Promoted";
          clearPast();
          break;
        case "demote":
          if (out.onFail === "demote") clearPast();
          out.role = "Unpromoted";
          break;
        case "migrate_to":
          out.role = activeRole;
          out.migratingTo = op.migrateTarget;
          break;
        case "monitor":
          if (lastFailureKey === key) clearPast();
          if (rc === 8) out.role = "Promoted";
          else setActive();
          break;
        default:
          setActive();
          break;
      }
      continue;
    }
    // A failure. Failures older than failure-timeout have expired and no longer count.
    const changed = op.lastRcChange ?? op.lastRun;
    if (rsc.failureTimeoutSec > 0 && changed !== undefined && changed + rsc.failureTimeoutSec <= nowSec) continue;
    const hard = op.opStatus === 5 || op.opStatus === 6 || op.opStatus === 7;
    const configured = configuredOnFail(prim, task, op.intervalMs, options);
    const onFail = hard && configured === "ignore" ? "restart" : configured;
    // Hard errors (not installed, bad configuration…) cannot be ignored.
    if (onFail === "ignore" && !hard) {
      out.failureIgnored = true;
      if (task === "stop") out.role = "Stopped";
      else if (rc === 8 || rc === 9) out.role = "Promoted";
      else setActive();
      continue;
    }
    lastFailureKey = key;
    if ((ON_FAIL_RANK[onFail] ?? 2) > (ON_FAIL_RANK[out.onFail] ?? 0)) out.onFail = onFail;
    // Hard errors ban the resource from this node, fatal ones from every node.
    if (rc === 6 || op.opStatus === 6) out.fatalError = true;
    else if (rc === 2 || rc === 4 || rc === 5 || op.opStatus === 5 || op.opStatus === 7) out.hardError = true;
    if (rc === 5 || op.opStatus === 7) {
      out.notInstalled = true;
      if (isProbe) {
        out.role = "Stopped";
        continue;
      }
    }
    if (task === "stop") out.stopFailed = true;
    if (task === "promote" || rc === 8 || rc === 9) out.role = "Promoted";
    else if (task === "demote") out.role = rc === 7 ? "Stopped" : "Unpromoted";
    if (isProbe && rc === 5) out.role = "Stopped";
    else setActive();
  }
  return out;
}

function primitiveConfigs(cib: CibModel): Map<string, Primitive> {
  const out = new Map<string, Primitive>();
  const visit = (r: Resource | Primitive | Group): void => {
    switch (r.kind) {
      case "primitive":
        out.set(r.id, r);
        break;
      case "group":
        r.children.forEach(visit);
        break;
      case "clone":
        visit(r.child);
        break;
      default:
        break;
    }
  };
  cib.resources.forEach(visit);
  return out;
}

/** Which instance of an anonymous clone a history entry belongs to (Pacemaker's find_anonymous_clone). */
function findAnonymousInstance(clone: WRsc, baseId: string, node: WNode): WRsc | undefined {
  let inactive: WRsc | undefined;
  for (const inst of clone.children) {
    const member = inst.variant === "primitive" ? (inst.baseId === baseId ? inst : undefined) : inst.children.find((m) => m.baseId === baseId);
    const locations = new Set<string>();
    for (const p of inst.variant === "primitive" ? [inst] : inst.children) for (const n of p.runningOn) locations.add(n.name);
    if (locations.size > 0) {
      if (locations.has(node.name) && member !== undefined) {
        if (member.runningOn.length > 0) return undefined;
        return member;
      }
    } else if (inactive === undefined && member !== undefined) {
      inactive = member;
    }
  }
  return inactive;
}

function addOrphanInstance(b: Builder, clone: WRsc, config: Clone | undefined): WRsc | undefined {
  if (config === undefined) return undefined;
  const inst = addInstance(b, clone, config, clone.children.length);
  const mark = (r: WRsc): void => {
    r.orphan = true;
    r.children.forEach(mark);
  };
  mark(inst);
  registerAll(b.ws, inst);
  return inst;
}

function unpackStatus(b: Builder, cib: CibModel, cloneConfigs: Map<string, Clone>): void {
  const ws = b.ws;
  const prims = primitiveConfigs(cib);
  const online: { node: WNode; state: NodeState }[] = [];
  const other: { node: WNode; state: NodeState }[] = [];
  for (const state of cib.status) {
    const node = ws.nodeById.get(state.id) ?? (state.uname === undefined ? undefined : ws.nodeByName.get(state.uname));
    if (node === undefined) continue;
    if (node.online) online.push({ node, state });
    else if (node.unclean || node.maintenance) other.push({ node, state });
  }
  for (const { node, state } of [...online, ...other]) {
    for (const lrm of state.lrm) unpackLrmResource(b, node, lrm, prims, cloneConfigs);
  }
}

function unpackLrmResource(b: Builder, node: WNode, lrm: LrmResource, prims: Map<string, Primitive>, cloneConfigs: Map<string, Clone>): void {
  const ws = b.ws;
  const colon = lrm.id.lastIndexOf(":");
  const baseId = colon > 0 && /^\d+$/.test(lrm.id.slice(colon + 1)) ? lrm.id.slice(0, colon) : lrm.id;
  let rsc = ws.byId.get(lrm.id);
  if (rsc !== undefined && (rsc.variant !== "primitive" || (cloneOf(rsc) !== undefined && !cloneOf(rsc)!.unique))) rsc = undefined;
  if (rsc === undefined) {
    const first = ws.byId.get(baseId);
    const clone = first === undefined ? ws.cloneByChildId.get(baseId) : cloneOf(first);
    if (clone !== undefined && !clone.unique) {
      rsc = findAnonymousInstance(clone, baseId, node);
      if (rsc === undefined) {
        const inst = addOrphanInstance(b, clone, cloneConfigs.get(clone.id));
        rsc = inst === undefined ? undefined : inst.variant === "primitive" ? inst : inst.children.find((m) => m.baseId === baseId);
      }
    } else if (first !== undefined && first.variant === "primitive" && clone === undefined && lrm.id === baseId) {
      rsc = first;
    }
  }
  if (rsc === undefined) {
    if (lrm.ops.length === 0) return;
    // An orphan: history for a resource no longer configured.
    rsc = ws.byId.get(`#orphan:${lrm.id}`);
    if (rsc === undefined) {
      const meta = new Map<string, string>();
      rsc = newRsc(b, lrm.id, lrm.id, "primitive", undefined, meta);
      rsc.orphan = true;
      rsc.agent = lrm.provider === undefined ? `${lrm.class ?? "ocf"}:${lrm.type ?? ""}` : `${lrm.class ?? "ocf"}:${lrm.provider}:${lrm.type ?? ""}`;
      rsc.className = lrm.class ?? "";
      if (!ws.options.stopOrphanResources) rsc.managed = false;
      ws.byId.set(`#orphan:${lrm.id}`, rsc);
      ws.primitives.push(rsc);
      ws.orphans.push(rsc);
    }
  }
  const outcome = unpackOps(rsc, prims.get(rsc.baseId), lrm.ops, ws.options, ws.nowSec);
  if (outcome.known) rsc.knownOn.add(node.name);
  if (outcome.notInstalled) rsc.notInstalled = true;
  if (outcome.failureIgnored) rsc.failureIgnored = true;
  if (outcome.pending !== undefined) rsc.pendingTask = outcome.pending;
  if (outcome.pending === "start") rsc.pendingStartOn.add(node.name);
  const active = outcome.role !== "Stopped" && outcome.role !== "Unknown";
  if (outcome.stopFailed && active) rsc.stopFailedOn.add(node.name);
  // The history id where it is active names its promotion score attribute.
  if (active) rsc.historyId = lrm.id;
  if (active) {
    if (!rsc.runningOn.includes(node)) rsc.runningOn.push(node);
    if (roleRank(outcome.role) > roleRank(rsc.role)) rsc.role = outcome.role;
    switch (outcome.onFail) {
      case "ignore":
        break;
      case "demote":
        // on-fail=demote: a failed promoted instance is demoted, not recovered.
        rsc.failed = true;
        rsc.demoteOnFail = true;
        break;
      case "block":
        rsc.failed = true;
        rsc.blocked = true;
        rsc.managed = false;
        break;
      case "stop":
        rsc.failed = true;
        rsc.nextRole = "Stopped";
        rsc.nextRoleReason = "on-fail=stop";
        break;
      case "ban":
        rsc.failed = true;
        ws.bans.push({ rsc, node, source: "on-fail=ban" });
        break;
      case "standby":
        rsc.failed = true;
        node.standby = true;
        break;
      case "fence":
        rsc.failed = true;
        if (outcome.stopFailed) {
          rsc.blocked = true;
        }
        break;
      default:
        rsc.failed = true;
        break;
    }
  }
  if (outcome.fatalError) for (const n of ws.nodes) ws.bans.push({ rsc, node: n, source: "fatal error" });
  else if (outcome.hardError) ws.bans.push({ rsc, node, source: outcome.notInstalled ? "not installed" : "hard error" });
}

export function unpack(cib: CibModel, nowSec: number): WorkingSet {
  const options = unpackOptions(cib, nowSec);
  const nodes = unpackNodes(cib, options, nowSec);
  const ws: WorkingSet = {
    nowSec,
    options,
    nodes,
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    nodeById: new Map(nodes.map((n) => [n.id, n])),
    resources: [],
    resourcesInOrder: [],
    byId: new Map(),
    primitives: [],
    colocations: [],
    cloneByChildId: new Map(),
    promotionScores: [],
    byTemplate: new Map(),
    orphans: [],
    bans: [],
  };
  const b: Builder = { ws, rscDefaults: cib.rscDefaults, nowSec, seq: 0 };
  const cloneConfigs = new Map<string, Clone>();
  for (const r of cib.resources) {
    let w: WRsc | undefined;
    switch (r.kind) {
      case "primitive":
        w = buildPrimitive(b, r, undefined, "");
        break;
      case "group":
        w = buildGroup(b, r, undefined, "");
        break;
      case "clone":
        cloneConfigs.set(r.id, r);
        w = buildClone(b, r);
        for (const p of r.child.kind === "group" ? r.child.children : [r.child]) ws.cloneByChildId.set(p.id, w);
        break;
      case "bundle":
        w = undefined;
        break;
      default:
        w = undefined;
        break;
    }
    if (w === undefined) continue;
    ws.resourcesInOrder.push(w);
    registerAll(ws, w);
    // Clone instance ids "rsc:0" are registered; also let the base id find the first instance.
    for (const p of w.variant === "primitive" ? [] : w.children.flatMap((c) => (c.variant === "primitive" ? [c] : c.children))) {
      if (!ws.byId.has(p.baseId)) ws.byId.set(p.baseId, p);
    }
  }
  unpackStatus(b, cib, cloneConfigs);
  for (const o of ws.orphans) ws.resourcesInOrder.push(o);
  // Resources active on a node in maintenance are left alone there.
  for (const p of ws.primitives) {
    if (p.runningOn.some((n) => n.maintenance)) {
      p.managed = false;
      p.maintenance = true;
    }
  }
  // multiple-active: what to do with a primitive found active on several nodes.
  for (const p of ws.primitives) {
    if (p.runningOn.length <= 1) continue;
    if (p.multipleActive === "block") {
      p.managed = false;
      p.blocked = true;
    } else if (p.multipleActive === "stop_only") {
      p.nextRole = "Stopped";
      p.nextRoleReason = "multiple-active=stop_only";
    }
  }
  // Roles of groups and clones summarize their children.
  for (const r of ws.resourcesInOrder) summarizeRole(r);
  ws.resources = [...ws.resourcesInOrder].sort((a, b2) => b2.priority - a.priority || a.seq - b2.seq);
  return ws;
}

function summarizeRole(r: WRsc): Role {
  if (r.variant === "primitive") return r.role;
  let best: Role = "Stopped";
  for (const c of r.children) {
    const role = summarizeRole(c);
    if (roleRank(role) > roleRank(best)) best = role;
  }
  if (r.variant === "group") {
    r.role = r.children[0]?.role ?? "Stopped";
    const nodes = new Set<WNode>();
    for (const c of r.children) for (const n of c.runningOn) nodes.add(n);
    r.runningOn = [...nodes];
  } else {
    r.role = best;
  }
  return r.role;
}
