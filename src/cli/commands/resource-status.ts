/**
 * `resource` / `resource status` offline: what `pcs -f FILE resource status` prints, i.e.
 * crm_mon's resource list for a CIB without node status — every resource Stopped, with
 * crm_mon's flags (disabled, unmanaged, unique, promotable) and globally-unique clone
 * instances numbered. Pure text from the document.
 */

import { childElements, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { configuration, type CibDocument } from "../../cib/index.js";
import { nvValue } from "../../cib/edit/index.js";

function isTrueValue(value: string | undefined): boolean {
  return value !== undefined && ["true", "on", "yes", "y", "1"].includes(value.toLowerCase());
}

function meta(el: XmlElement, name: string): string | undefined {
  return nvValue(el, "meta_attributes", name);
}

interface Inherited {
  targetRole?: string;
  isManaged?: string;
  promotable: boolean;
}

function inherit(el: XmlElement, parent: Inherited): Inherited {
  const targetRole = meta(el, "target-role") ?? parent.targetRole;
  const isManaged = meta(el, "is-managed") ?? parent.isManaged;
  const out: Inherited = { promotable: parent.promotable || isPromotable(el) };
  if (targetRole !== undefined) out.targetRole = targetRole;
  if (isManaged !== undefined) out.isManaged = isManaged;
  return out;
}

function isPromotable(el: XmlElement): boolean {
  return el.name === "master" || (el.name === "clone" && isTrueValue(meta(el, "promotable")));
}

function isDisabled(state: Inherited): boolean {
  return state.targetRole !== undefined && state.targetRole.toLowerCase() === "stopped";
}

function isUnmanaged(state: Inherited): boolean {
  return state.isManaged !== undefined && !isTrueValue(state.isManaged);
}

function agentText(el: XmlElement): string {
  const cls = getAttr(el, "class") ?? "";
  const provider = getAttr(el, "provider");
  const type = getAttr(el, "type") ?? "";
  return provider === undefined ? `${cls}:${type}` : `${cls}:${provider}:${type}`;
}

function flagsText(flags: string[]): string {
  return flags.length === 0 ? "" : ` (${flags.join(", ")})`;
}

function primitiveLine(el: XmlElement, state: Inherited, indent: string, suffix: string): string {
  const flags: string[] = [];
  if (isDisabled(state)) flags.push("disabled");
  else if (state.promotable && state.targetRole !== undefined && !["started", "stopped"].includes(state.targetRole.toLowerCase())) {
    flags.push(`target-role:${state.targetRole}`);
  }
  if (isUnmanaged(state)) flags.push("unmanaged");
  return `${indent}* ${getAttr(el, "id") ?? ""}${suffix}\t(${agentText(el)}):\t Stopped${flagsText(flags)}`;
}

function childResource(el: XmlElement): XmlElement | undefined {
  return childElements(el).find((c) => c.name === "primitive" || c.name === "group");
}

function nodeNames(doc: CibDocument): string[] {
  const nodes = firstChild(configuration(doc), "nodes");
  if (nodes === undefined) return [];
  return childElements(nodes, "node")
    .map((n) => getAttr(n, "uname") ?? getAttr(n, "id") ?? "")
    .sort();
}

function resourceLines(doc: CibDocument, el: XmlElement, parent: Inherited, depth: number, out: string[]): void {
  const indent = "  ".repeat(depth);
  const state = inherit(el, parent);
  switch (el.name) {
    case "primitive":
      out.push(primitiveLine(el, state, indent, ""));
      return;
    case "group": {
      const flags: string[] = [];
      if (isUnmanaged(state)) flags.push("unmanaged");
      if (isDisabled(state)) flags.push("disabled");
      out.push(`${indent}* Resource Group: ${getAttr(el, "id") ?? ""}${flagsText(flags)}:`);
      for (const child of childElements(el, "primitive")) resourceLines(doc, child, state, depth + 1, out);
      return;
    }
    case "clone":
    case "master": {
      const child = childResource(el);
      const unique = isTrueValue(meta(el, "globally-unique"));
      const promotable = isPromotable(el);
      const flags: string[] = [];
      if (promotable) flags.push("promotable");
      if (unique) flags.push("unique");
      if (isUnmanaged(state)) flags.push("unmanaged");
      const role = state.targetRole?.toLowerCase();
      if (role === "stopped" || (promotable && (role === "unpromoted" || role === "slave"))) flags.push("disabled");
      out.push(`${indent}* Clone Set: ${getAttr(el, "id") ?? ""} [${child === undefined ? "" : (getAttr(child, "id") ?? "")}]${flagsText(flags)}:`);
      if (child === undefined) return;
      const nodes = nodeNames(doc);
      const maxText = meta(el, "clone-max") ?? meta(el, "clone_max");
      const parsedMax = maxText === undefined ? Number.NaN : Number.parseInt(maxText, 10);
      const cloneMax = Number.isNaN(parsedMax) ? nodes.length : Math.max(0, parsedMax);
      const inner = "  ".repeat(depth + 1);
      if (unique) {
        const childState = inherit(child, state);
        for (let i = 0; i < cloneMax; i++) {
          if (child.name === "primitive") {
            out.push(primitiveLine(child, childState, inner, `:${i}`));
          } else {
            out.push(`${inner}* Resource Group: ${getAttr(child, "id") ?? ""}:${i}:`);
            for (const member of childElements(child, "primitive")) {
              out.push(primitiveLine(member, inherit(member, childState), "  ".repeat(depth + 2), `:${i}`));
            }
          }
        }
      } else if (nodes.length > 0 && cloneMax > 0) {
        const disabled = isDisabled(inherit(child, state));
        out.push(`${inner}* Stopped${disabled ? " (disabled)" : ""}: [ ${nodes.join(" ")} ]`);
      }
      return;
    }
    default:
      return;
  }
}

const RESOURCE_ELEMENTS = ["primitive", "group", "clone", "master", "bundle"];

/**
 * The listing for all resources, or for one (crm_mon's `--resource`): a top-level
 * resource whole; a group member under its group's heading, alone.
 */
export function resourceStatusLines(doc: CibDocument, only?: string): string[] {
  if (only === undefined) return resourceStatusLinesOf(doc);
  const resources = firstChild(configuration(doc), "resources");
  if (resources === undefined) return [];
  for (const top of childElements(resources).filter((e) => RESOURCE_ELEMENTS.includes(e.name))) {
    if (getAttr(top, "id") === only) return resourceStatusLinesOf(doc, [only]);
    if (top.name === "group") {
      const member = childElements(top, "primitive").find((p) => getAttr(p, "id") === only);
      if (member === undefined) continue;
      const lines = resourceStatusLinesOf(doc, [getAttr(top, "id") ?? ""]);
      const memberLine = lines.find((l) => l.startsWith(`    * ${only}\t`));
      return [lines[0] ?? "", ...(memberLine === undefined ? [] : [memberLine])];
    }
    if (top.name === "clone" || top.name === "master") {
      const inner = [...childElements(top)].find((c) => c.name === "primitive" || c.name === "group");
      if (inner !== undefined && (getAttr(inner, "id") === only || childElements(inner, "primitive").some((p) => getAttr(p, "id") === only))) {
        return resourceStatusLinesOf(doc, [getAttr(top, "id") ?? ""]);
      }
    }
  }
  return [];
}

function resourceStatusLinesOf(doc: CibDocument, only?: readonly string[]): string[] {
  const resources = firstChild(configuration(doc), "resources");
  const out: string[] = [];
  const top = resources === undefined ? [] : childElements(resources).filter((e) => RESOURCE_ELEMENTS.includes(e.name));
  for (const el of top) {
    if (only !== undefined && only.length > 0 && !only.includes(getAttr(el, "id") ?? "")) continue;
    resourceLines(doc, el, { promotable: false }, 1, out);
  }
  return out;
}

/** One resource in `resource status --output-format=json` (Tandem's schema, docs/cli-json.md). */
export interface ResourceStatusJson {
  id: string;
  type: "primitive" | "group" | "clone";
  /** `standard:provider:type` for primitives. */
  agent?: string;
  /** Offline (a file) every resource is Stopped; the live cluster fills in where it runs. */
  role?: string;
  nodes?: string[];
  /** crm_mon's flags: disabled, unmanaged, unique, promotable, target-role:ROLE. */
  flags: string[];
  /** Group members, or a unique clone's numbered instances. */
  members?: ResourceStatusJson[];
  /** A clone's primitive or group. */
  member_id?: string;
  /** An anonymous clone's nodes where it is stopped. */
  stopped_on?: string[];
}

function primitiveJson(el: XmlElement, state: Inherited, suffix: string): ResourceStatusJson {
  const flags: string[] = [];
  if (isDisabled(state)) flags.push("disabled");
  else if (state.promotable && state.targetRole !== undefined && !["started", "stopped"].includes(state.targetRole.toLowerCase())) {
    flags.push(`target-role:${state.targetRole}`);
  }
  if (isUnmanaged(state)) flags.push("unmanaged");
  return { id: (getAttr(el, "id") ?? "") + suffix, type: "primitive", agent: agentText(el), role: "Stopped", nodes: [], flags };
}

function resourceJson(doc: CibDocument, el: XmlElement, parent: Inherited): ResourceStatusJson | undefined {
  const state = inherit(el, parent);
  switch (el.name) {
    case "primitive":
      return primitiveJson(el, state, "");
    case "group": {
      const flags: string[] = [];
      if (isUnmanaged(state)) flags.push("unmanaged");
      if (isDisabled(state)) flags.push("disabled");
      return { id: getAttr(el, "id") ?? "", type: "group", flags, members: childElements(el, "primitive").map((p) => primitiveJson(p, inherit(p, state), "")) };
    }
    case "clone":
    case "master": {
      const child = childResource(el);
      const unique = isTrueValue(meta(el, "globally-unique"));
      const promotable = isPromotable(el);
      const flags: string[] = [];
      if (promotable) flags.push("promotable");
      if (unique) flags.push("unique");
      if (isUnmanaged(state)) flags.push("unmanaged");
      const role = state.targetRole?.toLowerCase();
      if (role === "stopped" || (promotable && (role === "unpromoted" || role === "slave"))) flags.push("disabled");
      const out: ResourceStatusJson = { id: getAttr(el, "id") ?? "", type: "clone", flags, members: [] };
      if (child === undefined) return out;
      out.member_id = getAttr(child, "id") ?? "";
      const nodes = nodeNames(doc);
      const maxText = meta(el, "clone-max");
      const parsedMax = maxText === undefined ? Number.NaN : Number.parseInt(maxText, 10);
      const cloneMax = Number.isNaN(parsedMax) ? nodes.length : Math.max(0, parsedMax);
      if (unique) {
        const childState = inherit(child, state);
        for (let i = 0; i < cloneMax; i++) {
          if (child.name === "primitive") out.members?.push(primitiveJson(child, childState, `:${i}`));
          else {
            out.members?.push({
              id: `${getAttr(child, "id") ?? ""}:${i}`,
              type: "group",
              flags: [],
              members: childElements(child, "primitive").map((m) => primitiveJson(m, inherit(m, childState), `:${i}`)),
            });
          }
        }
      } else if (nodes.length > 0 && cloneMax > 0) {
        out.stopped_on = nodes;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** `resource status --output-format=json`: `{"resources": [...]}` in CIB order. */
export function resourceStatusJson(doc: CibDocument): { resources: ResourceStatusJson[] } {
  const resources = firstChild(configuration(doc), "resources");
  const top = resources === undefined ? [] : childElements(resources).filter((e) => RESOURCE_ELEMENTS.includes(e.name));
  const out: ResourceStatusJson[] = [];
  for (const el of top) {
    const json = resourceJson(doc, el, { promotable: false });
    if (json !== undefined) out.push(json);
  }
  return { resources: out };
}
