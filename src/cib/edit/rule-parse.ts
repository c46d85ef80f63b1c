/**
 * The rule language of `pcs constraint location … rule` (pcs 0.11's older rule parser):
 *
 *   defined|not_defined ATTR
 *   ATTR lt|gt|lte|gte|eq|ne [string|integer|number|version] VALUE
 *   date gt|lt DATE
 *   date in_range DATE to DATE
 *   date in_range DATE to duration PART=VALUE…
 *   date-spec PART=VALUE…
 *   EXPR and|or EXPR,  ( EXPR )
 *
 * A top-down operator-precedence (Pratt) parser: every token has a binding power
 * (and/or 40, comparisons 50, defined/not_defined 60, types 70) and knows how to start an
 * expression (prefix) or continue one (infix). Error messages are pcs's, since scripts
 * and users see them. `buildRule` turns the tree into CIB XML with pcs's ids.
 */

import { appendChild, element, getAttr, setAttr, type XmlElement } from "../../xml/index.js";
import type { IdAllocator } from "./lookup.js";

export class RuleSyntaxError extends Error {}
/** The rule ended where more was needed (pcs: "unexpected end of rule"). */
export class RuleEndError extends Error {}

const COMPARISONS = ["eq", "ne", "lt", "gt", "lte", "gte"] as const;
const PREFIXES = ["defined", "not_defined"] as const;
const BOOLEANS = ["and", "or"] as const;
const SIMPLE_TYPES = ["string", "integer", "number", "version"] as const;
const DATE_TYPES = ["date-spec", "duration"] as const;
const DATE_PARTS = ["hours", "monthdays", "weekdays", "yeardays", "months", "weeks", "years", "weekyears", "moon"] as const;
const SPEC_LIMITS: Record<string, readonly [number, number]> = {
  hours: [0, 23],
  monthdays: [0, 31],
  weekdays: [1, 7],
  yeardays: [1, 366],
  months: [1, 12],
  weeks: [1, 53],
  weekyears: [1, 53],
  moon: [0, 7],
};
const TYPE_VALUE: Record<string, RegExp> = {
  integer: /^[-+]?\d+$/,
  number: /^[-+]?(\d+|(\d*\.\d+)|(\d+\.\d*))([eE][+-]?\d+)?$/,
  version: /^\d+(\.\d+)*$/,
};

function includes(list: readonly string[], value: string): boolean {
  return list.includes(value);
}

/** A parsed rule. `date-spec`/`duration` literals carry their parts. */
export type RuleNode =
  | { kind: "literal"; value: string }
  | { kind: "end" }
  | { kind: "bool"; op: "and" | "or"; left: RuleNode; right: RuleNode }
  | { kind: "compare"; op: string; left: RuleNode; right: RuleNode }
  | { kind: "prefix"; op: string; operand: RuleNode }
  | { kind: "type"; type: string; operand: RuleNode }
  | { kind: "datecommon"; type: "date-spec" | "duration"; parts: [string, string][] }
  | { kind: "in_range"; subject: RuleNode; from: RuleNode; to: RuleNode };

type TokenKind = "literal" | "end" | "op";

interface Token {
  kind: TokenKind;
  /** The operator or keyword for "op" tokens, the text for literals. */
  text: string;
}

function label(node: RuleNode | Token): string {
  if ("text" in node) return node.kind === "end" ? "end" : node.text;
  switch (node.kind) {
    case "literal":
      return node.value;
    case "end":
      return "end";
    case "bool":
    case "compare":
    case "prefix":
      return node.op;
    case "type":
      return node.type;
    case "datecommon":
      return node.type;
    case "in_range":
      return "in_range";
  }
}

/** The symbol id pcs uses to check which children an operator accepts. */
function symbolId(node: RuleNode): string {
  switch (node.kind) {
    case "literal":
      return "{literal}";
    case "end":
      return "{end}";
    default:
      return label(node);
  }
}

const KEYWORDS = new Set<string>([...COMPARISONS, "in_range", "to", ...PREFIXES, ...BOOLEANS, ...SIMPLE_TYPES, ...DATE_TYPES, "(", ")"]);

function bindingPower(t: Token): number {
  if (t.kind !== "op") return 0;
  if (includes(BOOLEANS, t.text)) return 40;
  if (includes(COMPARISONS, t.text) || t.text === "in_range") return 50;
  if (includes(PREFIXES, t.text)) return 60;
  if (includes(SIMPLE_TYPES, t.text) || includes(DATE_TYPES, t.text)) return 70;
  return 0;
}

