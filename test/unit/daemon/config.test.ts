import { test } from "node:test";
import assert from "node:assert/strict";
import { buildConfig, formatConfig, parseConfigText } from "../../../src/daemon/index.js";
import { TandemError } from "../../../src/core/index.js";

const code = (c: string) => (e: unknown) => e instanceof TandemError && e.code === c;

test("key = value files give the documented defaults", () => {
  const c = buildConfig(parseConfigText("# comment\ncluster_name = web\nnode_name = holly\n", "t.conf"));
  assert.equal(c.clusterName, "web");
  assert.equal(c.nodeName, "holly");
  assert.deepEqual(c.etcdEndpoints, ["http://127.0.0.1:2379"]);
  assert.equal(c.stateDir, "/var/lib/tandem");
  assert.equal(c.heartbeatPort, 5405);
  assert.equal(c.heartbeatIntervalMs, 100);
  assert.equal(c.heartbeatTimeoutMs, 400);
  assert.equal(c.leaseTtlSec, 5);
});

test("JSON files with the same keys are accepted, endpoints as a list", () => {
  const c = buildConfig(parseConfigText('{"cluster_name": "web", "etcd_endpoints": ["http://a:2379", "https://b:2379"], "lease_ttl_sec": 3}', "t.json"));
  assert.deepEqual(c.etcdEndpoints, ["http://a:2379", "https://b:2379"]);
  assert.equal(c.leaseTtlSec, 3);
});

test("formatConfig round-trips through the parser", () => {
  const text = formatConfig({ cluster_name: "c", node_name: "n1", heartbeat_port: 0, state_dir: "/tmp/x", log_file: undefined });
  const c = buildConfig(parseConfigText(text, "t"));
  assert.equal(c.heartbeatPort, 0);
  assert.equal(c.stateDir, "/tmp/x");
});

test("bad configuration is refused with DAEMON_BAD_CONFIG naming the problem", () => {
  const cases: [string, RegExp][] = [
    ["node_name = a\n", /'cluster_name' is required/],
    ["cluster_name = a b\n", /'cluster_name' may hold/],
    ["cluster_name = a\nbogus = 1\n", /unknown key 'bogus'/],
    ["cluster_name = a\nlease_ttl_sec = 1.5\n", /'lease_ttl_sec' must be a whole number/],
    ["cluster_name = a\netcd_endpoints = 10.0.0.1:2379\n", /not a URL|must be http/],
    ["cluster_name = a\nheartbeat_interval_ms = 500\nheartbeat_timeout_ms = 400\n", /must be longer than/],
    ["cluster_name a\n", /expected 'key = value'/],
    ["{ not json", /not valid JSON/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => buildConfig(parseConfigText(text, "t.conf")), (e: unknown) => code("DAEMON_BAD_CONFIG")(e) && message.test((e as Error).message), text);
  }
});
