/**
 * Constraint edit commands as pcs 0.11.5 performs them on a CIB: `order A then B`,
 * `colocation add A with B`, `location A prefers|avoids NODE[=SCORE]`, removal by id, and
 * the "which constraints name this resource" query. Each command copies the document,
 * edits the copy, bumps the epoch, and returns the copy with its reports; on any error the
 * original document is returned untouched (pcs stops at the first error, so do we).
 *
 * pcs relies on Pacemaker's schema for some checks (an unknown option, a bad kind or
 * score make `cibadmin` refuse the whole update). Tandem checks those itself and says
 * exactly what is wrong; the outcome, an error and an unchanged CIB, is the same.
 */

import { parseScore } from "../../core/index.js";
import { appendChild, childElements, cloneDocument, element, firstChild, getAttr, removeChild, setAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, configuration, type CibDocument } from "../document.js";
import { constraintTarget, constraintsSection, findResource, IdAllocator, sanitizeId, validateId } from "./lookup.js";
import { deprecation, error, type Report } from "./reports.js";

export interface ConstraintEdit {
  /** The edited copy, or the original document when there are errors. */
  doc: CibDocument;
  reports: Report[];
  /** Lines pcs prints on stderr for a successful edit (e.g. `Adding A B (kind: Mandatory) …`). */
  notes: string[];
}

function failed(doc: CibDocument, reports: Report[]): ConstraintEdit {
  return { doc, reports, notes: [] };
}

// ---- shared values ----

export const ROLES = ["Stopped", "Started", "Promoted", "Unpromoted", "Master", "Slave"] as const;
export const ACTIONS = ["start", "stop", "promote", "demote"] as const;
export const ORDER_KINDS = ["Optional", "Mandatory", "Serialize"] as const;

/** pcs's is_score: an optional sign, then digits or INFINITY. */
export function isPcsScore(value: string): boolean {
  if (value.length === 0) return false;
  const unsigned = value[0] === "+" || value[0] === "-" ? value.slice(1) : value;
  return unsigned === "INFINITY" || /^[0-9]+$/.test(unsigned);
}

export function invalidScore(value: string): Report {
  return error("CIB_INVALID_SCORE", `invalid score '${value}', use integer or INFINITY or -INFINITY`);
}

/** The schema version of `validate-with` (pacemaker-X.Y[.Z]) as [X, Y, Z]; unknown → [0, 0, 0]. */
export function schemaVersion(doc: CibDocument): [number, number, number] {
  const m = /^pacemaker-(\d+)\.(\d+)(?:\.(\d+))?$/.exec(getAttr(doc.root, "validate-with") ?? "");
  if (m === null) return [0, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? "0")];
}

export function schemaAtLeast(doc: CibDocument, major: number, minor: number): boolean {
  const [a, b] = schemaVersion(doc);
  return a > major || (a === major && b >= minor);
}

/** Promoted/Unpromoted came with schema 3.7; older CIBs store Master/Slave (pcs's get_value_for_cib). */
export function roleForCib(role: string, doc: CibDocument): string {
  const newRoles = schemaAtLeast(doc, 3, 7);
  if (role === "Promoted" || role === "Master") return newRoles ? "Promoted" : "Master";
  if (role === "Unpromoted" || role === "Slave") return newRoles ? "Unpromoted" : "Slave";
  return role;
}

/** The role as listings print it (Master → Promoted, Slave → Unpromoted). */
export function primaryRole(role: string): string {
  if (role === "Master") return "Promoted";
  if (role === "Slave") return "Unpromoted";
  return role;
}

/** Python's str.capitalize: first letter upper, the rest lower. */
export function capitalize(text: string): string {
  return text.length === 0 ? text : (text[0] as string).toUpperCase() + text.slice(1).toLowerCase();
}

export function legacyRoleDeprecation(role: string): Report | undefined {
  const normalized = capitalize(role);
  const replacement = normalized === "Master" ? "Promoted" : normalized === "Slave" ? "Unpromoted" : undefined;
  if (replacement === undefined) return undefined;
  return deprecation("CIB_ROLE_DEPRECATED", `Role value '${role}' is deprecated and should not be used, use '${replacement}' instead`);
}

