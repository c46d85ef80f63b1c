/**
 * Resource operations (`<op>`) as pcs prepares them: validation of user-given operations,
 * defaults from agent metadata (every action but meta-data, status and validate-all, or
 * only monitor with --no-default-ops), unique intervals, and op elements with ids
 * `<resource>-<name>-interval-<interval>`.
 */

import { parseDurationMs } from "../../core/index.js";
import { appendChild, element, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import type { CibDocument } from "../document.js";
import type { AgentInfo } from "./agent-info.js";
import { invalidOptionsMessage, invalidValueMessage } from "./format.js";
import { type IdAllocator, findElementById, idAlreadyExists, sanitizeId, validateId } from "./lookup.js";
import { appendNewNvset } from "./nvsets.js";
import { error, forceable, warning, type Report } from "./reports.js";

/** One operation as given: ordered name/value pairs, `name` first. */
export type OperationOptions = [string, string][];

export const OPERATION_ATTRIBUTES = [
  "id",
  "description",
  "enabled",
  "interval",
  "interval-origin",
  "name",
  "on-fail",
  "record-pending",
  "role",
  "start-delay",
  "timeout",
  "OCF_CHECK_LEVEL",
] as const;

const ROLES = ["Stopped", "Started", "Promoted", "Unpromoted", "Master", "Slave"];
const ON_FAIL = ["block", "demote", "fence", "ignore", "restart", "restart-container", "standby", "stop"];
const BOOLEANS = ["0", "1", "true", "false"];
const DEFAULT_INTERVALS: Record<string, string> = { monitor: "60s" };
/** Actions an agent lists that are not operations to configure. */
const NOT_DEFAULT_ACTIONS = new Set(["meta-data", "status", "validate-all"]);

export function defaultInterval(name: string): string {
  return DEFAULT_INTERVALS[name] ?? "0s";
}

/** pcs's timeout_to_seconds: a non-negative integer with an optional s/sec/m/min/h/hr suffix. */
export function pcsSeconds(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10);
  const m = /^(\d+)(s|sec|m|min|h|hr)$/.exec(value);
  if (m === null) return undefined;
  const mult: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600 };
  return Number.parseInt(m[1] as string, 10) * (mult[m[2] as string] ?? 1);
}

/** Whether the CIB's schema has Pacemaker 2.1's role names (pacemaker-3.7 and later). */
export function newRoleNamesSupported(doc: CibDocument): boolean {
  const m = /^pacemaker-(\d+)\.(\d+)/.exec(getAttr(doc.root, "validate-with") ?? "");
  if (m === null) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 3 || (major === 3 && minor >= 7);
}

export function opRoleForCib(role: string, newNames: boolean): string {
  const promoted = role === "Promoted" || role === "Master";
  const unpromoted = role === "Unpromoted" || role === "Slave";
  if (newNames) return promoted ? "Promoted" : unpromoted ? "Unpromoted" : role;
  return promoted ? "Master" : unpromoted ? "Slave" : role;
}

function normalize(name: string, value: string): string {
  switch (name) {
    case "role":
      return value.length === 0 ? value : value[0]?.toUpperCase() + value.slice(1).toLowerCase();
    case "on-fail":
    case "record-pending":
    case "enabled":
      return value.toLowerCase();
    default:
      return value;
  }
}

function get(op: OperationOptions, name: string): string | undefined {
  return op.find(([n]) => n === name)?.[1];
}

/** The operation names an agent accepts. */
export function allowedOperationNames(agent: AgentInfo): string[] {
  return [...new Set([...agent.actions.map((a) => a.name), ...(agent.operationNames ?? [])])];
}

/**
 * Validates one user operation as pcs does (names, values, id) plus what Pacemaker
 * would refuse later: interval and timeout must be durations.
 */
