import { test } from "node:test";
import assert from "node:assert/strict";
import { GraphRunner, type PlannedAction, type Transition } from "../../../src/controller/index.js";

function action(id: number, text: string, node = "n1"): PlannedAction {
  return { id, kind: "graph", node, rsc: "r", text, request: { resourceId: "r", agent: "ocf:tandem:Dummy", operation: "start" } };
}

function transition(n: number, edges: [number, number][]): Transition {
  return { actions: Array.from({ length: n }, (_, i) => action(i, `a${i}`)), edges, blocked: [], phase: "placement" };
}

test("actions start only after all their predecessors succeeded, in dependency order", () => {
  // stop(0) before start(1) before monitor(2); 3 independent
  const g = new GraphRunner(transition(4, [[0, 1], [1, 2]]));
  assert.deepEqual(g.takeReady().map((a) => a.id), [0, 3]);
  assert.deepEqual(g.takeReady(), []);
  g.complete(3, true);
  assert.deepEqual(g.takeReady(), []);
  g.complete(0, true);
  assert.deepEqual(g.takeReady().map((a) => a.id), [1]);
  g.complete(1, true);
  assert.deepEqual(g.takeReady().map((a) => a.id), [2]);
  assert.equal(g.finished, false);
  g.complete(2, true);
  assert.equal(g.finished, true);
  assert.deepEqual(g.outcome(), { kind: "complete" });
});

test("a failed action stops new dispatches; the transition ends when in-flight actions finish", () => {
  const g = new GraphRunner(transition(3, [[0, 2]]));
  assert.deepEqual(g.takeReady().map((a) => a.id), [0, 1]);
  g.complete(0, false, "rc 1");
  assert.deepEqual(g.takeReady(), []);
  assert.equal(g.finished, false, "action 1 is still in flight");
  g.complete(1, true);
  assert.equal(g.finished, true);
  assert.deepEqual(g.outcome(), { kind: "failed", reason: "a0 failed: rc 1" });
});

test("abort lets in-flight actions finish and starts nothing new", () => {
  const g = new GraphRunner(transition(2, [[0, 1]]));
  g.takeReady();
  g.abort("configuration changed");
  g.complete(0, true);
  assert.deepEqual(g.takeReady(), []);
  assert.deepEqual(g.outcome(), { kind: "aborted", reason: "configuration changed" });
});

test("a lost action (its node left) ends the transition as aborted, not failed", () => {
  const g = new GraphRunner(transition(1, []));
  g.takeReady();
  g.abort("node n1 left");
  assert.equal(g.lose(0), true);
  assert.deepEqual(g.outcome(), { kind: "aborted", reason: "node n1 left" });
});

test("results for actions not in flight are ignored", () => {
  const g = new GraphRunner(transition(2, [[0, 1]]));
  assert.equal(g.complete(1, true), false);
  g.takeReady();
  assert.equal(g.complete(0, true), true);
  assert.equal(g.complete(0, false), false);
});