/** Checks a user-chosen constraint id: syntax, then that it is free. */
function checkNewId(doc: CibDocument, id: string, description: string): Report | undefined {
  const invalid = validateId(id, description);
  if (invalid !== undefined) return invalid;
  if (new IdAllocator(doc).isTaken(id)) {
    return error("CIB_ID_EXISTS", `id '${id}' is already in use, please specify another one`);
  }
  return undefined;
}

function constraintElements(doc: CibDocument, name: string): XmlElement[] {
  return childElements(constraintsSection(doc), name);
}

function hasSets(el: XmlElement): boolean {
  return childElements(el, "resource_set").length > 0;
}

/** Resolves both constraint resources as pcs does (first failure wins). */
function targets(doc: CibDocument, ids: readonly string[], force: boolean): Report | undefined {
  for (const id of ids) {
    const t = constraintTarget(doc, id, force);
    if (!t.ok) return t.report;
  }
  return undefined;
}

/** Splits `name=value` (pcs's split_option without empty values). */
export function splitOption(arg: string): { ok: true; name: string; value: string } | { ok: false; report: Report } {
  const eq = arg.indexOf("=");
  if (eq < 0) return { ok: false, report: error("CLI_USAGE", `missing value of '${arg}' option`) };
  if (eq === 0) return { ok: false, report: error("CLI_USAGE", `missing key in '${arg}' option`) };
  const name = arg.slice(0, eq);
  const value = arg.slice(eq + 1);
  if (value === "") return { ok: false, report: error("CLI_USAGE", `value of '${name}' option is empty`) };
  return { ok: true, name, value };
}

function invalidOption(name: string, allowed: readonly string[], what: string): Report {
  return error(
    "CIB_CONSTRAINT_INVALID_OPTION",
    `invalid ${what} option '${name}', allowed options are: ${allowed.map((a) => `'${a}'`).join(", ")}`,
  );
}

function invalidValue(name: string, value: string, allowed: readonly string[]): Report {
  return error("CIB_CONSTRAINT_INVALID_OPTION", `invalid ${name} value '${value}', allowed values are: ${allowed.join(", ")}`);
}

// ---- order ----

export interface OrderRequest {
  first: string;
  then: string;
  firstAction: string;
  thenAction: string;
  /** Words after the second resource: name=value, `symmetrical`, `nonsymmetrical`. */
  options: readonly string[];
  force: boolean;
}

const ORDER_OPTIONS = ["id", "kind", "symmetrical", "require-all", "score"] as const;

/** One order constraint in pcs's plain listing form (`start A then start B (kind:Mandatory)`). */
export function orderPlain(el: XmlElement, withId: boolean): string {
  const a = (n: string): string => getAttr(el, n) ?? "";
  const kind = a("kind");
  const score = a("score");
  const parts = [a("first-action"), a("first"), "then", a("then-action"), a("then")];
  parts.push(kind !== "" ? `(kind:${kind})` : score === "" ? "(kind:Mandatory)" : `(score:${score})`);
  const sym = getAttr(el, "symmetrical");
  if (sym !== undefined && !["true", "on", "yes", "y", "1"].includes(sym.toLowerCase())) parts.push("(non-symmetrical)");
  const skip = new Set(["first", "then", "first-action", "then-action", "id", "score", "kind", "symmetrical"]);
  const rest = Object.entries(el.attrs)
    .filter(([n]) => !skip.has(n))
    .map(([n, v]) => `${n}=${v}`);
  if (rest.length > 0) parts.push(`(Options: ${rest.join(" ")})`);
  if (withId) parts.push(`(id:${a("id")})`);
  return parts.filter((p) => p !== "").join(" ");
}

function sameGroup(doc: CibDocument, a: string, b: string): boolean {
  const ra = findResource(doc, a);
  const rb = findResource(doc, b);
  if (ra?.kind !== "primitive" || rb?.kind !== "primitive") return false;
  return ra.group !== undefined && ra.group === rb.group;
}

