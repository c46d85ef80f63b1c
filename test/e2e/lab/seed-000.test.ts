/**
 * Seed 000 end to end, on a real namespaced network (root only): the lab's nodes benji and
 * holly run tandemd, the tutorial's commands are replayed verbatim inside benji, the client
 * reaches the web servers through the VIP and HAProxy round-robin, the VIP holder dies and
 * the service comes back on the other node, and `lab down` leaves nothing behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { killHost, labClusterHooks, labDir, labDown, labPrefix, listNetns, readLabState, reviveHost } from "../../../src/lab/index.js";
import { curlFromClient, SEED000_VIP, tandemIn, upSeed000, waitSeed000 } from "../../../src/lab/seed000.js";
import { inHost, removeLabAfter, uniqueLabName } from "../../support/lab.js";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function pidsInNetns(netns: string): number[] {
  const r = spawnSync("ip", ["netns", "pids", netns], { encoding: "utf8" });
  return (r.stdout ?? "").split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
}

/** pid and start time (field 22 of /proc/PID/stat), so a reused PID is not mistaken for the same process. */
function identity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^\d+ \(.*\) Z/.test(stat)) return undefined; // a zombie awaiting its parent's wait() runs nothing
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return `${pid} ${stat.slice(stat.indexOf("("), stat.lastIndexOf(")") + 1)} started ${fields[19] ?? "?"}`;
  } catch {
    return undefined;
  }
}