function acceptsDatePart(word: string): boolean {
  return DATE_PARTS.some((p) => word === p || word.startsWith(`${p}=`));
}

/** Splits parentheses off words and joins `date-spec`/`duration` parts into one token. */
export function preprocess(words: readonly string[]): string[] {
  const separated: string[] = [];
  for (const word of words) {
    if (!word.includes("(") && !word.includes(")")) {
      separated.push(word);
      continue;
    }
    let part = "";
    for (const ch of word) {
      if (ch === "(" || ch === ")") {
        if (part !== "") separated.push(part);
        part = "";
        separated.push(ch);
      } else part += ch;
    }
    if (part !== "") separated.push(part);
  }
  const out: string[] = [];
  let parts: string[] | undefined;
  const flush = (): void => {
    if (parts === undefined) return;
    out.push(parts[0] as string);
    if (parts.length > 1) out.push(parts.slice(1).join(" "));
    parts = undefined;
  };
  for (const token of separated) {
    if (parts !== undefined) {
      if (acceptsDatePart(token)) {
        parts.push(token);
        continue;
      }
      flush();
      out.push(token);
    } else if (token === "date-spec" || token === "duration") parts = [token];
    else out.push(token);
  }
  flush();
  return out;
}

function parseDateCommon(text: string, keyword: "date-spec" | "duration"): [string, string][] {
  const parts = new Map<string, string>();
  for (const part of text.split(/\s+/).filter((p) => p !== "")) {
    if (!acceptsDatePart(part)) throw new RuleSyntaxError(`unexpected '${part}' in ${keyword}`);
    const eq = part.indexOf("=");
    if (eq < 0) throw new RuleSyntaxError(`missing =value after '${part}' in ${keyword}`);
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (value === "") throw new RuleSyntaxError(`missing value after '${part}' in ${keyword}`);
    parts.set(name, value);
  }
  if (parts.size === 0) throw new RuleSyntaxError(`missing one of '${DATE_PARTS.join("=', '")}=' in ${keyword}`);
  for (const [name, value] of parts) {
    if (keyword === "duration") {
      if (!/^[0-9]+$/.test(value)) throw new RuleSyntaxError(`invalid ${name} '${value}' in '${keyword}'`);
      continue;
    }
    const m = /^(\d+)(-(\d+))?$/.exec(value);
    const limits = SPEC_LIMITS[name];
    const within = (n: number): boolean => limits === undefined || (limits[0] <= n && n <= limits[1]);
    const ok = m !== null && within(Number(m[1])) && (m[3] === undefined || Number(m[1]) < Number(m[3]));
    if (!ok) throw new RuleSyntaxError(`invalid ${name} '${value}' in '${keyword}'`);
  }
  return [...parts.entries()];
}

/** ISO 8601 dates as pcs's is_iso8601_date accepts them (what `iso8601 -d` takes). */
export function isIso8601Date(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/.test(text) ||
    /^\d{4}-\d{3}$/.test(text) || /^\d{4}-W\d{2}-\d$/.test(text);
}

class Parser {
  private index = -1;
  private current: Token = { kind: "end", text: "" };

  constructor(private readonly program: Token[]) {}

  advance(expected?: string): void {
    if (expected !== undefined && !(this.current.kind === "op" && this.current.text === expected)) {
      if (this.current.kind === "end") throw new RuleSyntaxError(`missing '${expected}'`);
      throw new RuleSyntaxError(`expecting '${expected}', got '${label(this.current)}'`);
    }
    this.index++;
    const next = this.program[this.index];
    if (next === undefined) throw new RuleEndError();
    this.current = next;
  }

  parse(): RuleNode {
    this.advance();
    const tree = this.expression(0);
    if (this.current.kind !== "end") throw new RuleSyntaxError(`unexpected '${label(this.current)}'`);
    return tree;
  }

  expression(rbp: number): RuleNode {
    let token = this.current;
    this.advance();
    let left = this.prefix(token);
    while (rbp < bindingPower(this.current)) {
      token = this.current;
      this.advance();
      left = this.infix(token, left);
    }
    return left;
  }

