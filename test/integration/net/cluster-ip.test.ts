import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { hostCommand, labDir, requireLabState, runInHost, spawnInHost } from "../../../src/lab/index.js";
import { defaultClusterIpSeed, sourceIpBucket } from "../../../src/net/index.js";
import { cli, helloServerScript, inHost, ipaddr2, removeLabAfter, uniqueLabName, waitUntil } from "../../support/lab.js";

const VIP = "10.10.10.23";
const SHARED_MAC = "01:00:5e:0a:0a:17";
const NODES = ["a1", "a2", "a3", "a4"];
const SOURCES = Array.from({ length: 32 }, (_, i) => `10.10.10.${200 + i}`);

function instanceParams(instance: number): Record<string, string> {
  return { ip: VIP, cidr_netmask: "24", clusterip_hash: "sourceip", CRM_meta_clone: String(instance), CRM_meta_clone_max: "4", arp_bg: "false", arp_count: "1" };
}

/** Which node answers each client source address (one curl per source, all from the client host). */
async function answers(lab: string): Promise<Map<string, string>> {
  const script = SOURCES.map((s) => `printf '%s ' ${s}; curl -s -m 1 --interface ${s} http://${VIP}/ || echo none`).join("; ");
  const out = await inHost(lab, "client", ["sh", "-c", script]);
  const map = new Map<string, string>();
  for (const line of out.trim().split("\n")) {
    const [source = "", node = ""] = line.trim().split(/\s+/);
    map.set(source, node);
  }
  return map;
}

function byNode(map: Map<string, string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [source, node] of map) groups.set(node, [...(groups.get(node) ?? []), source]);
  return groups;
}

/** ARP replies the client receives for the VIP, as tcpdump decodes them (sender MAC of each). */
async function arpReplies(lab: string): Promise<string[]> {
  const argv = hostCommand(requireLabState(lab), "client", ["timeout", "3", "tcpdump", "-c", "4", "-n", "-l", "-i", "eth0", "arp and arp[6:2] == 2"]);
  const dump = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  dump.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  dump.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => dump.on("close", () => resolve()));
  await waitUntil("tcpdump to listen", () => Promise.resolve(stderr.includes("listening on")));
  const arping = await runInHost(lab, "client", ["arping", "-c", "1", "-w", "1", "-i", "eth0", VIP]);
  assert.ok(arping.code === 0, `arping got an answer: ${arping.stdout}${arping.stderr}`);
  // tcpdump ends after four replies (one per node), or after 3 s if some are missing.
  await exited;
  return [...stdout.matchAll(/Reply 10\.10\.10\.23 is-at ([0-9a-f:]+)/g)].map((m) => m[1] as string);
}

test("a shared cluster IP over four nodes: one MAC, each client answered by exactly one node, buckets move", async (t) => {
  const lab = uniqueLabName("cip");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "4")).code, 0);
  for (const node of NODES) {
    spawnInHost(lab, node, [process.execPath, "-e", helloServerScript(VIP, 80, node)], join(labDir(lab), `${node}-web.log`));
  }
  // The four instances start at once, as a cluster would start them.
  assert.deepEqual(await Promise.all(NODES.map((node, i) => ipaddr2(lab, node, "start", instanceParams(i)))), [0, 0, 0, 0]);
  await Promise.all(
    NODES.map(async (node, i) => {
      assert.equal(await ipaddr2(lab, node, "monitor", instanceParams(i)), 0, `VIP:${i} runs on ${node}`);
      assert.equal(await ipaddr2(lab, node, "monitor", instanceParams((i + 1) % 4)), 7, `VIP:${(i + 1) % 4} does not run on ${node}`);
      assert.match(await inHost(lab, node, ["ip", "maddr", "show", "dev", "eth0"]), new RegExp(SHARED_MAC), `${node} joined the shared MAC`);
    }),
  );
  await waitUntil("every web server", async () => {
    const out = await Promise.all(NODES.map((n) => inHost(lab, n, ["ss", "-Htln", "sport = :80"])));
    return out.every((o) => o.includes(`${VIP}:80`));
  });

  // Every node answers ARP for the VIP, all with the shared multicast MAC.
  const replies = await arpReplies(lab);
  assert.equal(replies.length, 4, `one reply per node: ${replies.join(" ")}`);
  assert.deepEqual(new Set(replies), new Set([SHARED_MAC]));

  // 32 client addresses: each answered by exactly one node, the same one every time, and
  // every node answers some. The client learnt the shared MAC by ordinary ARP.
  await inHost(lab, "client", ["sh", "-c", SOURCES.map((s) => `ip addr add ${s}/24 dev eth0`).join(" && ")]);
  const first = await answers(lab);
  assert.equal(first.size, 32);
  for (const [source, node] of first) assert.ok(NODES.includes(node), `${source} was answered by ${node}`);
  assert.deepEqual([...byNode(first).keys()].sort(), NODES, "every node answers some clients");
  assert.deepEqual(await answers(lab), first, "the same node answers a source every time");
  // Exactly the owner answers: the kernel's bucket for each source, computed here with the
  // same jhash and seed, names the node that answered.
  const seed = defaultClusterIpSeed(VIP);
  for (const [source, node] of first) assert.equal(node, NODES[sourceIpBucket(source, 4, seed)], `${source} is in bucket ${sourceIpBucket(source, 4, seed)}`);
  assert.match(await inHost(lab, "client", ["ip", "neigh", "show", VIP]), new RegExp(`lladdr ${SHARED_MAC}`));

  // a4 dies; its clients go unanswered until its instance runs elsewhere.
  const a4Sources = byNode(first).get("a4") ?? [];
  assert.equal((await cli("lab", "kill", "--name", lab, "a4")).code, 0);
  const orphan = await runInHost(lab, "client", ["curl", "-s", "-m", "1", "--interface", a4Sources[0] as string, `http://${VIP}/`]);
  assert.notEqual(orphan.code, 0, "nobody owns a4's bucket now");

  // The instance moves to a1 (clone-node-max > 1): a1 adds bucket 3 to its owned set.
  assert.equal(await ipaddr2(lab, "a1", "start", instanceParams(3)), 0);
  const listed = JSON.parse(await inHost(lab, "a1", ["nft", "-j", "list", "set", "ip", "tandem_cip_10_10_10_23", "owned"])) as { nftables: { set?: { elem?: number[] } }[] };
  assert.deepEqual(listed.nftables.find((e) => e.set !== undefined)?.set?.elem, [0, 3]);
  const moved = await answers(lab);
  for (const [source, node] of moved) {
    const expected = first.get(source) === "a4" ? "a1" : first.get(source);
    assert.equal(node, expected, `${source}: answered by ${node}, expected ${expected ?? "?"}`);
  }

  // Stopping one of a1's two instances keeps the other serving; stopping the last instance
  // on a node (a2) removes the IP, the MAC and the rules from it.
  assert.deepEqual(await Promise.all([ipaddr2(lab, "a1", "stop", instanceParams(3)), ipaddr2(lab, "a2", "stop", instanceParams(1))]), [0, 0]);
  assert.deepEqual(await Promise.all([ipaddr2(lab, "a1", "monitor", instanceParams(0)), ipaddr2(lab, "a1", "monitor", instanceParams(3))]), [0, 7]);
  assert.doesNotMatch(await inHost(lab, "a2", ["ip", "-4", "addr", "show", "dev", "eth0"]), /10\.10\.10\.23/);
  assert.doesNotMatch(await inHost(lab, "a2", ["ip", "maddr", "show", "dev", "eth0"]), new RegExp(SHARED_MAC));
  assert.equal((await inHost(lab, "a2", ["nft", "list", "ruleset"])).trim(), "");
});

