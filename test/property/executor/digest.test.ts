import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { opDigest } from "../../../src/executor/index.js";
import { expandExecWords, splitWords } from "../../../src/agents/index.js";

const paramName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,12}$/);
const params = fc.dictionary(paramName, fc.string({ maxLength: 20 }), { maxKeys: 8 });

test("the op digest is the same for any order of the same parameters", () => {
  fc.assert(
    fc.property(params, fc.integer(), (p, seed) => {
      const entries = Object.entries(p);
      // A deterministic shuffle from the seed.
      const shuffled = entries.map((e, i) => [((i + 1) * (seed | 1)) % 997, e] as const).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
      assert.equal(opDigest(Object.fromEntries(shuffled)), opDigest(p));
    }),
  );
});

test("changing any one value changes the op digest", () => {
  fc.assert(
    fc.property(params.filter((p) => Object.keys(p).length > 0), fc.string({ maxLength: 20 }), (p, value) => {
      const name = Object.keys(p)[0] ?? "";
      fc.pre(p[name] !== value);
      assert.notEqual(opDigest({ ...p, [name]: value }), opDigest(p));
    }),
  );
});

test("words quoted for systemd split back into the same words", () => {
  const word = fc.string({ minLength: 1, maxLength: 12 }).filter((w) => !/[\\\n\r\t]/.test(w));
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
      const quoted = words.map((w) => `"${w.replace(/"/g, '\\"')}"`).join(" ");
      assert.deepEqual(splitWords(quoted), words);
    }),
  );
});

test("a ${VAR} reference always expands to exactly its value inside one word", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (value) => {
      assert.deepEqual(expandExecWords(["a${V}b"], { V: value }, {}), [`a${value}b`]);
    }),
  );
});
