/**
 * Compares two pcmk-placement/1 documents as oracle/compare.py does: final placement
 * (nodes + placement) and, separately, the Transition Summary actions as a multiset with
 * "reason" ignored (agreement.md's rule).
 */

export interface PlacementDoc {
  nodes?: Record<string, string>;
  placement?: Record<string, Record<string, string[]>>;
  actions?: Record<string, unknown>[];
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Differences in final placement, one sentence each (empty when equal). */
export function placementDiffs(expected: PlacementDoc, actual: PlacementDoc): string[] {
  const diffs: string[] = [];
  const en = expected.nodes ?? {};
  const an = actual.nodes ?? {};
  for (const k of [...new Set([...Object.keys(en), ...Object.keys(an)])].sort()) {
    if (en[k] !== an[k]) diffs.push(`node ${k}: expected ${en[k] ?? "none"}, got ${an[k] ?? "none"}`);
  }
  const ep = expected.placement ?? {};
  const ap = actual.placement ?? {};
  for (const k of [...new Set([...Object.keys(ep), ...Object.keys(ap)])].sort()) {
    const e = ep[k];
    const a = ap[k];
    if (stableJson(e) !== stableJson(a)) {
      diffs.push(`rsc ${k}: expected ${e === undefined ? "none" : stableJson(e)}, got ${a === undefined ? "none" : stableJson(a)}`);
    }
  }
  return diffs;
}

function actionKey(a: Record<string, unknown>): string {
  const copy: Record<string, unknown> = { ...a };
  delete copy["reason"];
  return stableJson(copy);
}

/** Missing and unexpected actions, reasons ignored (empty when equal). */
export function actionDiffs(expected: PlacementDoc, actual: PlacementDoc): string[] {
  const count = new Map<string, number>();
  for (const a of expected.actions ?? []) count.set(actionKey(a), (count.get(actionKey(a)) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const a of actual.actions ?? []) {
    const k = actionKey(a);
    const n = count.get(k) ?? 0;
    if (n > 0) count.set(k, n - 1);
    else unexpected.push(`unexpected action: ${k}`);
  }
  const missing: string[] = [];
  for (const [k, n] of [...count.entries()].sort()) for (let i = 0; i < n; i++) missing.push(`missing action: ${k}`);
  return [...missing, ...unexpected.sort()];
}

/**
 * Whether two action lists have the same net effect once anonymous clone instances are
 * interchangeable: per resource key, the nodes gained and lost through Start, Stop,
 * Move and Migrate balance the same way, and every other action (Restart, Recover,
 * Promote, Demote, …) matches exactly. Pacemaker 2.1.5 sometimes moves one instance and
 * starts another where newer Pacemaker (and Tandem) just starts one: "Move c:0 n3 -> n1
 * + Start c:2 n3" nets to the same as "Start c:2 n1".
 */
export function actionsNetEquivalent(expected: PlacementDoc, actual: PlacementDoc): boolean {
  const net = (doc: PlacementDoc): { delta: Map<string, number>; other: string[] } => {
    const delta = new Map<string, number>();
    const bump = (rsc: string, node: unknown, by: number): void => {
      const k = `${rsc}\u0000${typeof node === "string" ? node : ""}`;
      delta.set(k, (delta.get(k) ?? 0) + by);
    };
    const other: string[] = [];
    for (const a of doc.actions ?? []) {
      const rsc = typeof a["rsc"] === "string" ? a["rsc"] : "";
      switch (a["action"]) {
        case "Start":
          bump(rsc, a["node"], 1);
          break;
        case "Stop":
          bump(rsc, a["node"], -1);
          break;
        case "Move":
        case "Migrate":
          bump(rsc, a["from"], -1);
          bump(rsc, a["to"], 1);
          break;
        default:
          other.push(actionKey(a));
      }
    }
    for (const [k, v] of [...delta]) if (v === 0) delta.delete(k);
    return { delta, other: other.sort() };
  };
  const e = net(expected);
  const g = net(actual);
  if (e.other.length !== g.other.length || e.other.some((x, i) => x !== g.other[i])) return false;
  if (e.delta.size !== g.delta.size) return false;
  for (const [k, v] of e.delta) if (g.delta.get(k) !== v) return false;
  return true;
}