export function addOrderConstraint(original: CibDocument, req: OrderRequest): ConstraintEdit {
  const notFound = targets(original, [req.first, req.then], req.force);
  if (notFound !== undefined) return failed(original, [notFound]);
  if (sameGroup(original, req.first, req.then)) {
    return failed(original, [error("CIB_CONSTRAINT_SAME_GROUP", "Cannot create an order constraint for resources in the same group")]);
  }

  const pairs: [string, string][] = [];
  let idSpecified = false;
  let symmetrical: string | undefined;
  const words = [...req.options, `first-action=${req.firstAction}`, `then-action=${req.thenAction}`];
  for (const word of words) {
    if (word === "symmetrical") {
      symmetrical = "true";
      continue;
    }
    if (word === "nonsymmetrical") {
      symmetrical = "false";
      continue;
    }
    const split = splitOption(word);
    if (!split.ok) return failed(original, [split.report]);
    const { name, value } = split;
    if (name === "id") {
      const bad = checkNewId(original, value, "constraint id");
      if (bad !== undefined) return failed(original, [bad]);
      idSpecified = true;
      pairs.push([name, value]);
    } else if (name === "symmetrical") {
      if (value.toLowerCase() !== "true" && value.toLowerCase() !== "false") {
        return failed(original, [
          error("CIB_CONSTRAINT_INVALID_OPTION", `invalid symmetrical value '${value}', allowed values are: true, false`),
        ]);
      }
      symmetrical = value.toLowerCase();
    } else {
      pairs.push([name, value]);
    }
  }
  if (symmetrical !== undefined) pairs.push(["symmetrical", symmetrical]);

  const shown = pairs.filter(([n]) => n !== "kind" && n !== "score").map(([n, v]) => `${n}=${v}`);
  const options = pairs.length > 0 ? ` (Options: ${shown.join(" ")})` : "";
  let scoreKind = "kind: Mandatory";
  let idSuffix = "mandatory";
  const kindOrScore = pairs.find(([n]) => n === "score" || n === "kind");
  if (kindOrScore !== undefined) {
    scoreKind = `${kindOrScore[0]}: ${kindOrScore[1]}`;
    idSuffix = kindOrScore[1];
  }

  // What Pacemaker's schema would refuse: unknown options and invalid values.
  for (const [name, value] of pairs) {
    if (name === "first-action" || name === "then-action") continue;
    if (!(ORDER_OPTIONS as readonly string[]).includes(name)) return failed(original, [invalidOption(name, ORDER_OPTIONS, "order")]);
    if (name === "kind" && !(ORDER_KINDS as readonly string[]).includes(value)) return failed(original, [invalidValue("kind", value, ORDER_KINDS)]);
    if (name === "require-all" && value !== "true" && value !== "false") return failed(original, [invalidValue("require-all", value, ["true", "false"])]);
    if (name === "score" && !isPcsScore(value)) return failed(original, [invalidScore(value)]);
  }

  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  if (!idSpecified) pairs.push(["id", ids.allocate(`order-${req.first}-${req.then}-${idSuffix}`)]);
  const el = element("rsc_order", { first: req.first, then: req.then });
  for (const [name, value] of pairs) setAttr(el, name, value);

  if (!req.force) {
    const key = (c: XmlElement): string =>
      JSON.stringify([
        getAttr(c, "first") ?? "",
        getAttr(c, "then") ?? "",
        (getAttr(c, "first-action") ?? "").toLowerCase() || "start",
        (getAttr(c, "then-action") ?? "").toLowerCase() || "start",
      ]);
    const dups = constraintElements(doc, "rsc_order").filter((c) => !hasSets(c) && key(c) === key(el));
    if (dups.length > 0) return failed(original, [duplicate(dups.map((d) => orderPlain(d, true)))]);
  }
  appendChild(constraintsSection(doc), el);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [`Adding ${req.first} ${req.then} (${scoreKind})${options}`] };
}

