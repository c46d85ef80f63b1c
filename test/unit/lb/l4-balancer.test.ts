import { test } from "node:test";
import assert from "node:assert/strict";
import {
  balancerRuleset, balancerSeed, conntrackFlushArgv, normalizePool, parseBackends, parseBalancerParams, poolFromPlacement, type BalancerConfig,
  registerBalancer,
} from "../../../src/lb/index.js";
import { AgentRegistry } from "../../../src/agents/index.js";

const RR: BalancerConfig = { name: "web-lb", vip: "10.10.10.23", port: 80, protocol: "tcp", mode: "roundrobin" };
const POOL = [{ address: "10.10.10.25", port: 80 }, { address: "10.10.10.24", port: 80 }];

test("round robin: one table, numgen over a sorted pool, masquerade of its DNATed connections", () => {
  const text = balancerRuleset(RR, POOL);
  assert.match(text, /^table ip tandem_lb_web_lb\ndelete table ip tandem_lb_web_lb\n/m);
  const dnat = "ip daddr 10.10.10.23 meta l4proto tcp th dport 80 dnat ip to numgen inc mod 2 map { 0 : 10.10.10.24 . 80, 1 : 10.10.10.25 . 80 }";
  assert.equal(text.split("\n").filter((l) => l.trim() === dnat).length, 2, "prerouting and output");
  assert.match(text, /set pool \{ type ipv4_addr \. inet_service; elements = \{ 10\.10\.10\.24 \. 80, 10\.10\.10\.25 \. 80 \}; \}/);
  assert.match(text, /ct status dnat ct original ip daddr 10\.10\.10\.23 ct original proto-dst 80 masquerade/);
  // Pool order does not matter: the same pool gives the same text.
  assert.equal(balancerRuleset(RR, [...POOL].reverse()), text);
});

test("source hash: jhash of the source with the balancer's fixed seed", () => {
  const config: BalancerConfig = { ...RR, mode: "sourcehash" };
  const seed = balancerSeed(config);
  assert.equal(seed, balancerSeed({ ...config }), "deterministic");
  assert.match(balancerRuleset(config, POOL), new RegExp(`jhash ip saddr mod 2 seed 0x${seed.toString(16).padStart(8, "0")} map`));
  assert.match(balancerRuleset({ ...config, seed: 7 }, POOL), /seed 0x00000007/);
});

test("an empty pool keeps the table with no DNAT rule", () => {
  const text = balancerRuleset(RR, []);
  assert.doesNotMatch(text, /dnat ip to/);
  assert.match(text, /set pool \{ type ipv4_addr \. inet_service; \}/);
});

test("bad configurations and pools are refused with LB_BAD_BALANCER", () => {
  for (const bad of [{ ...RR, name: "a b" }, { ...RR, vip: "10.10.10" }, { ...RR, port: 0 }, { ...RR, port: 70000 }]) {
    assert.throws(() => balancerRuleset(bad, POOL), { code: "LB_BAD_BALANCER" });
  }
  assert.throws(() => normalizePool([{ address: "x", port: 80 }]), { code: "LB_BAD_BALANCER" });
  assert.throws(() => parseBackends("10.10.10.24:http", 80), { code: "LB_BAD_BALANCER" });
  assert.deepEqual(normalizePool([...POOL, ...POOL]).length, 2);
});

test("parameters: vip, port, backends or clone, mode, backend_port", () => {
  const p = parseBalancerParams("web-lb:1", { vip: "10.10.10.23", port: "80", backends: "10.10.10.24, 10.10.10.25:8080", mode: "sourcehash" });
  assert.deepEqual(p.config, { name: "web-lb", vip: "10.10.10.23", port: 80, mode: "sourcehash", protocol: "tcp" });
  assert.deepEqual(p.backends, [{ address: "10.10.10.24", port: 80 }, { address: "10.10.10.25", port: 8080 }]);
  const c = parseBalancerParams("lb", { vip: "10.10.10.23", port: "80", clone: "httpd-clone", backend_port: "8080" });
  assert.deepEqual([c.backends, c.clone, c.backendPort], [undefined, "httpd-clone", 8080]);
  const bads: Record<string, string>[] = [{ port: "80", backends: "10.0.0.1" }, { vip: "10.10.10.23", backends: "10.0.0.1" }, { vip: "10.10.10.23", port: "80" },
    { vip: "10.10.10.23", port: "80", backends: "10.0.0.1", clone: "c" }, { vip: "10.10.10.23", port: "80", clone: "c", mode: "leastconn" }];
  for (const bad of bads) {
    assert.throws(() => parseBalancerParams("lb", bad), { code: "LB_BAD_BALANCER" }, JSON.stringify(bad));
  }
});

test("a clone's pool is the addresses of live nodes running an instance", () => {
  const pool = poolFromPlacement("httpd-clone", {
    nodes: [{ name: "a1", address: "10.10.10.22", alive: true }, { name: "a2", address: "10.10.10.24", alive: true }, { name: "a3", address: "10.10.10.25", alive: false }, { name: "a4", address: "10.10.10.26", alive: true }],
    instances: [
      { resource: "httpd-clone", node: "a2", state: "running" }, { resource: "httpd-clone", node: "a1", state: "running" },
      { resource: "httpd-clone", node: "a3", state: "running" }, { resource: "httpd-clone", node: "a4", state: "failed" },
      { resource: "other", node: "a4", state: "running" },
    ],
  }, 80);
  assert.deepEqual(pool.map((b) => b.address), ["10.10.10.22", "10.10.10.24"]);
});

test("the conntrack flush selects the VIP:port connections answered by one backend", () => {
  assert.deepEqual(conntrackFlushArgv(RR, { address: "10.10.10.25", port: 8080 }), [
    "conntrack", "-D", "-p", "tcp", "--orig-dst", "10.10.10.23", "--orig-port-dst", "80", "--reply-src", "10.10.10.25", "--reply-port-src", "8080",
  ]);
});

test("registerBalancer makes ocf:tandem:balancer resolvable; meta-data and validate-all need no I/O", async () => {
  const registry = new AgentRegistry({ stateDir: "/nonexistent-tandem-test", systemdMode: "supervised" });
  registerBalancer(registry);
  const agent = registry.resolve("ocf:tandem:balancer");
  assert.equal(agent.name, "ocf:tandem:balancer");
  const base = { resourceId: "web-lb", meta: {}, timeoutMs: 5_000 };
  const meta = await agent.run({ ...base, action: "meta-data", params: {} });
  assert.equal(meta.rc, 0);
  assert.match(meta.stdoutTail, /<parameter name="vip" required="1">/);
  assert.equal((await agent.run({ ...base, action: "validate-all", params: { vip: "10.10.10.23", port: "80", clone: "httpd-clone" } })).rc, 0);
  const bad = await agent.run({ ...base, action: "validate-all", params: { vip: "10.10.10.23", port: "eighty", clone: "httpd-clone" } });
  assert.deepEqual([bad.rc, bad.exitReason], [6, "port='eighty' is not a number"]);
  assert.equal((await agent.run({ ...base, action: "migrate_to", params: { vip: "10.10.10.23", port: "80", clone: "c" } })).rc, 3);
});
