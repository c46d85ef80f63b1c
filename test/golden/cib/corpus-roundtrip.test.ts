/**
 * Every CIB of Pacemaker's scheduler corpus parses, and read → write → read is lossless:
 * the tree and the typed model are the same after a round trip.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseCib, readCib, serializeCib } from "../../../src/cib/index.js";
import { corpusCaseFile, corpusCases } from "../../support/corpus.js";

test("all tier 1-4 corpus CIBs parse and round-trip losslessly", () => {
  const cases = corpusCases();
  assert.equal(cases.length, 544);
  for (const name of cases) {
    const text = readFileSync(corpusCaseFile(name, "xml"), "utf8");
    const first = parseCib(text);
    const written = serializeCib(first);
    const second = parseCib(written);
    assert.deepEqual(second, first, `${name}: tree changed in a round trip`);
    assert.equal(serializeCib(second), written, `${name}: writing is not stable`);
    assert.deepEqual(readCib(second), readCib(first), `${name}: model changed in a round trip`);
  }
});

test("the typed model sees the corpus's resources, constraints and status", () => {
  const model = readCib(parseCib(readFileSync(corpusCaseFile("1-a-then-bm-move-b", "xml"), "utf8")));
  assert.deepEqual(
    model.resources.map((r) => r.id),
    ["A", "B"],
  );
  assert.equal(model.epoch, 10);
  assert.deepEqual(
    model.constraints.map((c) => [c.kind, c.id]),
    [
      ["order", "order-A-B-mandatory"],
      ["location", "location-B-18node2-INFINITY"],
    ],
  );
  const node2 = model.status.find((s) => s.uname === "18node2");
  const b = node2?.lrm.find((r) => r.id === "B");
  assert.deepEqual(
    b?.ops.map((o) => [o.operation, o.intervalMs, o.rcCode]),
    [
      ["start", 0, 0],
      ["monitor", 60000, 0],
    ],
  );
});
