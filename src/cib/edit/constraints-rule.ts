/**
 * `constraint location RSC rule [options] EXPRESSION` as pcs 0.11.5 does it: leading
 * `id=`, `role=`, `score=`, `score-attribute=`, `constraint-id=`, `resource-discovery=`
 * words are options, the rest is the rule (rule-parse.ts).
 */

import { appendChild, cloneDocument, element, getAttr, removeAttr, removeChild, setAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, type CibDocument } from "../document.js";
import { constraintTarget, constraintsSection, IdAllocator, sanitizeId, validateId } from "./lookup.js";
import { error, type Report } from "./reports.js";
import { capitalize, isPcsScore, legacyRoleDeprecation, roleForCib, schemaAtLeast, type ConstraintEdit, type ResourceSpec } from "./constraints.js";
import { buildRule, parseRule, RuleSyntaxError, usesIntegerType } from "./rule-parse.js";
import { ruleLines } from "./constraints-listing.js";
import { childElements } from "../../xml/index.js";

export interface LocationRuleRequest {
  /** The new constraint's resource; unused when `addTo` is given. */
  resource: ResourceSpec;
  /** `constraint rule add ID …`: add the rule to this existing location constraint. */
  addTo?: string;
  /** Everything after `rule`. */
  words: readonly string[];
  force: boolean;
}

const OPTION_NAMES = ["id", "role", "score", "score-attribute", "constraint-id", "resource-discovery"] as const;
/** The newest CIB schema this Pacemaker (2.1.5) knows; pcs upgrades to it when a rule needs 3.5. */
export const LATEST_SCHEMA = "pacemaker-3.9";

function failed(doc: CibDocument, reports: Report[]): ConstraintEdit {
  return { doc, reports, notes: [] };
}

/** A rule as one expression string (pcs's ExportAsExpression, normalized), for duplicate checks. */
function ruleExpression(rule: XmlElement): string {
  const op = getAttr(rule, "boolean-op") ?? "or";
  const parts: string[] = [];
  for (const child of childElements(rule)) {
    const a = (n: string): string => getAttr(child, n) ?? "";
    if (child.name === "expression") {
      if (getAttr(child, "value") !== undefined) {
        let value = a("value");
        if (value.includes(" ")) value = `"${value}"`;
        parts.push([a("attribute"), a("operation"), getAttr(child, "type") ?? "string", value].join(" "));
      } else parts.push(`${a("operation")} ${a("attribute")}`);
    } else if (child.name === "date_expression") {
      const sub = childElements(child)[0];
      const subAttrs = sub === undefined ? [] : Object.keys(sub.attrs).filter((n) => n !== "id").map((n) => `${n}=${sub.attrs[n] ?? ""}`).sort();
      if (a("operation") === "date_spec") parts.push(["date-spec", ...subAttrs].join(" "));
      else {
        const words = ["date", a("operation")];
        if (getAttr(child, "start") !== undefined) words.push(a("start"), ...(a("operation") === "in_range" ? ["to"] : []));
        if (getAttr(child, "end") !== undefined) words.push(a("end"));
        if (sub !== undefined && sub.name === "duration") words.push("duration", ...subAttrs);
        parts.push(words.join(" "));
      }
    } else if (child.name === "rule") parts.push(`(${ruleExpression(child)})`);
  }
  parts.sort();
  return parts.join(` ${op} `);
}