  private prefix(t: Token): RuleNode {
    if (t.kind === "literal") return { kind: "literal", value: t.text };
    if (t.kind === "end") return { kind: "end" };
    const op = t.text;
    if (op === "(") {
      const inner = this.expression(0);
      this.advance(")");
      return inner;
    }
    if (includes(PREFIXES, op)) {
      const operand = this.expression(60);
      if (operand.kind !== "literal") throw new RuleSyntaxError(`unexpected '${label(operand)}' after '${op}'`);
      return { kind: "prefix", op, operand };
    }
    if (includes(SIMPLE_TYPES, op)) {
      const operand = this.expression(70);
      const re = TYPE_VALUE[op];
      if (re !== undefined && operand.kind === "literal" && !re.test(operand.value)) {
        throw new RuleSyntaxError(`invalid ${op} value '${operand.value}'`);
      }
      return { kind: "type", type: op, operand };
    }
    if (op === "date-spec" || op === "duration") {
      const operand = this.expression(70);
      const text = operand.kind === "literal" ? operand.value : "";
      return { kind: "datecommon", type: op, parts: parseDateCommon(text, op) };
    }
    throw new RuleSyntaxError(`unexpected '${op}'`);
  }

  private infix(t: Token, left: RuleNode): RuleNode {
    const op = t.text;
    if (t.kind === "op" && includes(BOOLEANS, op)) {
      const allowed = [...COMPARISONS, "in_range", ...PREFIXES, "date-spec", ...BOOLEANS];
      if (!allowed.includes(symbolId(left))) throw new RuleSyntaxError(`unexpected '${label(left)}' before '${op}'`);
      const right = this.expression(40);
      if (!allowed.includes(symbolId(right))) throw new RuleSyntaxError(`unexpected '${label(right)}' after '${op}'`);
      return { kind: "bool", op: op as "and" | "or", left, right };
    }
    if (t.kind === "op" && includes(COMPARISONS, op)) {
      if (left.kind !== "literal") throw new RuleSyntaxError(`unexpected '${label(left)}' before '${op}'`);
      const right = this.expression(50);
      if (!(right.kind === "literal" || (right.kind === "type" && includes(SIMPLE_TYPES, right.type)))) {
        throw new RuleSyntaxError(`unexpected '${label(right)}' after '${op}'`);
      }
      return { kind: "compare", op, left, right };
    }
    if (t.kind === "op" && op === "in_range") {
      if (left.kind !== "literal" || left.value !== "date") throw new RuleSyntaxError(`unexpected '${label(left)}' before 'in_range'`);
      const from = this.expression(50);
      if (from.kind !== "literal") throw new RuleSyntaxError(`unexpected '${label(from)}' after 'in_range'`);
      this.advance("to");
      const to = this.expression(50);
      if (!(to.kind === "literal" || (to.kind === "datecommon" && to.type === "duration"))) {
        throw new RuleSyntaxError(`unexpected '${label(to)}' after 'in_range ... to'`);
      }
      for (const child of [from, to]) {
        if (child.kind === "literal" && !isIso8601Date(child.value)) {
          throw new RuleSyntaxError(`invalid date '${child.value}' in 'in_range ... to'`);
        }
      }
      return { kind: "in_range", subject: left, from, to };
    }
    throw new RuleSyntaxError(`unexpected '${label(t)}' after '${label(left)}'`);
  }
}

function tokenize(words: readonly string[]): Token[] {
  const out: Token[] = [];
  let previous: Token | undefined;
  for (const word of words) {
    // After a type keyword the next word is always its value, even if it is a keyword.
    const afterType = previous !== undefined && previous.kind === "op" && (includes(SIMPLE_TYPES, previous.text) || includes(DATE_TYPES, previous.text));
    const token: Token = KEYWORDS.has(word) && !afterType ? { kind: "op", text: word } : { kind: "literal", text: word };
    out.push(token);
    previous = token;
  }
  out.push({ kind: "end", text: "" });
  return out;
}

export type RuleParse = { ok: true; tree: RuleNode } | { ok: false; message: string };

/** Parses rule words; the failure message is pcs's ("'…' is not a valid rule expression: …"). */
export function parseRule(words: readonly string[]): RuleParse {
  const whole = words.join(" ");
  try {
    const tree = new Parser(tokenize(preprocess(words))).parse();
    if (tree.kind === "literal" || tree.kind === "end" || tree.kind === "type" || (tree.kind === "datecommon" && tree.type !== "date-spec")) {
      const names = [...COMPARISONS, "in_range", ...PREFIXES, "date-spec"];
      throw new RuleSyntaxError(`missing one of '${names.join("', '")}'`);
    }
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof RuleEndError) return { ok: false, message: `'${whole}' is not a valid rule expression: unexpected end of rule` };
    if (e instanceof RuleSyntaxError) return { ok: false, message: `'${whole}' is not a valid rule expression: ${e.message}` };
    throw e;
  }
}

