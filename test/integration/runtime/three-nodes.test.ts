/**
 * Three real tandemd processes on loopback (started by `tandem cluster start --all`),
 * real etcd, built-in Dummy agents; everything through the CLI as a user would do it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCib } from "../../../src/cib/index.js";
import { buildLiveCib, cibKey, readSnapshot, type ClusterSnapshot } from "../../../src/controller/index.js";
import { schedule } from "../../../src/scheduler/index.js";
import { EtcdStore } from "../../../src/store/index.js";
import { TandemError } from "../../../src/core/index.js";
import { loadConfig } from "../../../src/daemon/index.js";
import { LiveCibSource } from "../../../src/cli/live/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { TANDEM_BIN, waitFor } from "../../support/tandemd.js";

const CLUSTER = `tri${process.pid}`;
const NODES = ["n1", "n2", "n3"];
let etcd: EtcdCluster;
let store: EtcdStore;
let dir: string;
let env: NodeJS.ProcessEnv;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tandem(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TANDEM_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function ok(...args: string[]): Promise<Run> {
  const r = await tandem(...args);
  assert.equal(r.code, 0, `tandem ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

function pidOf(node: string): number | undefined {
  const p = join(dir, "state", node, "tandemd.pid");
  if (!existsSync(p)) return undefined;
  const pid = Number(readFileSync(p, "utf8").trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Where each resource runs now, from the online nodes' op histories. */
function placement(s: ClusterSnapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [node, r] of s.reports) {
    if (!s.members.has(node)) continue;
    for (const op of r.ops) {
      if (op.id !== `${op.resourceId}_last_0` || op.rcCode !== 0) continue;
      if (op.operation === "start" || op.operation === "monitor") out.set(op.resourceId, [...(out.get(op.resourceId) ?? []), node]);
    }
  }
  return out;
}

/** The cluster is settled: the scheduler, run on this snapshot, has nothing left to do. */
function settled(s: ClusterSnapshot): boolean {
  if (s.cibText === undefined || s.actions.size > 0) return false;
  const online = new Set(s.members.keys());
  const model = readCib(buildLiveCib({ cibText: s.cibText, online, reports: s.reports, dc: s.dc?.name, quorum: true }));
  return schedule({ cib: model, nowSec: Math.floor(Date.now() / 1000) }).graph.actions.length === 0;
}

before(async () => {
  etcd = await startEtcd({ members: 1 });
  store = new EtcdStore({ endpoints: etcd.endpoints });
  dir = mkdtempSync(join(tmpdir(), `tandem-tri-${process.pid}-`));
  env = { ...process.env, TANDEM_CONFIG: join(dir, "tandem.conf") };
});