export function validateOperation(op: OperationOptions, allowedNames: readonly string[], force: boolean): Report[] {
  const reports: Report[] = [];
  const unknown = op.map(([n]) => n).filter((n) => !(OPERATION_ATTRIBUTES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    reports.push(error("RESOURCE_OP_INVALID_OPTION", invalidOptionsMessage(unknown, [...OPERATION_ATTRIBUTES], "resource operation")));
  }
  const name = get(op, "name");
  if (name === undefined) {
    reports.push(error("RESOURCE_OP_INVALID_OPTION", "required resource operation option 'name' is missing"));
  } else if (!allowedNames.includes(name)) {
    const message = allowedNames.length === 0 ? invalidValueMessage(name, "operation name") : invalidValueMessage(name, "operation name", allowedNames);
    reports.push(forceable("RESOURCE_OP_INVALID_NAME", message, force));
  }
  // Values are checked normalized (pcs capitalizes roles, lowercases flags) but reported as typed.
  const role = get(op, "role");
  if (role !== undefined && !ROLES.includes(normalize("role", role))) reports.push(error("RESOURCE_OP_INVALID_VALUE", invalidValueMessage(role, "role", ROLES)));
  const onFail = get(op, "on-fail");
  if (onFail !== undefined && !ON_FAIL.includes(normalize("on-fail", onFail))) reports.push(error("RESOURCE_OP_INVALID_VALUE", invalidValueMessage(onFail, "on-fail", ON_FAIL)));
  for (const flag of ["record-pending", "enabled"]) {
    const v = get(op, flag);
    if (v !== undefined && !BOOLEANS.includes(normalize(flag, v))) reports.push(error("RESOURCE_OP_INVALID_VALUE", invalidValueMessage(v, flag, BOOLEANS)));
  }
  if (get(op, "interval-origin") !== undefined && get(op, "start-delay") !== undefined) {
    reports.push(error("RESOURCE_OP_INVALID_OPTION", "Only one of resource operation options 'interval-origin' and 'start-delay' can be used"));
  }
  const id = get(op, "id");
  if (id !== undefined) {
    const bad = validateId(id, "operation id");
    if (bad !== undefined) reports.push(bad);
  }
  for (const timing of ["interval", "timeout", "start-delay"]) {
    const v = get(op, timing);
    if (v !== undefined && parseDurationMs(v) === undefined) {
      reports.push(error("RESOURCE_OP_INVALID_DURATION", invalidValueMessage(v, timing, "a duration such as 30s, 5min or 1h")));
    }
  }
  return reports;
}

/** pcs's validate_different_intervals: the same operation twice with the same interval. */
export function duplicateIntervals(ops: readonly OperationOptions[]): Report[] {
  const byName = new Map<string, Map<string, string[]>>();
  for (const op of ops) {
    const name = get(op, "name") ?? "";
    const interval = get(op, "interval") ?? defaultInterval(name);
    const seconds = String(pcsSeconds(interval) ?? parseDurationMs(interval) ?? interval);
    const map = byName.get(name) ?? new Map<string, string[]>();
    byName.set(name, map);
    map.set(seconds, [...(map.get(seconds) ?? []), interval]);
  }
  const lines: string[] = [];
  for (const [name, map] of byName) {
    const groups = [...map.values()].filter((g) => g.length > 1);
    groups.sort((a, b) => (a.join("\0") < b.join("\0") ? -1 : 1));
    for (const g of groups) lines.push(`${name} with intervals ${g.join(", ")}`);
  }
  if (lines.length === 0) return [];
  return [error("RESOURCE_OP_DUPLICATE_INTERVAL", `multiple specification of the same operation with the same interval:\n${lines.join("\n")}`)];
}

/** Default operations from metadata (pcs's get_default_operations), as option lists. */
export function defaultOperations(agent: AgentInfo, necessaryOnly: boolean): OperationOptions[] {
  const actions = agent.actions.filter((a) => (necessaryOnly ? a.name === "monitor" : !NOT_DEFAULT_ACTIONS.has(a.name)));
  const list = actions.map((a) => ({ ...a }));
  if (!list.some((a) => a.name === "monitor")) list.push({ name: "monitor" });
  return list.map((a) => {
    const op: OperationOptions = [
      ["name", a.name],
      ["interval", a.interval !== undefined && a.interval !== "" ? a.interval : defaultInterval(a.name)],
    ];
    if (a.timeout !== undefined && a.timeout !== "") op.push(["timeout", a.timeout]);
    if (a.role !== undefined && a.role !== "") op.push(["role", a.role]);
    if (a.startDelay !== undefined && a.startDelay !== "") op.push(["start-delay", a.startDelay]);
    if (a.depth !== undefined && a.depth !== "" && a.depth !== "0") op.push(["OCF_CHECK_LEVEL", a.depth]);
    return op;
  });
}

/**
 * pcs's prepare(): validated user operations (interval completed), then the defaults not
 * named by the user with intervals made unique. Returns errors instead when invalid.
 */
export function prepareOperations(
  raw: readonly OperationOptions[],
  agent: AgentInfo,
  options: { useDefaultOperations: boolean; force: boolean; newRoleNames: boolean },
): { operations: OperationOptions[]; reports: Report[] } {
  const normalized = raw.map((op) => op.map(([n, v]): [string, string] => [n, normalize(n, v)]));
  const reports: Report[] = [];
  const allowed = allowedOperationNames(agent);
  for (const op of raw) reports.push(...validateOperation(op, allowed, options.force));
  const withRoles = normalized.map((op) =>
    op.map(([n, v]): [string, string] => [n, n === "role" && ROLES.includes(v) ? opRoleForCib(v, options.newRoleNames) : v]),
  );
  reports.push(...duplicateIntervals(withRoles));
  if (reports.some((r) => r.severity === "error")) return { operations: [], reports };

  const userNames = new Set(withRoles.map((op) => get(op, "name")));
  const remaining = defaultOperations(agent, !options.useDefaultOperations).filter((op) => !userNames.has(get(op, "name")));
  const used = new Map<string, Set<number>>();
  for (const op of remaining) {
    const name = get(op, "name") ?? "";
    const interval = get(op, "interval") ?? "0s";
    const seconds = pcsSeconds(interval);
    if (seconds === undefined) continue;
    const set = used.get(name) ?? new Set<number>();
    used.set(name, set);
    let s = seconds;
    while (set.has(s)) s++;
    set.add(s);
    if (s !== seconds) {
      reports.push(warning("RESOURCE_OP_INTERVAL_ADAPTED", `changing a ${name} operation interval from ${interval} to ${s} to make the operation unique`));
      const entry = op.find(([n]) => n === "interval");
      if (entry !== undefined) entry[1] = String(s);
    }
  }
  const completed = withRoles.map((op) => (get(op, "interval") === undefined ? [...op, ["interval", defaultInterval(get(op, "name") ?? "")] as [string, string]] : op));
  const defaults = remaining.map((op) =>
    op.map(([n, v]): [string, string] => [n, n === "role" ? opRoleForCib(v, options.newRoleNames) : v]),
  );
  return { operations: [...completed, ...defaults].map((op) => op.filter(([, v]) => v !== "")), reports };
}

/** Appends one `<op>` to an `<operations>` element (pcs's append_new_operation). */
export function appendOperation(doc: CibDocument, operations: XmlElement, primitive: XmlElement, op: OperationOptions, ids: IdAllocator): Report[] {
  const attrs: [string, string][] = op.filter(([n]) => n !== "OCF_CHECK_LEVEL");
  const checkLevel = op.filter(([n]) => n === "OCF_CHECK_LEVEL");
  const givenId = get(op, "id");
  if (givenId !== undefined) {
    if (findElementById(doc, givenId) !== undefined || ids.isTaken(givenId)) return [idAlreadyExists(givenId)];
    ids.book(givenId);
  } else {
    const name = get(op, "name") ?? "";
    const interval = get(op, "interval") ?? defaultInterval(name);
    attrs.push(["id", ids.allocate(sanitizeId(`${getAttr(primitive, "id") ?? "primitive"}-${name}-interval-${interval}`))]);
  }
  const el = element("op", Object.fromEntries(attrs));
  appendChild(operations, el);
  if (checkLevel.length > 0) appendNewNvset("instance_attributes", el, checkLevel, ids);
  return [];
}

/** Creates `<operations>` with the ops sorted by name (stable), as pcs's create_operations. */
export function createOperations(doc: CibDocument, primitive: XmlElement, ops: readonly OperationOptions[], ids: IdAllocator): Report[] {
  const operations = firstChild(primitive, "operations") ?? element("operations");
  if (!primitive.children.includes(operations)) appendChild(primitive, operations);
  const sorted = ops
    .map((op, index) => ({ op, index }))
    .sort((a, b) => {
      const an = get(a.op, "name") ?? "";
      const bn = get(b.op, "name") ?? "";
      return an < bn ? -1 : an > bn ? 1 : a.index - b.index;
    });
  const reports: Report[] = [];
  for (const { op } of sorted) reports.push(...appendOperation(doc, operations, primitive, op, ids));
  return reports;
}

