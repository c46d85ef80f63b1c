/**
 * Location and colocation constraints: resolve their resources, turn location constraints
 * (scores and rules) into allowed-node scores, and index colocations on both resources
 * (sorted as Pacemaker sorts them). Every score change records its source.
 */

import type { ColocationConstraint, LocationConstraint, CibModel } from "../cib/index.js";
import { INFINITY, MINUS_INFINITY, addScores, parseScoreLenient } from "../core/index.js";
import { evaluateRule } from "./rules.js";
import { cloneOf, parseRole, primitivesOf, type Colocation, type WNode, type WorkingSet, type WRsc } from "./model.js";

/** Adds `score` to `rsc`'s allowed-node score on `node` (inserting the node), with a reason. */
export function addLocation(rsc: WRsc, node: WNode, score: number, source: string): void {
  const old = rsc.allowed.get(node.name);
  rsc.allowed.set(node.name, old === undefined ? score : addScores(old, score));
  if (score !== 0) rsc.contributions.push({ node: node.name, delta: score, source });
}

/** Applies to a resource and its descendants (clone instances, group members), as resource_location does. */
export function addLocationRecursive(rsc: WRsc, node: WNode, score: number, source: string): void {
  addLocation(rsc, node, score, source);
  for (const c of rsc.children) addLocationRecursive(c, node, score, source);
}

export function banEverywhere(rsc: WRsc, ws: WorkingSet, source: string): void {
  for (const n of ws.nodes) addLocationRecursive(rsc, n, MINUS_INFINITY, source);
}

/** Default allowed nodes: every node at 0 in a symmetric cluster, none otherwise. */
export function applySymmetricDefault(ws: WorkingSet): void {
  if (!ws.options.symmetric) return;
  const visit = (r: WRsc): void => {
    for (const n of ws.nodes) if (!r.allowed.has(n.name)) r.allowed.set(n.name, 0);
    r.children.forEach(visit);
  };
  ws.resourcesInOrder.forEach(visit);
}

function resolveTargets(ws: WorkingSet, cib: CibModel, c: LocationConstraint): WRsc[] {
  const out: WRsc[] = [];
  const tags = new Map(cib.tags.map((t) => [t.id, t.refs]));
  const add = (id: string): void => {
    const tagged = tags.get(id);
    if (tagged !== undefined) {
      tagged.forEach(add);
      return;
    }
    const r = topLevelOrMember(ws, id);
    if (r !== undefined) out.push(r);
    else for (const t of ws.byTemplate.get(id) ?? []) out.push(t);
  };
  if (c.rsc !== undefined) add(c.rsc);
  if (c.rscPattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(c.rscPattern);
    } catch {
      re = undefined;
    }
    if (re !== undefined) for (const r of ws.resourcesInOrder) if (re.test(r.id)) out.push(r);
  }
  for (const s of c.sets) s.resources.forEach(add);
  return out;
}

/** The resource a constraint names: a top-level resource, group or group member (not a clone instance). */
export function topLevelOrMember(ws: WorkingSet, id: string): WRsc | undefined {
  const r = ws.byId.get(id);
  if (r === undefined) return undefined;
  if (r.instance >= 0 || cloneOf(r) !== undefined) {
    // A clone's child named directly means the clone.
    return cloneOf(r);
  }
  return r;
}

/** Applies a location score the way each variant does (groups: first member gets scores). */
function applyLocationTo(rsc: WRsc, node: WNode, score: number, source: string): void {
  switch (rsc.variant) {
    case "primitive":
      addLocation(rsc, node, score, source);
      return;
    case "group": {
      addLocation(rsc, node, score, source);
      rsc.children.forEach((m, i) => applyLocationTo(m, node, i === 0 || !rsc.groupColocated ? score : 0, source));
      return;
    }
    case "clone":
      addLocation(rsc, node, score, source);
      for (const inst of rsc.children) applyLocationTo(inst, node, score, source);
      return;
    default: {
      const never: never = rsc.variant;
      return never;
    }
  }
}

export interface PromotionLocation {
  rsc: WRsc;
  node: WNode;
  score: number;
  source: string;
}

export function applyLocations(ws: WorkingSet, cib: CibModel): PromotionLocation[] {
  const promoted: PromotionLocation[] = [];
  for (const c of cib.constraints) {
    if (c.kind !== "location") continue;
    const targets = resolveTargets(ws, cib, c);
    if (targets.length === 0) continue;
    const role = parseRole(c.role);
    const emit = (node: WNode, score: number, r: WRsc, ruleRole?: string): void => {
      const effRole = parseRole(ruleRole) ?? role;
      const source = `location constraint ${c.id}`;
      if (effRole === "Promoted") promoted.push({ rsc: r, node, score, source });
      else applyLocationTo(r, node, score, source);
    };
    for (const r of targets) {
      if (c.node !== undefined) {
        const node = ws.nodeByName.get(c.node);
        if (node !== undefined) emit(node, c.score ?? 0, r);
        continue;
      }
      for (const rule of c.rules) {
        for (const node of ws.nodes) {
          if (!evaluateRule(rule, { nodeAttrs: node.attrs, nowSec: ws.nowSec })) continue;
          let score = rule.score ?? 0;
          if (rule.score === undefined && rule.scoreAttribute !== undefined) score = parseScoreLenient(node.attrs.get(rule.scoreAttribute));
          emit(node, score, r, rule.role);
        }
      }
    }
  }
  // Resources no longer configured (and surplus clone instances) may only stop.
  for (const p of ws.primitives) if (p.orphan) for (const n of ws.nodes) addLocation(p, n, MINUS_INFINITY, "orphaned (no longer configured)");
  for (const b of ws.bans) addLocationRecursive(cloneOf(b.rsc) !== undefined && !cloneOf(b.rsc)!.unique ? cloneOf(b.rsc)! : b.rsc, b.node, MINUS_INFINITY, b.source);
  return promoted;
}

