import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { labDir, runInHost, spawnInHost } from "../../../src/lab/index.js";
import { balancerSeed } from "../../../src/lb/index.js";
import { sourceIpBucket } from "../../../src/net/index.js";
import { cli, helloServerScript, inHost, ipaddr2, removeLabAfter, uniqueLabName, waitUntil } from "../../support/lab.js";

const VIP = "10.10.10.23";
const HOLLY = "10.10.10.24";
const BENJI = "10.10.10.25";

/** Runs the balancer agent (as an OCF script) inside the balancing node; resolves with rc and stdout. */
async function balancer(lab: string, action: string, params: Record<string, string>): Promise<{ rc: number; stdout: string; stderr: string }> {
  const env = [`OCF_RESOURCE_INSTANCE=web-lb`, ...Object.entries(params).map(([k, v]) => `OCF_RESKEY_${k}=${v}`)];
  const r = await runInHost(lab, "bal", ["env", ...env, process.execPath, `${process.cwd()}/dist/src/lb/balancer-main.js`, action]);
  return { rc: r.code, stdout: r.stdout, stderr: r.stderr };
}

async function curl(lab: string, extra: string[] = []): Promise<string> {
  const r = await runInHost(lab, "client", ["curl", "-s", "-m", "2", ...extra, `http://${VIP}/`]);
  return r.code === 0 ? r.stdout.trim() : `curl exit ${r.code}`;
}

async function conntrackCount(lab: string, backend: string): Promise<number> {
  const r = await runInHost(lab, "bal", ["conntrack", "-L", "-p", "tcp", "--orig-dst", VIP, "--reply-src", backend]);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}

