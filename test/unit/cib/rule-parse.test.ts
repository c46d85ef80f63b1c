/**
 * The location-rule parser: pcs's grammar, precedence, ids and messages, table-driven.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyCib } from "../../../src/cib/index.js";
import { buildRule, IdAllocator, parseRule, preprocess } from "../../../src/cib/edit/index.js";
import { element, serializeElement } from "../../../src/xml/index.js";

function build(words: string[], integerAsNumber = false): string {
  const parsed = parseRule(words);
  if (!parsed.ok) throw new Error(parsed.message);
  const parent = element("rsc_location", { id: "loc" });
  buildRule(parent, parsed.tree, new IdAllocator(emptyCib()), { integerAsNumber });
  return serializeElement(parent);
}

test("preprocessing splits parentheses and joins date-spec parts", () => {
  assert.deepEqual(preprocess(["(a", "eq", "b)", "or", "date-spec", "hours=9-16", "weekdays=1-5", "and", "x"]), [
    "(", "a", "eq", "b", ")", "or", "date-spec", "hours=9-16 weekdays=1-5", "and", "x",
  ]);
});

const BUILDS: [string, string[], string][] = [
  ["a single comparison", ["#uname", "eq", "n1"], '<expression id="loc-rule-expr" operation="eq" attribute="#uname" value="n1"/>'],
  ["a typed comparison", ["pingd", "gte", "integer", "5"], '<expression id="loc-rule-expr" operation="gte" attribute="pingd" type="integer" value="5"/>'],
  ["defined", ["defined", "pingd"], '<expression id="loc-rule-expr" operation="defined" attribute="pingd"/>'],
  ["date gt", ["date", "gt", "2020-01-01"], '<date_expression id="loc-rule-expr" operation="gt" start="2020-01-01"/>'],
  ["date lt", ["date", "lt", "2020-01-01T10:00"], '<date_expression id="loc-rule-expr" operation="lt" end="2020-01-01T10:00"/>'],
  ["a keyword after a type is a value", ["a", "eq", "string", "and"], '<expression id="loc-rule-expr" operation="eq" attribute="a" type="string" value="and"/>'],
];

for (const [name, words, expected] of BUILDS) {
  test(`builds ${name}`, () => {
    assert.ok(build(words).includes(expected), build(words));
  });
}

test("and binds tighter than nothing: mixed operators nest as rules, same operators flatten", () => {
  const xml = build(["a", "eq", "1", "or", "b", "eq", "2", "and", "c", "eq", "3", "or", "d", "eq", "4"]);
  // ((a or b) and c) or d  — left to right with equal binding power for and/or.
  assert.match(xml, /<rule id="loc-rule" boolean-op="or">\s*<rule id="loc-rule-rule" boolean-op="and">\s*<rule id="loc-rule-rule-rule" boolean-op="or">/);
});

test("integer becomes number for schemas older than 3.5", () => {
  assert.ok(build(["a", "gt", "integer", "5"], true).includes('type="number"'));
});

const ERRORS: [string[], string][] = [
  [["#uname", "eq"], "'#uname eq' is not a valid rule expression: unexpected end of rule"],
  [["foo", "eq", "bar", "baz"], "'foo eq bar baz' is not a valid rule expression: unexpected 'baz'"],
  [["(", "a", "eq", "b"], "'( a eq b' is not a valid rule expression: missing ')'"],
  [["a", "and", "b"], "'a and b' is not a valid rule expression: unexpected 'a' before 'and'"],
  [["a", "eq", "integer", "x"], "'a eq integer x' is not a valid rule expression: invalid integer value 'x'"],
  [["date-spec", "hours=30"], "'date-spec hours=30' is not a valid rule expression: invalid hours '30' in 'date-spec'"],
  [["date", "in_range", "x", "to", "2020-01-01"], "'date in_range x to 2020-01-01' is not a valid rule expression: invalid date 'x' in 'in_range ... to'"],
  [["a"], "'a' is not a valid rule expression: missing one of 'eq', 'ne', 'lt', 'gt', 'lte', 'gte', 'in_range', 'defined', 'not_defined', 'date-spec'"],
];

for (const [words, message] of ERRORS) {
  test(`refuses ${words.join(" ")}`, () => {
    const parsed = parseRule(words);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.message, message);
  });
}