function duplicate(lines: string[]): Report {
  return error(
    "CIB_CONSTRAINT_DUPLICATE",
    ["duplicate constraint already exists, use --force to override", ...lines.map((l) => `  ${l}`)].join("\n"),
  );
}

// ---- colocation ----

export interface ColocationRequest {
  rsc: string;
  withRsc: string;
  /** Roles as typed (validated here), undefined when not given. */
  rscRole?: string;
  withRscRole?: string;
  /** The score as typed; undefined means INFINITY. */
  score?: string;
  /** name=value words after the score. */
  options: readonly string[];
  force: boolean;
}

const COLOCATION_OPTIONS = ["id", "score", "node-attribute", "influence", "rsc-role", "with-rsc-role"] as const;

/** `normalizeRoles`: listings print Master/Slave as Promoted/Unpromoted; duplicate messages print them raw. */
export function colocationPlain(el: XmlElement, withId: boolean, normalizeRoles = true): string {
  const parts = [getAttr(el, "rsc") ?? "", "with", getAttr(el, "with-rsc") ?? "", `(score:${getAttr(el, "score") ?? ""})`];
  const rest = Object.entries(el.attrs)
    .filter(([n]) => !["rsc", "with-rsc", "id", "score"].includes(n))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [n, v] of rest) parts.push(`(${n}:${normalizeRoles && (n === "rsc-role" || n === "with-rsc-role") ? primaryRole(v) : v})`);
  if (withId) parts.push(`(id:${getAttr(el, "id") ?? ""})`);
  return parts.join(" ");
}

/** Validates a role word; returns the CIB value and a deprecation report for legacy names. */
export function checkRole(role: string, doc: CibDocument): { ok: true; value: string; reports: Report[] } | { ok: false; report: Report } {
  const cleaned = capitalize(role);
  if (!(ROLES as readonly string[]).includes(cleaned)) {
    const allowed = [...ROLES].sort().map((r) => `'${r}'`);
    return { ok: false, report: error("CIB_INVALID_ROLE", `invalid role value '${role}', allowed values are: ${allowed.join(", ")}`) };
  }
  const dep = legacyRoleDeprecation(role);
  return { ok: true, value: roleForCib(cleaned, doc), reports: dep === undefined ? [] : [dep] };
}

export function addColocationConstraint(original: CibDocument, req: ColocationRequest): ConstraintEdit {
  const reports: Report[] = [];
  let role1 = "";
  let role2 = "";
  for (const [which, role] of [
    [1, req.rscRole],
    [2, req.withRscRole],
  ] as const) {
    if (role === undefined) continue;
    const checked = checkRole(role, original);
    if (!checked.ok) return failed(original, [...reports, checked.report]);
    reports.push(...checked.reports);
    if (which === 1) role1 = checked.value;
    else role2 = checked.value;
  }
  const score = req.score ?? "INFINITY";
  const pairs: [string, string][] = [];
  for (const word of req.options) {
    const split = splitOption(word);
    if (!split.ok) return failed(original, [...reports, split.report]);
    pairs.push([split.name, split.value]);
  }
  const notFound = targets(original, [req.rsc, req.withRsc], req.force);
  if (notFound !== undefined) return failed(original, [...reports, notFound]);
  let idGiven = false;
  for (const [name, value] of pairs) {
    if (name !== "id") continue;
    const bad = checkNewId(original, value, "constraint id");
    if (bad !== undefined) return failed(original, [...reports, bad]);
    idGiven = true;
  }
  // Schema-level checks pcs leaves to Pacemaker.
  if (!isPcsScore(score)) return failed(original, [...reports, invalidScore(score)]);
  for (const [name, value] of pairs) {
    if (!(COLOCATION_OPTIONS as readonly string[]).includes(name)) {
      return failed(original, [...reports, invalidOption(name, COLOCATION_OPTIONS, "colocation")]);
    }
    if (name === "score" && !isPcsScore(value)) return failed(original, [...reports, invalidScore(value)]);
    if (name === "influence" && value !== "true" && value !== "false") {
      return failed(original, [...reports, invalidValue("influence", value, ["true", "false"])]);
    }
  }

  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  if (!idGiven) pairs.push(["id", ids.allocate(`colocation-${req.rsc}-${req.withRsc}-${score}`)]);
  if (role1 !== "" && role2 === "") role2 = "Started";
  if (role2 !== "" && role1 === "") role1 = "Started";
  const el = element("rsc_colocation", { rsc: req.rsc, "with-rsc": req.withRsc, score });
  if (role1 !== "") setAttr(el, "rsc-role", role1);
  if (role2 !== "") setAttr(el, "with-rsc-role", role2);
  for (const [name, value] of pairs) setAttr(el, name, value);

  if (!req.force) {
    const key = (c: XmlElement): string =>
      JSON.stringify([
        getAttr(c, "rsc") ?? "",
        getAttr(c, "with-rsc") ?? "",
        roleForCib(capitalize(getAttr(c, "rsc-role") ?? "") || "Started", doc),
        roleForCib(capitalize(getAttr(c, "with-rsc-role") ?? "") || "Started", doc),
      ]);
    const dups = constraintElements(doc, "rsc_colocation").filter((c) => !hasSets(c) && key(c) === key(el));
    if (dups.length > 0) return failed(original, [...reports, duplicate(dups.map((d) => colocationPlain(d, true, false)))]);
  }
  appendChild(constraintsSection(doc), el);
  bumpEpoch(doc);
  return { doc, reports, notes: [] };
}

