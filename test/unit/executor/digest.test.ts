import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalParameters, opDigest } from "../../../src/executor/index.js";

test("the op digest does not depend on parameter order", () => {
  assert.equal(opDigest({ a: "1", b: "2" }), opDigest({ b: "2", a: "1" }));
  assert.match(opDigest({}), /^[0-9a-f]{32}$/);
});

test("the op digest changes with any value and ignores CRM_meta_ entries", () => {
  assert.notEqual(opDigest({ a: "1" }), opDigest({ a: "2" }));
  assert.notEqual(opDigest({ a: "1" }), opDigest({ a: "1", b: "" }));
  assert.equal(opDigest({ a: "1", CRM_meta_timeout: "20000" }), opDigest({ a: "1" }));
});

test("parameters are written canonically with XML escaping", () => {
  assert.equal(canonicalParameters({ z: "<\"&>", a: "x" }), `<parameters a="x" z="&lt;&quot;&amp;&gt;"/>`);
});
