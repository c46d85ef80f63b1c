import { test } from "node:test";
import assert from "node:assert/strict";
import { liveStatus, renderStatusJson, renderStatusText } from "../../../src/cli/live/index.js";
import { parseSnapshot } from "../../../src/controller/index.js";
import type { KeyValue } from "../../../src/store/index.js";

const CIB = `<cib admin_epoch="0" epoch="3" num_updates="0" validate-with="pacemaker-3.1"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="holly"/><node id="2" uname="benji"/></nodes>
<resources><primitive id="web" class="ocf" provider="tandem" type="Dummy"/>
<clone id="ping-clone"><primitive id="ping" class="ocf" provider="tandem" type="Dummy"/></clone></resources>
<constraints/></configuration><status/></cib>`;

function kv(key: string, value: string, rev = 2): KeyValue {
  return { key, value, createRevision: rev, modRevision: rev, version: 1, lease: "0" };
}

function op(node: string, rsc: string, operation: string, rc: number, callId: number, failed = false, intervalMs = 0): string {
  return JSON.stringify({
    id: failed ? `${rsc}_last_failure_0` : intervalMs > 0 ? `${rsc}_monitor_${intervalMs}` : `${rsc}_last_0`, operationKey: `${rsc}_${operation}_${intervalMs}`,
    operation, intervalMs, callId, rcCode: rc, opStatus: 0, opStatusName: "done", lastRun: 1, lastRcChange: 1, execTime: 3, queueTime: 0, opDigest: "",
    exitReason: "", onNode: node, resourceId: rsc, agent: "ocf:tandem:Dummy", expectedRc: 0, failed, epoch: 1, finishedAtMs: 1, stdoutTail: "", stderrTail: "",
    transitionKey: `1:2:0:tandem-1`,
  });
}

const P = "/tandem/web/";
const kvs: KeyValue[] = [
  kv(`${P}cib`, CIB),
  kv(`${P}dc`, JSON.stringify({ name: "holly", epoch: 4 })),
  kv(`${P}nodes/holly`, JSON.stringify({ name: "holly", incarnation: "a", joinedAtMs: 0, info: {} })),
  kv(`${P}nodes/benji`, JSON.stringify({ name: "benji", incarnation: "b", joinedAtMs: 0, info: {} })),
  kv(`${P}status/holly/lrm/web/web_last_0`, op("holly", "web", "start", 0, 3)),
  kv(`${P}status/holly/lrm/ping/ping_last_0`, op("holly", "ping", "start", 0, 4)),
  kv(`${P}status/benji/lrm/ping/ping_last_0`, op("benji", "ping", "start", 0, 2)),
  kv(`${P}status/benji/lrm/web/web_last_0`, op("benji", "web", "stop", 0, 3)),
  kv(`${P}status/benji/lrm/web/web_last_failure_0`, op("benji", "web", "start", 1, 1, true)),
];

test("status prints pcs 0.11's layout from one snapshot", () => {
  const s = liveStatus("web", parseSnapshot("web", kvs, 9), true, { node: "holly", active: true });
  const text = renderStatusText(s, false).replace(/Last updated: .*\n/, "Last updated: X\n");
  assert.equal(
    text,
    [
      "Cluster name: web",
      "Cluster Summary:",
      "  * Stack: etcd",
      "  * Current DC: holly - partition with quorum",
      "  * Last updated: X",
      "  * 2 nodes configured",
      "  * 3 resource instances configured",
      "",
      "Node List:",
      "  * Online: [ benji holly ]",
      "",
      "Full List of Resources:",
      "  * web\t(ocf:tandem:Dummy):\t Started holly",
      "  * Clone Set: ping-clone [ping]:",
      "    * Started: [ benji holly ]",
      "",
      "Failed Resource Actions:",
      "  * web_start_0 on benji 'error' (1)",
      "",
      "Daemon Status:",
      "  tandemd: active",
      "",
    ].join("\n"),
  );
  const json = JSON.parse(renderStatusJson(s)) as Record<string, unknown>;
  assert.equal(json["stack"], "etcd");
  assert.equal(json["current_dc"], "holly");
  assert.equal(json["resource_instances_configured"], 3);
  assert.deepEqual(json["nodes"], [{ name: "holly", state: "online" }, { name: "benji", state: "online" }]);
});
