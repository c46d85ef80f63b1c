import { test } from "node:test";
import assert from "node:assert/strict";
import { addScores, formatScore, INFINITY, MINUS_INFINITY, parseScore, scaleScore } from "../../../src/core/index.js";

test("minus infinity wins over plus infinity", () => {
  assert.equal(addScores(INFINITY, MINUS_INFINITY), MINUS_INFINITY);
  assert.equal(addScores(MINUS_INFINITY, INFINITY), MINUS_INFINITY);
});

test("sums clamp to plus or minus infinity", () => {
  assert.equal(addScores(900_000, 200_000), INFINITY);
  assert.equal(addScores(-900_000, -200_000), MINUS_INFINITY);
  assert.equal(addScores(5, -7), -2);
});

test("scores parse as Pacemaker writes them", () => {
  for (const [text, score] of [
    ["INFINITY", INFINITY],
    ["+INFINITY", INFINITY],
    ["-infinity", MINUS_INFINITY],
    ["100", 100],
    ["-5", -5],
    ["2000000", INFINITY],
  ] as const) {
    assert.deepEqual(parseScore(text), { ok: true, score });
  }
  assert.equal(parseScore("abc").ok, false);
  assert.equal(parseScore("1.5").ok, false);
});

test("scores format as INFINITY, -INFINITY or integers", () => {
  assert.equal(formatScore(INFINITY), "INFINITY");
  assert.equal(formatScore(MINUS_INFINITY), "-INFINITY");
  assert.equal(formatScore(42), "42");
});

test("scaling rounds half away from zero and never to zero", () => {
  assert.equal(scaleScore(100, 0.5), 50);
  assert.equal(scaleScore(1, 0.5), 1);
  assert.equal(scaleScore(-1, 0.5), -1);
  assert.equal(scaleScore(3, 0.5), 2);
  assert.equal(scaleScore(-3, 0.5), -2);
  assert.equal(scaleScore(0, 0.5), 0);
});