/** Whether the rule compares a node attribute as `integer` (needs CIB schema 3.5). */
export function usesIntegerType(tree: RuleNode): boolean {
  switch (tree.kind) {
    case "bool":
      return usesIntegerType(tree.left) || usesIntegerType(tree.right);
    case "compare":
      return tree.right.kind === "type" && tree.right.type === "integer" && !(isDateCompare(tree));
    default:
      return false;
  }
}

function isDateCompare(tree: RuleNode): boolean {
  return tree.kind === "compare" && (tree.op === "gt" || tree.op === "lt") && tree.left.kind === "literal" && tree.left.value === "date" && tree.right.kind === "literal";
}

export interface BuildOptions {
  /** Write `integer` as `number` (CIB schema older than 3.5). */
  integerAsNumber: boolean;
}

function add(parent: XmlElement, name: string, proposedId: string, ids: IdAllocator): XmlElement {
  const el = element(name, { id: ids.allocate(proposedId) });
  appendChild(parent, el);
  return el;
}

function parentId(el: XmlElement): string {
  return getAttr(el, "id") ?? "";
}

/**
 * Appends a `<rule>` for `tree` under `parent` (id `ruleId`, or `<parent id>-rule`) with
 * pcs's ids and returns it. Date values are checked here, as pcs does when building.
 * Throws RuleSyntaxError for a date that is not ISO 8601.
 */
export function buildRule(parent: XmlElement, tree: RuleNode, ids: IdAllocator, opts: BuildOptions, ruleId?: string): XmlElement {
  const rule = add(parent, "rule", ruleId ?? `${parentId(parent)}-rule`, ids);
  buildInto(rule, tree, ids, opts);
  return rule;
}

function buildInto(rule: XmlElement, tree: RuleNode, ids: IdAllocator, opts: BuildOptions): void {
  switch (tree.kind) {
    case "bool": {
      setAttr(rule, "boolean-op", tree.op);
      for (const sub of [tree.left, tree.right]) {
        if (sub.kind === "bool" && sub.op !== tree.op) buildRule(rule, sub, ids, opts, `${parentId(rule)}-rule`);
        else buildInto(rule, sub, ids, opts);
      }
      return;
    }
    case "compare":
      if (isDateCompare(tree)) {
        const value = (tree.right as { value: string }).value;
        const expr = add(rule, "date_expression", `${parentId(rule)}-expr`, ids);
        if (!isIso8601Date(value)) throw new RuleSyntaxError(`'${value}' is not an ISO 8601 date`);
        setAttr(expr, "operation", tree.op);
        setAttr(expr, tree.op === "gt" ? "start" : "end", value);
        return;
      }
      buildExpression(rule, tree.op, tree.left, tree.right, ids, opts);
      return;
    case "prefix":
      buildExpression(rule, tree.op, tree.operand, undefined, ids, opts);
      return;
    case "in_range": {
      const expr = add(rule, "date_expression", `${parentId(rule)}-expr`, ids);
      setAttr(expr, "operation", "in_range");
      setAttr(expr, "start", (tree.from as { value: string }).value);
      if (tree.to.kind === "datecommon") {
        const duration = add(expr, "duration", `${parentId(expr)}-duration`, ids);
        for (const [n, v] of tree.to.parts) setAttr(duration, n, v);
      } else if (tree.to.kind === "literal") {
        if (!isIso8601Date(tree.to.value)) throw new RuleSyntaxError(`'${tree.to.value}' is not an ISO 8601 date`);
        setAttr(expr, "end", tree.to.value);
      }
      return;
    }
    case "datecommon": {
      const expr = add(rule, "date_expression", `${parentId(rule)}-expr`, ids);
      setAttr(expr, "operation", "date_spec");
      const spec = add(expr, "date_spec", `${parentId(expr)}-datespec`, ids);
      for (const [n, v] of tree.parts) setAttr(spec, n, v);
      return;
    }
    case "literal":
    case "end":
    case "type":
      throw new RuleSyntaxError(`unexpected '${label(tree)}'`);
  }
}

function buildExpression(rule: XmlElement, op: string, attribute: RuleNode, value: RuleNode | undefined, ids: IdAllocator, opts: BuildOptions): void {
  const expr = add(rule, "expression", `${parentId(rule)}-expr`, ids);
  setAttr(expr, "operation", op);
  setAttr(expr, "attribute", attribute.kind === "literal" ? attribute.value : "");
  if (value === undefined) return;
  let v = value;
  if (v.kind === "type") {
    setAttr(expr, "type", opts.integerAsNumber && v.type === "integer" ? "number" : v.type);
    v = v.operand;
  }
  setAttr(expr, "value", v.kind === "literal" ? v.value : "");
}