after(async () => {
  for (const n of NODES) {
    const pid = pidOf(n);
    if (pid !== undefined) {
      process.kill(pid, "SIGKILL");
      await waitFor(`tandemd ${n} gone`, () => (pidOf(n) === undefined ? true : undefined), 5000).catch(() => undefined);
    }
  }
  await store?.close();
  await etcd?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test("a three-node cluster set up, configured and started with the CLI runs resources where schedule() says", async () => {
  const setup = await ok("cluster", "setup", CLUSTER, ...NODES, `--etcd=${etcd.endpoints.join(",")}`, "--local", `--state-dir=${join(dir, "state")}`);
  assert.match(setup.stdout, /Cluster has been successfully set up\./);
  await ok("property", "set", "stonith-enabled=false");
  await ok("resource", "create", "d1", "ocf:tandem:Dummy", "op", "monitor", "interval=1s");
  await ok("resource", "create", "d2", "ocf:tandem:Dummy", "op", "monitor", "interval=1s");
  await ok("constraint", "location", "d1", "prefers", "n2=50");
  await ok("resource", "create", "c1", "ocf:tandem:Dummy", "op", "monitor", "interval=2s", "clone");
  const started = await ok("cluster", "start", "--all");
  assert.equal(started.stdout, "n1: Starting Cluster...\nn2: Starting Cluster...\nn3: Starting Cluster...\n");
  const s = await waitFor("the cluster to settle", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return snap.members.size === 3 && placement(snap).size === 3 && settled(snap) ? snap : undefined;
  }, 30_000);
  assert.deepEqual(placement(s).get("d1"), ["n2"], "the location preference holds");
  assert.equal(placement(s).get("d2")?.length, 1);
  assert.deepEqual(placement(s).get("c1"), ["n1", "n2", "n3"], "the anonymous clone runs once per node");

  const status = await ok("status");
  assert.match(status.stdout, /^Cluster name: tri\d+\n/);
  assert.match(status.stdout, /\* Stack: etcd\n/);
  assert.match(status.stdout, /\* Current DC: n\d - partition with quorum\n/);
  assert.match(status.stdout, /\* 3 nodes configured\n/);
  assert.match(status.stdout, /\* 5 resource instances configured\n/);
  assert.match(status.stdout, /\* Clone Set: c1-clone \[c1\]:\n {4}\* Started: \[ n1 n2 n3 \]\n/);
  assert.match(status.stdout, /Node List:\n {2}\* Online: \[ n1 n2 n3 \]\n/);
  assert.match(status.stdout, /\* d1\t\(ocf:tandem:Dummy\):\t Started n2\n/);
  assert.match(status.stdout, /Daemon Status:\n {2}tandemd: active\n/);
  const json = JSON.parse((await ok("status", "--output-format=json")).stdout) as { stack: string; nodes: unknown[] };
  assert.equal(json.stack, "etcd");
  assert.equal(json.nodes.length, 3);
});

test("--wait: a live command returns once the cluster has carried out the change", async () => {
  await ok("resource", "create", "d3", "ocf:tandem:Dummy", "op", "monitor", "interval=5s", "--wait=20");
  const s = await readSnapshot(store, CLUSTER);
  assert.equal(placement(s).get("d3")?.length, 1, "d3 already runs when the command returns");
  assert.ok(settled(s));
});

test("a monitor failure restarts the resource in place and counts a failure", async () => {
  const before = await readSnapshot(store, CLUSTER);
  const node = placement(before).get("d2")?.[0];
  assert.ok(node !== undefined);
  const stateFile = join(dir, "state", node, "rsctmp", "tandem-Dummy-d2.state");
  assert.ok(existsSync(stateFile), stateFile);
  writeFileSync(stateFile, "rc=7\n");
  const recovered = await waitFor("d2 to be recovered", async () => {
    const s = await readSnapshot(store, CLUSTER);
    const attrs = s.reports.get(node)?.attrs ?? {};
    return attrs["fail-count-d2#monitor_1000"] === "1" && placement(s).get("d2")?.length === 1 && settled(s) ? s : undefined;
  }, 20_000);
  assert.deepEqual(placement(recovered).get("d2"), [node], "restarted where it was (migration-threshold not reached)");
  const status = await ok("status", "--full");
  assert.match(status.stdout, /Failed Resource Actions:\n {2}\* d2_monitor_1000 on n\d 'not running' \(7\): call=\d+/);
});

test("reaching migration-threshold moves the resource away from the failing node", async () => {
  await ok("resource", "meta", "d2", "migration-threshold=2");
  const before = await readSnapshot(store, CLUSTER);
  const node = placement(before).get("d2")?.[0];
  assert.ok(node !== undefined);
  // The first failure (previous test) counted 1; one more reaches the threshold.
  await waitFor("settled", async () => (settled(await readSnapshot(store, CLUSTER)) ? true : undefined), 10_000);
  writeFileSync(join(dir, "state", node, "rsctmp", "tandem-Dummy-d2.state"), "rc=7\n");
  const moved = await waitFor("d2 to move", async () => {
    const s = await readSnapshot(store, CLUSTER);
    const where = placement(s).get("d2") ?? [];
    return where.length === 1 && where[0] !== node && settled(s) ? s : undefined;
  }, 20_000);
  assert.equal(moved.reports.get(node)?.attrs["fail-count-d2#monitor_1000"], "2");
});

test("resource cleanup forgets failures and failcounts on every node; the resource keeps one copy", async () => {
  const r = await ok("resource", "cleanup", "d2");
  assert.equal(r.stdout, "Cleaned up d2 on n1\nCleaned up d2 on n2\nCleaned up d2 on n3\n");
  const s = await waitFor("settled after cleanup", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return settled(snap) && placement(snap).get("d2")?.length === 1 ? snap : undefined;
  }, 20_000);
  for (const [node, report] of s.reports) {
    assert.equal(Object.keys(report.attrs).filter((k) => k.includes("d2")).length, 0, `failcounts of d2 gone on ${node}`);
  }
  const status = await ok("status", "--full");
  assert.doesNotMatch(status.stdout, /Failed Resource Actions/);
  const unknown = await tandem("resource", "cleanup", "nosuch");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Resource 'nosuch' does not exist\. \[LIVE_UNKNOWN_RESOURCE\]/);
});

test("an etcd restart: the cluster recovers without restarting healthy resources", async () => {
  const before = await readSnapshot(store, CLUSTER);
  const starts = (s: ClusterSnapshot): number =>
    [...s.reports.values()].flatMap((r) => r.ops).filter((o) => o.operation === "start").reduce((m, o) => Math.max(m, o.callId), 0);
  const startsBefore = starts(before);
  const placed = JSON.stringify([...placement(before)].sort());
  await etcd.stop(0);
  await etcd.restart(0);
  await etcd.waitHealthy(10_000);
  // Give the daemons time to reconnect, re-watch and (if anything were wrong) act.
  await new Promise((r) => setTimeout(r, 3000));
  const after = await waitFor("three members again", async () => {
    const s = await readSnapshot(store, CLUSTER);
    return s.members.size === 3 && settled(s) ? s : undefined;
  }, 20_000);
  assert.equal(JSON.stringify([...placement(after)].sort()), placed, "same placement");
  assert.equal(starts(after), startsBefore, "no resource was started again");
});

