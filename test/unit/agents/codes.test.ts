import { test } from "node:test";
import assert from "node:assert/strict";
import { lsbActionToOcf, lsbStatusToOcf, normalizeOcfRc, ocfEnvironment, ocfRcName, parseAgentSpec } from "../../../src/agents/index.js";
import { isTandemError } from "../../../src/core/index.js";

test("OCF codes have Pacemaker's names and out-of-range codes read as generic errors", () => {
  assert.equal(ocfRcName(0), "success");
  assert.equal(ocfRcName(7), "not running");
  assert.equal(ocfRcName(8), "promoted");
  assert.equal(ocfRcName(42), "unknown");
  assert.equal(normalizeOcfRc(9), 9);
  assert.equal(normalizeOcfRc(127), 1);
  assert.equal(normalizeOcfRc(-1), 1);
});

test("LSB status codes map to OCF as Pacemaker maps them", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 150].map(lsbStatusToOcf), [0, 7, 7, 7, 1, 1]);
  assert.deepEqual([0, 1, 5, 7, 8].map(lsbActionToOcf), [0, 1, 5, 7, 1]);
});

test("agent specs parse and bad ones are refused", () => {
  assert.deepEqual(parseAgentSpec("ocf:heartbeat:IPaddr2"), { agentClass: "ocf", provider: "heartbeat", type: "IPaddr2" });
  assert.deepEqual(parseAgentSpec("systemd:haproxy"), { agentClass: "systemd", type: "haproxy" });
  assert.deepEqual(parseAgentSpec("service:httpd"), { agentClass: "service", type: "httpd" });
  for (const bad of ["ocf:Dummy", "stonith:x", "systemd:", "ocf:a:b:c", "lsb:../etc/x", "nagios:x"]) {
    assert.throws(() => parseAgentSpec(bad), (e: unknown) => isTandemError(e) && e.code === "AGENT_SPEC_INVALID", bad);
  }
});

test("the OCF environment carries params, meta (dashes to underscores) and the instance", () => {
  const env = ocfEnvironment(
    { resourceId: "web:1", params: { ip: "10.0.0.1", OCF_CHECK_LEVEL: "10" }, meta: { interval: "10000", "clone-max": "2" }, timeoutMs: 5000 },
    "heartbeat", "IPaddr2", { ocfRoot: "/usr/lib/ocf", rscTmpDir: "/tmp/r", nodeName: "benji" },
  );
  assert.equal(env["OCF_RESKEY_ip"], "10.0.0.1");
  assert.equal(env["OCF_RESKEY_CRM_meta_interval"], "10000");
  assert.equal(env["OCF_RESKEY_CRM_meta_clone_max"], "2");
  assert.equal(env["OCF_RESKEY_CRM_meta_timeout"], "5000");
  assert.equal(env["OCF_RESKEY_CRM_meta_on_node"], "benji");
  assert.equal(env["OCF_RESOURCE_INSTANCE"], "web:1");
  assert.equal(env["OCF_RESOURCE_TYPE"], "IPaddr2");
  assert.equal(env["OCF_RESOURCE_PROVIDER"], "heartbeat");
  assert.equal(env["OCF_ROOT"], "/usr/lib/ocf");
  assert.equal(env["HA_RSCTMP"], "/tmp/r");
  assert.equal(env["OCF_CHECK_LEVEL"], "10");
  assert.equal(env["OCF_RESKEY_OCF_CHECK_LEVEL"], undefined);
});
