/**
 * The pcmk-placement/1 JSON built from views follows oracle/pcmkcorpus.py's normalization:
 * anonymous instances merged under the bare id, unique ones keeping ":N", summary lists
 * applying to every member, failed instances' roles, flags, and the action forms.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { placementAction, placementOf, renderPlacementJson, renderSimulateText, sortPlacementActions } from "../../../src/scheduler/render/index.js";
import type { ClusterView, PrimitiveView, ScheduleResult } from "../../../src/scheduler/index.js";

function prim(id: string, role: string, nodes: string[] = [], flags: string[] = []): PrimitiveView {
  return { kind: "primitive", id, agent: "ocf:pacemaker:Dummy", role, nodes, flags };
}

test("anonymous clone instances merge under the bare id; lists apply to every member of a cloned group", () => {
  const view: ClusterView = {
    nodes: [
      { name: "n1", id: "1", state: "online" },
      { name: "n2", id: "2", state: "offline" },
    ],
    resources: [
      {
        kind: "clone",
        id: "cl",
        unique: false,
        promotable: false,
        instances: [{ kind: "group", id: "g:0", members: [prim("a:0", "Started", ["n1"]), prim("b:0", "Started", ["n1"])], flags: [] }],
        stoppedNodes: ["n2"],
        flags: ["disabled"],
      },
      {
        kind: "clone",
        id: "u",
        unique: true,
        promotable: false,
        instances: [prim("x:0", "Started", ["n1"]), prim("x:1", "Stopped")],
        stoppedNodes: [],
        flags: [],
      },
    ],
  };
  assert.deepEqual(placementOf(view), {
    nodes: { n1: "online", n2: "offline" },
    placement: { a: { Started: ["n1"] }, b: { Started: ["n1"] }, "x:0": { Started: ["n1"] }, "x:1": {} },
    flags: { a: ["disabled"], b: ["disabled"], cl: ["disabled"] },
  });
});

test("a failed instance without a printed role is Unpromoted in a promotable clone, Started elsewhere", () => {
  const view: ClusterView = {
    nodes: [{ name: "n1", id: "1", state: "online" }],
    resources: [
      {
        kind: "clone",
        id: "ms",
        unique: false,
        promotable: true,
        instances: [prim("s:0", "Unpromoted", ["n1"], ["failed"]), prim("s:1", "Promoted", ["n2"], ["failed"])],
        stoppedNodes: [],
        flags: [],
      },
      prim("r", "Started", ["n1", "n2"], ["failed", "blocked"]),
      prim("o", "Started", ["n1"], ["orphaned", "unmanaged"]),
    ],
  };
  assert.deepEqual(placementOf(view).placement, {
    o: { Started: ["n1"] },
    r: { Started: ["n1", "n2"] },
    s: { Promoted: ["n2"], Unpromoted: ["n1"] },
  });
  assert.deepEqual(placementOf(view).flags, { o: ["orphaned", "unmanaged"], r: ["blocked", "failed"], s: ["failed"] });
});

test("summary actions take pcmkcorpus.py's forms", () => {
  const anon = new Set(["child"]);
  assert.deepEqual(placementAction({ action: "Start", rsc: "child:3", node: "n1" }, anon), { action: "Start", rsc: "child", node: "n1" });
  assert.deepEqual(placementAction({ action: "Start", rsc: "u:3", node: "n1" }, anon), { action: "Start", rsc: "u:3", node: "n1" });
  assert.deepEqual(placementAction({ action: "Move", rsc: "A", from: "n1", to: "n2", role: "Unpromoted" }, anon), {
    action: "Move",
    rsc: "A",
    from: "n1",
    to: "n2",
  });
  assert.deepEqual(placementAction({ action: "Move", rsc: "A", from: "n1", to: "n2", fromRole: "Promoted", toRole: "Started" }, anon), {
    action: "Move",
    rsc: "A",
    from: "n1",
    to: "n2",
    from_role: "Promoted",
    to_role: "Started",
  });
  assert.deepEqual(placementAction({ action: "Promote", rsc: "child:1", node: "n2", fromRole: "Unpromoted", toRole: "Promoted" }, anon), {
    action: "Promote",
    rsc: "child",
    node: "n2",
    from_role: "Unpromoted",
    to_role: "Promoted",
  });
  assert.deepEqual(placementAction({ action: "Stop", rsc: "d", node: "n1", role: "Promoted", reason: "node availability" }, anon), {
    action: "Stop",
    rsc: "d",
    node: "n1",
    role: "Promoted",
    reason: "due to node availability",
  });
  assert.deepEqual(placementAction({ action: "Start", rsc: "b", node: "n1", reason: "due to unrunnable a start", blocked: true }, anon), {
    action: "Start",
    rsc: "b",
    node: "n1",
    reason: "due to unrunnable a start (blocked)",
  });
  assert.deepEqual(placementAction({ action: "Start", rsc: "b", node: "n1", blocked: true }, anon), {
    action: "Start",
    rsc: "b",
    node: "n1",
    blocked: true,
  });
  assert.deepEqual(placementAction({ action: "Fence", node: "n3", fenceType: "off", reason: "x" }, anon), { action: "Fence", type: "off", node: "n3" });
});

test("actions are sorted by resource, action, node, from, to", () => {
  const sorted = sortPlacementActions([
    { action: "Stop", rsc: "b", node: "n1" },
    { action: "Start", rsc: "a", node: "n2" },
    { action: "Start", rsc: "a", node: "n1" },
    { action: "Move", rsc: "a", from: "n1", to: "n2" },
  ]);
  assert.deepEqual(
    sorted.map((a) => `${a.action} ${a.rsc ?? ""} ${a.node ?? a.from ?? ""}`),
    ["Move a n1", "Start a n1", "Start a n2", "Stop b n1"],
  );
});

test("the whole document uses the revised view and the summary", () => {
  const view: ClusterView = { nodes: [{ name: "n1", id: "1", state: "online" }], resources: [prim("r", "Started", ["n1"])] };
  const result: ScheduleResult = {
    current: { nodes: view.nodes, resources: [prim("r", "Stopped")] },
    revised: view,
    summary: [{ action: "Start", rsc: "r", node: "n1" }],
    graph: { actions: [], edges: [] },
    scores: [],
    explanation: { resources: {} },
  };
  assert.deepEqual(renderPlacementJson(result), {
    format: "pcmk-placement/1",
    nodes: { n1: "online" },
    placement: { r: { Started: ["n1"] } },
    flags: {},
    actions: [{ action: "Start", rsc: "r", node: "n1" }],
  });
});

test("a clone with nothing listed in the revised view takes its child and members from the current view", () => {
  const nodes: ClusterView["nodes"] = [{ name: "n1", id: "1", state: "online" }];
  const result: ScheduleResult = {
    current: {
      nodes,
      resources: [{ kind: "clone", id: "cl", unique: false, promotable: false, instances: [prim("child:0", "Started", ["n1"])], stoppedNodes: [], flags: [] }],
    },
    revised: { nodes, resources: [{ kind: "clone", id: "cl", unique: false, promotable: false, instances: [], stoppedNodes: ["n1"], flags: ["disabled"] }] },
    summary: [{ action: "Stop", rsc: "child:0", node: "n1" }],
    graph: { actions: [], edges: [] },
    scores: [],
    explanation: { resources: {} },
  };
  const doc = renderPlacementJson(result);
  assert.deepEqual(doc.placement, { child: {} });
  assert.deepEqual(doc.flags, { child: ["disabled"], cl: ["disabled"] });
  assert.deepEqual(doc.actions, [{ action: "Stop", rsc: "child", node: "n1" }]);
  assert.match(renderSimulateText(result), /Revised Cluster Status:\n[^]*\* Clone Set: cl \[child\] \(disabled\):\n {6}\* Stopped \(disabled\): \[ n1 \]\n$/);
});
