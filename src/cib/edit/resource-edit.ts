/**
 * The resource edit commands besides create and delete, as pcs 0.11 performs them on a
 * CIB: `update`, `meta`, `op add|remove`, `clone|promotable`, `unclone`,
 * `group add|remove`, `enable|disable`. Each is pure: a new document and reports.
 */

import { appendChild, childElements, cloneDocument, descendants, element, firstChild, getAttr, removeChild, setAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, configuration, type CibDocument } from "../document.js";
import type { AgentInfo } from "./agent-info.js";
import { findElementById, findResource, IdAllocator, resourcesSection, sanitizeId, validateId } from "./lookup.js";
import { arrangeFirstNvset, type NvPairs } from "./nvsets.js";
import { allowedOperationNames, defaultInterval, newRoleNamesSupported, OPERATION_ATTRIBUTES, opRoleForCib, pcsSeconds, validateOperation } from "./operations.js";
import { formatList, invalidValueMessage } from "./format.js";
import { error, forceable, hasErrors, info, type Report } from "./reports.js";
import { failed, validateInstanceAttributes, type EditResult } from "./resource-create.js";

function done(doc: CibDocument, reports: Report[] = []): EditResult {
  bumpEpoch(doc);
  return { doc, reports, changed: true };
}

function parentIn(root: XmlElement, target: XmlElement): XmlElement | undefined {
  for (const el of [root, ...descendants(root)]) if (el.children.includes(target)) return el;
  return undefined;
}

/** pcs's PCMK_ROLES, sorted as its message lists them ('Unpromoted' last). */
const OP_ROLES = ["Master", "Promoted", "Slave", "Started", "Stopped", "Unpromoted"];

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "on", "yes", "y", "1"].includes(value.toLowerCase());
}

/**
 * pcs's legacy dom_update_nvset: the first block named `tag` (appended, id
 * `<element id>-<tag>`, when missing and something is set), pairs in the given order,
 * new nvpairs with id `<block id>-<name>`, empty values remove.
 */
export function legacyUpdateNvset(el: XmlElement, tag: "instance_attributes" | "meta_attributes" | "utilization", pairs: NvPairs, ids: IdAllocator): void {
  if (pairs.length === 0) return;
  const onlyRemoving = pairs.every(([, v]) => v === "");
  let nvset = firstChild(el, tag);
  if (nvset === undefined) {
    if (onlyRemoving) return;
    nvset = element(tag, { id: ids.allocate(`${getAttr(el, "id") ?? ""}-${tag}`) });
    appendChild(el, nvset);
  }
  for (const [name, value] of pairs) {
    const existing = [...descendants(nvset)].find((nv) => nv.name === "nvpair" && getAttr(nv, "name") === name);
    if (existing !== undefined) {
      if (value === "") {
        const holder = parentIn(nvset, existing);
        if (holder !== undefined) removeChild(holder, existing);
      } else setAttr(existing, "value", value);
    } else if (value !== "") {
      appendChild(nvset, element("nvpair", { id: ids.allocate(`${getAttr(nvset, "id") ?? ""}-${name}`), name, value }));
    }
  }
}

/** Turns a legacy `<master>` into a promotable `<clone>` in place (pcs does on edits). */
function masterToClone(master: XmlElement, ids: IdAllocator): XmlElement {
  master.name = "clone";
  legacyUpdateNvset(master, "meta_attributes", [["promotable", "true"]], ids);
  return master;
}

// ---- op add ----

export interface OpAddRequest {
  resourceId: string;
  name: string;
  options: NvPairs;
  force: boolean;
  /** `resource update`'s replacement: no name-only duplicate check, insert before this op. */
  replacing?: { before?: XmlElement };
}