test("kill -9 of the tandemd running d1: d1 starts elsewhere (time printed)", async () => {
  const before = await readSnapshot(store, CLUSTER);
  const victim = placement(before).get("d1")?.[0];
  assert.ok(victim !== undefined);
  const pid = pidOf(victim);
  assert.ok(pid !== undefined);
  const t0 = performance.now();
  process.kill(pid, "SIGKILL");
  const s = await waitFor("d1 running on a survivor", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    const where = placement(snap).get("d1") ?? [];
    return where.some((n) => n !== victim) ? snap : undefined;
  }, 20_000, 5);
  const ms = Math.round(performance.now() - t0);
  console.log(`# failover: d1 running elsewhere ${ms} ms after kill -9 of tandemd on ${victim}`);
  assert.ok(ms < 3000, `failover took ${ms} ms`);
  // The victim keeps its (stale) report until its lease expires; a survivor now runs d1.
  assert.ok(placement(s).get("d1")?.some((n) => n !== victim));
  await waitFor("the victim's lease to expire", async () => ((await readSnapshot(store, CLUSTER)).members.has(victim) ? undefined : true), 15_000);
  // Bring it back (as an operator would) for the remaining tests.
  await ok("cluster", "start", victim);
  await waitFor("the cluster to settle again", async () => {
    const snap = await readSnapshot(store, CLUSTER);
    return snap.members.size === 3 && settled(snap) ? snap : undefined;
  }, 30_000);
});

test("two concurrent cib-push of the same base: exactly one wins, the other is refused and changes nothing", async () => {
  const base = join(dir, "base.xml");
  await ok("cluster", "cib", base);
  const text = readFileSync(base, "utf8");
  const a = join(dir, "a.xml");
  const b = join(dir, "b.xml");
  writeFileSync(a, text.replace("</resources>", '<primitive id="pa" class="ocf" provider="tandem" type="Dummy"/></resources>'));
  writeFileSync(b, text.replace("</resources>", '<primitive id="pb" class="ocf" provider="tandem" type="Dummy"/></resources>'));
  const [ra, rb] = await Promise.all([tandem("cluster", "cib-push", a), tandem("cluster", "cib-push", b)]);
  const codes = [ra.code, rb.code].sort();
  assert.deepEqual(codes, [0, 1], `${ra.stderr}\n${rb.stderr}`);
  const loser = ra.code === 0 ? rb : ra;
  // Truly simultaneous: both read the same revision and the CAS refuses one; a little
  // apart: the second reads the first's CIB and is refused as older. Never both.
  assert.match(loser.stderr, /STORE_REVISION_CONFLICT|CIB_PUSH_OLDER/);
  const stored = (await store.get(cibKey(CLUSTER))).kv?.value ?? "";
  assert.equal(Number(stored.includes('id="pa"')) + Number(stored.includes('id="pb"')), 1, "exactly one push is in the CIB");
  // And pushing the now-stale base again is refused with pcs's message.
  const stale = await tandem("cluster", "cib-push", base);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /pushed configuration is older than existing one/);
});

test("the live CIB source: two writers from the same base, the second compare-and-swap is refused and changes nothing", async () => {
  const config = loadConfig(join(dir, "tandem.conf"));
  const one = new LiveCibSource(config);
  const two = new LiveCibSource(config);
  const [a, b] = await Promise.all([one.load(), two.load()]);
  await one.save(a, a);
  const rev = (await store.get(cibKey(CLUSTER))).kv?.modRevision;
  await assert.rejects(two.save(b, b), (e: unknown) => e instanceof TandemError && e.code === "STORE_REVISION_CONFLICT");
  assert.equal((await store.get(cibKey(CLUSTER))).kv?.modRevision, rev);
});

test("bad input: a clear message, a non-zero exit, nothing changed", async () => {
  const rev = (await store.get(cibKey(CLUSTER))).kv?.modRevision;
  const bad = join(dir, "bad.xml");
  writeFileSync(bad, "<cib><configuration>");
  const malformed = await tandem("cluster", "cib-push", bad);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /unable to parse new cib/);
  const unknownNode = await tandem("cluster", "start", "nosuchnode");
  assert.equal(unknownNode.code, 1);
  assert.match(unknownNode.stderr, /LIVE_NODE_NOT_LOCAL/);
  const unreachable = join(dir, "unreachable.conf");
  writeFileSync(unreachable, `cluster_name = ${CLUSTER}\nnode_name = n1\netcd_endpoints = http://127.0.0.1:1\n`);
  const noEtcd = await new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, [TANDEM_BIN, "status"], { env: { ...env, TANDEM_CONFIG: unreachable }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout: "", stderr }));
  });
  assert.equal(noEtcd.code, 1);
  assert.match(noEtcd.stderr, /cannot reach etcd at http:\/\/127\.0\.0\.1:1/);
  assert.equal((await store.get(cibKey(CLUSTER))).kv?.modRevision, rev, "the CIB was not written");
});

test("cluster stop --all stops every resource and every daemon", async () => {
  const r = await ok("cluster", "stop", "--all");
  assert.match(r.stdout, /n1: Stopping Cluster \(tandemd\)\.\.\./);
  const s = await readSnapshot(store, CLUSTER);
  assert.equal(s.members.size, 0);
  for (const n of NODES) assert.equal(pidOf(n), undefined, `tandemd on ${n} exited`);
});