// ---- location (node preferences) ----

export type ResourceSpec = { type: "resource" | "regexp"; value: string };

/** pcs's typed resource argument: `ID`, `%ID`, `resource%ID` or `regexp%PATTERN`. */
export function parseResourceSpec(arg: string): { ok: true; spec: ResourceSpec } | { ok: false; report: Report } {
  const pct = arg.indexOf("%");
  if (pct < 0) return { ok: true, spec: { type: "resource", value: arg } };
  const type = arg.slice(0, pct);
  const value = arg.slice(pct + 1);
  if (type === "" || type === "resource") return { ok: true, spec: { type: "resource", value } };
  if (type === "regexp") return { ok: true, spec: { type: "regexp", value } };
  return { ok: false, report: error("CLI_USAGE", `'${type}' is not an allowed type for '${arg}', use regexp, resource`) };
}

export interface LocationPrefersRequest {
  resource: ResourceSpec;
  prefers: boolean;
  /** `NODE` or `NODE=SCORE` words. */
  nodes: readonly string[];
  force: boolean;
}

export function addLocationPreferences(original: CibDocument, req: LocationPrefersRequest): ConstraintEdit {
  const entries: { id: string; node: string; score: string }[] = [];
  for (const word of req.nodes) {
    const eq = word.indexOf("=");
    const node = eq < 0 ? word : word.slice(0, eq);
    let score: string;
    if (eq < 0) score = req.prefers ? "INFINITY" : "-INFINITY";
    else {
      score = word.slice(eq + 1);
      if (!isPcsScore(score)) return failed(original, [invalidScore(score)]);
      if (!req.prefers) score = score.startsWith("-") ? score.slice(1) : `-${score}`;
    }
    entries.push({ id: sanitizeId(`location-${req.resource.value}-${node}-${score}`), node, score });
  }
  const doc = cloneDocument(original);
  for (const entry of entries) {
    const bad = validateId(entry.id, "constraint id");
    if (bad !== undefined) return failed(original, [bad]);
    if (req.resource.type === "resource") {
      const t = constraintTarget(doc, req.resource.value, req.force);
      if (!t.ok) return failed(original, [t.report]);
    }
    const constraints = constraintsSection(doc);
    // pcs replaces a constraint with the same id, or for the same resource and node.
    for (const c of childElements(constraints, "rsc_location")) {
      const sameTarget =
        getAttr(c, "node") === entry.node &&
        ((req.resource.type === "resource" && getAttr(c, "rsc") === req.resource.value) ||
          (req.resource.type === "regexp" && getAttr(c, "rsc-pattern") === req.resource.value));
      if (getAttr(c, "id") === entry.id || sameTarget) removeChild(constraints, c);
    }
    const el = element("rsc_location", { id: entry.id });
    setAttr(el, req.resource.type === "resource" ? "rsc" : "rsc-pattern", req.resource.value);
    setAttr(el, "node", entry.node);
    setAttr(el, "score", entry.score);
    appendChild(constraints, el);
  }
  if (entries.length > 0) bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}