function opToString(op: XmlElement): string {
  const parts = [getAttr(op, "name") ?? ""];
  const names = Object.keys(op.attrs).filter((n) => n !== "id" && n !== "name").sort();
  for (const n of names) parts.push(`${n}=${getAttr(op, n) ?? ""}`);
  for (const nv of [...descendants(op)].filter((e) => e.name === "nvpair")) parts.push(`${getAttr(nv, "name") ?? ""}=${getAttr(nv, "value") ?? ""}`);
  parts.push(`(${getAttr(op, "id") ?? ""})`);
  return parts.join(" ");
}

function checkLevel(op: XmlElement): string | undefined {
  for (const nv of [...descendants(op)].filter((e) => e.name === "nvpair")) if (getAttr(nv, "name") === "OCF_CHECK_LEVEL") return getAttr(nv, "value");
  return undefined;
}

/** pcs's resource_operation_add on an already-copied document; returns errors. */
function addOperation(doc: CibDocument, ids: IdAllocator, request: OpAddRequest, agent: AgentInfo | undefined): Report[] {
  const found = findResource(doc, request.resourceId);
  if (found === undefined || found.kind !== "primitive") return [error("CIB_RESOURCE_NOT_FOUND", `Unable to find resource: ${request.resourceId}`)];
  if (request.name.includes("=")) return [error("RESOURCE_OP_INVALID_NAME", `${request.name} does not appear to be a valid operation action`)];
  const props: [string, string][] = request.options.map(([n, v]) => [n, v]);
  // pcs's legacy checks (first problem only, as pcs stops there), skipped with --force.
  if (!request.force) {
    for (const [key, value] of props) {
      if (!(OPERATION_ATTRIBUTES as readonly string[]).includes(key) || key === "name") {
        return [error("RESOURCE_OP_INVALID_OPTION", `${key} is not a valid op option (use --force to override)`)];
      }
      if (key === "role" && !OP_ROLES.includes(value)) {
        return [error("RESOURCE_OP_INVALID_VALUE", `role must be: ${OP_ROLES.map((r) => `'${r}'`).slice(0, -1).join(", ")} or 'Unpromoted' (use --force to override)`)];
      }
    }
  }
  // Tandem's additions: the agent must offer the operation (forceable, as on create), and
  // timings must be durations Pacemaker can read.
  if (agent !== undefined && agent.exists && !allowedOperationNames(agent).includes(request.name)) {
    const report = forceable("RESOURCE_OP_INVALID_NAME", invalidValueMessage(request.name, "operation name", allowedOperationNames(agent)), request.force);
    if (report.severity === "error") return [report];
  }
  const timing = validateOperation([["name", request.name], ...props.filter(([n]) => ["interval", "timeout", "start-delay"].includes(n))], [request.name], true);
  if (timing.length > 0) return timing;
  let interval = props.find(([n]) => n === "interval")?.[1];
  if (interval === undefined || interval === "") {
    interval = defaultInterval(request.name);
    props.push(["interval", interval]);
  }
  props.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const givenId = props.find(([n]) => n === "id")?.[1];
  let opId: string;
  if (givenId !== undefined) {
    const bad = validateId(givenId, "operation id");
    if (bad !== undefined) return [bad];
    if (ids.isTaken(givenId)) return [error("CIB_ID_EXISTS", `id '${givenId}' is already in use, please specify another one`)];
    ids.book(givenId);
    opId = givenId;
  } else {
    opId = ids.allocate(sanitizeId(`${request.resourceId}-${request.name}-interval-${interval}`));
  }
  const newRoles = newRoleNamesSupported(doc);
  const op = element("op", { id: opId, name: request.name });
  for (const [key, value] of props) {
    if (key === "id") continue;
    if (key === "OCF_CHECK_LEVEL") {
      const set = element("instance_attributes", { id: ids.allocate(`params-${opId}`) });
      appendChild(set, element("nvpair", { name: key, value, id: ids.allocate(`${opId}-${key}-${value}`) }));
      appendChild(op, set);
    } else if (key === "role" && !request.force) {
      setAttr(op, key, opRoleForCib(value, newRoles));
    } else {
      setAttr(op, key, value);
    }
  }
  const primitive = found.element;
  let operations = firstChild(primitive, "operations");
  if (operations === undefined) {
    operations = element("operations");
    appendChild(primitive, operations);
  } else {
    const seconds = pcsSeconds(interval) ?? interval;
    const sameInterval = childElements(operations, "op").filter(
      (o) => getAttr(o, "name") === request.name && (pcsSeconds(getAttr(o, "interval") ?? "") ?? getAttr(o, "interval")) === seconds,
    );
    if (sameInterval.length > 0) {
      return [
        error(
          "RESOURCE_OP_DUPLICATE_INTERVAL",
          `operation ${request.name} with interval ${String(seconds)}s already specified for ${request.resourceId}:\n${sameInterval.map(opToString).join("\n")}`,
        ),
      ];
    }
    if (request.replacing === undefined && !request.force) {
      const role = (o: XmlElement): string => opRoleForCib(getAttr(o, "role") ?? "Started", newRoles);
      const sameName = childElements(operations, "op").filter(
        (o) => getAttr(o, "name") === request.name && (request.name !== "monitor" || (role(o) === role(op) && checkLevel(o) === checkLevel(op))),
      );
      if (sameName.length > 0) {
        return [
          error(
            "RESOURCE_OP_EXISTS",
            `operation ${request.name} already specified for ${request.resourceId}, use --force to override:\n${sameName.map(opToString).join("\n")}`,
          ),
        ];
      }
    }
  }
  const before = request.replacing?.before;
  const at = before === undefined ? -1 : operations.children.indexOf(before);
  if (at < 0) appendChild(operations, op);
  else operations.children.splice(at, 0, op);
  return [];
}