export function addLocationRule(original: CibDocument, req: LocationRuleRequest): ConstraintEdit {
  const reports: Report[] = [];
  const options = new Map<string, string>();
  let index = 0;
  for (; index < req.words.length; index++) {
    const word = req.words[index] as string;
    const names = req.addTo === undefined ? OPTION_NAMES : OPTION_NAMES.slice(0, 4);
    const name = names.find((n) => word.startsWith(`${n}=`));
    if (name === undefined) break;
    options.set(name, word.slice(name.length + 1));
  }
  const ruleWords = req.words.slice(index);

  if (req.addTo !== undefined) {
    const target = childElements(constraintsSection(cloneDocument(original)), "rsc_location").some((c) => getAttr(c, "id") === req.addTo);
    if (!target) return failed(original, [error("CIB_CONSTRAINT_NOT_FOUND", `Unable to find constraint: ${req.addTo}`)]);
  } else if (req.resource.type === "resource") {
    const t = constraintTarget(original, req.resource.value, req.force);
    if (!t.ok) return failed(original, [t.report]);
  }
  const constraintId = options.get("constraint-id");
  if (constraintId !== undefined && constraintId !== "") {
    const bad = validateId(constraintId, "constraint id");
    if (bad !== undefined) return failed(original, [bad]);
    if (new IdAllocator(original).isTaken(constraintId)) {
      return failed(original, [error("CIB_ID_EXISTS", `id '${constraintId}' is already in use, please specify another one`)]);
    }
  }
  const score = options.get("score");
  const scoreAttribute = options.get("score-attribute");
  if (score !== undefined && score !== "" && scoreAttribute !== undefined && scoreAttribute !== "") {
    return failed(original, [error("CIB_CONSTRAINT_INVALID_OPTION", "can not specify both score and score-attribute")]);
  }
  if (score !== undefined && score !== "" && !isPcsScore(score)) {
    return failed(original, [error("CIB_INVALID_SCORE", `invalid score'${score}'`)]);
  }
  let role = options.get("role");
  if (role !== undefined && role !== "") {
    const dep = legacyRoleDeprecation(role);
    if (dep !== undefined) reports.push(dep);
    const cleaned = capitalize(role);
    if (!["Promoted", "Master", "Unpromoted", "Slave"].includes(cleaned)) {
      return failed(original, [...reports, error("CIB_INVALID_ROLE", `invalid role '${role}', use 'Master', 'Promoted', 'Slave' or 'Unpromoted'`)]);
    }
    role = roleForCib(cleaned, original);
  }
  const ruleId = options.get("id");
  if (ruleId !== undefined && ruleId !== "") {
    const bad = validateId(ruleId, "rule id");
    if (bad !== undefined) return failed(original, [...reports, bad]);
    if (new IdAllocator(original).isTaken(ruleId)) {
      return failed(original, [...reports, error("CIB_ID_EXISTS", `id '${ruleId}' is already in use, please specify another one`)]);
    }
  }
  if (ruleWords.length === 0) return failed(original, [...reports, error("CIB_RULE_INVALID", "no rule expression was specified")]);
  const parsed = parseRule(ruleWords);
  if (!parsed.ok) return failed(original, [...reports, error("CIB_RULE_INVALID", parsed.message)]);

  const doc = cloneDocument(original);
  let upgraded = false;
  // A rule comparing as `integer` needs schema 3.5; pcs upgrades the CIB to the newest schema first.
  if (usesIntegerType(parsed.tree) && !schemaAtLeast(doc, 3, 5)) {
    setAttr(doc.root, "validate-with", LATEST_SCHEMA);
    setAttr(doc.root, "admin_epoch", String(Number.parseInt(getAttr(doc.root, "admin_epoch") ?? "0", 10) + 1));
    setAttr(doc.root, "epoch", "1");
    upgraded = true;
  }
  const ids = new IdAllocator(doc);
  const constraints = constraintsSection(doc);
  let lc: XmlElement;
  const existing = childElements(constraints, "rsc_location").find((c) => req.addTo !== undefined && getAttr(c, "id") === req.addTo);
  if (existing !== undefined) lc = existing;
  else {
    lc = element("rsc_location");
    const discovery = options.get("resource-discovery");
    if (discovery !== undefined && discovery !== "") setAttr(lc, "resource-discovery", discovery);
    setAttr(lc, "id", constraintId !== undefined && constraintId !== "" ? ids.allocate(constraintId) : ids.allocate(sanitizeId(`location-${req.resource.value}`)));
    setAttr(lc, req.resource.type === "resource" ? "rsc" : "rsc-pattern", req.resource.value);
    appendChild(constraints, lc);
  }

  let rule: XmlElement;
  try {
    rule = buildRule(lc, parsed.tree, ids, { integerAsNumber: !schemaAtLeast(doc, 3, 5) }, ruleId !== undefined && ruleId !== "" ? ruleId : undefined);
  } catch (e) {
    if (e instanceof RuleSyntaxError) {
      return failed(original, [...reports, error("CIB_RULE_INVALID", `'${ruleWords.join(" ")}' is not a valid rule expression: ${e.message}`)]);
    }
    throw e;
  }
  if (role !== undefined && role !== "") setAttr(rule, "role", role);
  if ((score === undefined || score === "") && (scoreAttribute === undefined || scoreAttribute === "")) setAttr(rule, "score", "INFINITY");
  else if (score !== undefined && score !== "") setAttr(rule, "score", score);
  if (scoreAttribute !== undefined && scoreAttribute !== "") setAttr(rule, "score-attribute", scoreAttribute);
  for (const nested of nestedRules(rule)) setAttr(nested, "score", "0");
  removeAttr(lc, "score");
  removeAttr(lc, "node");

  if (!req.force) {
    const key = (c: XmlElement): string =>
      JSON.stringify([getAttr(c, "rsc-pattern") !== undefined ? ["regexp", getAttr(c, "rsc-pattern")] : ["resource", getAttr(c, "rsc") ?? ""], allRules(c).map(ruleExpression)]);
    const dups = childElements(constraints, "rsc_location").filter((c) => c !== lc && allRules(c).length > 0 && key(c) === key(lc));
    if (dups.length > 0) {
      const lines = ["duplicate constraint already exists, use --force to override"];
      for (const dup of dups) {
        lines.push(`  Constraint: ${getAttr(dup, "id") ?? ""}`);
        for (const r of childElements(dup, "rule")) lines.push(...ruleLines(r, true).map((l) => `    ${l}`));
      }
      return failed(original, [...reports, error("CIB_CONSTRAINT_DUPLICATE", lines.join("\n"))]);
    }
  }
  bumpEpoch(doc);
  return { doc, reports, notes: upgraded ? ["Cluster CIB has been upgraded to latest version"] : [] };
}

function nestedRules(rule: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of childElements(rule)) {
    if (child.name !== "rule") continue;
    out.push(child, ...nestedRules(child));
  }
  return out;
}

/** Every rule element below a constraint, at any depth (pcs's getElementsByTagName("rule")). */
function allRules(c: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const r of childElements(c, "rule")) out.push(r, ...nestedRules(r));
  return out;
}

/**
 * `constraint rule remove RULE_ID`: removes the rule, or the whole location constraint
 * when the rule is its only child (pcs's notes say which).
 */
export function removeLocationRule(original: CibDocument, ruleId: string): ConstraintEdit {
  const doc = cloneDocument(original);
  const constraints = constraintsSection(doc);
  for (const loc of childElements(constraints, "rsc_location")) {
    for (const child of childElements(loc)) {
      if (getAttr(child, "id") !== ruleId) continue;
      let note: string;
      if (childElements(loc).length > 1) {
        removeChild(loc, child);
        note = `Removing Rule: ${ruleId}`;
      } else {
        removeChild(constraints, loc);
        note = `Removing Constraint: ${getAttr(loc, "id") ?? ""}`;
      }
      bumpEpoch(doc);
      return { doc, reports: [], notes: [note] };
    }
  }
  return failed(original, [error("CIB_CONSTRAINT_NOT_FOUND", `unable to find rule with id: ${ruleId}`)]);
}
