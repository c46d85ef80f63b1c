/**
 * The random CIB generators are deterministic, and their CIBs are what the differential
 * harness and the benchmark rely on: valid XML the CIB model reads, fencing disabled, a
 * node_state for every node, the promised mix of resources and constraints.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { effectiveAttribute, parseCib, readCib } from "../../../src/cib/index.js";
import { generateBenchCib, generateDifferentialCib } from "../../../src/scheduler/testing/index.js";

test("the same seed gives the same CIB; different seeds differ", () => {
  assert.equal(generateDifferentialCib(42), generateDifferentialCib(42));
  assert.notEqual(generateDifferentialCib(42), generateDifferentialCib(43));
  assert.equal(generateBenchCib(4, 20, 7), generateBenchCib(4, 20, 7));
});

test("differential CIBs read as models with fencing off, a node_state per node, and every feature over 300 seeds", () => {
  const seen = new Set<string>();
  for (let seed = 1; seed <= 300; seed++) {
    const m = readCib(parseCib(generateDifferentialCib(seed)));
    assert.equal(effectiveAttribute(m.properties, "stonith-enabled"), "false", `seed ${seed}`);
    assert.deepEqual(
      m.status.map((s) => s.uname).sort(),
      m.nodes.map((n) => n.uname).sort(),
      `seed ${seed}: node_state per node`,
    );
    for (const r of m.resources) {
      seen.add(r.kind);
      if (r.kind === "clone") seen.add(r.meta.some((s) => s.nvpairs.some((nv) => nv.name === "globally-unique")) ? "unique-clone" : "anonymous-clone");
      if (r.kind === "clone" && r.child.kind === "group") seen.add("cloned-group");
    }
    for (const c of m.constraints) seen.add(c.kind === "order" ? `order-${c.orderKind}` : c.kind);
    for (const s of m.status) {
      if (s.inCcm === "false") seen.add("offline-node");
      for (const l of s.lrm) for (const op of l.ops) seen.add(op.rcCode === 0 ? "running" : op.rcCode === 7 ? "probe" : "failed-op");
    }
    if (m.nodes.some((n) => n.attributes.some((a) => a.nvpairs.some((nv) => nv.name === "standby")))) seen.add("standby-node");
  }
  for (const f of [
    "primitive",
    "group",
    "anonymous-clone",
    "unique-clone",
    "cloned-group",
    "location",
    "colocation",
    "order-Mandatory",
    "order-Optional",
    "order-Serialize",
    "offline-node",
    "standby-node",
    "running",
    "probe",
    "failed-op",
  ]) {
    assert.ok(seen.has(f), `no seed produced ${f}`);
  }
});

test("bench CIBs have N nodes, P primitives, one constraint each and a probe per node and primitive", () => {
  const m = readCib(parseCib(generateBenchCib(3, 10)));
  assert.equal(m.nodes.length, 3);
  assert.equal(m.resources.length, 10);
  assert.equal(m.constraints.length, 10);
  for (const s of m.status) assert.equal(s.lrm.length, 10);
});
