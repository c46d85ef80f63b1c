/**
 * Finding things in a CIB for edit commands, with pcs's rules: which ids are taken (the
 * whole document except the status section and reference elements), what kind of
 * resource an id names and what wraps it (group, clone), and new ids the way pcs derives
 * them (`find_unique_id`, `create_subelement_id`, `sanitize_id`).
 */

import { childElements, descendants, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { configuration, section, type CibDocument } from "../document.js";
import { error, type Report } from "./reports.js";

/** Elements whose `id` refers to another element instead of naming itself (pcs skips them). */
const REFERENCE_ELEMENTS = new Set(["acl_target", "role", "obj_ref", "resource_ref"]);

export type ResourceKind = "primitive" | "group" | "clone" | "master" | "bundle";
const RESOURCE_KINDS: readonly string[] = ["primitive", "group", "clone", "master", "bundle"];

export function isResourceElement(el: XmlElement): boolean {
  return RESOURCE_KINDS.includes(el.name);
}

export function resourceKind(el: XmlElement): ResourceKind | undefined {
  switch (el.name) {
    case "primitive":
    case "group":
    case "clone":
    case "master":
    case "bundle":
      return el.name;
    default:
      return undefined;
  }
}

function* configurationElements(doc: CibDocument): Generator<XmlElement> {
  for (const child of childElements(doc.root)) {
    if (child.name === "status") continue;
    yield child;
    yield* descendants(child);
  }
}

/**
 * Every id in use, as pcs counts them: ids of elements outside the status section
 * (reference elements excepted) and the names of implicit remote nodes (a primitive's
 * `remote-node` meta attribute), which Pacemaker turns into resources.
 */
export function takenIds(doc: CibDocument): Set<string> {
  const ids = new Set<string>();
  for (const el of configurationElements(doc)) {
    const id = getAttr(el, "id");
    if (id !== undefined && !REFERENCE_ELEMENTS.has(el.name)) ids.add(id);
    if (el.name === "primitive") {
      for (const meta of childElements(el, "meta_attributes")) {
        for (const nv of childElements(meta, "nvpair")) {
          const value = getAttr(nv, "value");
          if (getAttr(nv, "name") === "remote-node" && value !== undefined) ids.add(value);
        }
      }
    }
  }
  return ids;
}

/** The configuration element carrying `id` (reference elements excepted), if any. */
export function findElementById(doc: CibDocument, id: string): XmlElement | undefined {
  for (const el of configurationElements(doc)) {
    if (!REFERENCE_ELEMENTS.has(el.name) && getAttr(el, "id") === id) return el;
  }
  return undefined;
}

/**
 * Hands out new ids and remembers them, so ids allocated within one command never
 * collide with each other (pcs's IdProvider). Not shared between commands.
 */
export class IdAllocator {
  private readonly taken: Set<string>;
  private readonly booked = new Set<string>();

  constructor(doc: CibDocument) {
    this.taken = takenIds(doc);
  }

  isTaken(id: string): boolean {
    return this.taken.has(id) || this.booked.has(id);
  }

  /** `proposed`, or `proposed-1`, `proposed-2`, … whichever is free first. */
  allocate(proposed: string): string {
    let candidate = proposed;
    for (let counter = 1; this.isTaken(candidate); counter++) candidate = `${proposed}-${counter}`;
    this.booked.add(candidate);
    return candidate;
  }

  /** Reserves ids the user chose; an id already in use is an error (ID_ALREADY_EXISTS). */
  book(...ids: string[]): Report[] {
    const reports: Report[] = [];
    const reported = new Set<string>();
    for (const id of ids) {
      if (reported.has(id)) continue;
      if (this.isTaken(id)) {
        reports.push(idAlreadyExists(id));
        reported.add(id);
        continue;
      }
      this.booked.add(id);
    }
    return reports;
  }

  /** An id for a child of `parent`: `<parent id or tag>-<suffix>`, sanitized, made unique. */
  subelementId(parent: XmlElement, suffix: string): string {
    return this.allocate(sanitizeId(`${getAttr(parent, "id") ?? parent.name}-${suffix}`));
  }
}

const FIRST_CHAR = /^[a-zA-Z_]$/;
const REST_CHAR = /^[a-zA-Z0-9_.-]$/;

/**
 * pcs's sanitize_id: drops an invalid first character and replaces (by default: drops)
 * invalid characters after it. ASCII rules, as pcs has them.
 */
export function sanitizeId(candidate: string, replacement = ""): string {
  if (candidate.length === 0) return candidate;
  const first = candidate[0] as string;
  let out = FIRST_CHAR.test(first) ? first : "";
  for (const ch of candidate.slice(1)) out += REST_CHAR.test(ch) ? ch : replacement;
  return out;
}

/** pcs's validate_id: the first problem with an id, as a report (INVALID_ID_*), or undefined. */
export function validateId(id: string, description = "id"): Report | undefined {
  if (id.length === 0) return error("CIB_INVALID_ID", `${description} cannot be empty`);
  const first = id[0] as string;
  if (!FIRST_CHAR.test(first)) {
    return error(
      "CIB_INVALID_ID",
      `invalid ${description} '${id}', '${first}' is not a valid first character for a ${description}`,
    );
  }
  for (const ch of id.slice(1)) {
    if (!REST_CHAR.test(ch)) {
      return error("CIB_INVALID_ID", `invalid ${description} '${id}', '${ch}' is not a valid character for a ${description}`);
    }
  }
  return undefined;
}

export function idAlreadyExists(id: string): Report {
  return error("CIB_ID_EXISTS", `'${id}' already exists`);
}

/** The `<resources>` section (created when missing). */
export function resourcesSection(doc: CibDocument): XmlElement {
  return section(doc, "resources");
}

/** The `<constraints>` section (created when missing). */
export function constraintsSection(doc: CibDocument): XmlElement {
  return section(doc, "constraints");
}

/** What an id names among the resources, and what wraps it. */
export interface ResourceInfo {
  id: string;
  element: XmlElement;
  kind: ResourceKind;
  /** The element directly containing it: `<resources>`, a group, a clone, a master or a bundle. */
  parent: XmlElement;
  /** The group it is a member of, if any. */
  group?: XmlElement;
  /** The clone or master (promotable clone) wrapping it or its group, if any. */
  clone?: XmlElement;
  /** The bundle containing it, if any. */
  bundle?: XmlElement;
}

function walkResources(
  parent: XmlElement,
  visit: (el: XmlElement, parent: XmlElement, chain: readonly XmlElement[]) => boolean,
  chain: XmlElement[] = [],
): boolean {
  for (const child of childElements(parent)) {
    if (!isResourceElement(child)) continue;
    if (visit(child, parent, chain)) return true;
    if (child.name !== "primitive") {
      chain.push(child);
      const stop = walkResources(child, visit, chain);
      chain.pop();
      if (stop) return true;
    }
  }
  return false;
}

/** The resource (primitive, group, clone, master or bundle) with this id, or undefined. */
export function findResource(doc: CibDocument, id: string): ResourceInfo | undefined {
  const resources = firstChild(configuration(doc), "resources");
  if (resources === undefined) return undefined;
  let found: ResourceInfo | undefined;
  walkResources(resources, (el, parent, chain) => {
    if (getAttr(el, "id") !== id) return false;
    const kind = resourceKind(el) as ResourceKind;
    found = { id, element: el, kind, parent };
    for (const wrapper of chain) {
      if (wrapper.name === "group") found.group = wrapper;
      else if (wrapper.name === "clone" || wrapper.name === "master") found.clone = wrapper;
      else if (wrapper.name === "bundle") found.bundle = wrapper;
    }
    return true;
  });
  return found;
}

/** Every resource element, depth first in document order. */
export function allResources(doc: CibDocument): XmlElement[] {
  const resources = firstChild(configuration(doc), "resources");
  if (resources === undefined) return [];
  const out: XmlElement[] = [];
  walkResources(resources, (el) => {
    out.push(el);
    return false;
  });
  return out;
}

/** The primitives inside a resource (itself when it is one), in document order. */
export function innerPrimitives(el: XmlElement): XmlElement[] {
  if (el.name === "primitive") return [el];
  const out: XmlElement[] = [];
  walkResources(el, (child) => {
    if (child.name === "primitive") out.push(child);
    return false;
  });
  return out;
}

export function resourceNotFound(id: string): Report {
  return error("CIB_RESOURCE_NOT_FOUND", `Resource '${id}' does not exist`);
}

export type ConstraintTarget = { ok: true; id: string; info: ResourceInfo } | { ok: false; report: Report };

/**
 * The resource a constraint may name (pcs's validate_constraint_resource): it must exist,
 * and a resource inside a clone, master or bundle must be named by its wrapper's id.
 * With `force`, the wrapper's id is used instead, as pcs does.
 */
export function constraintTarget(doc: CibDocument, id: string, force: boolean): ConstraintTarget {
  const info = findResource(doc, id);
  if (info === undefined) return { ok: false, report: resourceNotFound(id) };
  const wrapper = info.clone ?? info.bundle;
  if (wrapper === undefined || wrapper === info.element) return { ok: true, id, info };
  const wrapperId = getAttr(wrapper, "id") ?? "";
  if (force) return { ok: true, id: wrapperId, info };
  const type = wrapper.name === "bundle" ? "bundle" : "clone";
  return {
    ok: false,
    report: error(
      "CIB_CONSTRAINT_NEEDS_CLONE_ID",
      `${id} is a ${type} resource, you should use the ${type} id: ${wrapperId} when adding constraints. Use --force to override.`,
    ),
  };
}
