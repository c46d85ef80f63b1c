/**
 * `resource create` as pcs 0.11 does it: a primitive with instance attributes (validated
 * against the agent's parameters), meta attributes and operations (user's plus the
 * agent's defaults), optionally wrapped in a new clone or put into a group, optionally
 * disabled. Pure: returns a new document and reports; the input is never changed.
 */

import { appendChild, childElements, cloneDocument, element, getAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, type CibDocument } from "../document.js";
import { agentFullName, agentTakesNoParameters, type AgentInfo } from "./agent-info.js";
import { formatList, invalidOptionsMessage, plural, pySorted } from "./format.js";
import { findElementById, IdAllocator, idAlreadyExists, resourcesSection, validateId } from "./lookup.js";
import { appendNewNvset, arrangeFirstNvset, nvValue, type NvPairs } from "./nvsets.js";
import { createOperations, newRoleNamesSupported, prepareOperations, type OperationOptions } from "./operations.js";
import { error, forceable, hasErrors, warning, type Report } from "./reports.js";

export interface EditResult {
  /** The edited copy, or the input document unchanged when there are errors. */
  doc: CibDocument;
  reports: Report[];
  /** Whether the edit changed anything (and so whether the CIB should be written). */
  changed: boolean;
}

export function failed(doc: CibDocument, reports: Report[]): EditResult {
  return { doc, reports, changed: false };
}

export interface CreateResourceRequest {
  id: string;
  agent: AgentInfo;
  instanceAttributes: NvPairs;
  metaAttributes: NvPairs;
  operations: OperationOptions[];
  clone?: { id?: string; meta: NvPairs; promotable: boolean };
  group?: { id: string; adjacent?: { id: string; after: boolean } };
  disabled: boolean;
  noDefaultOps: boolean;
  force: boolean;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "on", "yes", "y", "1"].includes(value.toLowerCase());
}

function pairsGet(pairs: NvPairs, name: string): string | undefined {
  let out: string | undefined;
  for (const [n, v] of pairs) if (n === name) out = v;
  return out;
}

/** Validates instance attributes against the agent's parameters (pcs's create validation). */
export function validateInstanceAttributes(
  doc: CibDocument,
  agent: AgentInfo,
  attrs: NvPairs,
  options: { force: boolean; resourceId?: string; update?: boolean; current?: ReadonlyMap<string, string> },
): Report[] {
  const reports: Report[] = [];
  const names = [...new Set(attrs.map(([n]) => n))];
  if (!options.update) {
    for (const [name, value] of attrs) if (value === "") reports.push(error("RESOURCE_INVALID_OPTION_VALUE", `${name} cannot be empty`));
  }
  if (agentTakesNoParameters(agent)) {
    const given = names.filter((n) => !(options.current?.has(n) ?? false));
    if (given.length > 0) {
      reports.push(
        warning(
          "RESOURCE_AGENT_TAKES_NO_PARAMETERS",
          `${agent.name.standard} agents take no parameters: ${plural(given, "option", "options")} ${formatList(given)} ${plural(given, "is", "are")} stored but ignored by '${agentFullName(agent)}' (pcs 0.11 refuses ${plural(given, "it", "them")} without --force)`,
        ),
      );
    }
    return reports;
  }
  if (!agent.exists) return reports;
  const known = new Set(agent.parameters.map((p) => p.name));
  const unknown = names.filter((n) => !known.has(n) && !(options.current?.has(n) ?? false));
  if (unknown.length > 0) {
    reports.push(forceable("RESOURCE_INVALID_OPTION", invalidOptionsMessage(unknown, [...known], "resource"), options.force));
  }
  // Required parameters; a deprecated one is satisfied by its replacement and vice versa.
  // pcs counts a parameter given with an empty value as given on create (the empty value
  // is reported above) and as removed on update.
  const final = new Map(options.current ?? []);
  for (const [n, v] of attrs) {
    if (v === "" && options.update === true) final.delete(n);
    else final.set(n, v);
  }
  const replacedBy = new Map<string, Set<string>>();
  for (const p of agent.parameters) for (const n of p.deprecatedBy) replacedBy.set(n, new Set([...(replacedBy.get(n) ?? []), p.name]));
  const missing: string[] = [];
  for (const p of agent.parameters) {
    if (!p.required || p.deprecated) continue;
    const olds = replacedBy.get(p.name) ?? new Set<string>();
    if (options.update && ![p.name, ...olds].some((n) => names.includes(n))) continue;
    if (olds.size > 0) {
      const group = [p.name, ...olds];
      if (!group.some((n) => final.has(n))) {
        reports.push(
          forceable(
            "RESOURCE_REQUIRED_OPTION_MISSING",
            `at least one of resource options ${formatList(group)} has to be specified`,
            options.force,
          ),
        );
      }
    } else if (!final.has(p.name)) {
      missing.push(p.name);
    }
  }
  if (missing.length > 0) {
    reports.push(
      forceable(
        "RESOURCE_REQUIRED_OPTION_MISSING",
        `required resource ${plural(missing, "option", "options")} ${formatList(missing)} ${plural(missing, "is", "are")} missing`,
        options.force,
      ),
    );
  }
  for (const p of agent.parameters) {
    const value = pairsGet(attrs, p.name);
    if (p.deprecated && value !== undefined && (!options.update || value !== "")) {
      reports.push(
        warning("RESOURCE_DEPRECATED_OPTION", `resource option '${p.name}' is deprecated and should not be used, use ${formatList(p.deprecatedBy)} instead`),
      );
    }
  }
  reports.push(...uniqueConflicts(doc, agent, attrs, options.force, options.resourceId));
  return reports;
}