// ---- colocations ----

const VARIANT_RANK = { primitive: 0, group: 1, clone: 2 } as const;

function cmpPriority(a: WRsc, b: WRsc): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.variant !== b.variant) return VARIANT_RANK[b.variant] - VARIANT_RANK[a.variant];
  if (a.promotable !== b.promotable) return a.promotable ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function newColocation(ws: WorkingSet, c: Omit<Colocation, "explicit"> & { explicit?: boolean }): void {
  if (c.score === 0) return;
  const col: Colocation = { ...c, explicit: c.explicit ?? true };
  ws.colocations.push(col);
  insertSorted(col.dependent.thisWith, col, (x, y) => cmpPriority(x.primary, y.primary));
  insertSorted(col.primary.withThis, col, (x, y) => cmpPriority(x.dependent, y.dependent));
}

function insertSorted<T>(list: T[], item: T, cmp: (a: T, b: T) => number): void {
  let i = list.length;
  while (i > 0 && cmp(list[i - 1] as T, item) > 0) i--;
  list.splice(i, 0, item);
}

function roleFilter(text: string | undefined): "Unknown" | "Stopped" | "Started" | "Unpromoted" | "Promoted" {
  const r = parseRole(text);
  return r === undefined || r === "Started" ? "Unknown" : r;
}

export function unpackColocations(ws: WorkingSet, cib: CibModel): void {
  // Group-internal colocations: each member with the previous one.
  for (const r of ws.resourcesInOrder) {
    const groups = r.variant === "group" ? [r] : r.variant === "clone" ? r.children.filter((c) => c.variant === "group") : [];
    for (const g of groups) {
      if (!g.groupColocated) continue;
      g.children.forEach((m, i) => {
        const prev = g.children[i - 1];
        if (prev !== undefined)
          newColocation(ws, {
            id: "#group-members",
            dependent: m,
            primary: prev,
            score: INFINITY,
            dependentRole: "Unknown",
            primaryRole: "Unknown",
            nodeAttribute: "#uname",
            influence: true,
            explicit: false,
          });
      });
    }
  }
  for (const c of cib.constraints) {
    if (c.kind !== "colocation") continue;
    unpackColocation(ws, cib, c);
  }
}

/** Resources an id names in a constraint: a resource, or every resource of a tag or template. */
export function resolveRefs(ws: WorkingSet, cib: CibModel, id: string): WRsc[] {
  const r = topLevelOrMember(ws, id);
  if (r !== undefined) return [r];
  const tag = cib.tags.find((t) => t.id === id);
  if (tag !== undefined) return tag.refs.flatMap((ref) => (ref === id ? [] : resolveRefs(ws, cib, ref)));
  return ws.byTemplate.get(id) ?? [];
}

function unpackColocation(ws: WorkingSet, cib: CibModel, c: ColocationConstraint): void {
  const nodeAttribute = c.nodeAttribute ?? "#uname";
  const influenceOf = (r: WRsc): boolean => c.influence ?? (r.meta.get("critical") === undefined || r.meta.get("critical") === "true");
  const make = (dep: WRsc, prim: WRsc, score: number, depRole?: string, primRole?: string): void => {
    if (dep === prim) return;
    newColocation(ws, {
      id: c.id,
      dependent: dep,
      primary: prim,
      score,
      dependentRole: roleFilter(depRole),
      primaryRole: roleFilter(primRole),
      nodeAttribute,
      influence: influenceOf(dep),
    });
  };
  if (c.sets.length === 0) {
    if (c.rsc === undefined || c.withRsc === undefined) return;
    // A tag or template stands for an unordered set of its resources. Between two such
    // sets the corpus shows no effect (template-coloc-3); only one-to-many is applied.
    const deps = resolveRefs(ws, cib, c.rsc);
    const prims = resolveRefs(ws, cib, c.withRsc);
    if (deps.length > 1 && prims.length > 1) return;
    for (const dep of deps) for (const prim of prims) make(dep, prim, c.score, c.rscRole, c.withRscRole);
    return;
  }
  // Resource sets: within a sequential set each member is colocated with the previous one;
  // between two sets, the first member of the earlier set with the last member of the later
  // one (all members of a non-sequential side).
  let previous: { members: WRsc[]; sequential: boolean; role: string | undefined } | undefined;
  for (const s of c.sets) {
    const score = s.score ?? c.score;
    const members = s.resources.flatMap((id) => resolveRefs(ws, cib, id));
    const sequential = s.sequential !== false;
    if (sequential) {
      for (let i = 1; i < members.length; i++) make(members[i] as WRsc, members[i - 1] as WRsc, score, s.role, s.role);
    }
    if (previous !== undefined) {
      const deps = previous.sequential ? previous.members.slice(0, 1) : previous.members;
      const prims = sequential ? members.slice(-1) : members;
      for (const d of deps) for (const p of prims) make(d, p, c.score, previous.role, s.role);
    }
    previous = { members, sequential, role: s.role };
  }
}

export function allPrimitives(r: WRsc): WRsc[] {
  return primitivesOf(r);
}
