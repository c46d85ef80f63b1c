import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../../src/core/index.js";
import { MemoryStore } from "../../../src/store/index.js";
import { campaign, currentLeader, dcKey, type Leadership, LeaderView, LeaseKeeper, publishDc, isNotLeader } from "../../../src/cluster/index.js";
import { ManualTimers, settle } from "../../support/manual-timers.js";

function setup() {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const store = new MemoryStore(clock);
  const lease = () => LeaseKeeper.grant({ store, ttlSec: 3, safetyMarginMs: 500, clock, timers });
  return { clock, timers, store, lease };
}

test("the first candidate leads; the next leads when it resigns, with a higher epoch", async () => {
  const { store, lease } = setup();
  const a = await campaign({ store, cluster: "c", candidate: "a", lease: await lease() });
  let bLeadership: Leadership | undefined;
  const bLease = await lease();
  const b = campaign({ store, cluster: "c", candidate: "b", lease: bLease }).then((l) => (bLeadership = l));
  await settle();
  assert.equal(bLeadership, undefined, "b waits while a leads");
  assert.deepEqual(await currentLeader(store, "c"), { name: "a", epoch: a.epoch });
  const ended: string[] = [];
  a.onLost((r) => ended.push(r));
  await a.resign();
  const bLed = await b;
  assert.deepEqual(ended, ["resigned"]);
  assert.ok(bLed.epoch > a.epoch);
  assert.equal((await currentLeader(store, "c"))?.name, "b");
});

test("a leader whose lease is lost steps down at once, and its fenced writes are refused", async () => {
  const { store, timers, lease } = setup();
  const aLease = await lease();
  const a = await campaign({ store, cluster: "c", candidate: "a", lease: aLease });
  assert.equal(await publishDc(a), true);
  const ended: string[] = [];
  a.onLost((r) => ended.push(r));
  const bLease = await lease();
  const led: Leadership[] = [];
  void campaign({ store, cluster: "c", candidate: "b", lease: bLease }).then((l) => led.push(l));
  aLease.abandon(); // a's process hangs: no renewals, no loss event from the keeper
  store.setAvailable(true);
  // Keep b's lease alive while a's expires in the store.
  await timers.advance(3500);
  store.expireLeases();
  await settle();
  const b = led[0];
  assert.ok(b !== undefined, "b took over after a's lease expired");
  assert.deepEqual(ended, ["key-deleted"]);
  // a's stale write, guarded by its epoch, is refused.
  await assert.rejects(publishDc(a), isNotLeader);
  const raw = await store.txn({ compare: [a.guard()], success: [{ type: "put", key: dcKey("c"), value: "stale" }] });
  assert.equal(raw.succeeded, false);
  assert.equal(await publishDc(b), true);
  assert.equal((JSON.parse((await store.get(dcKey("c"))).kv?.value ?? "{}") as { name?: string }).name, "b");
  await bLease.release();
});

test("a candidate whose lease is lost while waiting gives up and withdraws", async () => {
  const { store, timers, lease } = setup();
  const aLease = await lease();
  await campaign({ store, cluster: "c", candidate: "a", lease: aLease });
  const bLease = await lease();
  const b = campaign({ store, cluster: "c", candidate: "b", lease: bLease });
  const outcome = b.then(
    () => "led",
    (e: unknown) => (isNotLeader(e) ? "gave up" : String(e)),
  );
  await settle();
  await store.revokeLease(bLease.id);
  await timers.advance(1100);
  assert.equal(await outcome, "gave up");
  assert.equal((await store.range("/tandem/c/election/")).kvs.length, 1);
  await aLease.release();
});

test("the leader view follows the DC and admits only the current epoch", async () => {
  const { store, lease } = setup();
  const view = await LeaderView.open(store, "c");
  const seen: (string | undefined)[] = [];
  view.onChange((l) => seen.push(l?.name));
  assert.equal(view.current(), undefined);
  const a = await campaign({ store, cluster: "c", candidate: "a", lease: await lease() });
  const bLease = await lease();
  const b = campaign({ store, cluster: "c", candidate: "b", lease: bLease });
  await settle();
  assert.deepEqual(view.current(), { name: "a", epoch: a.epoch });
  assert.equal(view.admits(a.epoch), true);
  await a.resign();
  const bl = await b;
  await settle();
  assert.equal(view.admits(a.epoch), false, "the old DC's actions are refused");
  assert.equal(view.admits(bl.epoch), true);
  assert.deepEqual(seen, ["a", "b"]);
  view.close();
});