// ---- removal and references ----

/**
 * Removes constraints (or location rules) by id, as `pcs constraint remove ID…`: ids that
 * match nothing are errors, and then nothing is removed.
 */
export function removeConstraints(original: CibDocument, ids: readonly string[]): ConstraintEdit {
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  const reports: Report[] = [];
  for (const id of ids) {
    const direct = childElements(constraints).filter((c) => getAttr(c, "id") === id);
    if (direct.length > 0) {
      for (const c of direct) removeChild(constraints, c);
      continue;
    }
    let found = false;
    for (const loc of childElements(constraints, "rsc_location")) {
      for (const rule of childElements(loc, "rule")) {
        if (getAttr(rule, "id") !== id) continue;
        found = true;
        removeChild(loc, rule);
        if (childElements(loc, "rule").length === 0) removeChild(constraints, loc);
      }
    }
    if (!found) reports.push(error("CIB_CONSTRAINT_NOT_FOUND", `Unable to find constraint - '${id}'`));
  }
  if (reports.length > 0) return failed(original, reports);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}

/**
 * Ids of the constraints naming `resourceId` (pcs's find_constraints_containing): plain
 * constraints first (a primitive in a clone also brings its clone's constraints), then,
 * sorted, those naming it in a resource set.
 */
export function constraintsReferencing(doc: CibDocument, resourceId: string): { plain: string[]; sets: string[] } {
  const plain: string[] = [];
  const sets = new Set<string>();
  const info = findResource(doc, resourceId);
  if (info !== undefined && info.kind === "primitive" && info.clone !== undefined && info.parent === info.clone) {
    const parent = constraintsReferencing(doc, getAttr(info.clone, "id") ?? "");
    plain.push(...parent.plain);
    for (const s of parent.sets) sets.add(s);
  }
  const constraints = firstChild(configuration(doc), "constraints");
  if (constraints === undefined) return { plain, sets: [...sets].sort() };
  const attrs = ["rsc", "first", "then", "with-rsc"];
  for (const tag of ["rsc_colocation", "rsc_location", "rsc_order", "rsc_ticket"]) {
    for (const c of descendantsNamed(constraints, tag)) {
      if (attrs.some((a) => getAttr(c, a) === resourceId)) plain.push(getAttr(c, "id") ?? "");
    }
  }
  for (const c of childElements(constraints)) {
    for (const set of childElements(c, "resource_set")) {
      if (childElements(set, "resource_ref").some((r) => getAttr(r, "id") === resourceId)) sets.add(getAttr(c, "id") ?? "");
    }
  }
  return { plain, sets: [...sets].sort() };
}

function descendantsNamed(parent: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of childElements(parent)) {
    if (child.name === name) out.push(child);
    out.push(...descendantsNamed(child, name));
  }
  return out;
}

/** Parses a score for sorting/JSON; pcs listings print the attribute as written. */
export function scoreValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseScore(text);
  return parsed.ok ? parsed.score : undefined;
}

