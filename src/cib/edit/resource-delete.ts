/**
 * `resource delete|remove ID` as pcs 0.11 does it offline: a clone is deleted through its
 * child, a group member by member (the last one takes the group, and its clone, along),
 * and every constraint naming a deleted resource goes first — whole constraints, or the
 * resource's place in a set (an emptied set and constraint go too). Tags lose their
 * references. Each step is reported with pcs's message.
 */

import { childElements, cloneDocument, descendants, getAttr, removeChild, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, configuration, type CibDocument } from "../document.js";
import { findResource, resourcesSection } from "./lookup.js";
import { error, info, type Report } from "./reports.js";
import type { EditResult } from "./resource-create.js";

const REF_ATTRIBUTES = ["rsc", "first", "then", "with-rsc"];
const CONSTRAINT_TAGS = ["rsc_colocation", "rsc_location", "rsc_order", "rsc_ticket"];

function constraintsOf(doc: CibDocument): XmlElement | undefined {
  return childElements(configuration(doc), "constraints")[0];
}

function parentOf(root: XmlElement, target: XmlElement): XmlElement | undefined {
  for (const el of [root, ...descendants(root)]) if (el.children.includes(target)) return el;
  return undefined;
}

/** Constraint ids naming `id` (clone's first when `id` is a clone's primitive), in pcs's order. */
function constraintsContaining(doc: CibDocument, id: string): { ids: string[]; inSets: boolean } {
  const constraints = constraintsOf(doc);
  const found: string[] = [];
  let inSets = false;
  const info = findResource(doc, id);
  if (info !== undefined && info.kind === "primitive" && (info.parent.name === "clone" || info.parent.name === "master")) {
    const fromClone = constraintsContaining(doc, getAttr(info.parent, "id") ?? "");
    found.push(...fromClone.ids);
    inSets = fromClone.inSets;
  }
  if (constraints === undefined) return { ids: found, inSets };
  const all = [...descendants(constraints)];
  for (const tag of CONSTRAINT_TAGS) {
    for (const c of all.filter((e) => e.name === tag)) {
      if (REF_ATTRIBUTES.some((a) => getAttr(c, a) === id)) found.push(getAttr(c, "id") ?? "");
    }
  }
  if (all.some((e) => e.name === "resource_ref" && getAttr(e, "id") === id)) inSets = true;
  return { ids: found, inSets };
}

/** pcs's remove_resource_references: constraints, set members, tag references. */
function removeReferences(doc: CibDocument, id: string, output: boolean, reports: Report[]): void {
  // Tags: drop the reference; an emptied tag goes, with references to it.
  const tags = childElements(configuration(doc), "tags")[0];
  if (tags !== undefined) {
    for (const tag of childElements(tags, "tag")) {
      const refs = childElements(tag, "obj_ref").filter((r) => getAttr(r, "id") === id);
      if (refs.length === 0) continue;
      for (const r of refs) removeChild(tag, r);
      if (childElements(tag, "obj_ref").length === 0) {
        removeReferences(doc, getAttr(tag, "id") ?? "", output, reports);
        removeChild(tags, tag);
      }
    }
  }
  const { ids, inSets } = constraintsContaining(doc, id);
  const constraints = constraintsOf(doc);
  if (constraints === undefined) return;
  for (const cid of ids) {
    if (output) reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing Constraint - ${cid}`));
    const el = childElements(constraints).find((c) => getAttr(c, "id") === cid);
    if (el !== undefined) removeChild(constraints, el);
  }
  if (!inSets) return;
  for (const ref of [...descendants(constraints)].filter((e) => e.name === "resource_ref" && getAttr(e, "id") === id)) {
    const set = parentOf(constraints, ref);
    if (set === undefined) continue;
    removeChild(set, ref);
    if (output) reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing ${id} from set ${getAttr(set, "id") ?? ""}`));
    if (childElements(set, "resource_ref").length > 0) continue;
    reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing set ${getAttr(set, "id") ?? ""}`));
    const constraint = parentOf(constraints, set);
    if (constraint === undefined) continue;
    removeChild(constraint, set);
    if (childElements(constraint, "resource_set").length === 0) {
      const holder = parentOf(constraints, constraint) ?? constraints;
      removeChild(holder, constraint);
      reports.push(info("RESOURCE_CONSTRAINT_REMOVED", `Removing constraint ${getAttr(constraint, "id") ?? ""}`));
    }
  }
}

function detach(doc: CibDocument, el: XmlElement): void {
  const parent = parentOf(resourcesSection(doc), el);
  if (parent !== undefined) removeChild(parent, el);
}

function removePrimitive(doc: CibDocument, id: string, reports: Report[]): boolean {
  const found = findResource(doc, id);
  if (found === undefined || found.kind !== "primitive") {
    reports.push(error("CIB_RESOURCE_NOT_FOUND", `Resource '${id}' does not exist.`));
    return false;
  }
  const group = found.parent.name === "group" ? found.parent : undefined;
  const inGroup = group === undefined ? 0 : childElements(group, "primitive").length;
  removeReferences(doc, id, true, reports);
  const now = findResource(doc, id);
  if (now === undefined) return true;
  if (group === undefined || inGroup > 1) {
    const wrapper = now.parent.name === "clone" || now.parent.name === "master" ? now.parent : now.element;
    reports.push(info("RESOURCE_DELETED", `Deleting Resource - ${id}`));
    detach(doc, wrapper);
    return true;
  }
  const groupNow = now.parent;
  const top = parentOf(resourcesSection(doc), groupNow);
  let toRemove = groupNow;
  let what = "and group";
  if (top !== undefined && (top.name === "clone" || top.name === "master")) {
    removeReferences(doc, getAttr(groupNow, "id") ?? "", false, reports);
    toRemove = top;
    what = top.name === "clone" ? "and group and clone" : "and group and M/S";
  }
  removeReferences(doc, getAttr(toRemove, "id") ?? "", true, reports);
  reports.push(info("RESOURCE_DELETED", `Deleting Resource (${what}) - ${id}`));
  detach(doc, toRemove);
  return true;
}

export function deleteResource(input: CibDocument, requestedId: string): EditResult {
  const doc = cloneDocument(input);
  const reports: Report[] = [];
  let id = requestedId;
  const found = findResource(doc, id);
  if (found !== undefined && (found.kind === "clone" || found.kind === "master")) {
    const child = childElements(found.element).find((c) => c.name === "primitive" || c.name === "group");
    if (child !== undefined) id = getAttr(child, "id") ?? id;
  }
  const target = findResource(doc, id);
  if (target?.kind === "bundle") {
    return { doc: input, reports: [error("RESOURCE_BUNDLE_UNSUPPORTED", `Deleting bundle '${id}' is not supported by Tandem yet`)], changed: false };
  }
  if (target?.kind === "group") {
    reports.push(info("RESOURCE_DELETED", `Removing group: ${id} (and all resources within group)`));
    reports.push(info("RESOURCE_DELETED", `Stopping all resources in group: ${id}...`));
    for (const member of childElements(target.element, "primitive")) {
      if (!removePrimitive(doc, getAttr(member, "id") ?? "", reports)) return { doc: input, reports, changed: false };
    }
  } else if (!removePrimitive(doc, id, reports)) {
    return { doc: input, reports, changed: false };
  }
  bumpEpoch(doc);
  return { doc, reports, changed: true };
}