function sameAgent(el: XmlElement, agent: AgentInfo): boolean {
  return (
    getAttr(el, "class") === agent.name.standard &&
    getAttr(el, "type") === agent.name.type &&
    (agent.name.provider === undefined || getAttr(el, "provider") === agent.name.provider)
  );
}

function uniqueConflicts(doc: CibDocument, agent: AgentInfo, attrs: NvPairs, force: boolean, selfId?: string): Report[] {
  const groups = new Map<string, string[]>();
  for (const p of agent.parameters) if (p.uniqueGroup !== undefined) groups.set(p.uniqueGroup, [...(groups.get(p.uniqueGroup) ?? []), p.name]);
  if (groups.size === 0) return [];
  const resources = resourcesSection(doc);
  const same = [...allPrimitives(resources)].filter((el) => sameAgent(el, agent));
  const reports: Report[] = [];
  for (const [group, names] of groups) {
    const wanted = new Map(names.map((n) => [n, pairsGet(attrs, n) ?? ""]));
    if (![...wanted.values()].some((v) => v !== "")) continue;
    const conflicting: string[] = [];
    for (const el of same) {
      const id = getAttr(el, "id") ?? "";
      if (id === selfId) continue;
      if (names.every((n) => (nvValue(el, "instance_attributes", n) ?? "") === wanted.get(n))) conflicting.push(id);
    }
    if (conflicting.length === 0) continue;
    const full = agentFullName(agent);
    const message =
      names.length === 1
        ? `Value '${wanted.get(names[0] as string) ?? ""}' of option '${names[0] ?? ""}' is not unique across '${full}' resources. Following resources are configured with the same value of the instance attribute: ${formatList(conflicting)}`
        : `Value ${pySorted(wanted.keys())
            .map((n) => `${n}=${wanted.get(n) ?? ""}`)
            .join(", ")} of options group '${group}' is not unique across '${full}' resources. Following resources are configured with the same values of the instance attributes group: ${formatList(conflicting)}`;
    reports.push(forceable("RESOURCE_INSTANCE_ATTR_NOT_UNIQUE", message, force));
  }
  return reports;
}

function* allPrimitives(parent: XmlElement): Generator<XmlElement> {
  for (const child of childElements(parent)) {
    if (child.name === "primitive") yield child;
    else if (["group", "clone", "master", "bundle"].includes(child.name)) yield* allPrimitives(child);
  }
}

/** pcs's check for clone meta attributes an agent class cannot honour. */
function cloneIncompatibilities(agent: AgentInfo, meta: NvPairs): Report[] {
  if (agent.name.standard === "ocf") return [];
  const reports: Report[] = [];
  for (const attr of ["globally-unique", "promotable"]) {
    if (isTrue(pairsGet(meta, attr))) {
      reports.push(error("RESOURCE_CLONE_INCOMPATIBLE_META", `Clone option '${attr}' is not compatible with '${agentFullName(agent)}' resource agent`));
    }
  }
  return reports;
}

/** Builds a primitive element (not yet attached) as pcs's primitive.append_new. */
export function buildPrimitive(
  doc: CibDocument,
  ids: IdAllocator,
  id: string,
  agent: AgentInfo,
  instance: NvPairs,
  meta: NvPairs,
  operations: readonly OperationOptions[],
): { primitive: XmlElement; reports: Report[] } {
  const attrs: Record<string, string> = { id, class: agent.name.standard, type: agent.name.type };
  if (agent.name.provider !== undefined) attrs.provider = agent.name.provider;
  const primitive = element("primitive", attrs);
  if (instance.length > 0) appendNewNvset("instance_attributes", primitive, instance, ids);
  if (meta.length > 0) appendNewNvset("meta_attributes", primitive, meta, ids);
  const reports = createOperations(doc, primitive, operations, ids);
  return { primitive, reports };
}

