/**
 * The constraint listings `pcs constraint [config]` prints (pcs 0.11.5 layout, byte for
 * byte), and the JSON view Tandem adds for `--output-format=json` (docs/cli-json.md).
 * Pure: the document in, lines or plain objects out.
 *
 * pcs hides location constraints whose rules have all expired (it asks `crm_rule`);
 * Tandem decides the same for rules made only of date expressions with `now` passed in,
 * and shows every other rule, as pcs does when crm_rule cannot tell.
 */

import { childElements, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { configuration, type CibDocument } from "../document.js";
import { capitalize, colocationPlain, orderPlain, primaryRole } from "./constraints.js";

/** The constraints section's children (reading only: a missing section is not created). */
function constraintChildren(doc: CibDocument, tag: string): XmlElement[] {
  const section = firstChild(configuration(doc), "constraints");
  return section === undefined ? [] : childElements(section, tag);
}

function attrList(el: XmlElement, withId: boolean): string[] {
  const out = Object.keys(el.attrs)
    .filter((n) => n !== "id")
    .sort()
    .map((n) => {
      const v = el.attrs[n] ?? "";
      return `${n}=${n === "role" ? primaryRole(capitalize(v)) : v}`;
    });
  if (withId) out.push(`(id:${getAttr(el, "id") ?? ""})`);
  return out;
}

function indentAll(lines: string[], by = "  "): string[] {
  return lines.map((l) => by + l);
}

function expressionLines(expr: XmlElement, withId: boolean): string[] {
  const a = (n: string): string => getAttr(expr, n) ?? "";
  const idPart = withId ? [`(id:${a("id")})`] : [];
  if (expr.name === "expression") {
    const parts = getAttr(expr, "value") !== undefined
      ? [a("attribute"), a("operation"), ...(getAttr(expr, "type") !== undefined ? [a("type")] : []), a("value")]
      : [a("operation"), a("attribute")];
    return [`Expression: ${[...parts, ...idPart].join(" ")}`];
  }
  const op = a("operation");
  if (op === "date_spec") {
    const spec = firstChild(expr, "date_spec");
    return [["Expression:", ...idPart].join(" "), `  Date Spec: ${spec === undefined ? "" : attrList(spec, withId).join(" ")}`];
  }
  if (op === "in_range") {
    const parts = ["date", "in_range"];
    if (getAttr(expr, "start") !== undefined) parts.push(a("start"), "to");
    if (getAttr(expr, "end") !== undefined) parts.push(a("end"));
    const duration = firstChild(expr, "duration");
    if (duration !== undefined) parts.push("duration");
    const out = [`Expression: ${[...parts, ...idPart].join(" ")}`];
    if (duration !== undefined) out.push(`  Duration: ${attrList(duration, withId).join(" ")}`);
    return out;
  }
  const parts = ["date", op];
  if (getAttr(expr, "start") !== undefined) parts.push(a("start"));
  if (getAttr(expr, "end") !== undefined) parts.push(a("end"));
  return [`Expression: ${[...parts, ...idPart].join(" ")}`];
}

/** A rule as pcs's ExportDetailed prints it (without the leading indent). */
export function ruleLines(rule: XmlElement, withId: boolean, expired = false): string[] {
  const out = [`Rule${expired ? " (expired)" : ""}: ${attrList(rule, withId).join(" ")}`];
  for (const child of childElements(rule)) {
    if (child.name === "expression" || child.name === "date_expression") out.push(...indentAll(expressionLines(child, withId)));
    else if (child.name === "rule") out.push(...indentAll(ruleLines(child, withId)));
  }
  return out;
}

// ---- rule expiry (what crm_rule --check answers) ----

export type RuleStatus = "in effect" | "expired" | "not yet in effect" | "unknown";

/** Seconds since the epoch of an ISO 8601 date/time as Pacemaker accepts it, or undefined. */
function isoSeconds(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (m === null) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${m[7] ?? "Z"}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** start + a Pacemaker duration (years, months, weeks, days, hours, minutes, seconds), UTC. */
function addDuration(startSec: number, duration: XmlElement): number {
  const n = (name: string): number => Number.parseInt(getAttr(duration, name) ?? "0", 10) || 0;
  const d = new Date(startSec * 1000);
  d.setUTCFullYear(d.getUTCFullYear() + n("years"));
  d.setUTCMonth(d.getUTCMonth() + n("months"));
  d.setUTCDate(d.getUTCDate() + 7 * n("weeks") + n("days"));
  return Math.floor(d.getTime() / 1000) + 3600 * n("hours") + 60 * n("minutes") + n("seconds");
}

/**
 * crm_rule --check on a rule: only rules with exactly one date_expression (gt, lt,
 * in_range with start/end) are decided; anything else is unknown (pcs then shows it).
 */
export function ruleStatus(rule: XmlElement, nowSec: number): RuleStatus {
  const children = childElements(rule);
  const expr = children[0];
  if (children.length !== 1 || expr === undefined || expr.name !== "date_expression") return "unknown";
  const op = getAttr(expr, "operation") ?? "in_range";
  const start = getAttr(expr, "start");
  const end = getAttr(expr, "end");
  const startSec = start === undefined ? undefined : isoSeconds(start);
  const endSec = end === undefined ? undefined : isoSeconds(end);
  switch (op) {
    case "gt":
      if (startSec === undefined) return "unknown";
      return nowSec > startSec ? "in effect" : "not yet in effect";
    case "lt":
      if (endSec === undefined) return "unknown";
      return nowSec < endSec ? "in effect" : "expired";
    case "in_range": {
      const duration = firstChild(expr, "duration");
      if (start !== undefined && startSec === undefined) return "unknown";
      if (duration !== undefined) {
        if (startSec === undefined) return "unknown";
        const endOfDuration = addDuration(startSec, duration);
        if (nowSec > endOfDuration) return "expired";
        return nowSec < startSec ? "not yet in effect" : "in effect";
      }
      if (end !== undefined && endSec === undefined) return "unknown";
      if (endSec !== undefined && nowSec > endSec) return "expired";
      if (startSec !== undefined && nowSec < startSec) return "not yet in effect";
      return "in effect";
    }
    default:
      return "unknown";
  }
}

// ---- location ----

type RscKey = { type: "resource" | "regexp"; value: string; label: string };

function keyOf(k: RscKey): string {
  return `${k.type}\u0000${k.value}`;
}

function compareKeys(a: RscKey, b: RscKey): number {
  const rank = (k: RscKey): number => (k.type === "regexp" ? 0 : 1);
  return rank(a) - rank(b) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

interface LocationEntry {
  id: string;
  /** "Resource: X" or "Resource pattern: P" (what the by-node view prints). */
  label: string;
  node: string;
  score: string;
  role: string;
  discovery: string;
}

function isPositive(score: string): boolean {
  if (score === "INFINITY" || score === "+INFINITY") return true;
  if (score === "-INFINITY") return false;
  const n = Number.parseInt(score, 10);
  return Number.isNaN(n) ? true : n >= 0;
}

export interface ListingOptions {
  full: boolean;
  /** `location config nodes [NODE…]`: group by node instead of by resource. */
  byNode?: boolean;
  /** Only these nodes (by-node view) or resources (`resource` or `regexp` %-typed, by-resource view). */
  only?: readonly string[];
  /** Show constraints whose rules have expired (--all). */
  all: boolean;
  /** Seconds since the epoch, for rule expiry. */
  nowSec: number;
}

function entryLines(label: string, entries: readonly LocationEntry[] | undefined, full: boolean, byNode = false): string[] {
  const lines: string[] = [];
  for (const e of entries ?? []) {
    if (!byNode && e.node === "") continue;
    const parts = [byNode ? `      ${e.label}` : `      Node: ${e.node}`, `(score:${e.score})`];
    if (e.role !== "") parts.push(`(role:${primaryRole(e.role)})`);
    if (e.discovery !== "") parts.push(`(resource-discovery=${e.discovery})`);
    if (full) parts.push(`(id:${e.id})`);
    lines.push(parts.join(" "));
  }
  return lines.length > 0 ? [label, ...lines] : [];
}

function ruleBlock(rules: readonly XmlElement[], constraintById: Map<string, XmlElement>, opts: ListingOptions): string[] {
  const byConstraint = new Map<string, XmlElement[]>();
  for (const rule of rules) {
    const cid = ruleParent.get(rule) ?? "";
    const list = byConstraint.get(cid) ?? [];
    list.push(rule);
    byConstraint.set(cid, list);
  }
  const out: string[] = [];
  for (const cid of [...byConstraint.keys()].sort()) {
    const constraint = constraintById.get(cid);
    const discovery = constraint === undefined ? undefined : getAttr(constraint, "resource-discovery");
    const info = discovery !== undefined && discovery !== "" ? ` (resource-discovery=${discovery})` : "";
    let expired = true;
    const lines: string[] = [];
    for (const rule of byConstraint.get(cid) ?? []) {
      const status = ruleStatus(rule, opts.nowSec);
      if (status !== "expired") expired = false;
      lines.push(...indentAll(ruleLines(rule, opts.full, status === "expired" && opts.all), "      "));
    }
    if (!opts.all && expired) continue;
    out.push(`    Constraint${expired ? " (expired)" : ""}: ${cid}${info}`, ...lines);
  }
  return out;
}

/** Which constraint a rule element belongs to (rules are collected from many constraints). */
const ruleParent = new WeakMap<XmlElement, string>();

export function locationLines(doc: CibDocument, opts: ListingOptions): string[] {
  const lines = ["Location Constraints:"];
  const on = new Map<string, LocationEntry[]>();
  const off = new Map<string, LocationEntry[]>();
  const rules = new Map<string, XmlElement[]>();
  const keys = new Map<string, RscKey>();
  const constraintById = new Map<string, XmlElement>();
  for (const loc of constraintChildren(doc, "rsc_location")) {
    const pattern = getAttr(loc, "rsc-pattern");
    const key: RscKey =
      pattern !== undefined
        ? { type: "regexp", value: pattern, label: `Resource pattern: ${pattern}` }
        : { type: "resource", value: getAttr(loc, "rsc") ?? "", label: `Resource: ${getAttr(loc, "rsc") ?? ""}` };
    const k = keyOf(key);
    keys.set(k, key);
    const id = getAttr(loc, "id") ?? "";
    constraintById.set(id, loc);
    for (const rule of childElements(loc, "rule")) {
      ruleParent.set(rule, id);
      const list = rules.get(k) ?? [];
      list.push(rule);
      rules.set(k, list);
    }
    let score = getAttr(loc, "score") ?? "";
    if (score === "") score = "0";
    const entry: LocationEntry = {
      id,
      label: key.label,
      node: getAttr(loc, "node") ?? "",
      score,
      role: primaryRole(capitalize(getAttr(loc, "role") ?? "")),
      discovery: getAttr(loc, "resource-discovery") ?? "",
    };
    const target = isPositive(score) ? on : off;
    const list = target.get(k) ?? [];
    list.push(entry);
    target.set(k, list);
  }
  if (opts.byNode === true) {
    const byNode = (source: Map<string, LocationEntry[]>): Map<string, LocationEntry[]> => {
      const out = new Map<string, LocationEntry[]>();
      for (const entries of source.values()) for (const e of entries) out.set(e.node, [...(out.get(e.node) ?? []), e]);
      return out;
    };
    const nodeOn = byNode(on);
    const nodeOff = byNode(off);
    const nodes = [...new Set([...nodeOn.keys(), ...nodeOff.keys()])].sort();
    for (const node of nodes) {
      if (opts.only !== undefined && opts.only.length > 0 && !opts.only.includes(node)) continue;
      lines.push(`  Node: ${node}`);
      lines.push(...entryLines("    Allowed to run:", nodeOn.get(node), opts.full, true));
      lines.push(...entryLines("    Not allowed to run:", nodeOff.get(node), opts.full, true));
    }
    for (const key of [...keys.values()].sort(compareKeys)) {
      const block = ruleBlock(rules.get(keyOf(key)) ?? [], constraintById, opts);
      if ((rules.get(keyOf(key)) ?? []).length > 0) lines.push(`  ${key.label}`, ...block);
    }
    return lines;
  }
  const wanted = (opts.only ?? []).map((w) => {
    const pct = w.indexOf("%");
    const type = pct < 0 || w.slice(0, pct) === "" || w.slice(0, pct) === "resource" ? "resource" : w.slice(0, pct);
    return `${type}\u0000${pct < 0 ? w : w.slice(pct + 1)}`;
  });
  for (const key of [...keys.values()].sort(compareKeys)) {
    const k = keyOf(key);
    if (wanted.length > 0 && !wanted.includes(k)) continue;
    const rscLines = [`  ${key.label}`];
    rscLines.push(...entryLines("    Enabled on:", on.get(k), opts.full));
    rscLines.push(...entryLines("    Disabled on:", off.get(k), opts.full));
    rscLines.push(...ruleBlock(rules.get(k) ?? [], constraintById, opts));
    if (rscLines.length > 2) lines.push(...rscLines);
  }
  return lines;
}

// ---- order, colocation, ticket ----

/** A constraint with resource sets, as pcs lists it (`set A B opt=v (id:…) … setoptions …`). */
export function setsPlain(c: XmlElement, withId: boolean): string {
  const parts: string[] = [];
  for (const set of childElements(c, "resource_set")) {
    parts.push("set", ...childElements(set, "resource_ref").map((r) => getAttr(r, "id") ?? ""));
    parts.push(...optionWords(set).map((w) => (w.startsWith("role=") ? `role=${primaryRole(capitalize(w.slice(5)))}` : w)));
    if (withId) parts.push(`(id:${getAttr(set, "id") ?? ""})`);
  }
  const opts = optionWords(c);
  if (opts.length > 0) parts.push("setoptions", ...opts);
  if (withId) parts.push(`(id:${getAttr(c, "id") ?? ""})`);
  return parts.join(" ");
}

function optionWords(el: XmlElement): string[] {
  return Object.keys(el.attrs)
    .filter((n) => n !== "id")
    .sort()
    .map((n) => `${n}=${el.attrs[n] ?? ""}`);
}

function ticketPlain(el: XmlElement, withId: boolean): string {
  const role = primaryRole(getAttr(el, "rsc-role") ?? "");
  const rest = Object.keys(el.attrs)
    .filter((n) => n !== "rsc-role" && n !== "rsc" && n !== "id")
    .sort()
    .map((n) => `${n}=${el.attrs[n] ?? ""}`);
  const words = [getAttr(el, "rsc") ?? "", ...rest];
  if (withId) words.push(`(id:${getAttr(el, "id") ?? ""})`);
  return (role !== "" ? `${role} ` : "") + words.join(" ");
}

function typedLines(doc: CibDocument, tag: string, caption: string, plain: (el: XmlElement, withId: boolean) => string, full: boolean): string[] {
  const all = constraintChildren(doc, tag);
  const withSets = all.filter((c) => firstChild(c, "resource_set") !== undefined);
  const lines = [caption, ...all.filter((c) => firstChild(c, "resource_set") === undefined).map((c) => `  ${plain(c, full)}`)];
  if (withSets.length > 0) {
    lines.push("  Resource Sets:", ...withSets.map((c) => `    ${setsPlain(c, full)}`));
  }
  return lines;
}

export function orderLines(doc: CibDocument, full: boolean): string[] {
  return typedLines(doc, "rsc_order", "Ordering Constraints:", orderPlain, full);
}

export function colocationLines(doc: CibDocument, full: boolean): string[] {
  return typedLines(doc, "rsc_colocation", "Colocation Constraints:", colocationPlain, full);
}

export function ticketLines(doc: CibDocument, full: boolean): string[] {
  return typedLines(doc, "rsc_ticket", "Ticket Constraints:", ticketPlain, full);
}

/** `pcs constraint [config]`: the four sections. */
export function constraintLines(doc: CibDocument, opts: ListingOptions): string[] {
  return [...locationLines(doc, opts), ...orderLines(doc, opts.full), ...colocationLines(doc, opts.full), ...ticketLines(doc, opts.full)];
}

// ---- JSON (docs/cli-json.md, "constraint config") ----

export type JsonAttrs = Record<string, string>;

export interface ResourceSetJson {
  id: string;
  resources: string[];
  options: JsonAttrs;
}

export interface RuleJson {
  id: string;
  options: JsonAttrs;
  expressions: ExpressionJson[];
}

export type ExpressionJson =
  | { type: "expression"; id: string; options: JsonAttrs }
  | { type: "date_expression"; id: string; options: JsonAttrs; date_spec?: JsonAttrs; duration?: JsonAttrs }
  | { type: "rule"; rule: RuleJson }
  | { type: "other"; element: string; id: string; options: JsonAttrs };

export interface ConstraintJson {
  id: string;
  /** Every attribute but id, as written in the CIB. */
  options: JsonAttrs;
  resource_sets: ResourceSetJson[];
  /** Location constraints only (empty otherwise). */
  rules: RuleJson[];
}

export interface ConstraintsJson {
  location: ConstraintJson[];
  order: ConstraintJson[];
  colocation: ConstraintJson[];
  ticket: ConstraintJson[];
}

function attrsWithoutId(el: XmlElement): JsonAttrs {
  const out: JsonAttrs = {};
  for (const [n, v] of Object.entries(el.attrs)) if (n !== "id") out[n] = v;
  return out;
}

function ruleJson(rule: XmlElement): RuleJson {
  const expressions: ExpressionJson[] = [];
  for (const child of childElements(rule)) {
    const id = getAttr(child, "id") ?? "";
    if (child.name === "expression") expressions.push({ type: "expression", id, options: attrsWithoutId(child) });
    else if (child.name === "date_expression") {
      const e: ExpressionJson = { type: "date_expression", id, options: attrsWithoutId(child) };
      const spec = firstChild(child, "date_spec");
      const duration = firstChild(child, "duration");
      if (spec !== undefined) e.date_spec = attrsWithoutId(spec);
      if (duration !== undefined) e.duration = attrsWithoutId(duration);
      expressions.push(e);
    } else if (child.name === "rule") expressions.push({ type: "rule", rule: ruleJson(child) });
    else expressions.push({ type: "other", element: child.name, id, options: attrsWithoutId(child) });
  }
  return { id: getAttr(rule, "id") ?? "", options: attrsWithoutId(rule), expressions };
}

function constraintJson(c: XmlElement): ConstraintJson {
  return {
    id: getAttr(c, "id") ?? "",
    options: attrsWithoutId(c),
    resource_sets: childElements(c, "resource_set").map((s) => ({
      id: getAttr(s, "id") ?? "",
      resources: childElements(s, "resource_ref").map((r) => getAttr(r, "id") ?? ""),
      options: attrsWithoutId(s),
    })),
    rules: childElements(c, "rule").map(ruleJson),
  };
}

export function constraintsJson(doc: CibDocument): ConstraintsJson {
  const of = (tag: string): ConstraintJson[] => constraintChildren(doc, tag).map(constraintJson);
  return { location: of("rsc_location"), order: of("rsc_order"), colocation: of("rsc_colocation"), ticket: of("rsc_ticket") };
}
