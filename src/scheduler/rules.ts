/**
 * Rule evaluation (Pacemaker Explained, "Rules"): node-attribute expressions with
 * string/integer/number/version comparisons, `#uname`-style built-ins, date expressions
 * (in_range, gt, lt, date_spec) against the input's `now`. Pure.
 */

import type { DateSpec, Rule, RuleCondition } from "../cib/index.js";

export interface RuleContext {
  /** Node attributes (with #uname, #id, #kind), or undefined when no node applies. */
  nodeAttrs: ReadonlyMap<string, string> | undefined;
  nowSec: number;
  /** Resource agent, for rsc_expression. */
  rsc?: { class: string; provider?: string; type: string };
  /** Operation, for op_expression. */
  op?: { name: string; intervalMs: number };
}

export function evaluateRule(rule: Rule, ctx: RuleContext): boolean {
  if (rule.conditions.length === 0) return rule.booleanOp === "and";
  if (rule.booleanOp === "or") return rule.conditions.some((c) => evaluateCondition(c, ctx));
  return rule.conditions.every((c) => evaluateCondition(c, ctx));
}

function evaluateCondition(c: RuleCondition, ctx: RuleContext): boolean {
  switch (c.kind) {
    case "rule":
      return evaluateRule(c.rule, ctx);
    case "expression":
      return evaluateExpression(c, ctx);
    case "date_expression":
      return evaluateDate(c, ctx.nowSec);
    case "rsc_expression":
      if (ctx.rsc === undefined) return true;
      return (
        (c.class === undefined || c.class === ctx.rsc.class) &&
        (c.provider === undefined || c.provider === ctx.rsc.provider) &&
        (c.type === undefined || c.type === ctx.rsc.type)
      );
    case "op_expression":
      if (ctx.op === undefined) return true;
      return c.name === ctx.op.name && (c.interval === undefined || parseIntervalMs(c.interval) === ctx.op.intervalMs);
    default: {
      const never: never = c;
      return never;
    }
  }
}

function parseIntervalMs(text: string): number {
  const m = /^\s*(\d+)\s*(ms|s|m|min|h|)?\s*$/.exec(text);
  if (m === null) return -1;
  const n = Number(m[1]);
  switch (m[2]) {
    case "ms":
      return n;
    case "m":
    case "min":
      return n * 60_000;
    case "h":
      return n * 3_600_000;
    default:
      return n * 1000;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function evaluateExpression(c: Extract<RuleCondition, { kind: "expression" }>, ctx: RuleContext): boolean {
  const actual = ctx.nodeAttrs?.get(c.attribute);
  const op = c.operation.toLowerCase();
  if (op === "defined") return actual !== undefined;
  if (op === "not_defined") return actual === undefined;
  const expected = c.value;
  if (actual === undefined || expected === undefined) return op === "ne" && actual !== expected;
  let type = (c.type ?? "").toLowerCase();
  if (type === "") {
    // Pacemaker guesses integer comparisons when both sides look numeric for lt/gt.
    // No type: lt/gt compare numerically when the value looks like a number (a decimal
    // point means a floating-point comparison), else as strings.
    const numeric = /^[+-]?(\d+\.?\d*|\.\d+)$/;
    type = op === "eq" || op === "ne" ? "string" : numeric.test(expected) ? (expected.includes(".") ? "number" : "integer") : "string";
  }
  let cmp: number;
  if (type === "integer" || type === "number") {
    const a = type === "integer" ? Number.parseInt(actual, 10) : Number.parseFloat(actual);
    const b = type === "integer" ? Number.parseInt(expected, 10) : Number.parseFloat(expected);
    if (Number.isNaN(a) || Number.isNaN(b)) cmp = actual < expected ? -1 : actual > expected ? 1 : 0;
    else cmp = a < b ? -1 : a > b ? 1 : 0;
  } else if (type === "version") {
    cmp = compareVersions(actual, expected);
  } else {
    const a = actual.toLowerCase();
    const b = expected.toLowerCase();
    cmp = a < b ? -1 : a > b ? 1 : 0;
  }
  switch (op) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "lt":
      return cmp < 0;
    case "lte":
      return cmp <= 0;
    case "gt":
      return cmp > 0;
    case "gte":
      return cmp >= 0;
    default:
      return false;
  }
}

/** Parses an ISO 8601 date/time ("2005-03-21", "2005-081", "2019-06-22 11:13:00Z") to epoch seconds (UTC). */
export function parseIsoDate(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d{4})-?(?:(\d{2})-?(\d{2})|(\d{3})|W(\d{2})-?(\d))?(?:[T ](\d{2}):?(\d{2})?:?(\d{2})?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m === null) return undefined;
  const year = Number(m[1]);
  let dayMs: number;
  if (m[4] !== undefined) dayMs = Date.UTC(year, 0, 1) + (Number(m[4]) - 1) * 86_400_000;
  else if (m[5] !== undefined) {
    const jan4 = Date.UTC(year, 0, 4);
    const jan4Dow = (new Date(jan4).getUTCDay() + 6) % 7;
    dayMs = jan4 - jan4Dow * 86_400_000 + (Number(m[5]) - 1) * 7 * 86_400_000 + (Number(m[6]) - 1) * 86_400_000;
  } else dayMs = Date.UTC(year, m[2] === undefined ? 0 : Number(m[2]) - 1, m[3] === undefined ? 1 : Number(m[3]));
  let sec = dayMs / 1000 + Number(m[7] ?? 0) * 3600 + Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0);
  const tz = m[10];
  if (tz !== undefined && tz !== "Z") {
    const tm = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
    if (tm !== null) sec -= (tm[1] === "-" ? -1 : 1) * (Number(tm[2]) * 3600 + Number(tm[3]) * 60);
  }
  return sec;
}

