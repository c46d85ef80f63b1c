/**
 * The crm_simulate text layout on hand-built views, one test per tricky layout of the
 * corpus (expected text copied from the named cases/*.summary).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareNatural,
  renderClusterStatus,
  renderNodeList,
  renderScoreLines,
  renderSimulateText,
  renderSummaryLines,
} from "../../../src/scheduler/render/index.js";
import type { ClusterView, GroupView, PrimitiveView, ScheduleResult, SummaryAction } from "../../../src/scheduler/index.js";

function prim(id: string, role: string, nodes: string[] = [], flags: string[] = [], agent = "ocf:heartbeat:Dummy"): PrimitiveView {
  return { kind: "primitive", id, agent, role, nodes, flags };
}

function group(id: string, members: PrimitiveView[], flags: string[] = []): GroupView {
  return { kind: "group", id, members, flags };
}

function online(...names: string[]): ClusterView["nodes"] {
  return names.map((name, i) => ({ name, id: String(i + 1), state: "online" }));
}

test("a promotable clone prints a failed instance alone, then Promoted and Unpromoted lists (on_fail_demote2)", () => {
  const a = "ocf:pacemaker:Stateful";
  const view: ClusterView = {
    nodes: online("rhel7-1", "rhel7-2", "rhel7-3", "rhel7-4", "rhel7-5"),
    resources: [
      prim("Fencing", "Started", ["rhel7-1"], [], "stonith:fence_xvm"),
      {
        kind: "clone",
        id: "rsc1-clone",
        unique: false,
        promotable: true,
        instances: [
          prim("rsc1:0", "Promoted", ["rhel7-4"], ["failed"], a),
          prim("rsc1:1", "Unpromoted", ["rhel7-5"], [], a),
          prim("rsc1:2", "Unpromoted", ["rhel7-1"], [], a),
          prim("rsc1:3", "Unpromoted", ["rhel7-2"], [], a),
          prim("rsc1:4", "Unpromoted", ["rhel7-3"], [], a),
        ],
        stoppedNodes: [],
        flags: [],
      },
      {
        kind: "clone",
        id: "rsc2-master",
        unique: false,
        promotable: true,
        instances: [
          prim("rsc2:0", "Promoted", ["rhel7-4"], [], a),
          ...["rhel7-3", "rhel7-2", "rhel7-1", "rhel7-5"].map((n, i) => prim(`rsc2:${i + 1}`, "Unpromoted", [n], [], a)),
        ],
        stoppedNodes: [],
        flags: [],
      },
    ],
  };
  assert.deepEqual(renderClusterStatus(view), [
    "  * Node List:",
    "    * Online: [ rhel7-1 rhel7-2 rhel7-3 rhel7-4 rhel7-5 ]",
    "",
    "  * Full List of Resources:",
    "    * Fencing\t(stonith:fence_xvm):\t Started rhel7-1",
    "    * Clone Set: rsc1-clone [rsc1] (promotable):",
    "      * rsc1\t(ocf:pacemaker:Stateful):\t FAILED Promoted rhel7-4",
    "      * Unpromoted: [ rhel7-1 rhel7-2 rhel7-3 rhel7-5 ]",
    "    * Clone Set: rsc2-master [rsc2] (promotable):",
    "      * Promoted: [ rhel7-4 ]",
    "      * Unpromoted: [ rhel7-1 rhel7-2 rhel7-3 rhel7-5 ]",
  ]);
});

test("an orphaned cloned-group instance prints as a group, then the Started and Stopped lists (cloned-group)", () => {
  const view: ClusterView = {
    nodes: [...online("webcluster01"), { name: "webcluster02", id: "2", state: "offline" }],
    resources: [
      {
        kind: "clone",
        id: "apache2_clone",
        unique: false,
        promotable: false,
        instances: [
          group("grrr:0", [prim("apache2:0", "Started", ["webcluster01"], [], "ocf:heartbeat:apache"), prim("mysql-proxy:0", "Started", ["webcluster01"], [], "lsb:mysql-proxy")]),
          group("grrr:2", [
            prim("apache2:2", "Started", ["webcluster01"], ["orphaned"], "ocf:heartbeat:apache"),
            prim("mysql-proxy:2", "Started", ["webcluster01"], ["orphaned"], "lsb:mysql-proxy"),
          ]),
        ],
        stoppedNodes: ["webcluster02"],
        flags: [],
      },
    ],
  };
  assert.deepEqual(renderClusterStatus(view).slice(5), [
    "    * Clone Set: apache2_clone [grrr]:",
    "      * Resource Group: grrr:2:",
    "        * apache2\t(ocf:heartbeat:apache):\t ORPHANED Started webcluster01",
    "        * mysql-proxy\t(lsb:mysql-proxy):\t ORPHANED Started webcluster01",
    "      * Started: [ webcluster01 ]",
    "      * Stopped: [ webcluster02 ]",
  ]);
});

test("a unique clone prints every instance with its id, a disabled clone says so on its Stopped list (1494, bug-lf-2453)", () => {
  const view: ClusterView = {
    nodes: online("hb1", "hb2"),
    resources: [
      {
        kind: "clone",
        id: "ima_cloneid",
        unique: true,
        promotable: false,
        instances: [prim("ima_rscid:0", "Stopped"), prim("ima_rscid:1", "Started", ["hb2"])],
        stoppedNodes: [],
        flags: [],
      },
      {
        kind: "clone",
        id: "CloneResource1",
        unique: false,
        promotable: false,
        instances: [prim("apache:0", "Stopped", [], ["disabled"], "ocf:heartbeat:apache")],
        stoppedNodes: ["hb2", "hb1"],
        flags: ["disabled"],
      },
    ],
  };
  assert.deepEqual(renderClusterStatus(view).slice(4), [
    "    * Clone Set: ima_cloneid [ima_rscid] (unique):",
    "      * ima_rscid:0\t(ocf:heartbeat:Dummy):\t Stopped",
    "      * ima_rscid:1\t(ocf:heartbeat:Dummy):\t Started hb2",
    "    * Clone Set: CloneResource1 [apache] (disabled):",
    "      * Stopped (disabled): [ hb1 hb2 ]",
  ]);
});

test("primitive lines carry flags, multiple nodes and failed-probe results as Pacemaker prints them", () => {
  const view: ClusterView = {
    nodes: online("node1", "node2"),
    resources: [
      prim("rsc1", "Started", ["node1", "node2"], ["blocked"], "ocf:heartbeat:apache"),
      prim("rsc2", "Started", ["node1", "node2"], ["failed", "disabled", "unmanaged"], "ocf:pacemaker:Dummy"),
      prim("rsc_c001n08", "Started", ["c001n08"], ["orphaned", "unmanaged"], "ocf:heartbeat:IPaddr"),
      prim("dummy-1", "Stopped", [], ["Not installed"], "ocf:pacemaker:Dummy"),
      group("group1", [prim("rsc3", "Started", ["node1"], ["disabled", "maintenance"], "ocf:pacemaker:Dummy")], ["disabled", "maintenance"]),
    ],
  };
  assert.deepEqual(renderClusterStatus(view).slice(4), [
    "    * rsc1\t(ocf:heartbeat:apache):\t Started (blocked) [ node1 node2 ]",
    "    * rsc2\t(ocf:pacemaker:Dummy):\t FAILED (disabled, unmanaged) [ node1 node2 ]",
    "    * rsc_c001n08\t(ocf:heartbeat:IPaddr):\t ORPHANED Started c001n08 (unmanaged)",
    "    * dummy-1\t(ocf:pacemaker:Dummy):\t Stopped (Not installed) ",
    "    * Resource Group: group1 (disabled, maintenance):",
    "      * rsc3\t(ocf:pacemaker:Dummy):\t Started node1 (disabled, maintenance)",
  ]);
});

test("the node list prints special states first, then Online and OFFLINE lists in natural order", () => {
  const nodes: ClusterView["nodes"] = [
    { name: "node10", id: "10", state: "online" },
    { name: "node2", id: "2", state: "online" },
    { name: "hex-2", id: "3", state: "standby", standbyWithResources: true },
    { name: "hex-1", id: "4", state: "standby" },
    { name: "hex-3", id: "5", state: "offline+standby" },
    { name: "m1", id: "6", state: "maintenance" },
    { name: "z9", id: "7", state: "offline" },
  ];
  assert.deepEqual(renderNodeList(nodes), [
    "    * Node hex-1: standby",
    "    * Node hex-2: standby (with active resources)",
    "    * Node hex-3: OFFLINE (standby)",
    "    * Node m1: maintenance",
    "    * Online: [ node2 node10 ]",
    "    * OFFLINE: [ z9 ]",
  ]);
  assert.ok(compareNatural("node2", "node10") < 0);
  assert.ok(compareNatural("Node2", "node3") < 0);
  assert.equal(compareNatural("a01", "a1"), 0);
});

test("summary columns use the widths reached over all lines (promoted-with-blocked, bug-lf-2422)", () => {
  const actions: SummaryAction[] = [
    { action: "Start", rsc: "rsc1", node: "node2", reason: "due to unrunnable rsc3 start", blocked: true },
    { action: "Start", rsc: "rsc2:0", node: "node3" },
    { action: "Promote", rsc: "rsc2:4", node: "node2", fromRole: "Stopped", toRole: "Promoted", reason: "colocation with rsc1", blocked: true },
  ];
  assert.deepEqual(renderSummaryLines(actions), [
    "  * Start      rsc1       (                     node2 )  due to unrunnable rsc3 start (blocked)",
    "  * Start      rsc2:0     (                     node3 )",
    "  * Promote    rsc2:4     ( Stopped -> Promoted node2 )  due to colocation with rsc1 (blocked)",
  ]);
  assert.deepEqual(
    renderSummaryLines([
      { action: "Stop", rsc: "o2cb:0", node: "qa-suse-1", reason: "node availability" },
      { action: "Stop", rsc: "cmirror:0", node: "qa-suse-1", reason: "node availability" },
    ]),
    [
      "  * Stop       o2cb:0        ( qa-suse-1 )  due to node availability",
      "  * Stop       cmirror:0     ( qa-suse-1 )  due to node availability",
    ],
  );
});

test("summary details are worded per form: move, role change, stop with role, move with roles, blocked", () => {
  assert.deepEqual(
    renderSummaryLines([
      { action: "Move", rsc: "A", from: "node1", to: "node2" },
      { action: "Stop", rsc: "drbd0:1", node: "xen-1", role: "Promoted", reason: "node availability" },
      { action: "Move", rsc: "dummystateful", from: "18node2", to: "18node3", fromRole: "Promoted", toRole: "Started" },
      { action: "Demote", rsc: "rsc1:0", node: "node1", fromRole: "Promoted", toRole: "Unpromoted" },
      { action: "Start", rsc: "B", node: "n1", blocked: true },
    ]),
    [
      "  * Move       A                 (                      node1 -> node2 )",
      "  * Stop       drbd0:1           (                      Promoted xen-1 )  due to node availability",
      "  * Move       dummystateful     ( Promoted 18node2 -> Started 18node3 )",
      "  * Demote     rsc1:0            (        Promoted -> Unpromoted node1 )",
      "  * Start      B                 (                                  n1 )  blocked",
    ],
  );
});

test("scores print as crm_simulate -s lines, sorted in byte order", () => {
  assert.deepEqual(
    renderScoreLines([
      { kind: "pcmk__primitive_assign", rsc: "rsc2", node: "node1", score: -1_000_000 },
      { kind: "pcmk__primitive_assign", rsc: "rsc1", node: "node2", score: 1_000_000 },
      { kind: "pcmk__clone_assign", rsc: "c", node: "node1", score: 0 },
      { kind: "promotion", rsc: "ms-sf_group:0", node: "process2b", score: 49 },
      { kind: "promotion", rsc: "ms-sf_group:1", node: "", score: -1_000_000 },
    ]),
    [
      "ms-sf_group:0 promotion score on process2b: 49",
      "ms-sf_group:1 promotion score (inactive): -INFINITY",
      "pcmk__clone_assign: c allocation score on node1: 0",
      "pcmk__primitive_assign: rsc1 allocation score on node2: INFINITY",
      "pcmk__primitive_assign: rsc2 allocation score on node1: -INFINITY",
    ],
  );
});

test("the whole simulate text has crm_simulate's sections and blank lines (order1)", () => {
  const a = "ocf:heartbeat:apache";
  const before: ClusterView = { nodes: online("node1", "node2"), resources: [prim("rsc1", "Stopped", [], [], a)] };
  const after: ClusterView = { nodes: online("node1", "node2"), resources: [prim("rsc1", "Started", ["node1"], [], a)] };
  const result: ScheduleResult = {
    current: before,
    revised: after,
    summary: [{ action: "Start", rsc: "rsc1", node: "node1" }],
    graph: { actions: [], edges: [] },
    scores: [],
    explanation: { resources: {} },
  };
  assert.equal(
    renderSimulateText(result),
    [
      "Current cluster status:",
      "  * Node List:",
      "    * Online: [ node1 node2 ]",
      "",
      "  * Full List of Resources:",
      "    * rsc1\t(ocf:heartbeat:apache):\t Stopped",
      "",
      "Transition Summary:",
      "  * Start      rsc1    ( node1 )",
      "",
      "Revised Cluster Status:",
      "  * Node List:",
      "    * Online: [ node1 node2 ]",
      "",
      "  * Full List of Resources:",
      "    * rsc1\t(ocf:heartbeat:apache):\t Started node1",
      "",
    ].join("\n"),
  );
});