test("seed 000: VIP + HAProxy clone + httpd clone, round-robin, failover of the VIP holder, revival, nothing left", { skip: !isRoot && "needs root (network namespaces)", timeout: 180_000 }, async (t) => {
  const lab = uniqueLabName("seed");
  removeLabAfter(t, lab);
  let transcript = "";
  const { vipNode, status } = await upSeed000(lab, (text) => (transcript += text));
  t.diagnostic(`tutorial replay:\n${transcript}`);
  t.diagnostic(`status:\n${status}`);
  assert.match(transcript, /benji: Starting Cluster\.\.\.\nholly: Starting Cluster\.\.\./);
  assert.match(transcript, /Ordering Constraints:\n {2}start VIP-10\.10\.10\.23 then start haproxy-clone \(kind:Mandatory\)\n {2}start httpd-clone then start haproxy-clone \(kind:Mandatory\)\nColocation Constraints:\n {2}VIP-10\.10\.10\.23 with haproxy-clone \(score:INFINITY\)/);
  assert.match(status, /Current DC: (benji|holly) - partition with quorum/);

  // The tutorial's files and listeners in each node.
  for (const [node, address] of [["holly", "10.10.10.22"], ["benji", "10.10.10.24"]] as const) {
    assert.match(await inHost(lab, node, ["ip", "-br", "addr", "show", "eth0"]), new RegExp(`${address.replace(/\./g, "\\.")}/24`));
    const cfg = await inHost(lab, node, ["cat", "/etc/haproxy/haproxy.cfg"]);
    assert.match(cfg, /bind 10\.10\.10\.23:80 transparent #bind to the Virtual IP\n\s+mode http\n\s+option http-server-close\n\s+option forwardfor\n\s+balance roundrobin\n\s+server holly 10\.10\.10\.22:80 check\n\s+server benji 10\.10\.10\.24:80 check\n/);
    const listening = await inHost(lab, node, ["ss", "-Htln"]);
    assert.match(listening, /10\.10\.10\.23:80\b/, `${node}: haproxy listens on the VIP`);
    assert.match(listening, new RegExp(`${address.replace(/\./g, "\\.")}:80\\b`), `${node}: httpd listens on its own address`);
    await inHost(lab, node, ["test", "-S", "/var/lib/haproxy/stats"]);
  }

  // From the client: strict round-robin between the two web servers.
  const answers: string[] = [];
  for (let i = 0; i < 8; i++) answers.push((await curlFromClient(lab, `http://${SEED000_VIP}`)) ?? "(no answer)");
  t.diagnostic(`curl http://${SEED000_VIP} x8: ${answers.join(", ")}`);
  assert.deepEqual(new Set(answers), new Set(["Hello Holly", "Hello Benji"]));
  for (let i = 1; i < answers.length; i++) assert.notEqual(answers[i], answers[i - 1], `answers alternate: ${answers.join(", ")}`);

  // Node death of the VIP holder: the VIP and the service move to the other node.
  const survivor = vipNode === "benji" ? "holly" : "benji";
  const killedAt = performance.now();
  await killHost(lab, vipNode);
  let back: number | undefined;
  let failed = 0;
  const deadline = killedAt + 30_000;
  while (performance.now() < deadline) {
    const body = await curlFromClient(lab, `http://${SEED000_VIP}`, 1);
    if (body === `Hello ${capitalize(survivor)}`) {
      back = performance.now() - killedAt;
      break;
    }
    failed++;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(back !== undefined, `the VIP answered again within 30 s of killing ${vipNode}`);
  t.diagnostic(`killed ${vipNode} (VIP holder): the VIP answered again after ${(back / 1000).toFixed(2)} s (${failed} failed curls before)`);
  console.log(`seed-000 failover: VIP back on ${survivor} ${(back / 1000).toFixed(2)} s after 'lab kill ${vipNode}'`);

  let after = "";
  const statusDeadline = Date.now() + 30_000;
  while (Date.now() < statusDeadline) {
    after = (await tandemIn(lab, survivor, ["status"])).stdout;
    if (new RegExp(`VIP-10\\.10\\.10\\.23\\s+\\(ocf:heartbeat:IPaddr2\\):\\s+Started ${survivor}\\b`).test(after) && after.includes(`OFFLINE: [ ${vipNode} ]`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.diagnostic(`status on ${survivor} after the kill:\n${after}`);
  assert.match(after, new RegExp(`Online: \\[ ${survivor} \\]`));
  assert.match(after, new RegExp(`OFFLINE: \\[ ${vipNode} \\]`));
  assert.match(after, new RegExp(`VIP-10\\.10\\.10\\.23\\s+\\(ocf:heartbeat:IPaddr2\\):\\s+Started ${survivor}\\b`));
  assert.match(after, new RegExp(`Clone Set: haproxy-clone \\[haproxy\\]:\\n\\s+\\* Started: \\[ ${survivor} \\]`));
  assert.match(await inHost(lab, survivor, ["ip", "-br", "addr", "show", "eth0"]), /10\.10\.10\.23\//, "the survivor holds the VIP");

  // The dead node boots again and rejoins: both clones run on both nodes again.
  await reviveHost(lab, vipNode, labClusterHooks());
  const rejoin = await tandemIn(lab, vipNode, ["cluster", "start"]);
  assert.equal(rejoin.code, 0, rejoin.stderr);
  const { status: rejoined } = await waitSeed000(lab, survivor, 60_000);
  t.diagnostic(`after 'lab revive ${vipNode}' and 'cluster start' there:\n${rejoined}`);

  // lab down leaves nothing: no namespace of the lab's prefix, no process that ran in it, no state.
  const state = readLabState(lab);
  assert.ok(state !== undefined);
  const pids = (await listNetns()).filter((n) => n.startsWith(labPrefix(lab))).flatMap(pidsInNetns);
  const before = pids.map(identity).filter((s) => s !== undefined);
  assert.ok(pids.length >= 6, `the lab runs init, etcd, agents, tandemd, haproxy, httpd (found ${pids.length} processes)`);
  await labDown(lab);
  assert.deepEqual((await listNetns()).filter((n) => n.startsWith(labPrefix(lab))), []);
  await new Promise((r) => setTimeout(r, 100));
  const survivors = pids.map(identity).filter((s) => s !== undefined && before.includes(s));
  assert.deepEqual(survivors, [], "every process of the lab is gone");
  assert.ok(!existsSync(labDir(lab)), "the lab's state directory is gone");
});