/** `constraint order remove R…`: drops order constraints naming R and R from order sets. */
export function removeOrderReferences(original: CibDocument, resources: readonly string[]): ConstraintEdit {
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  let found = false;
  for (const resource of resources) {
    for (const c of descendantsNamed(constraints, "rsc_order")) {
      if (getAttr(c, "first") === resource || getAttr(c, "then") === resource) {
        removeFromParent(constraints, c);
        found = true;
      }
    }
    for (const c of childElements(constraints)) {
      for (const set of childElements(c, "resource_set")) {
        for (const r of childElements(set, "resource_ref")) {
          if (getAttr(r, "id") !== resource) continue;
          found = true;
          removeChild(set, r);
          if (childElements(set, "resource_ref").length === 0) {
            removeChild(c, set);
            if (childElements(c, "resource_set").length === 0) removeChild(constraints, c);
          }
        }
      }
    }
  }
  if (!found) return failed(original, [error("CIB_CONSTRAINT_NOT_FOUND", "No matching resources found in ordering list")]);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}

function removeFromParent(root: XmlElement, target: XmlElement): void {
  if (removeChild(root, target)) return;
  for (const child of childElements(root)) removeFromParent(child, target);
}

/** `constraint colocation remove A B`: drops colocations between A and B (either way round). */
export function removeColocationBetween(original: CibDocument, a: string, b: string): ConstraintEdit {
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  let found = false;
  for (const c of descendantsNamed(constraints, "rsc_colocation")) {
    const rsc = getAttr(c, "rsc");
    const withRsc = getAttr(c, "with-rsc");
    if ((rsc === a && withRsc === b) || (rsc === b && withRsc === a)) {
      removeFromParent(constraints, c);
      found = true;
    }
  }
  if (!found) return failed(original, [error("CIB_CONSTRAINT_NOT_FOUND", "No matching resources found in ordering list")]);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}

/** `constraint location remove ID`. */
export function removeLocationById(original: CibDocument, id: string): ConstraintEdit {
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  const matches = descendantsNamed(constraints, "rsc_location").filter((c) => getAttr(c, "id") === id);
  if (matches.length === 0) return failed(original, [error("CIB_CONSTRAINT_NOT_FOUND", `resource location id: ${id} not found.`)]);
  for (const c of matches) removeFromParent(constraints, c);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}

export interface LocationAddRequest {
  id: string;
  resource: ResourceSpec;
  node: string;
  score: string;
  /** name=value words after the score: only resource-discovery, unless forced. */
  options: readonly string[];
  force: boolean;
}

/** `constraint location add ID RESOURCE NODE SCORE [resource-discovery=…]` (pcs's location_add). */
export function addLocationConstraint(original: CibDocument, req: LocationAddRequest): ConstraintEdit {
  const pairs: [string, string][] = [];
  for (const word of req.options) {
    const eq = word.indexOf("=");
    if (eq < 0) return failed(original, [error("CLI_USAGE", `bad option '${word}'`)]);
    const name = word.slice(0, eq);
    if (name !== "resource-discovery" && !req.force) return failed(original, [error("CIB_CONSTRAINT_INVALID_OPTION", `bad option '${name}', use --force to override`)]);
    pairs.push([name, word.slice(eq + 1)]);
  }
  if (!isPcsScore(req.score)) return failed(original, [invalidScore(req.score)]);
  const bad = validateId(req.id, "constraint id");
  if (bad !== undefined) return failed(original, [bad]);
  if (req.resource.type === "resource") {
    const t = constraintTarget(original, req.resource.value, req.force);
    if (!t.ok) return failed(original, [t.report]);
  }
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  for (const c of childElements(constraints, "rsc_location")) {
    const sameTarget =
      getAttr(c, "node") === req.node &&
      ((req.resource.type === "resource" && getAttr(c, "rsc") === req.resource.value) || (req.resource.type === "regexp" && getAttr(c, "rsc-pattern") === req.resource.value));
    if (getAttr(c, "id") === req.id || sameTarget) removeChild(constraints, c);
  }
  const el = element("rsc_location", { id: req.id });
  setAttr(el, req.resource.type === "resource" ? "rsc" : "rsc-pattern", req.resource.value);
  setAttr(el, "node", req.node);
  setAttr(el, "score", req.score);
  for (const [n, v] of pairs) setAttr(el, n, v);
  appendChild(constraints, el);
  bumpEpoch(doc);
  return { doc, reports: [], notes: [] };
}
