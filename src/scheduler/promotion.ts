/**
 * Promotion of promotable clone instances (Pacemaker's pcmk__set_instance_roles), run at
 * the end of the clone's assignment so that resources colocated with a role see it:
 *  1. each assigned instance gets a promotion priority: its promotion score (the
 *     `master-<rsc>` node attribute; none = −1, never promoted), plus Promoted-role
 *     location constraints and role colocations;
 *  2. priorities are added to the clone's node scores, promotion colocations are merged
 *     in, and each instance takes its node's resulting score as sort index;
 *  3. instances are promoted best first, up to promoted-max overall and
 *     promoted-node-max per node.
 */

import { INFINITY, MINUS_INFINITY, addScores, parseScoreLenient } from "../core/index.js";
import type { Assigner } from "./assign.js";
import type { PromotionLocation } from "./constraints.js";
import { isAvailable, roleRank, type Colocation, type Role, type WNode, type WorkingSet, type WRsc } from "./model.js";

export function instanceNode(inst: WRsc): WNode | undefined {
  if (inst.variant === "primitive") return inst.assigned;
  return inst.children[0]?.assigned;
}

function attrValue(node: WNode, name: string): string | undefined {
  return node.attrs.get(`master-${name}`) ?? node.attrs.get(`promotion-${name}`);
}

/** Whether a promotion score on `node` may apply to instance `p` (promotion_score_applies). */
function scoreApplies(p: WRsc, clone: WRsc, node: WNode): boolean {
  const allowed = (): boolean => {
    const score = p.allowed.get(node.name);
    return score !== undefined && score >= 0;
  };
  if (!clone.unique) {
    let activeHere: WRsc | undefined;
    let knownHere = false;
    for (const inst of clone.children) {
      for (const m of inst.variant === "primitive" ? [inst] : inst.children) {
        if (m.baseId !== p.baseId) continue;
        if (m.runningOn.includes(node)) activeHere = m;
        if (m.knownOn.has(node.name)) knownHere = true;
      }
    }
    if (activeHere === p) return allowed();
    if (activeHere === undefined && knownHere) return allowed();
  }
  if (p.runningOn.length === 0 && p.knownOn.size === 0) return allowed();
  if (p.knownOn.has(node.name) || p.runningOn.includes(node)) return allowed();
  return false;
}

/** promotion_score: the score and whether it was defaulted (no attribute). */
export function promotionScore(inst: WRsc, clone: WRsc, node: WNode | undefined): { score: number; isDefault: boolean } {
  if (node === undefined) return { score: 0, isDefault: true };
  if (inst.variant !== "primitive") {
    let score = 0;
    let isDefault = true;
    for (const m of inst.children) {
      const s = promotionScore(m, clone, node);
      if (!s.isDefault) isDefault = false;
      score += s.score;
    }
    return { score, isDefault };
  }
  if (!scoreApplies(inst, clone, node)) return { score: 0, isDefault: true };
  const v = attrValue(node, inst.historyId ?? inst.id) ?? (clone.unique ? undefined : attrValue(node, inst.baseId));
  if (v === undefined) return { score: 0, isDefault: true };
  return { score: parseScoreLenient(v), isDefault: false };
}

/** pcmk__add_promotion_scores: positive promotion scores count for placement too. */
export function addPromotionScores(ws: WorkingSet, clone: WRsc): void {
  for (const inst of clone.children) {
    const target = inst.variant === "primitive" ? inst : inst.children[0];
    if (target === undefined) continue;
    for (const [name, weight] of target.allowed) {
      const node = ws.nodeByName.get(name);
      if (node === undefined || !isAvailable(node)) continue;
      const { score } = promotionScore(inst, clone, node);
      if (score > 0) {
        const next = addScores(weight, score);
        if (next !== weight) {
          target.allowed.set(name, next);
          target.contributions.push({ node: name, delta: score, source: "promotion score" });
        }
      }
    }
  }
}

function primsOf(inst: WRsc): WRsc[] {
  return inst.variant === "primitive" ? [inst] : inst.children;
}

function setNext(inst: WRsc, role: "Promoted" | "Unpromoted"): void {
  for (const p of primsOf(inst)) {
    if (p.assigned === undefined) continue;
    p.nextRole = role;
  }
  inst.nextRole = role;
}

export class Promoter {
  constructor(
    private readonly ws: WorkingSet,
    private readonly assigner: Assigner,
    private readonly locations: PromotionLocation[],
  ) {}

