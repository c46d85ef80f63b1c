import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labDir, runInHost, spawnInHost } from "../../../src/lab/index.js";
import { cli, helloServerScript, inHost, ipaddr2, removeLabAfter, uniqueLabName, waitUntil } from "../../support/lab.js";

const VIP = "10.10.10.23";

// The tutorial's listen section (seed 000), with fast checks so the test stays short.
const HAPROXY_CFG = `global
    maxconn 200
defaults
    mode http
    option http-server-close
    option redispatch
    retries 3
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen apache
    bind ${VIP}:80 transparent
    balance roundrobin
    server holly 10.10.10.22:80 check inter 200ms fall 1
    server benji 10.10.10.24:80 check inter 200ms fall 1
`;

async function curlVip(lab: string): Promise<string> {
  const result = await runInHost(lab, "client", ["curl", "-s", "-m", "2", `http://${VIP}/`]);
  return result.code === 0 ? result.stdout.trim() : `curl exit ${result.code}`;
}

test("HAProxy binds the VIP on both nodes before either holds it; the VIP balances round robin and survives its holder's death", async (t) => {
  const lab = uniqueLabName("hap");
  removeLabAfter(t, lab);
  const dir = mkdtempSync(join(tmpdir(), "tandem-haproxy-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(cfg, HAPROXY_CFG);

  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "holly=22,benji=24")).code, 0);
  for (const [node, address, body] of [
    ["holly", "10.10.10.22", "Hello Holly"],
    ["benji", "10.10.10.24", "Hello Benji"],
  ] as const) {
    spawnInHost(lab, node, [process.execPath, "-e", helloServerScript(address, 80, body)], join(labDir(lab), `${node}-web.log`));
    await inHost(lab, node, ["haproxy", "-D", "-f", cfg, "-p", "/run/haproxy.pid"]);
    assert.match(await inHost(lab, node, ["ss", "-Htln", "sport = :80"]), /10\.10\.10\.23:80/, `haproxy on ${node} listens on the VIP it does not hold`);
  }

  assert.equal(await ipaddr2(lab, "benji", "start", { ip: VIP, cidr_netmask: "24", arp_bg: "false", arp_count: "1" }), 0);
  await waitUntil("both web servers to be up in haproxy", async () => {
    const answers = new Set([await curlVip(lab), await curlVip(lab)]);
    return answers.has("Hello Holly") && answers.has("Hello Benji");
  });
  const sequence = [];
  for (let i = 0; i < 4; i++) sequence.push(await curlVip(lab));
  assert.deepEqual(new Set([sequence[0], sequence[1]]), new Set(["Hello Holly", "Hello Benji"]), `round robin: ${sequence.join(", ")}`);
  assert.equal(sequence[2], sequence[0]);
  assert.equal(sequence[3], sequence[1]);

  // The VIP holder dies; the VIP starts on holly, whose HAProxy was already listening.
  assert.equal((await cli("lab", "kill", "--name", lab, "benji")).code, 0);
  assert.equal(await ipaddr2(lab, "holly", "start", { ip: VIP, cidr_netmask: "24", arp_bg: "false", arp_count: "1" }), 0);
  await waitUntil("holly to answer alone", async () => (await curlVip(lab)) === "Hello Holly" && (await curlVip(lab)) === "Hello Holly");
});
