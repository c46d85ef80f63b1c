/**
 * Failures of tandemd itself: kill -9 of the DC (which also runs the resource), and a
 * SIGSTOP past the lease (self-fencing on SIGCONT, then rejoining).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCib } from "../../../src/cib/index.js";
import { buildLiveCib, cibKey, readSnapshot, type ClusterSnapshot } from "../../../src/controller/index.js";
import { schedule } from "../../../src/scheduler/index.js";
import { EtcdStore } from "../../../src/store/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { killAllDaemons, killDaemon, startDaemon, stopDaemon, waitFor, writeNodeConfig, type DaemonHandle } from "../../support/tandemd.js";

const CLUSTER = `fo${process.pid}`;
let etcd: EtcdCluster;
let store: EtcdStore;
let dir: string;
const daemons = new Map<string, DaemonHandle>();

const CIB = `<cib admin_epoch="0" epoch="2" num_updates="0" validate-with="pacemaker-3.1"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes>
<resources><primitive id="d1" class="ocf" provider="tandem" type="Dummy"><operations><op id="d1-mon" name="monitor" interval="1s"/></operations></primitive>
<primitive id="d2" class="ocf" provider="tandem" type="Dummy"><meta_attributes id="d2-m"><nvpair id="d2-r" name="requires" value="fencing"/></meta_attributes><operations><op id="d2-mon" name="monitor" interval="1s"/></operations></primitive></resources>
<constraints><rsc_location id="l1" rsc="d1" node="n1" score="100"/><rsc_location id="l2" rsc="d1" node="n2" score="50"/><rsc_location id="l3" rsc="d2" node="n2" score="100"/></constraints></configuration><status/></cib>`;

function start(node: string): DaemonHandle {
  const conf = writeNodeConfig(dir, CLUSTER, node, etcd.endpoints, { lease_ttl_sec: 2 });
  const d = startDaemon(conf, node, join(dir, node));
  daemons.set(node, d);
  return d;
}

function where(s: ClusterSnapshot, rsc: string): string[] {
  const out: string[] = [];
  for (const [node, r] of s.reports) {
    if (!s.members.has(node)) continue;
    if (r.ops.some((op) => op.id === `${rsc}_last_0` && op.rcCode === 0 && (op.operation === "start" || op.operation === "monitor"))) out.push(node);
  }
  return out.sort();
}

function settled(s: ClusterSnapshot): boolean {
  if (s.cibText === undefined || s.actions.size > 0) return false;
  const online = new Set(s.members.keys());
  const model = readCib(buildLiveCib({ cibText: s.cibText, online, reports: s.reports, dc: s.dc?.name, quorum: true }));
  return schedule({ cib: model, nowSec: Math.floor(Date.now() / 1000) }).graph.actions.length === 0;
}

before(async () => {
  etcd = await startEtcd({ members: 1 });
  store = new EtcdStore({ endpoints: etcd.endpoints });
  dir = mkdtempSync(join(tmpdir(), `tandem-fo-${process.pid}-`));
  await store.put(cibKey(CLUSTER), CIB);
});

after(async () => {
  for (const d of daemons.values()) d.child?.kill("SIGCONT");
  await killAllDaemons();
  await store?.close();
  await etcd?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test("kill -9 of the DC that runs the resource: a new DC takes over and the resource runs elsewhere (time printed)", async () => {
  start("n1");
  await waitFor("n1 to be DC and run d1", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return s.dc?.name === "n1" && where(s, "d1").join() === "n1" && where(s, "d2").join() === "n1" ? true : undefined;
  }, 20_000);
  start("n2");
  start("n3");
  await waitFor("three members, settled", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return s.members.size === 3 && settled(s) ? true : undefined;
  }, 20_000);
  const t0 = performance.now();
  await killDaemon(daemons.get("n1") as DaemonHandle);
  const s = await waitFor("d1 on n2", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return where(snap, "d1").includes("n2") ? snap : undefined;
  }, 20_000, 5);
  const ms = Math.round(performance.now() - t0);
  console.log(`# DC failover: d1 running on n2 ${ms} ms after kill -9 of the DC (n1); new DC ${s.dc?.name ?? "?"}`);
  assert.ok(ms < 2500, `took ${ms} ms`);
  assert.notEqual(s.dc?.name, "n1");
});

test("SIGSTOP of the node running the resource past its lease: on SIGCONT it stops what it ran and rejoins", async () => {
  await waitFor("n1's lease to expire", async () => ((await readSnapshot(store, CLUSTER)).members.has("n1") ? undefined : true), 10_000);
  const n2 = daemons.get("n2") as DaemonHandle;
  n2.child?.kill("SIGSTOP");
  await waitFor("n2's lease to expire", async () => ((await readSnapshot(store, CLUSTER)).members.has("n2") ? undefined : true), 10_000);
  const moved = await waitFor("d1 on n3", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return where(s, "d1").join() === "n3" ? s : undefined;
  }, 10_000);
  assert.equal(moved.dc?.name, "n3");
  // d2 requires fencing: it starts on n3 only once n2's lease is gone (n2 self-fenced).
  const d2moved = await waitFor("d2 on n3", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return where(s, "d2").join() === "n3" ? s : undefined;
  }, 10_000);
  assert.equal(d2moved.members.has("n2"), false);
  const d2start = d2moved.reports.get("n3")?.ops.find((o) => o.resourceId === "d2" && o.operation === "start");
  assert.ok(d2start !== undefined);
  const n3log = (daemons.get("n3") as DaemonHandle).logLines().map((l) => String(l["msg"]));
  assert.ok(n3log.some((m) => m.includes("start d2 on n3 (requires=fencing: waiting for n2 to self-fence)")), "the DC held d2 back while n2 was only suspected");
  n2.child?.kill("SIGCONT");
  await waitFor("n2 self-fenced", () => (n2.logLines().some((l) => l["msg"] === "self-fencing done") ? true : undefined), 10_000);
  const fenced = n2.logLines().find((l) => l["msg"] === "self-fencing done");
  assert.deepEqual(([...(fenced?.["stopped"] as string[])]).sort(), ["d1", "d2"]);
  const s = await waitFor("n2 back and the cluster settled", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return snap.members.has("n2") && settled(snap) ? snap : undefined;
  }, 20_000).catch(async (e: unknown) => {
    const snap = await readSnapshot(store, CLUSTER);
    console.log(JSON.stringify({ members: [...snap.members.keys()], actions: [...snap.actions], dc: snap.dc }));
    for (const d of daemons.values()) console.log(d.node, d.logLines().slice(-12).map((l) => JSON.stringify(l)).join("\n"));
    throw e;
  });
  // d1 prefers n2 (50) over n3 (0), but stickiness is 0: it moves back; what matters is one copy.
  assert.equal(where(s, "d1").length, 1, `d1 on ${where(s, "d1").join(",")}`);
  assert.equal(where(s, "d2").length, 1, `d2 on ${where(s, "d2").join(",")}`);
  assert.ok(n2.logLines().some((l) => l["msg"] === "rejoined the cluster after self-fencing"));
});

test("a short SIGSTOP (declared dead, lease still valid): the DC's fence request makes the node stop everything and rejoin", async () => {
  const before = await waitFor("settled", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return s.members.size === 2 && settled(s) ? s : undefined;
  }, 20_000);
  const victim = where(before, "d1")[0] as string;
  const other = victim === "n2" ? "n3" : "n2";
  const h = daemons.get(victim) as DaemonHandle;
  const pausedAt = Date.now();
  h.child?.kill("SIGSTOP");
  await new Promise((r) => setTimeout(r, 700)); // > heartbeat timeout (400 ms), < lease TTL − margin (1.5 s)
  h.child?.kill("SIGCONT");
  await waitFor("the victim fenced on request", () => (h.logLines().some((l) => l["msg"] === "fenced on request of the DC: stopping every resource and rejoining") ? true : undefined), 10_000);
  const s = await waitFor("the cluster settled with both nodes", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return snap.members.size === 2 && settled(snap) ? snap : undefined;
  }, 20_000);
  assert.equal(where(s, "d1").length, 1, `d1 on ${where(s, "d1").join(",")}`);
  assert.ok(where(s, "d1")[0] === other || where(s, "d1")[0] === victim);
  assert.equal(h.logLines().some((l) => l["msg"] === "membership lost: self-fencing (stopping every resource)" && Number(l["time"]) >= pausedAt), false, "the lease itself was never lost");
  for (const d of daemons.values()) if (d.node !== "n1") assert.equal(await stopDaemon(d), 0);
});
