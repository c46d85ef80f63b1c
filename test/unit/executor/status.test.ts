import { test } from "node:test";
import assert from "node:assert/strict";
import { failcountAttributes, toLrmResources } from "../../../src/executor/index.js";
import type { OpRecord } from "../../../src/executor/index.js";

function rec(over: Partial<OpRecord>): OpRecord {
  return {
    id: "vip_last_0", operationKey: "vip_start_0", operation: "start", intervalMs: 0, callId: 1, rcCode: 0, opStatus: 0,
    opStatusName: "done", lastRun: 1700000000, lastRcChange: 1700000000, execTime: 12, queueTime: 0, opDigest: "d",
    exitReason: "", onNode: "benji", resourceId: "vip", agent: "ocf:heartbeat:IPaddr2", expectedRc: 0, failed: false,
    epoch: 1, finishedAtMs: 0, stdoutTail: "", stderrTail: "", ...over,
  };
}

test("records become lrm_resource entries with Pacemaker's attribute names", () => {
  const [res, web] = toLrmResources([
    rec({ callId: 2, id: "vip_monitor_10000", operationKey: "vip_monitor_10000", operation: "monitor", intervalMs: 10_000, transitionKey: "1:2:0:u" }),
    rec({}),
    rec({ resourceId: "web", agent: "systemd:httpd", id: "web_last_0", operationKey: "web_start_0", callId: 3, rcCode: 1, exitReason: "boom" }),
  ]);
  assert.equal(res?.id, "vip");
  assert.deepEqual([res?.class, res?.provider, res?.type], ["ocf", "heartbeat", "IPaddr2"]);
  assert.deepEqual(res?.ops.map((o) => o.id), ["vip_last_0", "vip_monitor_10000"]);
  const mon = res?.ops[1];
  assert.equal(mon?.raw["interval"], "10000");
  assert.equal(mon?.raw["transition-magic"], "0:0;1:2:0:u");
  assert.equal(mon?.raw["operation_key"], "vip_monitor_10000");
  assert.deepEqual([web?.class, web?.provider, web?.type], ["systemd", undefined, "httpd"]);
  assert.equal(web?.ops[0]?.raw["exit-reason"], "boom");
  assert.equal(web?.ops[0]?.raw["rc-code"], "1");
});

test("failcounts become fail-count and last-failure attributes, INFINITY spelled out", () => {
  assert.deepEqual(
    failcountAttributes([
      { resourceId: "web", operation: "monitor", intervalMs: 10_000, count: 2, lastFailure: 1700000001 },
      { resourceId: "db", operation: "start", intervalMs: 0, count: 1_000_000, lastFailure: 1700000002 },
    ]),
    {
      "fail-count-web#monitor_10000": "2",
      "last-failure-web#monitor_10000": "1700000001",
      "fail-count-db#start_0": "INFINITY",
      "last-failure-db#start_0": "1700000002",
    },
  );
});