export function addResourceOperation(input: CibDocument, request: OpAddRequest, agent: AgentInfo | undefined): EditResult {
  const doc = cloneDocument(input);
  const reports = addOperation(doc, new IdAllocator(doc), request, agent);
  return hasErrors(reports) ? failed(input, reports) : done(doc, reports);
}

// ---- op remove ----

export function removeResourceOperation(input: CibDocument, idOrResource: string, args: readonly string[]): EditResult {
  const doc = cloneDocument(input);
  const root = resourcesSection(doc);
  if (args.length === 0) {
    const op = [...descendants(root)].find((e) => e.name === "op" && getAttr(e, "id") === idOrResource);
    if (op === undefined) return failed(input, [error("RESOURCE_OP_NOT_FOUND", `unable to find operation id: ${idOrResource}`)]);
    const parent = parentIn(root, op);
    if (parent !== undefined) removeChild(parent, op);
    return done(doc);
  }
  const [name, ...rest] = args as [string, ...string[]];
  const found = findResource(doc, idOrResource);
  if (found === undefined || found.kind !== "primitive") return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `Unable to find resource: ${idOrResource}`)]);
  const removeAll = rest.length === 0;
  const wanted = new Set(
    rest
      .filter((a) => a.includes("="))
      .map((a) => a)
      .concat([`name=${name}`]),
  );
  let matched = false;
  for (const op of [...descendants(found.element)].filter((e) => e.name === "op")) {
    const have = new Set(Object.keys(op.attrs).filter((n) => n !== "id").map((n) => `${n}=${getAttr(op, n) ?? ""}`));
    const same = have.size === wanted.size && [...have].every((x) => wanted.has(x));
    if ((removeAll && getAttr(op, "name") === name) || (!removeAll && same)) {
      matched = true;
      const parent = parentIn(found.element, op);
      if (parent !== undefined) removeChild(parent, op);
      if (!removeAll) break;
    }
  }
  if (!matched) return failed(input, [error("RESOURCE_OP_NOT_FOUND", `Unable to find operation matching: ${args.join(" ")}`)]);
  return done(doc);
}

// ---- clone / promotable / unclone ----

