/**
 * `resource config [ID…]`: pcs 0.11's text layout (primitives, then groups, then clones,
 * then bundles; first attribute block of each kind; operations with interval first) and
 * its JSON (pcs's ListCibResourcesDto shape, documented in docs/cli-json.md).
 */

import { childElements, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { configuration, type CibDocument } from "../../cib/index.js";
import { ruleLines } from "../../cib/edit/index.js";

const INDENT = "  ";

function indent(lines: string[]): string[] {
  return lines.map((l) => INDENT + l);
}

/** pcs's quote(): names and values with '=' or ' ' are quoted. */
function quote(text: string): string {
  if (!/[= ]/.test(text)) return text;
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  return `"${text.replace(/"/g, '\\"')}"`;
}

function nameValue(name: string, value: string): string {
  return `${quote(name)}=${quote(value)}`;
}

function pySort<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function nvsetText(label: string, el: XmlElement, tag: string): string[] {
  const first = firstChild(el, tag);
  if (first === undefined) return [];
  const pairs = childElements(first, "nvpair").map((nv) => [getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? ""] as [string, string]);
  if (pairs.length === 0) return [];
  const id = getAttr(first, "id");
  const score = getAttr(first, "score");
  const heading = `${label}:${id === undefined || id === "" ? "" : " " + id}${score === undefined ? "" : " " + nameValue("score", score)}`;
  const sorted = pySort(pairs, ([n, v]) => `${n}\0${v}`);
  const rule = firstChild(first, "rule");
  return [heading, ...indent(sorted.map(([n, v]) => nameValue(n, v))), ...(rule === undefined ? [] : indent(ruleLines(rule, false)))];
}

function description(el: XmlElement): string[] {
  const d = getAttr(el, "description");
  return d === undefined || d === "" ? [] : [`Description: ${d}`];
}

function opCheckLevel(op: XmlElement): string | undefined {
  for (const set of childElements(op, "instance_attributes")) {
    for (const nv of childElements(set, "nvpair")) if (getAttr(nv, "name") === "OCF_CHECK_LEVEL") return getAttr(nv, "value");
  }
  return undefined;
}

function boolCli(value: string): string {
  return ["true", "on", "yes", "y", "1"].includes(value.toLowerCase()) ? "1" : "0";
}

/** The displayed role: pcs shows Pacemaker 2.1's names. */
function primaryRole(role: string): string {
  if (role === "Master") return "Promoted";
  if (role === "Slave") return "Unpromoted";
  return role;
}

function operationText(op: XmlElement): string[] {
  const pairs: [string, string][] = [["interval", getAttr(op, "interval") ?? ""]];
  const startDelay = getAttr(op, "start-delay");
  const origin = getAttr(op, "interval-origin");
  if (startDelay !== undefined && startDelay !== "") pairs.push(["start-delay", startDelay]);
  else if (origin !== undefined && origin !== "") pairs.push(["interval-origin", origin]);
  const timeout = getAttr(op, "timeout");
  if (timeout !== undefined && timeout !== "") pairs.push(["timeout", timeout]);
  const enabled = getAttr(op, "enabled");
  if (enabled !== undefined) pairs.push(["enabled", boolCli(enabled)]);
  const recordPending = getAttr(op, "record-pending");
  if (recordPending !== undefined) pairs.push(["record-pending", boolCli(recordPending)]);
  const role = getAttr(op, "role");
  if (role !== undefined && role !== "") pairs.push(["role", primaryRole(role)]);
  const onFail = getAttr(op, "on-fail");
  if (onFail !== undefined && onFail !== "") pairs.push(["on-fail", onFail]);
  const level = opCheckLevel(op);
  if (level !== undefined && level !== "") pairs.push(["OCF_CHECK_LEVEL", level]);
  const id = getAttr(op, "id");
  return [`${getAttr(op, "name") ?? ""}:${id === undefined || id === "" ? "" : " " + id}`, ...indent(pairs.map(([n, v]) => nameValue(n, v)))];
}

function agentText(el: XmlElement): string {
  const provider = getAttr(el, "provider");
  return `class=${getAttr(el, "class") ?? ""}${provider === undefined || provider === "" ? "" : ` provider=${provider}`} type=${getAttr(el, "type") ?? ""}`;
}

function primitiveText(el: XmlElement): string[] {
  const body = [
    ...description(el),
    ...nvsetText("Attributes", el, "instance_attributes"),
    ...nvsetText("Meta Attributes", el, "meta_attributes"),
    ...nvsetText("Utilization", el, "utilization"),
  ];
  const ops = childElements(firstChild(el, "operations") ?? el, "op");
  if (firstChild(el, "operations") !== undefined && ops.length > 0) body.push("Operations:", ...indent(ops.flatMap(operationText)));
  return [`Resource: ${getAttr(el, "id") ?? ""} (${agentText(el)})`, ...indent(body)];
}

function groupText(el: XmlElement): string[] {
  const body = [...description(el), ...nvsetText("Attributes", el, "instance_attributes"), ...nvsetText("Meta Attributes", el, "meta_attributes")];
  for (const p of childElements(el, "primitive")) body.push(...primitiveText(p));
  return [`Group: ${getAttr(el, "id") ?? ""}`, ...indent(body)];
}

function cloneText(el: XmlElement): string[] {
  const body = [...description(el), ...nvsetText("Attributes", el, "instance_attributes"), ...cloneMetaText(el)];
  const child = childElements(el).find((c) => c.name === "primitive" || c.name === "group");
  if (child?.name === "primitive") body.push(...primitiveText(child));
  else if (child?.name === "group") body.push(...groupText(child));
  return [`Clone: ${getAttr(el, "id") ?? ""}`, ...indent(body)];
}

/** A legacy `<master>` shows as a clone with promotable=true added to its first meta block. */
function cloneMetaText(el: XmlElement): string[] {
  const lines = nvsetText("Meta Attributes", el, "meta_attributes");
  if (el.name !== "master") return lines;
  if (lines.length === 0) return ["Meta Attributes:", ...indent(["promotable=true"])];
  const [heading, ...rest] = lines;
  return [heading as string, ...pySort([...rest, INDENT + "promotable=true"], (l) => l)];
}

function isStonith(el: XmlElement): boolean {
  return el.name === "primitive" && getAttr(el, "class") === "stonith";
}

export interface ResourceSets {
  primitives: XmlElement[];
  groups: XmlElement[];
  clones: XmlElement[];
  bundles: XmlElement[];
  /** Which to print at top level; undefined means "those without a parent". */
  shown?: Set<XmlElement>;
  missing: string[];
}

function collect(doc: CibDocument): { all: XmlElement[]; parent: Map<XmlElement, XmlElement> } {
  const resources = firstChild(configuration(doc), "resources");
  const all: XmlElement[] = [];
  const parent = new Map<XmlElement, XmlElement>();
  const walk = (el: XmlElement, p: XmlElement | undefined): void => {
    for (const child of childElements(el)) {
      if (!["primitive", "group", "clone", "master", "bundle"].includes(child.name)) continue;
      all.push(child);
      if (p !== undefined) parent.set(child, p);
      if (child.name !== "primitive") walk(child, child);
    }
  };
  if (resources !== undefined) walk(resources, undefined);
  return { all, parent };
}

/** pcs's ResourcesConfigurationFacade without stonith, filtered to `ids` and their members. */
export function selectResources(doc: CibDocument, ids: readonly string[]): ResourceSets {
  const { all, parent } = collect(doc);
  const visible = all.filter((el) => !isStonith(el) || parent.has(el));
  const byKind = (list: XmlElement[]): ResourceSets => ({
    primitives: list.filter((e) => e.name === "primitive"),
    groups: list.filter((e) => e.name === "group"),
    clones: list.filter((e) => e.name === "clone" || e.name === "master"),
    bundles: list.filter((e) => e.name === "bundle"),
    missing: [],
  });
  if (ids.length === 0) return byKind(visible);
  const byId = new Map(visible.map((e) => [getAttr(e, "id") ?? "", e]));
  const found = new Set<XmlElement>();
  const missing: string[] = [];
  const queue = [...new Set(ids)];
  const processed = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (processed.has(id)) continue;
    const el = byId.get(id);
    if (el === undefined) {
      if (ids.includes(id)) missing.push(id);
      continue;
    }
    processed.add(id);
    found.add(el);
    for (const child of childElements(el)) {
      const cid = getAttr(child, "id");
      if (cid !== undefined && byId.has(cid)) queue.push(cid);
    }
  }
  const sortById = (list: XmlElement[]): XmlElement[] => pySort(list, (e) => getAttr(e, "id") ?? "");
  const sets = byKind([...found]);
  return {
    primitives: sortById(sets.primitives),
    groups: sortById(sets.groups),
    clones: sortById(sets.clones),
    bundles: sortById(sets.bundles),
    shown: new Set(visible.filter((e) => ids.includes(getAttr(e, "id") ?? ""))),
    missing,
  };
}

