/**
 * Promotion of promotable clone instances: each assigned instance gets a promotion score
 * (the `master-<rsc>` node attribute, none = −1 never promoted, plus Promoted-role location
 * constraints and colocations), and the best ones are promoted up to promoted-max overall
 * and promoted-node-max per node.
 */

import { MINUS_INFINITY, addScores } from "../core/index.js";
import type { Assigner } from "./assign.js";
import type { PromotionLocation } from "./constraints.js";
import { primitivesOf, type WNode, type WorkingSet, type WRsc } from "./model.js";
import { byteCompare } from "./views.js";

function promotionAttr(inst: WRsc, node: WNode): number | undefined {
  for (const p of primitivesOf(inst)) {
    const v = node.attrs.get(`master-${p.baseId}`) ?? node.attrs.get(`master-${p.id}`);
    if (v !== undefined) {
      const u = v.toUpperCase();
      if (u === "INFINITY" || u === "+INFINITY") return 1_000_000;
      if (u === "-INFINITY") return MINUS_INFINITY;
      const n = Number.parseInt(v, 10);
      return Number.isNaN(n) ? 0 : n;
    }
  }
  return undefined;
}

export function assignPromotion(ws: WorkingSet, assigner: Assigner, locations: PromotionLocation[]): void {
  void assigner;
  for (const clone of ws.resourcesInOrder) {
    if (clone.variant !== "clone" || !clone.promotable) continue;
    const candidates: { inst: WRsc; node: WNode; score: number }[] = [];
    for (const inst of clone.children) {
      const node = inst.variant === "primitive" ? inst.assigned : inst.children[0]?.assigned;
      if (node === undefined) continue;
      const attr = promotionAttr(inst, node);
      let score = attr ?? -1;
      if (attr === undefined) {
        // Never promoted without a promotion score.
        candidates.push({ inst, node, score: MINUS_INFINITY });
        continue;
      }
      for (const l of locations) if (l.rsc === clone && l.node === node) score = addScores(score, l.score);
      for (const c of clone.thisWith) {
        if (c.dependentRole !== "Promoted") continue;
        const pn = c.primary.assigned ?? c.primary.children.find((x) => x.assigned !== undefined)?.assigned;
        if (pn === undefined) {
          if (c.score >= 1_000_000) score = MINUS_INFINITY;
          continue;
        }
        if (pn === node) score = addScores(score, c.score);
        else if (c.score >= 1_000_000) score = MINUS_INFINITY;
      }
      if (inst.role === "Promoted") score = addScores(score, 0);
      candidates.push({ inst, node, score });
    }
    candidates.sort((a, b) => b.score - a.score || (a.inst.role === "Promoted" ? -1 : 0) - (b.inst.role === "Promoted" ? -1 : 0) || byteCompare(a.node.name, b.node.name));
    let promoted = 0;
    const perNode = new Map<string, number>();
    for (const c of candidates) {
      const prims = primitivesOf(c.inst);
      const canPromote =
        c.score >= 0 && promoted < clone.promotedMax && (perNode.get(c.node.name) ?? 0) < clone.promotedNodeMax && clone.targetRole !== "Unpromoted";
      for (const p of prims) {
        p.promotionPriority = c.score;
        if (canPromote) p.nextRole = "Promoted";
        else if (p.nextRole === "Unknown" || p.nextRole === "Promoted") p.nextRole = "Unpromoted";
      }
      if (canPromote) {
        promoted++;
        perNode.set(c.node.name, (perNode.get(c.node.name) ?? 0) + 1);
      }
    }
  }
}
