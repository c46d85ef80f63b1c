/**
 * `constraint order set …` and `constraint colocation set …` (pcs 0.11.5's library
 * commands): constraints over resource sets. Ids as pcs makes them:
 * `<type>_set_<first and last letter of the first three resources>`, sets `<id>_set`.
 */

import { appendChild, childElements, cloneDocument, element, getAttr, setAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, type CibDocument } from "../document.js";
import { ACTIONS, ORDER_KINDS, ROLES, capitalize, isPcsScore, legacyRoleDeprecation, roleForCib, type ConstraintEdit } from "./constraints.js";
import { constraintsSection, findResource, IdAllocator, validateId } from "./lookup.js";
import { error, forceable, type Report } from "./reports.js";
import { setsPlain } from "./constraints-listing.js";

export interface ResourceSetInput {
  ids: string[];
  /** name=value pairs in the order given. */
  options: [string, string][];
}

export interface SetConstraintRequest {
  type: "order" | "colocation";
  sets: ResourceSetInput[];
  options: [string, string][];
  force: boolean;
}

const SET_OPTIONS = ["action", "require-all", "role", "sequential"];
const BOOLEAN = ["true", "false"];

function quoted(values: readonly string[]): string {
  return [...values].sort().map((v) => `'${v}'`).join(", ");
}

function failed(doc: CibDocument, reports: Report[]): ConstraintEdit {
  return { doc, reports, notes: [] };
}

function setIds(c: XmlElement): string[][] {
  return childElements(c, "resource_set").map((s) => childElements(s, "resource_ref").map((r) => getAttr(r, "id") ?? ""));
}

export function addSetConstraint(original: CibDocument, req: SetConstraintRequest): ConstraintEdit {
  const reports: Report[] = [];
  // Resources: they must exist; a clone's child must be named by the clone (forceable).
  for (const set of req.sets) {
    for (const id of set.ids) {
      const info = findResource(original, id);
      if (info === undefined) return failed(original, [error("CIB_RESOURCE_NOT_FOUND", `bundle/clone/group/resource '${id}' does not exist`)]);
      const wrapper = info.clone ?? info.bundle;
      if (wrapper !== undefined && wrapper !== info.element) {
        const kind = wrapper.name === "bundle" ? "bundle" : "clone";
        const report = forceable("CIB_CONSTRAINT_NEEDS_CLONE_ID", `${id} is a ${kind} resource, you should use the ${kind} id: ${getAttr(wrapper, "id") ?? ""} when adding constraints`, req.force);
        reports.push(report);
        if (report.severity === "error") return failed(original, reports);
      }
    }
  }
  // Set options.
  for (const set of req.sets) {
    const unknown = set.options.map(([n]) => n).filter((n) => !SET_OPTIONS.includes(n));
    if (unknown.length > 0) {
      const names = [...new Set(unknown)].map((n) => `'${n}'`).join(", ");
      return failed(original, [error("CIB_CONSTRAINT_INVALID_OPTION", `invalid set option${unknown.length > 1 ? "s" : ""} ${names}, allowed options are: ${quoted(SET_OPTIONS)}`)]);
    }
    for (const [name, value] of set.options) {
      const allowed = name === "action" ? ACTIONS : name === "role" ? ROLES : BOOLEAN;
      const ok = name === "role" ? (ROLES as readonly string[]).includes(value) : (allowed as readonly string[]).includes(value);
      if (!ok) return failed(original, [error("CIB_CONSTRAINT_INVALID_OPTION", `'${value}' is not a valid ${name} value, use ${quoted(allowed)}`)]);
      if (name === "role") {
        const dep = legacyRoleDeprecation(value);
        if (dep !== undefined) reports.push(dep);
      }
    }
  }
  // Constraint options.
  const allowedOptions = req.type === "order" ? ["id", "kind", "symmetrical"] : ["id", "score"];
  const unknown = req.options.map(([n]) => n).filter((n) => !allowedOptions.includes(n));
  if (unknown.length > 0) {
    const names = [...new Set(unknown)].map((n) => `'${n}'`).join(", ");
    return failed(original, [...reports, error("CIB_CONSTRAINT_INVALID_OPTION", `invalid option${unknown.length > 1 ? "s" : ""} ${names}, allowed options are: ${quoted(allowedOptions)}`)]);
  }
  const options = new Map(req.options);
  const id = options.get("id");
  if (id !== undefined) {
    const bad = validateId(id, "constraint id");
    if (bad !== undefined) return failed(original, [...reports, bad]);
    if (new IdAllocator(original).isTaken(id)) return failed(original, [...reports, error("CIB_ID_EXISTS", `'${id}' already exists`)]);
  }
  if (req.type === "order") {
    const kind = options.get("kind");
    if (kind !== undefined) {
      const normalized = capitalize(kind);
      if (!(ORDER_KINDS as readonly string[]).includes(normalized)) return failed(original, [...reports, error("CIB_CONSTRAINT_INVALID_OPTION", `'${kind}' is not a valid kind value, use ${quoted(ORDER_KINDS)}`)]);
      options.set("kind", normalized);
    }
    const sym = options.get("symmetrical");
    if (sym !== undefined) {
      if (!BOOLEAN.includes(sym.toLowerCase())) return failed(original, [...reports, error("CIB_CONSTRAINT_INVALID_OPTION", `'${sym}' is not a valid symmetrical value, use ${quoted(BOOLEAN)}`)]);
      options.set("symmetrical", sym.toLowerCase());
    }
  } else {
    const score = options.get("score");
    if (score !== undefined && !isPcsScore(score)) return failed(original, [...reports, error("CIB_INVALID_SCORE", `invalid score '${score}', use integer or INFINITY or -INFINITY`)]);
  }

  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  const attrs: [string, string][] = [...options.entries()];
  if (id === undefined) {
    const part = req.sets.flatMap((s) => s.ids).map((r) => (r[0] ?? "") + (r[r.length - 1] ?? "")).slice(0, 3).join("");
    attrs.push(["id", ids.allocate(`${req.type}_set_${part}`)]);
  }
  if (req.type === "colocation" && !options.has("score")) attrs.push(["score", "INFINITY"]);
  const constraint = element(req.type === "order" ? "rsc_order" : "rsc_colocation");
  for (const [n, v] of attrs) setAttr(constraint, n, v);
  const cid = getAttr(constraint, "id") ?? "";
  if (id !== undefined) ids.book(id);
  for (const set of req.sets) {
    const el = element("resource_set");
    for (const [n, v] of set.options) setAttr(el, n, n === "role" ? roleForCib(v, doc) : v);
    setAttr(el, "id", ids.allocate(`${cid}_set`));
    for (const r of set.ids) appendChild(el, element("resource_ref", { id: r }));
    appendChild(constraint, el);
  }
  const constraints = constraintsSection(doc);
  if (!req.force) {
    const mine = JSON.stringify(setIds(constraint));
    const dups = childElements(constraints, constraint.name).filter((c) => childElements(c, "resource_set").length > 0 && JSON.stringify(setIds(c)) === mine);
    if (dups.length > 0) {
      const lines = ["duplicate constraint already exists, use --force to override", ...dups.map((d) => `  ${setsPlain(d, true)}`)];
      return failed(original, [...reports, error("CIB_CONSTRAINT_DUPLICATE", lines.join("\n"))]);
    }
  }
  appendChild(constraints, constraint);
  bumpEpoch(doc);
  return { doc, reports, notes: [] };
}