export function resourceConfigLines(doc: CibDocument, sets: ResourceSets): string[] {
  const { parent } = collect(doc);
  const allowed = (el: XmlElement): boolean => (sets.shown !== undefined ? sets.shown.has(el) : !parent.has(el));
  const out: string[] = [];
  for (const p of sets.primitives) if (allowed(p)) out.push(...primitiveText(p));
  for (const g of sets.groups) if (allowed(g)) out.push(...groupText(g));
  for (const c of sets.clones) if (allowed(c)) out.push(...cloneText(c));
  for (const b of sets.bundles) if (allowed(b)) out.push(`Bundle: ${getAttr(b, "id") ?? ""}`);
  return out;
}

// ---- JSON (pcs's ListCibResourcesDto) ----

export type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

function opt(el: XmlElement, name: string): Json {
  const v = getAttr(el, name);
  return v === undefined ? null : v;
}

function nvsetJson(set: XmlElement): Json {
  const options: { [key: string]: Json } = {};
  const score = getAttr(set, "score");
  if (score !== undefined) options.score = score;
  return {
    id: getAttr(set, "id") ?? "",
    options,
    rule: null,
    // pcs lists a block's nvpairs by id.
    nvpairs: pySort(childElements(set, "nvpair"), (nv) => getAttr(nv, "id") ?? "").map((nv) => ({
      id: getAttr(nv, "id") ?? "",
      name: getAttr(nv, "name") ?? "",
      value: getAttr(nv, "value") ?? "",
    })),
  };
}

