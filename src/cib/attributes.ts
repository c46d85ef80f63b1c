/**
 * Effective values of attribute blocks, with Pacemaker's precedence: blocks are tried in
 * order of descending score (document order among equals; a block named `firstId`, such
 * as `cib-bootstrap-options`, always first), blocks whose rule does not hold are skipped,
 * and the first block that sets a name wins.
 */

import { INFINITY } from "../core/index.js";
import type { AttributeSet, Rule } from "./model.js";

export type RulePredicate = (rule: Rule) => boolean;

/** Ignores rules: every block counts (for listings and configuration commands). */
export const ANY_RULE: RulePredicate = () => true;
/** Only blocks without rules count. */
export const NO_RULES: RulePredicate = () => false;

export function orderedSets(sets: readonly AttributeSet[], firstId?: string): AttributeSet[] {
  const rank = (s: AttributeSet): number => (firstId !== undefined && s.id === firstId ? INFINITY + 1 : (s.score ?? 0));
  return sets
    .map((set, index) => ({ set, index }))
    .sort((a, b) => rank(b.set) - rank(a.set) || a.index - b.index)
    .map((e) => e.set);
}

export function effectiveAttributes(
  sets: readonly AttributeSet[],
  ruleHolds: RulePredicate = NO_RULES,
  firstId?: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const set of orderedSets(sets, firstId)) {
    if (set.rule !== undefined && !ruleHolds(set.rule)) continue;
    for (const nv of set.nvpairs) {
      if (nv.value !== undefined && !out.has(nv.name)) out.set(nv.name, nv.value);
    }
  }
  return out;
}

/** One attribute's effective value, or undefined. */
export function effectiveAttribute(
  sets: readonly AttributeSet[],
  name: string,
  ruleHolds: RulePredicate = NO_RULES,
  firstId?: string,
): string | undefined {
  for (const set of orderedSets(sets, firstId)) {
    if (set.rule !== undefined && !ruleHolds(set.rule)) continue;
    for (const nv of set.nvpairs) if (nv.name === name && nv.value !== undefined) return nv.value;
  }
  return undefined;
}