  setInstanceRoles(clone: WRsc): void {
    const counts = new Map<string, number>();
    const sortIndex = new Map<WRsc, number>();
    for (const inst of clone.children) {
      const chosen = instanceNode(inst);
      const configured = clone.targetRole ?? inst.targetRole;
      let priority: number;
      if (chosen === undefined || configured === "Unpromoted" || configured === "Stopped" || primsOf(inst).some((p) => p.demoteOnFail)) {
        priority = MINUS_INFINITY;
      } else {
        const s = promotionScore(inst, clone, chosen);
        priority = s.isDefault ? -1 : s.score;
      }
      if (chosen !== undefined) {
        for (const l of this.locations) {
          if ((l.rsc === clone || l.rsc === inst || primsOf(inst).includes(l.rsc)) && l.node === chosen) priority = addScores(priority, l.score);
        }
        for (const c of this.roleColocations(inst, clone)) priority = this.colocationPriority(inst, chosen, c, priority);
      }
      inst.promotionPriority = priority;
      for (const p of primsOf(inst)) p.promotionPriority = priority;
      sortIndex.set(inst, priority);
    }
    // The clone's node scores gather instance priorities and promotion colocations.
    for (const inst of clone.children) {
      const idx = sortIndex.get(inst) ?? MINUS_INFINITY;
      const chosen = instanceNode(inst);
      if (idx < 0 || chosen === undefined) continue;
      clone.allowed.set(chosen.name, addScores(idx, clone.allowed.get(chosen.name) ?? 0));
    }
    // "This with" colocations were applied to each instance's priority above.
    for (const c of clone.withThis) {
      if (c.primaryRole !== "Promoted" || !c.influence) continue;
      const work = this.assigner.addColocatedNodeScores(c.dependent, clone, clone.allowed, c, c.score / INFINITY, true, true);
      if (work !== undefined) clone.allowed = work;
    }
    for (const inst of clone.children) {
      const chosen = instanceNode(inst);
      const idx = sortIndex.get(inst) ?? MINUS_INFINITY;
      if (!inst.managed && inst.role === "Promoted") sortIndex.set(inst, INFINITY);
      else if (chosen === undefined) sortIndex.set(inst, MINUS_INFINITY);
      else if (idx >= 0) sortIndex.set(inst, clone.allowed.get(chosen.name) ?? 0);
    }
    for (const inst of clone.children) {
      const chosen = instanceNode(inst);
      if (inst.orphan && chosen === undefined) continue;
      this.ws.promotionScores.push({ kind: "promotion", rsc: inst.id, node: chosen?.name ?? "", score: sortIndex.get(inst) ?? MINUS_INFINITY });
    }
    const order = [...clone.children].sort((a, b) => {
      const d = (sortIndex.get(b) ?? 0) - (sortIndex.get(a) ?? 0);
      if (d !== 0) return d;
      const r = roleRank(currentRole(b)) - roleRank(currentRole(a));
      if (r !== 0) return r;
      const pr = b.promotionPriority - a.promotionPriority;
      if (pr !== 0) return pr;
      return a.instance - b.instance;
    });
    let promoted = 0;
    for (const inst of order) {
      const idx = sortIndex.get(inst) ?? MINUS_INFINITY;
      let node: WNode | undefined;
      if (idx >= 0 && (promoted < clone.promotedMax || !clone.managed)) node = this.nodeToPromoteOn(inst, clone, counts);
      if (node === undefined) {
        setNext(inst, "Unpromoted");
        continue;
      }
      if (currentRole(inst) !== "Promoted" && !this.ws.options.haveQuorum && this.ws.options.noQuorumPolicy === "freeze") {
        setNext(inst, "Unpromoted");
        continue;
      }
      counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
      setNext(inst, "Promoted");
      promoted++;
    }
  }

  private nodeToPromoteOn(inst: WRsc, clone: WRsc, counts: Map<string, number>): WNode | undefined {
    const node = instanceNode(inst);
    if (node === undefined) return undefined;
    if (primsOf(inst).some((p) => p.assigned === undefined)) return undefined;
    if (!inst.managed || primsOf(inst).some((p) => !p.managed)) {
      if (currentRole(inst) !== "Promoted") return undefined;
    } else if (inst.promotionPriority < 0) return undefined;
    else if (!isAvailable(node)) return undefined;
    if (!clone.allowed.has(node.name)) return node;
    if ((counts.get(node.name) ?? 0) >= clone.promotedNodeMax && inst.managed) return undefined;
    return node;
  }

  /** Colocations of the instance (its own and its clone's) that constrain its role. */
  private roleColocations(inst: WRsc, clone: WRsc): Colocation[] {
    const list: Colocation[] = [];
    for (const c of [...primsOf(inst).flatMap((p) => p.thisWith), ...inst.thisWith, ...clone.thisWith]) {
      if (roleRank(c.dependentRole) >= roleRank("Unpromoted")) list.push(c);
    }
    return list;
  }

  private colocationPriority(inst: WRsc, chosen: WNode, c: Colocation, priority: number): number {
    const primary = c.primary;
    if (primary.variant === "clone" && primary.promotable && c.primaryRole !== "Unknown") {
      if (c.dependentRole !== "Promoted") return priority;
      const match = primary.children.some((pi) => instanceNode(pi) === chosen && (pi.nextRole === c.primaryRole || (c.primaryRole === "Started" && pi.nextRole !== "Stopped")));
      if (match) return addScores(priority, c.score);
      if (c.score >= INFINITY) return MINUS_INFINITY;
      return priority;
    }
    const pn = primary.variant === "clone" ? undefined : primary.variant === "group" ? primary.children[primary.children.length - 1]?.assigned : primary.assigned;
    if (primary.variant === "clone") {
      const here = primary.children.some((pi) => instanceNode(pi) === chosen);
      if (here) return c.dependentRole === "Unpromoted" ? addScores(priority, -c.score) : addScores(priority, c.score);
      if (c.score >= INFINITY && c.dependentRole === "Promoted") return MINUS_INFINITY;
      return priority;
    }
    if (pn === undefined) {
      if (c.score >= INFINITY && c.dependentRole === "Promoted") return MINUS_INFINITY;
      return priority;
    }
    const attr = c.nodeAttribute;
    const same = (pn.attrs.get(attr) ?? "") === (chosen.attrs.get(attr) ?? "");
    if (!same) return c.score >= INFINITY && c.dependentRole === "Promoted" ? MINUS_INFINITY : priority;
    if (c.primaryRole !== "Unknown" && primary.nextRole !== "Unknown" && primary.nextRole !== c.primaryRole) return priority;
    return addScores(priority, c.dependentRole === "Unpromoted" ? -c.score : c.score);
  }
}

function currentRole(inst: WRsc): Role {
  if (inst.variant === "primitive") return inst.runningOn.length === 0 ? "Stopped" : inst.role;
  return inst.children[0]?.runningOn.length === 0 ? "Stopped" : (inst.children[0]?.role ?? "Stopped");
}