export interface CloneRequest {
  resourceId: string;
  cloneId?: string;
  meta: NvPairs;
  promotable: boolean;
  force: boolean;
  /** `resource update CLONE …`: edit the existing clone's meta instead of creating one. */
  updateExisting?: boolean;
}

function cloneIncompatible(el: XmlElement, meta: NvPairs): Report[] {
  const prims = el.name === "primitive" ? [el] : childElements(el, "primitive");
  const metaMap = new Map(meta);
  for (const p of prims) {
    if (getAttr(p, "class") === "ocf") continue;
    for (const attr of ["globally-unique", "promotable"]) {
      if (!isTrue(metaMap.get(attr))) continue;
      const agent = `${getAttr(p, "class") ?? ""}:${getAttr(p, "type") ?? ""}`;
      const where = el.name === "group" ? ` in group '${getAttr(el, "id") ?? ""}'` : "";
      return [error("RESOURCE_CLONE_INCOMPATIBLE_META", `Clone option '${attr}' is not compatible with '${agent}' resource agent of resource '${getAttr(p, "id") ?? ""}'${where}`)];
    }
  }
  return [];
}

/** pcs's constraint_resource_update: constraints naming a now-cloned resource name the clone. */
function retargetConstraints(doc: CibDocument, oldId: string, newId: string): void {
  const constraints = firstChild(configuration(doc), "constraints");
  if (constraints === undefined) return;
  for (const c of [...descendants(constraints)].filter((e) => ["rsc_location", "rsc_order", "rsc_colocation"].includes(e.name))) {
    for (const attr of ["rsc", "first", "then", "with-rsc"]) if (getAttr(c, attr) === oldId) setAttr(c, attr, newId);
  }
}

export function cloneResource(input: CibDocument, request: CloneRequest): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const resources = resourcesSection(doc);
  const found = findResource(doc, request.resourceId);
  if (found === undefined || (found.kind !== "primitive" && found.kind !== "group")) {
    return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `unable to find group or resource: ${request.resourceId}`)]);
  }
  const el = found.element;
  if (found.parent.name === "bundle") return failed(input, [error("RESOURCE_CLONE_BUNDLE", "cannot clone bundle resource")]);
  let clone: XmlElement | undefined;
  if (request.updateExisting !== true) {
    if (found.kind === "primitive" && (found.parent.name === "clone" || found.parent.name === "master")) {
      return failed(input, [error("RESOURCE_ALREADY_CLONED", `${request.resourceId} is already a clone resource`)]);
    }
    if (found.kind === "group" && found.clone !== undefined) {
      return failed(input, [error("RESOURCE_ALREADY_CLONED", "cannot clone a group that has already been cloned")]);
    }
  } else {
    if (found.parent.name !== "clone") return failed(input, [error("RESOURCE_NOT_CLONED", `${request.resourceId} is not currently a clone`)]);
    clone = found.parent;
  }
  if (getAttr(el, "class") === "stonith") {
    const r = forceable("RESOURCE_CLONE_STONITH", `No need to clone stonith resource '${request.resourceId}', any node can use a stonith resource (unless specifically banned) to fence any other node.`, request.force);
    if (r.severity === "error") return failed(input, [r]);
  }
  const meta: NvPairs = request.promotable ? [...request.meta, ["promotable", "true"]] : request.meta;
  const incompatible = cloneIncompatible(el, meta);
  if (incompatible.length > 0) return failed(input, incompatible);
  // The last member of a group takes the group's place (the group goes away).
  if (found.parent.name === "group" && childElements(found.parent, "primitive").length <= 1) {
    const groupParent = parentIn(resources, found.parent);
    if (groupParent !== undefined) removeChild(groupParent, found.parent);
  }
  if (clone === undefined) {
    let cloneId: string;
    if (request.cloneId !== undefined) {
      if (validateId(request.cloneId) !== undefined) return failed(input, [error("CIB_INVALID_ID", `invalid id '${request.cloneId}'`)]);
      if (ids.isTaken(request.cloneId)) return failed(input, [error("CIB_ID_EXISTS", `id '${request.cloneId}' already exists`)]);
      cloneId = request.cloneId;
      ids.book(cloneId);
    } else {
      cloneId = ids.allocate(`${request.resourceId}-clone`);
    }
    const parent = parentIn(resources, el);
    if (parent !== undefined) removeChild(parent, el);
    clone = element("clone", { id: cloneId }, [el]);
    appendChild(resources, clone);
  }
  const sorted = [...new Map(meta).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  legacyUpdateNvset(clone, "meta_attributes", sorted, ids);
  if (request.updateExisting !== true) retargetConstraints(doc, request.resourceId, getAttr(clone, "id") ?? "");
  return done(doc);
}

