import { test } from "node:test";
import assert from "node:assert/strict";
import {
  adminStateOf, desiredServerStates, mapServers, parseHaproxyConfig, parseServersParam, parseServersState, parseShowStat, planServerChanges, renderLbStatus,
  type Placement,
} from "../../../src/lb/index.js";

// The tutorial's haproxy.cfg (seed 000), verbatim in the parts that matter.
const TUTORIAL_CFG = `global
    log /dev/log local0
    chroot /var/lib/haproxy
    stats socket /var/lib/haproxy/stats
    user haproxy
    group haproxy
    daemon

defaults
    mode http
    option http-server-close
    timeout connect 5s

listen apache
    bind 10.10.10.23:80 transparent
    balance roundrobin
    server holly 10.10.10.22:80 check
    server benji 10.10.10.24:80 check
`;

const PLACEMENT: Placement = {
  nodes: [{ name: "holly", address: "10.10.10.22", alive: true }, { name: "benji", address: "10.10.10.24", alive: true }],
  instances: [
    { resource: "httpd-clone", node: "holly", state: "running" },
    { resource: "httpd-clone", node: "benji", state: "running" },
    { resource: "haproxy-clone", node: "holly", state: "running" },
    { resource: "haproxy-clone", node: "benji", state: "running" },
  ],
  ipResources: { VIP: "10.10.10.23" },
  clones: ["httpd-clone", "haproxy-clone"],
};

test("the tutorial's haproxy.cfg parses into one backend with two servers and the stats socket", () => {
  const cfg = parseHaproxyConfig(TUTORIAL_CFG);
  assert.deepEqual(cfg.statsSockets, ["/var/lib/haproxy/stats"]);
  assert.deepEqual(cfg.backends, [{ name: "apache", servers: [
    { backend: "apache", server: "holly", address: "10.10.10.22", port: 80 },
    { backend: "apache", server: "benji", address: "10.10.10.24", port: 80 },
  ] }]);
});

test("by address, each server stands for the web clone's instance on its node", () => {
  const bindings = mapServers(parseHaproxyConfig(TUTORIAL_CFG), PLACEMENT, { self: ["haproxy-clone"] });
  assert.deepEqual(bindings.map((b) => [b.server, b.target, b.source]), [
    ["holly", { resource: "httpd-clone", node: "holly" }, "node-address"],
    ["benji", { resource: "httpd-clone", node: "benji" }, "node-address"],
  ]);
});

test("two candidate clones are ambiguous unless resource= or servers= says which", () => {
  const placement = { ...PLACEMENT, clones: ["httpd-clone", "haproxy-clone", "other-clone"] };
  assert.throws(() => mapServers(parseHaproxyConfig(TUTORIAL_CFG), placement, { self: ["haproxy-clone"] }), { code: "LB_AMBIGUOUS_MAPPING" });
  const viaParam = mapServers(parseHaproxyConfig(TUTORIAL_CFG), placement, { self: ["haproxy-clone"], resourceParam: "other-clone" });
  assert.equal(viaParam[0]?.target?.resource, "other-clone");
});

test("servers= binds explicitly, '-' leaves a server to HAProxy, unknown servers are refused", () => {
  assert.deepEqual(parseServersParam("holly:httpd-clone@holly, apache/benji:web2"), [
    { server: "holly", target: { resource: "httpd-clone", node: "holly" } },
    { backend: "apache", server: "benji", target: { resource: "web2" } },
  ]);
  assert.throws(() => parseServersParam("holly=httpd"), { code: "LB_BAD_MAPPING" });
  const b = mapServers(parseHaproxyConfig(TUTORIAL_CFG), PLACEMENT, { self: ["haproxy-clone"], serversParam: "holly:web2,benji:-" });
  assert.deepEqual(b.map((x) => [x.server, x.target, x.source]), [["holly", { resource: "web2" }, "param"], ["benji", undefined, undefined]]);
  assert.throws(() => mapServers(parseHaproxyConfig(TUTORIAL_CFG), PLACEMENT, { serversParam: "nobody:web" }), { code: "LB_BAD_MAPPING" });
});

test("a server at an IP resource's address stands for that resource wherever it runs", () => {
  const cfg = parseHaproxyConfig("listen db\n    server main 10.10.10.50:5432 check\n");
  const placement: Placement = { ...PLACEMENT, ipResources: { "db-ip": "10.10.10.50" }, instances: [{ resource: "db-ip", node: "benji", state: "running" }] };
  const bindings = mapServers(cfg, placement);
  assert.deepEqual(bindings[0]?.target, { resource: "db-ip" });
  assert.equal(desiredServerStates(bindings, placement)[0]?.state, "ready");
  const moved: Placement = { ...placement, nodes: [placement.nodes[0]!, { ...placement.nodes[1]!, alive: false }] };
  assert.equal(desiredServerStates(bindings, moved)[0]?.state, "maint");
});

test("desired states: running → ready; stopped, failed, dead node → maint", () => {
  const bindings = mapServers(parseHaproxyConfig(TUTORIAL_CFG), PLACEMENT, { self: ["haproxy-clone"] });
  assert.deepEqual(desiredServerStates(bindings, PLACEMENT).map((d) => d.state), ["ready", "ready"]);
  const stopped: Placement = { ...PLACEMENT, instances: PLACEMENT.instances.map((i) => i.node === "benji" && i.resource === "httpd-clone" ? { ...i, state: "stopped" } : i) };
  assert.deepEqual(desiredServerStates(bindings, stopped).map((d) => [d.server, d.state, d.reason]), [["holly", "ready", "httpd-clone running on holly"], ["benji", "maint", "httpd-clone stopped on benji"]]);
  const failed: Placement = { ...PLACEMENT, instances: PLACEMENT.instances.map((i) => i.node === "holly" && i.resource === "httpd-clone" ? { ...i, state: "failed" } : i) };
  assert.equal(desiredServerStates(bindings, failed)[0]?.reason, "httpd-clone failed on holly");
  const dead: Placement = { ...PLACEMENT, nodes: [{ ...PLACEMENT.nodes[0]!, alive: false }, PLACEMENT.nodes[1]!] };
  assert.deepEqual(desiredServerStates(bindings, dead).map((d) => [d.state, d.reason]), [["maint", "holly is dead"], ["ready", "httpd-clone running on benji"]]);
  const gone: Placement = { ...PLACEMENT, instances: PLACEMENT.instances.filter((i) => i.node !== "benji") };
  assert.equal(desiredServerStates(bindings, gone)[1]?.state, "maint");
});

