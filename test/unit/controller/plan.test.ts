import { test } from "node:test";
import assert from "node:assert/strict";
import { readCib } from "../../../src/cib/index.js";
import { buildLiveCib, planTransition, type NodeReport } from "../../../src/controller/index.js";
import type { OpRecord } from "../../../src/executor/index.js";
import { schedule } from "../../../src/scheduler/index.js";

const CIB = `<cib admin_epoch="0" epoch="5" num_updates="0" validate-with="pacemaker-3.1">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options">
      <nvpair id="o1" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="tandem" type="Dummy">
        <instance_attributes id="d1-ia"><nvpair id="d1-f" name="fake" value="x"/></instance_attributes>
        <operations><op id="d1-mon" name="monitor" interval="10s" timeout="7s"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_location id="l1" rsc="d1" node="n2" score="100"/></constraints>
  </configuration>
  <status/>
</cib>`;

function rec(node: string, rsc: string, operation: string, rc: number, callId: number, intervalMs = 0, expectedRc = 0): OpRecord {
  return {
    id: intervalMs > 0 ? `${rsc}_${operation}_${intervalMs}` : `${rsc}_last_0`, operationKey: `${rsc}_${operation}_${intervalMs}`, operation, intervalMs,
    callId, rcCode: rc, opStatus: 0, opStatusName: "done", lastRun: 1, lastRcChange: 1, execTime: 1, queueTime: 0, opDigest: "", exitReason: "",
    onNode: node, resourceId: rsc, agent: "ocf:tandem:Dummy", expectedRc, failed: false, epoch: 1, finishedAtMs: 1, stdoutTail: "", stderrTail: "",
    transitionKey: `0:1:${expectedRc}:tandem-1`,
  };
}

function plan(online: string[], reports: Map<string, NodeReport>) {
  const doc = buildLiveCib({ cibText: CIB, online: new Set(online), reports, dc: "n1", quorum: true });
  const model = readCib(doc);
  const result = schedule({ cib: model, nowSec: 1000 });
  return planTransition({ model, result, online: new Set(online), reports });
}

test("unknown resources are probed first on every online node, alone", () => {
  const t = plan(["n1", "n2"], new Map());
  assert.equal(t.phase, "probe");
  assert.deepEqual(t.actions.map((a) => a.text), ["probe d1 on n1", "probe d1 on n2"]);
  assert.equal(t.actions[0]?.request.expectedRc, 7);
  assert.deepEqual(t.actions[0]?.request.params, { fake: "x" });
});

test("after probes, the resource starts where the scheduler puts it, then its monitor runs", () => {
  const reports = new Map<string, NodeReport>([
    ["n1", { ops: [rec("n1", "d1", "monitor", 7, 1, 0, 7)], attrs: {} }],
    ["n2", { ops: [rec("n2", "d1", "monitor", 7, 1, 0, 7)], attrs: {} }],
  ]);
  const t = plan(["n1", "n2"], reports);
  assert.equal(t.phase, "placement");
  assert.deepEqual(t.actions.map((a) => a.text), ["start d1 on n2", "monitor d1 every 10000 ms on n2"]);
  assert.deepEqual(t.edges, [[0, 1]]);
  assert.equal(t.actions[1]?.request.timeoutMs, 7000);
  assert.equal(t.actions[1]?.request.intervalMs, 10000);
});

test("a running resource with its monitor needs nothing; without its node online it starts elsewhere", () => {
  const reports = new Map<string, NodeReport>([
    ["n1", { ops: [rec("n1", "d1", "monitor", 7, 1, 0, 7)], attrs: {} }],
    ["n2", { ops: [rec("n2", "d1", "start", 0, 2), rec("n2", "d1", "monitor", 0, 3, 10000)], attrs: {} }],
  ]);
  assert.deepEqual(plan(["n1", "n2"], reports).actions, []);
  const failover = plan(["n1"], reports);
  assert.deepEqual(failover.actions.map((a) => a.text), ["start d1 on n1", "monitor d1 every 10000 ms on n1"]);
});

test("an active resource whose monitor is missing (a restarted daemon) gets its monitor back", () => {
  const reports = new Map<string, NodeReport>([
    ["n1", { ops: [rec("n1", "d1", "monitor", 7, 1, 0, 7)], attrs: {} }],
    ["n2", { ops: [rec("n2", "d1", "monitor", 0, 1, 0, 7)], attrs: {} }],
  ]);
  assert.deepEqual(plan(["n1", "n2"], reports).actions.map((a) => a.text), ["monitor d1 every 10000 ms on n2"]);
});

test("a resource that requires fencing is not started elsewhere while its node is only suspected dead", () => {
  const reports = new Map<string, NodeReport>([
    ["n1", { ops: [rec("n1", "d1", "monitor", 7, 1, 0, 7)], attrs: {} }],
    ["n2", { ops: [rec("n2", "d1", "start", 0, 2), rec("n2", "d1", "monitor", 0, 3, 10000)], attrs: {} }],
  ]);
  const fencing = CIB.replace('<instance_attributes id="d1-ia">', '<meta_attributes id="d1-m"><nvpair id="d1-r" name="requires" value="fencing"/></meta_attributes><instance_attributes id="d1-ia">');
  const run = (cibText: string) => {
    const online = new Set(["n1"]);
    const model = readCib(buildLiveCib({ cibText, online, reports, dc: "n1", quorum: true }));
    return planTransition({ model, result: schedule({ cib: model, nowSec: 1000 }), online, reports, suspects: new Set(["n2"]) });
  };
  const held = run(fencing);
  assert.deepEqual(held.actions, []);
  assert.deepEqual(held.blocked, ["start d1 on n1 (requires=fencing: waiting for n2 to self-fence)"]);
  assert.deepEqual(run(CIB).actions.map((a) => a.text), ["start d1 on n1", "monitor d1 every 10000 ms on n1"], "requires=quorum (fencing disabled) recovers at once");
});