export function uncloneResource(input: CibDocument, name: string): EditResult {
  const doc = cloneDocument(input);
  const resources = resourcesSection(doc);
  let found = findResource(doc, name);
  if (found !== undefined && (found.kind === "clone" || found.kind === "master")) {
    const child = childElements(found.element).find((c) => c.name === "primitive" || c.name === "group");
    found = child === undefined ? undefined : findResource(doc, getAttr(child, "id") ?? "");
  }
  if (found === undefined || (found.kind !== "primitive" && found.kind !== "group")) {
    return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `could not find resource: ${name}`)]);
  }
  const clone = found.clone;
  if (clone === undefined) return failed(input, [error("RESOURCE_NOT_CLONED", `'${name}' is not a clone resource`)]);
  const cloneChild = childElements(clone).find((c) => c.name === "primitive" || c.name === "group");
  const reports: Report[] = [];
  if (cloneChild?.name === "group" && found.kind !== "group" && childElements(cloneChild, "primitive").length > 1) {
    // A member of a cloned group leaves the group (and the clone), as pcs's group remove.
    removeChild(cloneChild, found.element);
    appendChild(resources, found.element);
  } else {
    removeCloneReferences(doc, getAttr(clone, "id") ?? "", reports);
    const holder = parentIn(resources, clone) ?? resources;
    appendChild(holder, found.element);
    removeChild(holder, clone);
  }
  return done(doc, reports);
}