function addDuration(startSec: number, d: DateSpec): number {
  const date = new Date(startSec * 1000);
  const f = d.fields;
  const n = (k: string): number => Number.parseInt(f[k] ?? "0", 10) || 0;
  date.setUTCFullYear(date.getUTCFullYear() + n("years"));
  date.setUTCMonth(date.getUTCMonth() + n("months"));
  return date.getTime() / 1000 + n("weeks") * 604_800 + n("days") * 86_400 + n("hours") * 3600 + n("minutes") * 60 + n("seconds");
}

function inRange(value: number, spec: string | undefined): boolean {
  if (spec === undefined) return true;
  const m = /^\s*(\d+)?\s*(?:(-)\s*(\d+)?)?\s*$/.exec(spec);
  if (m === null) return false;
  const lo = m[1] === undefined ? undefined : Number(m[1]);
  if (m[2] === undefined) return lo === value;
  const hi = m[3] === undefined ? undefined : Number(m[3]);
  return (lo === undefined || value >= lo) && (hi === undefined || value <= hi);
}

function matchDateSpec(nowSec: number, spec: DateSpec): boolean {
  const d = new Date(nowSec * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yearday = Math.floor((d.getTime() - start) / 86_400_000) + 1;
  const weekday = ((d.getUTCDay() + 6) % 7) + 1;
  const thursday = new Date(d.getTime() + (4 - weekday) * 86_400_000);
  const weekyearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - weekyearStart) / 86_400_000 / 7) + 1;
  const values: Record<string, number> = {
    seconds: d.getUTCSeconds(),
    minutes: d.getUTCMinutes(),
    hours: d.getUTCHours(),
    monthdays: d.getUTCDate(),
    weekdays: weekday,
    yeardays: yearday,
    months: d.getUTCMonth() + 1,
    weeks: week,
    years: d.getUTCFullYear(),
    weekyears: thursday.getUTCFullYear(),
  };
  for (const [k, v] of Object.entries(spec.fields)) {
    const actual = values[k];
    if (actual === undefined) continue;
    if (!inRange(actual, v)) return false;
  }
  return true;
}

function evaluateDate(c: Extract<RuleCondition, { kind: "date_expression" }>, nowSec: number): boolean {
  const start = c.start === undefined ? undefined : parseIsoDate(c.start);
  let end = c.end === undefined ? undefined : parseIsoDate(c.end);
  switch (c.operation) {
    case "gt":
      return start !== undefined && nowSec > start;
    case "lt":
      return end !== undefined && nowSec < end;
    case "date_spec":
      return c.dateSpec !== undefined && matchDateSpec(nowSec, c.dateSpec);
    default:
      if (end === undefined && start !== undefined && c.duration !== undefined) end = addDuration(start, c.duration);
      return (start === undefined || nowSec >= start) && (end === undefined || nowSec <= end);
  }
}