const STATE_TEXT = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
2 apache 1 holly 10.10.10.22 2 0 1 1 0 8 2 0 6 0 0 0 - 80 - 0 0 - - 0
2 apache 2 benji 10.10.10.24 0 1 1 1 0 1 0 2 6 0 0 0 - 80 - 0 0 - - 0

`;

test("show servers state format 1 parses; admin bits read as ready/drain/maint", () => {
  const s = parseServersState(STATE_TEXT);
  assert.deepEqual(s.map((x) => [x.backend, x.server, x.address, x.port, x.opState, x.admin]), [["apache", "holly", "10.10.10.22", 80, 2, "ready"], ["apache", "benji", "10.10.10.24", 80, 0, "maint"]]);
  assert.equal(adminStateOf(0x08), "drain");
  assert.equal(adminStateOf(0x09), "maint");
  assert.equal(adminStateOf(0x20), "maint");
  assert.throws(() => parseServersState("2\n# x\n"), { code: "LB_BAD_REPLY" });
});

test("show stat CSV parses by header name", () => {
  const rows = parseShowStat("# pxname,svname,status,\napache,holly,UP,\napache,benji,MAINT,\n\n");
  assert.deepEqual(rows.map((r) => [r["svname"], r["status"]]), [["holly", "UP"], ["benji", "MAINT"]]);
  assert.throws(() => parseShowStat("garbage"), { code: "LB_BAD_REPLY" });
});

test("planServerChanges sends only differences and skips servers HAProxy does not have", () => {
  const current = parseServersState(STATE_TEXT);
  const changes = planServerChanges([
    { backend: "apache", server: "holly", state: "maint", reason: "holly is dead" },
    { backend: "apache", server: "benji", state: "maint", reason: "x" },
    { backend: "apache", server: "ghost", state: "ready", reason: "y" },
  ], current);
  assert.deepEqual(changes, [{ backend: "apache", server: "holly", from: "ready", to: "maint", reason: "holly is dead" }]);
});

test("indented section keywords, comments and backend sections are read too", () => {
  const cfg = parseHaproxyConfig("  global\n  stats socket /run/a.sock level admin # admin\nfrontend f\n    bind :80\n    default_backend web\n  backend web\n    server a 10.0.0.1:8080 check # first\n    # server b 10.0.0.2:80\n    server c web3.example\n");
  assert.deepEqual(cfg.statsSockets, ["/run/a.sock"]);
  assert.deepEqual(cfg.backends, [{ name: "web", servers: [
    { backend: "web", server: "a", address: "10.0.0.1", port: 8080 },
    { backend: "web", server: "c", address: "web3.example", port: undefined },
  ] }]);
  assert.throws(() => parseHaproxyConfig("listen\n"), { code: "LB_BAD_CONFIG" });
  assert.throws(() => parseHaproxyConfig("listen x\n  server a\n"), { code: "LB_BAD_CONFIG" });
});

test("the status block lists every HAProxy's servers and every balancer's pool", () => {
  const lines = renderLbStatus({
    haproxies: [
      { node: "holly", socketPath: "/s", servers: [
        { backend: "apache", server: "holly", address: "10.10.10.22", admin: "ready", up: true },
        { backend: "apache", server: "benji", address: "10.10.10.24", admin: "maint", up: true },
        { backend: "apache", server: "other", address: "10.10.10.30", admin: "ready", up: false },
      ] },
      { node: "benji", socketPath: "/t", servers: [], error: { code: "LB_SOCKET_UNREACHABLE", message: "x" } },
    ],
    balancers: [
      { name: "web-lb", node: "holly", vip: "10.10.10.23", port: 80, protocol: "tcp", mode: "roundrobin", pool: [{ address: "10.10.10.25", port: 80 }, { address: "10.10.10.24", port: 80 }] },
      { name: "db-lb", node: "holly", vip: "10.10.10.23", port: 5432, protocol: "tcp", mode: "sourcehash", pool: [] },
      { name: "x-lb", node: "benji", vip: "10.10.10.23", port: 81, protocol: "udp", mode: "roundrobin", pool: undefined },
    ],
  });
  assert.deepEqual(lines, [
    "Load balancing:",
    "  * HAProxy on holly:",
    "    * apache/holly (10.10.10.22): ready",
    "    * apache/benji (10.10.10.24): maint",
    "    * apache/other (10.10.10.30): ready (check: down)",
    "  * HAProxy on benji: unreachable (LB_SOCKET_UNREACHABLE)",
    "  * balancer web-lb on holly (tcp 10.10.10.23:80, roundrobin): 10.10.10.24:80, 10.10.10.25:80",
    "  * balancer db-lb on holly (tcp 10.10.10.23:5432, sourcehash): empty pool",
    "  * balancer x-lb on benji (udp 10.10.10.23:81, roundrobin): not running",
  ]);
  assert.deepEqual(renderLbStatus({ haproxies: [], balancers: [] }), []);
});