/** Constraints naming a removed clone go with it (pcs's remove_resource_references). */
function removeCloneReferences(doc: CibDocument, id: string, reports: Report[]): void {
  const constraints = firstChild(configuration(doc), "constraints");
  if (constraints === undefined) return;
  for (const c of childElements(constraints)) {
    if (["rsc", "first", "then", "with-rsc"].some((a) => getAttr(c, a) === id)) removeChild(constraints, c);
  }
  for (const ref of [...descendants(constraints)].filter((e) => e.name === "resource_ref" && getAttr(e, "id") === id)) {
    const set = parentIn(constraints, ref);
    if (set === undefined) continue;
    removeChild(set, ref);
    if (childElements(set, "resource_ref").length > 0) continue;
    reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing set ${getAttr(set, "id") ?? ""}`));
    const constraint = parentIn(constraints, set);
    if (constraint === undefined) continue;
    removeChild(constraint, set);
    if (childElements(constraint, "resource_set").length === 0) removeChild(constraints, constraint);
  }
}

// ---- update / meta ----

export interface UpdateRequest {
  resourceId: string;
  instance: NvPairs;
  meta: NvPairs;
  /** Each: name first, then the options. */
  operations: { name: string; options: NvPairs }[];
  force: boolean;
}

/** `resource update`: a primitive's attributes and operations, or a clone's meta. */
export function updateResource(input: CibDocument, request: UpdateRequest, agent: AgentInfo | undefined): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const found = findResource(doc, request.resourceId);
  if (found === undefined || found.kind !== "primitive") {
    if (found !== undefined && (found.kind === "clone" || found.kind === "master")) {
      if (found.kind === "master") masterToClone(found.element, ids);
      const child = childElements(found.element).find((c) => c.name === "primitive" || c.name === "group");
      if (child !== undefined) {
        // pcs re-parses the whole argument list as clone options.
        const result = cloneResource(doc, {
          resourceId: getAttr(child, "id") ?? "",
          meta: [...request.instance, ...request.meta],
          promotable: false,
          force: request.force,
          updateExisting: true,
        });
        return result.changed ? result : failed(input, result.reports);
      }
    }
    return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `Unable to find resource: ${request.resourceId}`)]);
  }
  const primitive = found.element;
  const reports: Report[] = [];
  if (agent !== undefined) {
    const current = new Map<string, string>();
    const first = firstChild(primitive, "instance_attributes");
    if (first !== undefined) for (const nv of childElements(first, "nvpair")) current.set(getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? "");
    const validation = validateInstanceAttributes(doc, agent, request.instance, { force: request.force, resourceId: request.resourceId, update: true, current });
    reports.push(...validation);
    if (hasErrors(reports)) return failed(input, reports);
  }
  legacyUpdateNvset(primitive, "instance_attributes", request.instance, ids);
  legacyUpdateNvset(primitive, "meta_attributes", request.meta, ids);
  let operations = firstChild(primitive, "operations");
  if (operations === undefined) {
    operations = element("operations");
    appendChild(primitive, operations);
  }
  const newRoles = newRoleNamesSupported(doc);
  for (const op of request.operations) {
    if (op.name.includes("=")) return failed(input, [error("RESOURCE_OP_INVALID_NAME", `${op.name} does not appear to be a valid operation action`)]);
    if (op.options.length === 0) continue;
    const roleGiven = op.options.find(([n]) => n === "role")?.[1];
    const role = roleGiven === undefined ? "" : opRoleForCib(roleGiven, newRoles);
    const existing = childElements(operations, "op");
    const index = existing.findIndex((o) => getAttr(o, "name") === op.name && (getAttr(o, "role") === undefined ? "" : opRoleForCib(getAttr(o, "role") ?? "", newRoles)) === role);
    let before: XmlElement | undefined;
    if (index >= 0) {
      before = existing[index + 1];
      removeChild(operations, existing[index] as XmlElement);
    }
    const replacing: { before?: XmlElement } = {};
    if (before !== undefined) replacing.before = before;
    // A fresh allocator: the replaced op's id is free again, as pcs finds it.
    const errors = addOperation(doc, new IdAllocator(doc), { resourceId: request.resourceId, name: op.name, options: op.options, force: request.force, replacing }, agent);
    if (hasErrors(errors)) return failed(input, [...reports, ...errors]);
  }
  return done(doc, reports);
}

/** `resource meta ID k=v…` on a primitive, group, clone (a master becomes a promotable clone). */
export function setResourceMeta(input: CibDocument, id: string, pairs: NvPairs): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const found = findResource(doc, id);
  if (found === undefined || found.kind === "bundle") return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `unable to find a resource/clone/group: ${id}`)]);
  let el = found.element;
  if (found.kind === "master") el = masterToClone(el, ids);
  if (el.name === "clone") {
    const child = childElements(el).find((c) => c.name === "primitive" || c.name === "group");
    if (child !== undefined) {
      const incompatible = cloneIncompatible(child, pairs);
      if (incompatible.length > 0) return failed(input, incompatible);
    }
  }
  legacyUpdateNvset(el, "meta_attributes", pairs, ids);
  return done(doc);
}

// ---- enable / disable ----

/** pcs's find_resources_to_enable: a clone with its child, a child with its clone. */
function resourcesToToggle(doc: CibDocument, el: XmlElement): XmlElement[] {
  if (el.name === "clone" || el.name === "master") {
    const inner = childElements(el).find((c) => c.name === "primitive" || c.name === "group");
    return inner === undefined ? [el] : [el, inner];
  }
  if (el.name === "bundle") {
    const inner = firstChild(el, "primitive");
    return inner === undefined ? [el] : [el, inner];
  }
  const parent = parentIn(resourcesSection(doc), el);
  if (parent !== undefined && ["clone", "master", "bundle"].includes(parent.name)) return [el, parent];
  return [el];
}

export function setResourcesEnabled(input: CibDocument, resourceIds: readonly string[], enabled: boolean): EditResult {
  const doc = cloneDocument(input);
  const ids = new IdAllocator(doc);
  const missing: Report[] = [];
  const targets: XmlElement[] = [];
  for (const id of resourceIds) {
    const found = findResource(doc, id);
    if (found === undefined) {
      const tag = findElementById(doc, id);
      if (tag?.name === "tag") {
        for (const ref of childElements(tag, "obj_ref")) {
          const r = findResource(doc, getAttr(ref, "id") ?? "");
          if (r !== undefined) targets.push(r.element);
        }
        continue;
      }
      missing.push(error("CIB_ID_NOT_FOUND", `bundle/clone/group/resource/tag '${id}' does not exist`));
      continue;
    }
    targets.push(found.element);
  }
  if (missing.length > 0) return failed(input, missing);
  for (const el of targets) {
    const list = enabled ? resourcesToToggle(doc, el) : [el];
    for (const t of list) arrangeFirstNvset("meta_attributes", t, [["target-role", enabled ? "" : "Stopped"]], ids);
  }
  return done(doc);
}

// ---- group add / remove ----

export interface GroupAddRequest {
  groupId: string;
  resourceIds: string[];
  adjacent?: { id: string; after: boolean };
}

export function groupAdd(input: CibDocument, request: GroupAddRequest): EditResult {
  const doc = cloneDocument(input);
  const resources = resourcesSection(doc);
  const reports: Report[] = [];
  let adjacent: XmlElement | undefined;
  if (request.adjacent !== undefined) {
    adjacent = findElementById(doc, request.adjacent.id);
    if (adjacent === undefined) return failed(input, [error("CIB_ID_NOT_FOUND", `'${request.adjacent.id}' does not exist`)]);
  }
  let group = findElementById(doc, request.groupId);
  if (group === undefined) {
    const bad = validateId(request.groupId, "group name");
    if (bad !== undefined) reports.push(bad);
    group = element("group", { id: request.groupId });
    appendChild(resources, group);
  }
  const elements: XmlElement[] = [];
  for (const id of request.resourceIds) {
    const el = findElementById(doc, id);
    if (el === undefined) reports.push(error("CIB_ID_NOT_FOUND", `'${id}' does not exist`));
    else elements.push(el);
  }
  for (const el of elements) {
    const id = getAttr(el, "id") ?? "";
    if (!["primitive", "group", "clone", "master", "bundle"].includes(el.name)) {
      reports.push(error("CIB_WRONG_ELEMENT_TYPE", `'${id}' is not a primitive`));
    } else if (el.name !== "primitive") {
      reports.push(error("RESOURCE_CANNOT_GROUP", `'${id}' is a ${el.name} resource, ${el.name} resources cannot be put into a group`));
    } else {
      const parent = parentIn(resources, el);
      if (parent !== undefined && parent !== resources && parent.name !== "group") {
        reports.push(error("RESOURCE_CANNOT_GROUP", `'${id}' cannot be put into a group because its parent '${getAttr(parent, "id") ?? ""}' is a ${parent.name} resource`));
      }
    }
  }
  if (group.name !== "group") {
    reports.push(error("CIB_WRONG_ELEMENT_TYPE", `'${request.groupId}' is not a group`));
  } else {
    const members = childElements(group, "primitive").map((p) => getAttr(p, "id") ?? "");
    const adding = elements.map((e) => getAttr(e, "id") ?? "");
    const dupes = [...new Set(adding.filter((id, i) => adding.indexOf(id) !== i))];
    if (request.resourceIds.length === 0) {
      reports.push(error("RESOURCE_GROUP_NOTHING", `Cannot modify group '${request.groupId}', no resources to add or remove specified`));
    } else if (dupes.length > 0) {
      reports.push(error("RESOURCE_GROUP_DUPLICATE", `Resources to add or remove must be unique, duplicate resources: ${formatList(dupes)}`));
    } else {
      if (adjacent !== undefined) {
        const adjId = getAttr(adjacent, "id") ?? "";
        if (!members.includes(adjId)) {
          reports.push(error("RESOURCE_NOT_IN_GROUP", `There is no resource '${adjId}' in the group '${request.groupId}', cannot add resources next to it`));
        }
        if (adding.includes(adjId)) reports.push(error("RESOURCE_GROUP_NEXT_TO_ITSELF", `Cannot put resource '${adjId}' next to itself`));
      } else {
        for (const id of adding) {
          if (members.includes(id)) reports.push(error("RESOURCE_ALREADY_IN_GROUP", `Cannot add resource '${id}', it is already present in group '${request.groupId}'`));
        }
      }
    }
  }
  if (hasErrors(reports)) return failed(input, reports);
  // pcs's move_resources_to_group
  let adj = adjacent;
  const after = request.adjacent?.after ?? true;
  for (const el of elements) {
    const oldParent = parentIn(resources, el);
    if (oldParent !== undefined) removeChild(oldParent, el);
    if (adj !== undefined && after) {
      const at = group.children.indexOf(adj);
      group.children.splice(at + 1, 0, el);
      adj = el;
    } else if (adj !== undefined) {
      group.children.splice(group.children.indexOf(adj), 0, el);
    } else {
      appendChild(group, el);
    }
    if (oldParent !== undefined && oldParent.name === "group" && oldParent !== group && childElements(oldParent, "primitive").length === 0) {
      const holder = parentIn(resources, oldParent);
      if (holder !== undefined) {
        removeChild(holder, oldParent);
        if (holder.name === "clone" || holder.name === "master") {
          const top = parentIn(resources, holder);
          if (top !== undefined) removeChild(top, holder);
        }
      }
    }
  }
  return done(doc);
}

export function groupRemove(input: CibDocument, groupId: string, resourceIds: readonly string[]): EditResult {
  const doc = cloneDocument(input);
  const resources = resourcesSection(doc);
  const group = [...descendants(resources)].find((e) => e.name === "group" && getAttr(e, "id") === groupId);
  if (group === undefined) return failed(input, [error("CIB_RESOURCE_NOT_FOUND", `Group '${groupId}' does not exist`)]);
  const toMove: XmlElement[] = [];
  if (resourceIds.length === 0) toMove.push(...childElements(group, "primitive"));
  else {
    for (const id of resourceIds) {
      const el = childElements(group, "primitive").find((p) => getAttr(p, "id") === id);
      if (el === undefined) return failed(input, [error("RESOURCE_NOT_IN_GROUP", `Resource '${id}' does not exist in group '${groupId}'`)]);
      toMove.push(el);
    }
  }
  const holder = parentIn(resources, group) ?? resources;
  const cloned = holder.name === "clone" || holder.name === "master";
  const count = childElements(group, "primitive").length;
  if (cloned && count > 1 && toMove.length === count) return failed(input, [error("RESOURCE_GROUP_CLONED", "Cannot remove all resources from a cloned group")]);
  const target = cloned && count > 1 ? resources : holder;
  for (const el of toMove) {
    removeChild(group, el);
    appendChild(target, el);
  }
  const reports: Report[] = [];
  if (childElements(group, "primitive").length === 0) {
    removeChild(holder, group);
    const constraints = firstChild(configuration(doc), "constraints");
    if (constraints !== undefined) {
      for (const c of childElements(constraints)) {
        if (["rsc", "first", "then", "with-rsc"].some((a) => getAttr(c, a) === groupId)) {
          reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing Constraint - ${getAttr(c, "id") ?? ""}`));
          removeChild(constraints, c);
        }
      }
    }
  }
  return done(doc, reports);
}

