import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { Rule } from "../../../src/cib/index.js";
import { evaluateRule, parseIsoDate } from "../../../src/scheduler/index.js";

const attrs = new Map([
  ["#uname", "node2"],
  ["rack", "r1"],
  ["cpus", "8"],
  ["load", "3.5"],
]);
const expr = (attribute: string, operation: string, value?: string, type?: string): Rule => ({
  id: "r",
  booleanOp: "and",
  conditions: [{ kind: "expression", id: "e", attribute, operation, ...(value === undefined ? {} : { value }), ...(type === undefined ? {} : { type }) }],
});

test("expressions compare node attributes as strings, integers and numbers", () => {
  const ctx = { nodeAttrs: attrs, nowSec: 0 };
  assert.equal(evaluateRule(expr("#uname", "eq", "node2"), ctx), true);
  assert.equal(evaluateRule(expr("#uname", "ne", "node2"), ctx), false);
  assert.equal(evaluateRule(expr("cpus", "gt", "10"), ctx), false, "8 > 10 numerically is false (as a string it would be true)");
  assert.equal(evaluateRule(expr("load", "gt", "3.4"), ctx), true, "a decimal value compares as a number");
  assert.equal(evaluateRule(expr("rack", "defined"), ctx), true);
  assert.equal(evaluateRule(expr("missing", "not_defined"), ctx), true);
  assert.equal(evaluateRule(expr("missing", "eq", "x"), ctx), false);
});

test("date expressions use the given time, not the clock", () => {
  const rule: Rule = { id: "d", booleanOp: "and", conditions: [{ kind: "date_expression", id: "d1", operation: "in_range", start: "2005-001", end: "2005-031" }] };
  assert.equal(evaluateRule(rule, { nodeAttrs: undefined, nowSec: parseIsoDate("2005-020") ?? 0 }), true);
  assert.equal(evaluateRule(rule, { nodeAttrs: undefined, nowSec: parseIsoDate("2005-040") ?? 0 }), false);
  const spec: Rule = { id: "s", booleanOp: "and", conditions: [{ kind: "date_expression", id: "s1", operation: "date_spec", dateSpec: { id: "ds", fields: { hours: "9-16", weekdays: "1-5" } } }] };
  assert.equal(evaluateRule(spec, { nodeAttrs: undefined, nowSec: parseIsoDate("2024-01-03T10:00:00Z") ?? 0 }), true, "a Wednesday at 10:00");
  assert.equal(evaluateRule(spec, { nodeAttrs: undefined, nowSec: parseIsoDate("2024-01-06T10:00:00Z") ?? 0 }), false, "a Saturday");
});

test("ISO 8601 dates parse as UTC seconds, with ordinal days and offsets", () => {
  assert.equal(parseIsoDate("2005-020"), Date.UTC(2005, 0, 20) / 1000);
  assert.equal(parseIsoDate("2014-05-07 00:28:00"), Date.UTC(2014, 4, 7, 0, 28) / 1000);
  assert.equal(parseIsoDate("2014-05-07T02:28:00+02:00"), Date.UTC(2014, 4, 7, 0, 28) / 1000);
  assert.equal(parseIsoDate("not a date"), undefined);
});
