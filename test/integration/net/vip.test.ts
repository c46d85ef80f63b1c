import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { labDir, runInHost, spawnInHost, hostMac } from "../../../src/lab/index.js";
import { REAL_IPADDR2 } from "../../../src/net/index.js";
import { cli, helloServerScript, inHost, ipaddr2, removeLabAfter, uniqueLabName, waitUntil } from "../../support/lab.js";

const VIP = "10.10.10.23";

async function clientNeighbour(lab: string, ip: string): Promise<string> {
  return (await inHost(lab, "client", ["ip", "neigh", "show", ip])).trim();
}

async function curlVip(lab: string): Promise<string> {
  const result = await runInHost(lab, "client", ["curl", "-s", "-m", "2", `http://${VIP}/`]);
  return result.code === 0 ? result.stdout.trim() : `curl exit ${result.code}`;
}

test("the built-in IPaddr2 adds, announces, monitors and removes a VIP the client follows", async (t) => {
  const lab = uniqueLabName("vip");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "benji=22,holly=24", "--bare")).code, 0);

  // Both web servers bind the VIP before either node holds it: ip_nonlocal_bind, as
  // HAProxy's `bind VIP:80 transparent` needs on the node without the VIP.
  for (const [node, body] of [
    ["benji", "Hello Benji"],
    ["holly", "Hello Holly"],
  ] as const) {
    spawnInHost(lab, node, [process.execPath, "-e", helloServerScript(VIP, 80, body)], join(labDir(lab), `${node}-web.log`));
  }
  await waitUntil("both servers to listen", async () => {
    const listening = await Promise.all(["benji", "holly"].map((n) => inHost(lab, n, ["ss", "-Htln", `sport = :80`])));
    return listening.every((out) => out.includes(`${VIP}:80`));
  });

  const params = { ip: VIP, cidr_netmask: "24", iflabel: "vip", arp_bg: "false", arp_count: "2", arp_interval: "50" };
  assert.equal(await ipaddr2(lab, "benji", "monitor", params), 7, "not running before start");
  assert.equal(await ipaddr2(lab, "benji", "start", params), 0);
  assert.equal(await ipaddr2(lab, "benji", "start", params), 0, "start is idempotent");
  assert.equal(await ipaddr2(lab, "benji", "monitor", params), 0);
  assert.equal(await ipaddr2(lab, "holly", "monitor", params), 7);
  assert.match(await inHost(lab, "benji", ["ip", "-4", "addr", "show", "dev", "eth0"]), /inet 10\.10\.10\.23\/24 brd 10\.10\.10\.255 scope global secondary eth0:vip/);

  assert.equal(await curlVip(lab), "Hello Benji");
  assert.match(await clientNeighbour(lab, VIP), new RegExp(hostMac("10.10.10.22")));

  // Failover by hand: stop on benji, start on holly; the gratuitous ARP moves the client's
  // neighbour entry at once, before it sends anything.
  assert.equal(await ipaddr2(lab, "benji", "stop", params), 0);
  assert.equal(await ipaddr2(lab, "benji", "stop", params), 0, "stop is idempotent");
  assert.equal(await ipaddr2(lab, "benji", "monitor", params), 7);
  assert.equal(await ipaddr2(lab, "holly", "start", params), 0);
  assert.match(await clientNeighbour(lab, VIP), new RegExp(hostMac("10.10.10.24")), "the announcement updated the client's ARP cache");
  assert.equal(await curlVip(lab), "Hello Holly");

  // Bad parameters are OCF_ERR_CONFIGURED and change nothing.
  assert.equal(await ipaddr2(lab, "holly", "start", { ip: "10.10.10.300" }), 6);
  assert.equal(await ipaddr2(lab, "holly", "start", { ip: "192.0.2.7" }), 6, "no interface routes to it");
  assert.equal(await ipaddr2(lab, "holly", "monitor", params), 0);
});

test("the real Debian IPaddr2 script works inside a lab node", async (t) => {
  assert.ok(existsSync(REAL_IPADDR2), `${REAL_IPADDR2} (Debian resource-agents) is installed`);
  const lab = uniqueLabName("real");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "benji=22,holly=24", "--bare")).code, 0);
  spawnInHost(lab, "holly", [process.execPath, "-e", helloServerScript(VIP, 80, "Hello Holly")], join(labDir(lab), "web.log"));
  const run = (action: string): Promise<number> =>
    runInHost(lab, "holly", ["env", "OCF_ROOT=/usr/lib/ocf", `OCF_RESKEY_ip=${VIP}`, "OCF_RESKEY_cidr_netmask=24", REAL_IPADDR2, action]).then((r) => r.code);
  assert.equal(await run("monitor"), 7);
  assert.equal(await run("start"), 0);
  assert.equal(await run("monitor"), 0);
  await waitUntil("holly's server", async () => (await curlVip(lab)) === "Hello Holly");
  assert.equal(await run("stop"), 0);
  assert.equal(await run("monitor"), 7);
});
