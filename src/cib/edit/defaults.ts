/**
 * `resource defaults` / `resource op defaults`: meta attribute blocks in `rsc_defaults`
 * and `op_defaults`, edited as pcs 0.11 does (`defaults update`, the deprecated
 * `defaults NAME=VALUE`, `defaults set create|delete|update`) and listed as it lists them.
 */

import { appendChild, childElements, cloneDocument, element, firstChild, getAttr, removeChild } from "../../xml/index.js";
import { bumpEpoch, configuration, section, type CibDocument } from "../document.js";
import { IdAllocator, validateId } from "./lookup.js";
import { updateNvset, type NvPairs } from "./nvsets.js";
import { error, warning, type Report } from "./reports.js";
import { failed, type EditResult } from "./resource-create.js";

export type DefaultsKind = "rsc_defaults" | "op_defaults";

const NOT_APPLY = "Defaults do not apply to resources which override them with their own defined values";

function quote(text: string): string {
  if (!/[= ]/.test(text)) return text;
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** `defaults [config]` text: one "Meta Attrs: ID" block per set, pairs sorted. */
export function defaultsLines(doc: CibDocument, kind: DefaultsKind): string[] {
  const sec = firstChild(configuration(doc), kind);
  const sets = sec === undefined ? [] : childElements(sec, "meta_attributes");
  if (sets.length === 0) return ["No defaults set"];
  const out: string[] = [];
  for (const set of sets) {
    const score = getAttr(set, "score");
    out.push(`Meta Attrs: ${getAttr(set, "id") ?? ""}${score === undefined ? "" : ` score=${score}`}`);
    const pairs = childElements(set, "nvpair")
      .map((nv) => [getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? ""] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
    for (const [n, v] of pairs) out.push(`  ${quote(n)}=${quote(v)}`);
    if (firstChild(set, "rule") !== undefined) out.push("  Rule: (not shown by Tandem yet)");
  }
  return out;
}

export interface DefaultsJson {
  meta_attributes: {
    id: string;
    options: { score?: string };
    /** Rules on defaults sets are kept in the CIB but not yet described here. */
    has_rule: boolean;
    nvpairs: { id: string; name: string; value: string }[];
  }[];
}

/** `defaults config --output-format=json` (Tandem's schema, docs/cli-json.md). */
export function defaultsJson(doc: CibDocument, kind: DefaultsKind): DefaultsJson {
  const sec = firstChild(configuration(doc), kind);
  const sets = sec === undefined ? [] : childElements(sec, "meta_attributes");
  return {
    meta_attributes: sets.map((set) => {
      const score = getAttr(set, "score");
      return {
        id: getAttr(set, "id") ?? "",
        options: score === undefined ? {} : { score },
        has_rule: firstChild(set, "rule") !== undefined,
        nvpairs: childElements(set, "nvpair").map((nv) => ({ id: getAttr(nv, "id") ?? "", name: getAttr(nv, "name") ?? "", value: getAttr(nv, "value") ?? "" })),
      };
    }),
  };
}

/** `defaults update [NAME=VALUE…]` and the deprecated `defaults NAME=VALUE…`. */
export function updateDefaults(input: CibDocument, kind: DefaultsKind, pairs: NvPairs, setId?: string): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const sec = section(doc, kind);
  const sets = childElements(sec, "meta_attributes");
  let target = setId === undefined ? undefined : sets.find((s) => getAttr(s, "id") === setId);
  if (setId !== undefined && target === undefined) {
    return failed(input, [error("CIB_ID_NOT_FOUND", `Options set '${setId}' does not exist`)]);
  }
  if (target === undefined) {
    if (sets.length > 1) {
      return failed(input, [error("DEFAULTS_AMBIGUOUS", `Found ${sets.length} meta attribute sets, use 'defaults set update SET_ID' to choose one`)]);
    }
    target = sets[0];
  }
  if (target === undefined) {
    if (pairs.every(([, v]) => v === "")) return { doc: input, reports: [warning("DEFAULTS_NOT_APPLY", NOT_APPLY)], changed: false };
    target = element("meta_attributes", { id: ids.allocate(`${kind}-meta_attributes`) });
    appendChild(sec, target);
  }
  updateNvset(target, pairs, ids);
  bumpEpoch(doc);
  return { doc, reports: [warning("DEFAULTS_NOT_APPLY", NOT_APPLY)], changed: true };
}

/** `defaults set create [id=ID] [score=N] [meta NAME=VALUE…]` (rules are not supported yet). */
export function createDefaultsSet(input: CibDocument, kind: DefaultsKind, options: NvPairs, pairs: NvPairs): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const reports: Report[] = [];
  const opts = new Map(options);
  for (const name of opts.keys()) {
    if (name !== "id" && name !== "score") reports.push(error("DEFAULTS_INVALID_OPTION", `invalid option '${name}', allowed options are: 'id', 'score'`));
  }
  const wantedId = opts.get("id");
  if (wantedId !== undefined) {
    const bad = validateId(wantedId);
    if (bad !== undefined) reports.push(bad);
    else reports.push(...ids.book(wantedId));
  }
  if (reports.length > 0) return failed(input, reports);
  const sec = section(doc, kind);
  const attrs: Record<string, string> = { id: wantedId ?? ids.allocate(`${kind}-meta_attributes`) };
  const score = opts.get("score");
  if (score !== undefined) attrs.score = score;
  const set = element("meta_attributes", attrs);
  appendChild(sec, set);
  updateNvset(set, pairs, ids);
  bumpEpoch(doc);
  return { doc, reports: [warning("DEFAULTS_NOT_APPLY", NOT_APPLY)], changed: true };
}

/** `defaults set delete|remove ID…`. */
export function removeDefaultsSets(input: CibDocument, kind: DefaultsKind, setIds: readonly string[]): EditResult {
  const doc = cloneDocument(input);
  const sec = firstChild(configuration(doc), kind);
  const reports: Report[] = [];
  for (const id of setIds) {
    const set = sec === undefined ? undefined : childElements(sec, "meta_attributes").find((s) => getAttr(s, "id") === id);
    if (set === undefined || sec === undefined) reports.push(error("CIB_ID_NOT_FOUND", `Unable to find a meta attributes set with id '${id}'`));
    else removeChild(sec, set);
  }
  if (reports.length > 0) return failed(input, reports);
  bumpEpoch(doc);
  return { doc, reports: [], changed: true };
}