export function createResource(input: CibDocument, request: CreateResourceRequest): EditResult {
  const doc = cloneDocument(input);
  const reports: Report[] = [];
  const ids = new IdAllocator(doc);
  const { agent } = request;

  if (request.clone !== undefined) {
    const meta = request.clone.promotable ? [...request.clone.meta, ["promotable", "true"] as const] : request.clone.meta;
    reports.push(...cloneIncompatibilities(agent, meta));
    if (hasErrors(reports)) return failed(input, reports);
  }
  if (findElementById(doc, request.id) !== undefined || ids.isTaken(request.id)) return failed(input, [...reports, idAlreadyExists(request.id)]);
  const badId = validateId(request.id, "resource name");
  if (badId !== undefined) return failed(input, [...reports, badId]);
  ids.book(request.id);

  if (request.clone?.id !== undefined) {
    const bad = validateId(request.clone.id);
    if (bad !== undefined) reports.push(bad);
    else reports.push(...ids.book(request.clone.id));
    if (hasErrors(reports)) return failed(input, reports);
  }

  const prepared = prepareOperations(request.operations, agent, {
    useDefaultOperations: !request.noDefaultOps,
    force: request.force,
    newRoleNames: newRoleNamesSupported(doc),
  });
  reports.push(...prepared.reports);
  if (hasErrors(reports)) return failed(input, reports);

  reports.push(...validateInstanceAttributes(doc, agent, request.instanceAttributes, { force: request.force }));
  if (hasErrors(reports)) return failed(input, reports);

  const resources = resourcesSection(doc);
  let group: XmlElement | undefined;
  let adjacent: XmlElement | undefined;
  if (request.group !== undefined) {
    if (request.group.adjacent !== undefined) {
      adjacent = findElementById(doc, request.group.adjacent.id);
      if (adjacent === undefined) return failed(input, [...reports, error("CIB_ID_NOT_FOUND", `'${request.group.adjacent.id}' does not exist`)]);
    }
    group = findElementById(doc, request.group.id);
    if (group === undefined) {
      const bad = validateId(request.group.id, "group name");
      if (bad !== undefined) return failed(input, [...reports, bad]);
      ids.book(request.group.id);
      group = element("group", { id: request.group.id });
      appendChild(resources, group);
    } else if (group.name !== "group") {
      return failed(input, [...reports, error("CIB_WRONG_ELEMENT_TYPE", `'${request.group.id}' is not a group`)]);
    }
    if (adjacent !== undefined && !group.children.includes(adjacent)) {
      return failed(input, [
        ...reports,
        error(
          "RESOURCE_NOT_IN_GROUP",
          `There is no resource '${request.group.adjacent?.id ?? ""}' in the group '${request.group.id}', cannot add resources next to it`,
        ),
      ]);
    }
  }

  const built = buildPrimitive(doc, ids, request.id, agent, request.instanceAttributes, request.metaAttributes, prepared.operations);
  reports.push(...built.reports);
  if (hasErrors(reports)) return failed(input, reports);
  const { primitive } = built;

  if (request.clone !== undefined) {
    const cloneId = request.clone.id ?? ids.allocate(`${request.id}-clone`);
    const clone = element("clone", { id: cloneId }, [primitive]);
    appendChild(resources, clone);
    const meta: NvPairs = request.clone.promotable ? [...request.clone.meta, ["promotable", "true"]] : request.clone.meta;
    if (meta.length > 0) appendNewNvset("meta_attributes", clone, meta, ids);
    if (request.disabled) arrangeFirstNvset("meta_attributes", clone, [["target-role", "Stopped"]], ids);
  } else if (group !== undefined) {
    if (request.disabled) arrangeFirstNvset("meta_attributes", primitive, [["target-role", "Stopped"]], ids);
    if (adjacent === undefined) appendChild(group, primitive);
    else {
      const at = group.children.indexOf(adjacent);
      group.children.splice(request.group?.adjacent?.after === true ? at + 1 : at, 0, primitive);
    }
  } else {
    appendChild(resources, primitive);
    if (request.disabled) arrangeFirstNvset("meta_attributes", primitive, [["target-role", "Stopped"]], ids);
  }
  bumpEpoch(doc);
  return { doc, reports, changed: true };
}