test("the cluster IP's rulesets load into real nftables and the owned set is swapped in one transaction", async (t) => {
  const lab = uniqueLabName("nft");
  removeLabAfter(t, lab);
  assert.equal((await cli("lab", "up", "--name", lab, "--nodes", "1")).code, 0);
  const netIndex = `${process.cwd()}/dist/src/net/index.js`;
  const script = (body: string): string[] => [
    process.execPath,
    "--input-type=module",
    "-e",
    `import * as net from ${JSON.stringify(netIndex)};
     const config = net.clusterIpConfig({ ip: "${VIP}", prefixLength: 24, nic: "eth0", bucketCount: 4, hash: "sourceip-sourceport" });
     ${body}`,
  ];
  await inHost(lab, "a1", script("await net.applyClusterIp(config, [0, 2]); await net.applyClusterIp(config, [0, 2]);"));
  const listed = await inHost(lab, "a1", ["nft", "list", "table", "ip", "tandem_cip_10_10_10_23"]);
  assert.match(listed, /elements = \{ 0, 2 \}/);
  assert.match(listed, /jhash ip saddr \. th sport mod 4 seed 0x[0-9a-f]+ != @owned drop/);
  assert.equal((listed.match(/meta pkttype set host/g) ?? []).length, 1, "applying twice does not duplicate rules");
  assert.match(await inHost(lab, "a1", ["ip", "maddr", "show", "dev", "eth0"]), new RegExp(SHARED_MAC));

  await inHost(lab, "a1", script("await net.setOwnedBuckets(config, [1, 3]);"));
  assert.equal((await inHost(lab, "a1", script("console.log(JSON.stringify(await net.ownedBuckets(config.ip)));"))).trim(), "[1,3]");
  await inHost(lab, "a1", script("await net.removeClusterIp(config); await net.removeClusterIp(config);"));
  assert.equal((await inHost(lab, "a1", ["nft", "list", "ruleset"])).trim(), "");
  assert.doesNotMatch(await inHost(lab, "a1", ["ip", "-4", "addr", "show", "dev", "eth0"]), /10\.10\.10\.23/);

  // Two instances starting at once on one node (clone-node-max > 1) both end up served, and
  // stopping both at once leaves nothing behind, whoever wins each race.
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(await Promise.all([ipaddr2(lab, "a1", "start", instanceParams(0)), ipaddr2(lab, "a1", "start", instanceParams(2))]), [0, 0]);
    assert.deepEqual(await Promise.all([ipaddr2(lab, "a1", "monitor", instanceParams(0)), ipaddr2(lab, "a1", "monitor", instanceParams(2))]), [0, 0]);
    assert.deepEqual(await Promise.all([ipaddr2(lab, "a1", "stop", instanceParams(0)), ipaddr2(lab, "a1", "stop", instanceParams(2))]), [0, 0]);
    assert.equal((await inHost(lab, "a1", ["nft", "list", "ruleset"])).trim(), "", `round ${round}: no rules left`);
    assert.doesNotMatch(await inHost(lab, "a1", ["ip", "maddr", "show", "dev", "eth0"]), new RegExp(SHARED_MAC));
  }
});
