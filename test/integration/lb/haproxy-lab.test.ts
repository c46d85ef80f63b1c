import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labDir, runInHost, spawnInHost } from "../../../src/lab/index.js";
import {
  HaproxyRuntime, desiredServerStates, mapServers, parseHaproxyConfig, reconcileHaproxies, runtimeSocketConfig, type Placement,
} from "../../../src/lb/index.js";
import { cli, helloServerScript, inHost, ipaddr2, removeLabAfter, uniqueLabName, waitUntil } from "../../support/lab.js";

const VIP = "10.10.10.23";

// The seed-000 tutorial's haproxy.cfg, verbatim (chroot, user drop, user-level stats socket, default checks).
const TUTORIAL_CFG = readFileSync(new URL("../../../../test/integration/lb/tutorial-haproxy.cfg", import.meta.url), "utf8");

async function timedCurl(lab: string): Promise<{ body: string; ms: number }> {
  const started = performance.now();
  const r = await runInHost(lab, "client", ["curl", "-s", "-m", "5", `http://${VIP}/`]);
  return { body: r.code === 0 ? r.stdout.trim() : `curl exit ${r.code}`, ms: performance.now() - started };
}

async function selected(socket: string, server: string): Promise<number> {
  const rows = await new HaproxyRuntime(socket).stat();
  return Number(rows.find((r) => r["pxname"] === "apache" && r["svname"] === server)?.["lbtot"] ?? NaN);
}

test("the tutorial's HAProxy in a lab follows placement: a stopped or dead web node leaves every HAProxy at once", async (t) => {
  const lab = uniqueLabName("hapl");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "holly=22,benji=24")).code, 0);
  // Files the nodes read must be outside their private /run, /var/lib and /var/log.
  const dir = mkdtempSync(join(tmpdir(), "tandem-lb-lab-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sockets: Record<string, string> = {};
  for (const [node, address, body] of [["holly", "10.10.10.22", "Hello Holly"], ["benji", "10.10.10.24", "Hello Benji"]] as const) {
    spawnInHost(lab, node, [process.execPath, "-e", helloServerScript(address, 80, body)], join(labDir(lab), `${node}-web.log`));
    sockets[node] = join(dir, `${node}-tandem-haproxy.sock`);
    writeFileSync(join(dir, `${node}-haproxy.cfg`), TUTORIAL_CFG);
    writeFileSync(join(dir, `${node}-tandem.cfg`), runtimeSocketConfig(sockets[node]));
    await inHost(lab, node, ["haproxy", "-f", join(dir, `${node}-haproxy.cfg`), "-f", join(dir, `${node}-tandem.cfg`)]);
  }
  assert.equal(await ipaddr2(lab, "benji", "start", { ip: VIP, cidr_netmask: "24", arp_bg: "false", arp_count: "1" }), 0);
  await waitUntil("both servers up in HAProxy", async () => new Set([(await timedCurl(lab)).body, (await timedCurl(lab)).body]).size === 2, 15_000);

  const cfg = parseHaproxyConfig(TUTORIAL_CFG);
  assert.deepEqual(cfg.statsSockets, ["/var/lib/haproxy/stats"]);
  const nodes = [{ name: "holly", address: "10.10.10.22", alive: true }, { name: "benji", address: "10.10.10.24", alive: true }];
  const running: Placement = {
    nodes,
    instances: ["holly", "benji"].flatMap((n) => [{ resource: "httpd-clone", node: n, state: "running" as const }, { resource: "haproxy-clone", node: n, state: "running" as const }]),
    ipResources: { "VIP-10.10.10.23": VIP },
    clones: ["httpd-clone", "haproxy-clone"],
  };
  const bindings = mapServers(cfg, running, { self: ["haproxy-clone"] });
  const endpoints = [{ node: "holly", socketPath: sockets["holly"] as string }, { node: "benji", socketPath: sockets["benji"] as string }];

  // httpd stops on holly: both HAProxies put holly in maint; the VIP's HAProxy sends nothing more there.
  const stopped: Placement = { ...running, instances: running.instances.map((i) => i.node === "holly" && i.resource === "httpd-clone" ? { ...i, state: "stopped" as const } : i) };
  const reports = await reconcileHaproxies(endpoints, desiredServerStates(bindings, stopped));
  assert.deepEqual(reports.map((r) => [r.node, r.error, r.changes.map((c) => `${c.server}:${c.to}`)]), [["holly", undefined, ["holly:maint"]], ["benji", undefined, ["holly:maint"]]]);
  const before = await selected(sockets["benji"] as string, "holly");
  for (let i = 0; i < 6; i++) assert.equal((await timedCurl(lab)).body, "Hello Benji");
  assert.equal(await selected(sockets["benji"] as string, "holly"), before, "no request went to holly after the change");
  await reconcileHaproxies(endpoints, desiredServerStates(bindings, running));
  assert.equal(new Set([(await timedCurl(lab)).body, (await timedCurl(lab)).body]).size, 2, "holly is back in rotation");

  // holly dies (no FIN, no RST). Without Tandem, a request given to holly waits for `timeout connect` (10 s)
  // before redispatch; once the death is applied, every request is answered by benji at once.
  assert.equal((await cli("lab", "kill", "--name", lab, "holly")).code, 0);
  const dead: Placement = { ...running, nodes: [{ ...nodes[0]!, alive: false }, nodes[1]!] };
  const afterDeath = await reconcileHaproxies(endpoints, desiredServerStates(bindings, dead));
  assert.equal(afterDeath[0]?.error?.code, "LB_SOCKET_UNREACHABLE", "holly's HAProxy died with it");
  assert.deepEqual(afterDeath[1]?.changes.map((c) => [c.server, c.to, c.reason]), [["holly", "maint", "holly is dead"]]);
  for (let i = 0; i < 6; i++) {
    const r = await timedCurl(lab);
    assert.equal(r.body, "Hello Benji");
    assert.ok(r.ms < 2_000, `answered in ${r.ms.toFixed(0)} ms`);
  }
});
