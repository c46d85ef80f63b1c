/** Comparing pcmk-placement/1 documents: diffs, and net equivalence of clone shuffles. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { actionDiffs, actionsNetEquivalent, placementDiffs } from "../../../src/scheduler/testing/index.js";

test("placement and action diffs name what differs; reasons are ignored", () => {
  assert.deepEqual(placementDiffs({ nodes: { n1: "online" }, placement: { a: { Started: ["n1"] } } }, { nodes: { n1: "standby" }, placement: {} }), [
    "node n1: expected online, got standby",
    'rsc a: expected {"Started":["n1"]}, got none',
  ]);
  assert.deepEqual(
    actionDiffs({ actions: [{ action: "Start", rsc: "a", node: "n1", reason: "x" }] }, { actions: [{ action: "Start", rsc: "a", node: "n1" }] }),
    [],
  );
  assert.deepEqual(actionDiffs({ actions: [{ action: "Start", rsc: "a", node: "n1" }] }, { actions: [] }), ['missing action: {"action":"Start","node":"n1","rsc":"a"}']);
});

test("a shuffled anonymous instance (Move + Start) nets to the same as a plain Start; other differences do not", () => {
  const shuffled = { actions: [{ action: "Move", rsc: "c", from: "n3", to: "n1" }, { action: "Start", rsc: "c", node: "n3" }] };
  assert.ok(actionsNetEquivalent(shuffled, { actions: [{ action: "Start", rsc: "c", node: "n1" }] }));
  assert.ok(!actionsNetEquivalent(shuffled, { actions: [{ action: "Start", rsc: "c", node: "n2" }] }));
  assert.ok(!actionsNetEquivalent({ actions: [{ action: "Restart", rsc: "a", node: "n1" }] }, { actions: [] }));
});
