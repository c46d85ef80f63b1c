import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../../src/core/index.js";
import { cibKey, DcController, MemoryLogger, NodeAgent, readSnapshot, type DcLeadership } from "../../../src/controller/index.js";
import { nodeKey } from "../../../src/cluster/index.js";
import { Executor } from "../../../src/executor/index.js";
import { MemoryStore, type Store } from "../../../src/store/index.js";

const CLUSTER = "unit";

function cib(extra = ""): string {
  return `<cib admin_epoch="0" epoch="2" num_updates="0" validate-with="pacemaker-3.1"><configuration>
  <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
  <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
  <resources><primitive id="d1" class="ocf" provider="tandem" type="Dummy">
    <operations><op id="d1-mon" name="monitor" interval="1s"/></operations></primitive>${extra}</resources>
  <constraints/></configuration><status/></cib>`;
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function running(store: Store): Promise<Map<string, string[]>> {
  const s = await readSnapshot(store, CLUSTER);
  const out = new Map<string, string[]>();
  for (const [node, r] of s.reports) {
    if (!s.members.has(node)) continue; // a departed node's last report is history, not state
    for (const op of r.ops) {
      if (op.id !== `${op.resourceId}_last_0`) continue;
      const active = (op.operation === "start" && op.rcCode === 0) || (op.operation === "monitor" && op.rcCode === 0);
      if (active) out.set(op.resourceId, [...(out.get(op.resourceId) ?? []), node]);
    }
  }
  return out;
}

test("the DC probes, starts the resource where the scheduler says, and recovers it when its node leaves", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), `tandem-dc-unit-${process.pid}-`));
  const store = new MemoryStore(systemClock);
  const log = new MemoryLogger();
  const agents: NodeAgent[] = [];
  const executors: Executor[] = [];
  const leaseIds: Record<string, string> = {};
  const dcKeyName = "/unit-leader";
  await store.put(dcKeyName, "n1");
  const leadership: DcLeadership = { name: "n1", epoch: 7, isLeader: true, guard: () => ({ key: dcKeyName, target: "version", op: ">", value: 0 }) };
  const dc = new DcController({ store, cluster: CLUSTER, leadership, log, failureBackoffMs: 50 });
  t.after(async () => {
    dc.stop();
    for (const a of agents) a.stop();
    for (const e of executors) await e.stopAll(2000);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.put(cibKey(CLUSTER), cib());
  for (const node of ["n1", "n2"]) {
    const lease = await store.grantLease(60);
    leaseIds[node] = lease.id;
    await store.put(nodeKey(CLUSTER, node), JSON.stringify({ name: node, incarnation: node, joinedAtMs: 0, info: {} }), { lease: lease.id });
    const holder: { agent?: NodeAgent } = {};
    const executor = new Executor({ nodeName: node, stateDir: join(dir, node), agents: { rscTmpDir: join(dir, node, "rsctmp") }, onEvent: (e) => holder.agent?.onExecutorEvent(e) });
    const agent = new NodeAgent({ store, cluster: CLUSTER, node, executor, log });
    holder.agent = agent;
    executors.push(executor);
    agents.push(agent);
    await agent.start();
  }
  await dc.start();
  await until("d1 running on one node", async () => (await running(store)).get("d1")?.length === 1 && dc.idle);
  const first = (await running(store)).get("d1")?.[0];
  assert.ok(first === "n1" || first === "n2");
  assert.ok(log.lines.some((l) => l.msg.startsWith("probing 2 resource instance(s)")), "probes ran first");
  assert.ok(log.lines.some((l) => l.msg === "nothing to do: every resource is where the scheduler wants it"));
  const snap = await readSnapshot(store, CLUSTER);
  assert.equal(snap.actions.size, 0, "every action was consumed");

  // The node running d1 leaves: d1 starts on the other one.
  const other = first === "n1" ? "n2" : "n1";
  const idx = first === "n1" ? 0 : 1;
  agents[idx]?.stop();
  await executors[idx]?.stopAll(2000);
  await store.revokeLease(leaseIds[first] ?? "");
  await until("d1 running on the other node", async () => (await running(store)).get("d1")?.includes(other) === true);

  // A monitor failure on the survivor: the DC recovers d1 (stop, start) and it runs again.
  const before = log.lines.length;
  writeFileSync(join(dir, other, "rsctmp", "tandem-Dummy-d1.state"), "rc=7\n");
  await until("recovery", () => log.lines.slice(before).some((l) => l.msg.includes("start d1 on")) && dc.idle, 8000);
  assert.deepEqual((await running(store)).get("d1"), [other]);
});

test("a stale epoch's action is refused and the DC is told (the action vanishes without a result)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), `tandem-dc-unit-${process.pid}-`));
  const store = new MemoryStore(systemClock);
  const log = new MemoryLogger();
  const executor = new Executor({ nodeName: "n1", stateDir: dir, agents: { rscTmpDir: join(dir, "rsctmp") } });
  const agent = new NodeAgent({ store, cluster: CLUSTER, node: "n1", executor, log });
  t.after(async () => {
    agent.stop();
    await executor.stopAll(1000);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  executor.checkEpoch(10);
  await agent.start();
  const key = `/tandem/${CLUSTER}/actions/n1/1-0`;
  const request = { epoch: 3, resourceId: "d1", agent: "ocf:tandem:Dummy", operation: "start" as const, transitionKey: "0:1:0:tandem-3" };
  await store.put(key, JSON.stringify({ epoch: 3, dc: "old", transitionKey: "0:1:0:tandem-3", request }));
  await until("action deleted", async () => (await store.get(key)).kv === undefined);
  assert.deepEqual(executor.activeResources(), []);
  assert.ok(log.lines.some((l) => l.msg === "refused an action" && l.fields["code"] === "EXEC_STALE_EPOCH"));
});