test("the L4 balancer balances round robin, sticks by source hash, and drops a backend under load without errors", async (t) => {
  const lab = uniqueLabName("l4b");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", `bal=22,holly=24,benji=25`)).code, 0);
  for (const [node, address, body] of [["holly", HOLLY, "Hello Holly"], ["benji", BENJI, "Hello Benji"]] as const) {
    spawnInHost(lab, node, [process.execPath, "-e", helloServerScript(address, 80, body)], join(labDir(lab), `${node}-web.log`));
  }
  await waitUntil("web servers", async () => (await runInHost(lab, "bal", ["curl", "-s", "-m", "1", `http://${BENJI}/`])).code === 0 && (await runInHost(lab, "bal", ["curl", "-s", "-m", "1", `http://${HOLLY}/`])).code === 0);
  assert.equal(await ipaddr2(lab, "bal", "start", { ip: VIP, cidr_netmask: "24", arp_bg: "false", arp_count: "1" }), 0);

  const params = { vip: VIP, port: "80", backends: `${HOLLY},${BENJI}` };
  assert.equal((await balancer(lab, "monitor", params)).rc, 7, "not running before start");
  const started = await balancer(lab, "start", params);
  assert.equal(started.rc, 0, started.stderr);
  assert.equal((await balancer(lab, "monitor", params)).rc, 0);

  // Round robin: strict alternation.
  const seq: string[] = [];
  for (let i = 0; i < 6; i++) seq.push(await curl(lab));
  assert.deepEqual(new Set(seq.slice(0, 2)), new Set(["Hello Holly", "Hello Benji"]), seq.join(", "));
  for (let i = 2; i < 6; i++) assert.equal(seq[i], seq[i - 2], seq.join(", "));

  // Source hash: each client address always gets the same backend, the one jhash predicts.
  const hashed = { ...params, mode: "sourcehash" };
  assert.equal((await balancer(lab, "start", hashed)).rc, 0);
  const seed = balancerSeed({ name: "web-lb", vip: VIP, port: 80, protocol: "tcp", mode: "sourcehash" });
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const source = `10.10.10.${100 + i}`;
    await inHost(lab, "client", ["ip", "addr", "add", `${source}/24`, "dev", "eth0"]);
    const answers = new Set([await curl(lab, ["--interface", source]), await curl(lab, ["--interface", source]), await curl(lab, ["--interface", source])]);
    assert.equal(answers.size, 1, `${source} sticks: ${[...answers].join(", ")}`);
    const expected = sourceIpBucket(source, 2, seed) === 0 ? "Hello Holly" : "Hello Benji";
    assert.deepEqual([...answers], [expected], `${source} is where jhash puts it`);
    seen.add(expected);
  }

  assert.equal(seen.size, 2, "the sources spread over both backends");

  // Back to round robin; connections held open to both backends, then a load loop.
  assert.equal((await balancer(lab, "start", params)).rc, 0);
  spawnInHost(lab, "client", [process.execPath, "-e", `const n=require("net");for(let i=0;i<4;i++){const s=n.connect(80,${JSON.stringify(VIP)});s.on("error",()=>{});}setTimeout(()=>process.exit(0),20000);`], join(labDir(lab), "held.log"));
  await waitUntil("held connections to benji", async () => (await conntrackCount(lab, BENJI)) >= 2);
  const loop = runInHost(lab, "client", ["bash", "-c",
    `end=$((SECONDS+4)); for i in $(seq 1 400); do [ $SECONDS -ge $end ] && break; curl -s -m 1 http://${VIP}/ || echo ERR; done`], 20_000);
  await new Promise((r) => setTimeout(r, 1_500));
  const removed = await balancer(lab, "start", { ...params, backends: HOLLY });
  assert.equal(removed.rc, 0, removed.stderr);
  const report = JSON.parse(removed.stdout) as { removed: { address: string }[]; flushed: number };
  assert.deepEqual(report.removed.map((b) => b.address), [BENJI]);
  assert.ok(report.flushed >= 2, `flushed ${report.flushed} conntrack entries`);
  assert.equal(await conntrackCount(lab, BENJI), 0, "no conntrack entry of the removed backend is left");
  const lines = (await loop).stdout.split("\n").filter((l) => l !== "");
  assert.ok(lines.length > 20, `${lines.length} requests in the loop`);
  assert.equal(lines.filter((l) => l.includes("ERR")).length, 0, "no failed request");
  const lastBenji = lines.lastIndexOf("Hello Benji");
  assert.ok(lastBenji > 0, "benji served before the switch");
  const after = lines.slice(lastBenji + 1);
  assert.ok(after.length > 5 && after.every((l) => l === "Hello Holly"), `after the switch only holly answers (${after.length} requests)`);

  // Following a clone: the pool is the addresses of the nodes running it, as the daemon passes placement.
  const cloneParams = { vip: VIP, port: "80", clone: "web-clone" };
  assert.equal((await balancer(lab, "start", cloneParams)).rc, 0);
  assert.equal((await balancer(lab, "monitor", cloneParams)).rc, 0);
  assert.equal(await curl(lab), "Hello Holly", "the pool applied before is kept by a restart");
  const follow = async (states: Record<string, "running" | "stopped" | "failed">, alive: Record<string, boolean>): Promise<string> => {
    const placement = {
      nodes: [{ name: "holly", address: HOLLY, alive: alive["holly"] ?? true }, { name: "benji", address: BENJI, alive: alive["benji"] ?? true }],
      instances: Object.entries(states).map(([node, state]) => ({ resource: "web-clone", node, state })),
    };
    const code = `import { balancerPlacementChanged } from ${JSON.stringify(`${process.cwd()}/dist/src/lb/index.js`)};
      const r = await balancerPlacementChanged("web-lb", ${JSON.stringify(cloneParams)}, ${JSON.stringify(placement)});
      console.log(r.pool.map((b) => b.address).join(","));`;
    return (await inHost(lab, "bal", [process.execPath, "--input-type=module", "-e", code])).trim();
  };
  assert.equal(await follow({ holly: "running", benji: "running" }, {}), `${HOLLY},${BENJI}`);
  assert.deepEqual(new Set([await curl(lab), await curl(lab)]), new Set(["Hello Holly", "Hello Benji"]));
  assert.equal(await follow({ holly: "failed", benji: "running" }, {}), BENJI);
  assert.deepEqual([await curl(lab), await curl(lab), await curl(lab)], ["Hello Benji", "Hello Benji", "Hello Benji"]);
  assert.equal(await follow({ holly: "running", benji: "running" }, { benji: false }), HOLLY);
  assert.deepEqual([await curl(lab), await curl(lab), await curl(lab)], ["Hello Holly", "Hello Holly", "Hello Holly"]);
  assert.equal(await follow({ holly: "stopped", benji: "stopped" }, {}), "");
  assert.notEqual(await curl(lab), "Hello Holly", "an empty pool balances nothing");

  // Stop removes the table; monitor says not running; the VIP no longer balances.
  assert.equal((await balancer(lab, "stop", params)).rc, 0);
  assert.equal((await balancer(lab, "monitor", params)).rc, 7);
  assert.equal((await balancer(lab, "stop", params)).rc, 0, "stop is idempotent");
  assert.equal((await balancer(lab, "start", { vip: VIP, port: "80" })).rc, 6, "no backends nor clone: not configured");
});
