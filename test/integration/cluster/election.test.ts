// DC election on real etcd: one leader among three contenders, failover when the leader
// stops renewing, strictly increasing epochs, and a stale leader's fenced write refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { EtcdStore } from "../../../src/store/index.js";
import { campaign, currentLeader, dcKey, isNotLeader, type Leadership, Membership, publishDc } from "../../../src/cluster/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";

let etcd: EtcdCluster;
const stores: EtcdStore[] = [];

before(async () => {
  etcd = await startEtcd({ members: 1 });
});

after(async () => {
  for (const s of stores) await s.close();
  await etcd?.close();
});

interface Contender {
  readonly name: string;
  readonly store: EtcdStore;
  readonly membership: Membership;
  leadership: Leadership | undefined;
  ledAt: number;
  campaigning: Promise<Leadership | undefined>;
}

async function contender(cluster: string, name: string): Promise<Contender> {
  const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 500 });
  stores.push(store);
  const membership = new Membership({ store, cluster, node: name, incarnation: `${name}-1`, ttlSec: 2, safetyMarginMs: 500 });
  const lease = await membership.join();
  const c: Contender = { name, store, membership, leadership: undefined, ledAt: 0, campaigning: Promise.resolve(undefined) };
  c.campaigning = campaign({ store, cluster, candidate: name, lease }).then(
    (l) => {
      c.leadership = l;
      c.ledAt = performance.now();
      return l;
    },
    () => undefined,
  );
  return c;
}

const until = async (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const leaders = (cs: readonly Contender[]): Contender[] => cs.filter((c) => c.leadership?.isLeader === true);

test("one leader among three; failovers when the leader stops renewing; epochs strictly increase; stale writes refused", async () => {
  const cs = await Promise.all(["alpha", "bravo", "charlie"].map((n) => contender("e1", n)));
  try {
    await until(() => leaders(cs).length === 1, "a leader");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(leaders(cs).length, 1, "exactly one leader");
    const first = leaders(cs)[0] as Contender;
    const firstLeadership = first.leadership as Leadership;
    assert.deepEqual(await currentLeader(first.store, "e1"), { name: first.name, epoch: firstLeadership.epoch });
    assert.equal(await publishDc(firstLeadership), true);

    // The leader's process stops renewing (as if hung): the others wait for its lease.
    const epochs = [firstLeadership.epoch];
    const failoverMs: number[] = [];
    let current = first;
    for (let round = 0; round < 2; round++) {
      const stoppedAt = performance.now();
      current.membership.abandon();
      const remaining = cs.filter((c) => c !== current && c.leadership === undefined);
      await until(() => remaining.some((c) => c.leadership !== undefined), "a new leader", 10_000);
      const next = remaining.find((c) => c.leadership !== undefined) as Contender;
      failoverMs.push(next.ledAt - stoppedAt);
      epochs.push((next.leadership as Leadership).epoch);
      // The old leader's own view: its key is gone, it is not the leader any more.
      await until(() => current.leadership?.isLeader === false, "the old leader to step down");
      current = next;
    }
    assert.deepEqual(
      epochs,
      [...epochs].sort((a, b) => a - b),
    );
    assert.equal(new Set(epochs).size, 3, "epochs strictly increase");
    console.log(`# election failover (leader stops renewing, TTL 2 s): ${failoverMs.map((m) => m.toFixed(0)).join(" ms, ")} ms`);

    // The first leader, now stale, tries a write guarded by its epoch: etcd refuses it.
    const stale = await first.store.txn({ compare: [firstLeadership.guard()], success: [{ type: "put", key: dcKey("e1"), value: "stale" }] });
    assert.equal(stale.succeeded, false);
    assert.equal(await publishDc(current.leadership as Leadership), true);
    const dc = JSON.parse((await current.store.get(dcKey("e1"))).kv?.value ?? "{}") as { name?: string; epoch?: number };
    assert.deepEqual(dc, { name: current.name, epoch: epochs[2] });
  } finally {
    for (const c of cs) await c.membership.leave().catch(() => undefined);
  }
});

test("a resigning leader hands over at once", async () => {
  const cs = await Promise.all(["x", "y"].map((n) => contender("e2", n)));
  try {
    await until(() => leaders(cs).length === 1, "a leader");
    const leader = leaders(cs)[0] as Contender;
    const other = cs.find((c) => c !== leader) as Contender;
    const started = performance.now();
    await leader.leadership?.resign();
    await until(() => other.leadership !== undefined, "the other to lead", 3000);
    const ms = other.ledAt - started;
    console.log(`# election handover on resign: ${ms.toFixed(1)} ms`);
    assert.ok(ms < 1000);
    assert.ok((other.leadership as Leadership).epoch > (leader.leadership as Leadership).epoch);
  } finally {
    for (const c of cs) await c.membership.leave().catch(() => undefined);
  }
});

test("a leader cut off from etcd steps down when its lease deadline passes, not later", async () => {
  const [c] = await Promise.all([contender("e3", "solo")]);
  assert.ok(c !== undefined);
  try {
    await until(() => c.leadership !== undefined, "leadership");
    const l = c.leadership as Leadership;
    let endedAt = 0;
    let reason = "";
    l.onLost((r) => {
      endedAt = performance.now();
      reason = r;
    });
    const lease = c.membership.lease;
    assert.ok(lease !== undefined);
    const cutAt = performance.now();
    const deadlineIn = lease.remainingMs();
    etcd.pause(0);
    try {
      await until(() => endedAt > 0, "step-down", 5000);
    } finally {
      etcd.resume(0);
    }
    assert.equal(reason, "lease-lost");
    const took = endedAt - cutAt;
    console.log(`# leader stepped down ${took.toFixed(0)} ms after the cut (its deadline was ${deadlineIn.toFixed(0)} ms away)`);
    assert.ok(took <= deadlineIn + 400, "at the lease deadline (plus timer slack), not after it");
    assert.equal(l.isLeader, false);
    await assert.rejects(l.fencedTxn([], []), (e: unknown) => isNotLeader(e));
  } finally {
    await etcd.waitHealthy();
    await c.membership.leave().catch(() => undefined);
  }
});
