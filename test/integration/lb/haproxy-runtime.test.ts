import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HaproxyRuntime, collectHaproxyStatus, desiredServerStates, renderLbStatus, mapServers, parseHaproxyConfig, reconcileHaproxies, runtimeSocketConfig, type Placement,
} from "../../../src/lb/index.js";

function listen(server: Server | ReturnType<typeof createNetServer>, where: number, host = "127.0.0.1"): Promise<void> {
  return new Promise((resolve) => server.listen(where, host, resolve));
}

/** A web backend answering `Hello <name>`, delaying answers to /slow by 1.5 s. */
async function backend(name: string, host: string): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    const answer = (): void => void res.end(`Hello ${name}\n`);
    if (req.url === "/slow") setTimeout(answer, 1_500);
    else answer();
  });
  await listen(server, 0, host);
  return { server, port: (server.address() as AddressInfo).port };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await listen(s, 0);
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function get(port: number, path = "/"): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 5_000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(body.trim()));
    });
    req.on("error", reject);
    req.end();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("a placement change puts a server in maint on every HAProxy within a second and back ready, with no reload", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-lb-hap-"));
  // Two "nodes" on loopback addresses, so servers map to nodes by address as in the tutorial.
  const holly = await backend("Holly", "127.0.0.1");
  const benji = await backend("Benji", "127.0.0.2");
  t.after(() => {
    holly.server.close();
    benji.server.close();
  });
  // Two HAProxies (as on two nodes), each with the tutorial's config shape and its user-level
  // stats socket, plus Tandem's extra file with an admin socket.
  const haproxies: { pid: number; port: number; socket: string; userSocket: string }[] = [];
  t.after(() => {
    for (const h of haproxies) if (isAlive(h.pid)) process.kill(h.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  for (const n of [1, 2]) {
    const port = await freePort();
    const userSocket = join(dir, `stats${n}`);
    const socket = join(dir, `tandem${n}.sock`);
    const cfg = `global
    stats socket ${userSocket}
    maxconn 200
defaults
    mode http
    option http-server-close
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen apache
    bind 127.0.0.1:${port}
    balance roundrobin
    server holly 127.0.0.1:${holly.port} check
    server benji 127.0.0.2:${benji.port} check
`;
    writeFileSync(join(dir, `haproxy${n}.cfg`), cfg);
    writeFileSync(join(dir, `tandem${n}.cfg`), runtimeSocketConfig(socket));
    const pidFile = join(dir, `haproxy${n}.pid`);
    const r = spawnSync("haproxy", ["-D", "-f", join(dir, `haproxy${n}.cfg`), "-f", join(dir, `tandem${n}.cfg`), "-p", pidFile], { encoding: "utf8", timeout: 10_000 });
    assert.equal(r.status, 0, r.stderr);
    haproxies.push({ pid: Number(readFileSync(pidFile, "utf8").trim()), port, socket, userSocket });
  }

  const first = haproxies[0]!;
  const runtime = new HaproxyRuntime(first.socket);
  // The tutorial's socket is user level: reading works, changing is refused with a clear code.
  const userRuntime = new HaproxyRuntime(first.userSocket);
  assert.equal((await userRuntime.serversState()).length, 2);
  await assert.rejects(userRuntime.setServerState("apache", "holly", "maint"), { code: "LB_SOCKET_PERMISSION" });
  await assert.rejects(runtime.setServerState("apache", "nobody", "maint"), { code: "LB_COMMAND_REJECTED" });
  await assert.rejects(new HaproxyRuntime(join(dir, "absent.sock")).serversState(), { code: "LB_SOCKET_UNREACHABLE" });
  assert.deepEqual(await runtime.getWeight("apache", "holly"), { current: 1, initial: 1 });
  const stat = await runtime.stat();
  assert.deepEqual(stat.filter((r) => r["pxname"] === "apache" && r["svname"] !== "FRONTEND" && r["svname"] !== "BACKEND").map((r) => r["svname"]), ["holly", "benji"]);

  const cfg = parseHaproxyConfig(readFileSync(join(dir, "haproxy1.cfg"), "utf8"));
  assert.deepEqual(cfg.statsSockets, [first.userSocket]);
  const nodes = [{ name: "holly", address: "127.0.0.1", alive: true }, { name: "benji", address: "127.0.0.2", alive: true }];
  const running: Placement = {
    nodes,
    instances: [{ resource: "httpd-clone", node: "holly", state: "running" }, { resource: "httpd-clone", node: "benji", state: "running" }],
    clones: ["httpd-clone", "haproxy-clone"],
  };
  // No mapping parameter: by address, the servers stand for httpd-clone on holly and benji.
  const bindings = mapServers(cfg, running, { self: ["haproxy-clone"] });
  assert.deepEqual(bindings.map((b) => [b.server, b.target, b.source]), [
    ["holly", { resource: "httpd-clone", node: "holly" }, "node-address"], ["benji", { resource: "httpd-clone", node: "benji" }, "node-address"],
  ]);
  const endpoints = haproxies.map((h, i) => ({ node: `n${i}`, socketPath: h.socket }));
  const noChange = await reconcileHaproxies(endpoints, desiredServerStates(bindings, running));
  assert.deepEqual(noChange.map((r) => [r.changes.length, r.error]), [[0, undefined], [0, undefined]]);

  // A slow request is in flight to one of the servers when its instance stops.
  const answers = new Set([await get(first.port), await get(first.port)]);
  assert.deepEqual(answers, new Set(["Hello Holly", "Hello Benji"]));
  const slow = get(first.port, "/slow");
  await new Promise((r) => setTimeout(r, 200));

  const stopped: Placement = { ...running, instances: [{ resource: "httpd-clone", node: "holly", state: "running" }, { resource: "httpd-clone", node: "benji", state: "stopped" }] };
  const started = performance.now();
  const reports = await reconcileHaproxies(endpoints, desiredServerStates(bindings, stopped));
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 1_000, `applied in ${elapsed.toFixed(0)} ms`);
  for (const r of reports) {
    assert.equal(r.error, undefined);
    assert.deepEqual(r.changes.map((c) => [c.server, c.from, c.to, c.reason]), [["benji", "ready", "maint", "httpd-clone stopped on benji"]]);
  }
  for (const h of haproxies) {
    const states = await new HaproxyRuntime(h.socket).serversState("apache");
    assert.deepEqual(states.map((s) => [s.server, s.admin]), [["holly", "ready"], ["benji", "maint"]]);
    for (let i = 0; i < 4; i++) assert.equal(await get(h.port), "Hello Holly");
  }
  const status = await collectHaproxyStatus([...endpoints, { node: "gone", socketPath: join(dir, "gone.sock") }]);
  assert.deepEqual(renderLbStatus({ haproxies: status, balancers: [] }).filter((l) => l.includes("benji") || l.includes("gone")), [
    `    * apache/benji (127.0.0.2): maint`, `    * apache/benji (127.0.0.2): maint`, "  * HAProxy on gone: unreachable (LB_SOCKET_UNREACHABLE)",
  ]);

  // The request that was in flight (to holly or benji) still completes.
  assert.match(await slow, /^Hello (Holly|Benji)$/);

  // Back running: ready again everywhere.
  const back = await reconcileHaproxies(endpoints, desiredServerStates(bindings, running));
  assert.deepEqual(back.map((r) => r.changes.map((c) => `${c.server}:${c.to}`)), [["benji:ready"], ["benji:ready"]]);
  assert.deepEqual(new Set([await get(first.port), await get(first.port)]), new Set(["Hello Holly", "Hello Benji"]));

  // A dead node: maint. The HAProxy processes were never reloaded.
  const dead: Placement = { ...running, nodes: [nodes[0]!, { ...nodes[1]!, alive: false }] };
  const deadReports = await reconcileHaproxies(endpoints, desiredServerStates(bindings, dead));
  assert.deepEqual(deadReports.map((r) => r.changes.map((c) => c.reason)), [["benji is dead"], ["benji is dead"]]);
  for (const h of haproxies) {
    assert.ok(isAlive(h.pid));
    assert.equal(Number(readFileSync(join(dir, `haproxy${haproxies.indexOf(h) + 1}.pid`), "utf8").trim()), h.pid);
  }

  // One unreachable HAProxy is reported; the others are still changed.
  const mixed = await reconcileHaproxies([...endpoints, { node: "gone", socketPath: join(dir, "gone.sock") }], desiredServerStates(bindings, running));
  assert.equal(mixed[2]?.error?.code, "LB_SOCKET_UNREACHABLE");
  assert.deepEqual(mixed.slice(0, 2).map((r) => r.changes.length), [1, 1]);
});

test("a socket that never answers times out with LB_SOCKET_TIMEOUT", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-lb-mute-"));
  const path = join(dir, "mute.sock");
  const mute = createNetServer(() => undefined);
  await new Promise<void>((r) => mute.listen(path, r));
  t.after(() => {
    mute.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await assert.rejects(new HaproxyRuntime(path, { timeoutMs: 200 }).serversState(), { code: "LB_SOCKET_TIMEOUT" });
});