function nvsetsJson(el: XmlElement, tag: string): Json[] {
  return childElements(el, tag).map(nvsetJson);
}

function boolJson(el: XmlElement, name: string): Json {
  const v = getAttr(el, name);
  return v === undefined ? null : ["true", "on", "yes", "y", "1"].includes(v.toLowerCase());
}

function operationJson(op: XmlElement): Json {
  const role = getAttr(op, "role");
  return {
    id: getAttr(op, "id") ?? "",
    name: getAttr(op, "name") ?? "",
    interval: getAttr(op, "interval") ?? "",
    description: opt(op, "description"),
    start_delay: opt(op, "start-delay"),
    interval_origin: opt(op, "interval-origin"),
    timeout: opt(op, "timeout"),
    enabled: boolJson(op, "enabled"),
    record_pending: boolJson(op, "record-pending"),
    role: role === undefined ? null : primaryRole(role),
    on_fail: opt(op, "on-fail"),
    meta_attributes: nvsetsJson(op, "meta_attributes"),
    instance_attributes: nvsetsJson(op, "instance_attributes"),
  };
}

function primitiveJson(el: XmlElement): Json {
  return {
    id: getAttr(el, "id") ?? "",
    agent_name: { standard: getAttr(el, "class") ?? "", provider: opt(el, "provider"), type: getAttr(el, "type") ?? "" },
    description: opt(el, "description"),
    operations: childElements(firstChild(el, "operations") ?? el, "op").filter(() => firstChild(el, "operations") !== undefined).map(operationJson),
    meta_attributes: nvsetsJson(el, "meta_attributes"),
    instance_attributes: nvsetsJson(el, "instance_attributes"),
    utilization: nvsetsJson(el, "utilization"),
  };
}

function groupJson(el: XmlElement): Json {
  return {
    id: getAttr(el, "id") ?? "",
    description: opt(el, "description"),
    member_ids: childElements(el, "primitive").map((p) => getAttr(p, "id") ?? ""),
    meta_attributes: nvsetsJson(el, "meta_attributes"),
    instance_attributes: nvsetsJson(el, "instance_attributes"),
  };
}

function cloneJson(el: XmlElement): Json {
  const child = childElements(el).find((c) => c.name === "primitive" || c.name === "group");
  const meta = nvsetsJson(el, "meta_attributes");
  if (el.name === "master") {
    const promotable = { id: "", name: "promotable", value: "true" };
    const first = meta[0] as { nvpairs: Json[] } | undefined;
    if (first !== undefined) first.nvpairs.push(promotable);
    else meta.push({ id: "", options: {}, rule: null, nvpairs: [promotable] });
  }
  return {
    id: getAttr(el, "id") ?? "",
    description: opt(el, "description"),
    member_id: child === undefined ? "" : (getAttr(child, "id") ?? ""),
    meta_attributes: meta,
    instance_attributes: nvsetsJson(el, "instance_attributes"),
  };
}

function bundleJson(el: XmlElement): Json {
  const member = firstChild(el, "primitive");
  return {
    id: getAttr(el, "id") ?? "",
    description: opt(el, "description"),
    member_id: member === undefined ? null : (getAttr(member, "id") ?? ""),
    meta_attributes: nvsetsJson(el, "meta_attributes"),
  };
}

export function resourceConfigJson(sets: ResourceSets): string {
  const value: Json = {
    primitives: sets.primitives.map(primitiveJson),
    clones: sets.clones.map(cloneJson),
    groups: sets.groups.map(groupJson),
    bundles: sets.bundles.map(bundleJson),
  };
  return pythonJson(value);
}

/** Python's json.dumps defaults (", " and ": " separators, ASCII only), as pcs prints. */
export function pythonJson(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
    .join(", ")}}`;
}
