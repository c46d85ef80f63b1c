import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, TandemError } from "../../../src/core/index.js";
import { MemoryStore } from "../../../src/store/index.js";
import { LeaseKeeper, type LeaseLoss, validateLeaseTiming } from "../../../src/cluster/index.js";
import { ManualTimers } from "../../support/manual-timers.js";

function setup() {
  const clock = new ManualClock(10_000);
  const timers = new ManualTimers(clock);
  const store = new MemoryStore(clock);
  return { clock, timers, store };
}

test("a held lease is renewed every TTL/3 and never runs out", async () => {
  const { clock, timers, store } = setup();
  const keeper = await LeaseKeeper.grant({ store, ttlSec: 3, clock, timers });
  await store.put("/n", "up", { lease: keeper.id });
  await timers.advance(30_000);
  assert.equal(keeper.state, "held");
  assert.equal(keeper.renewals, 30);
  assert.equal((await store.get("/n")).kv?.value, "up");
  await keeper.release();
  assert.equal((await store.get("/n")).kv, undefined, "release revokes: the key goes at once");
  assert.equal(timers.size, 0, "no timer left behind");
});

test("without renewals the loss is declared at TTL − margin, before the store can expire the lease", async () => {
  const { clock, timers, store } = setup();
  const keeper = await LeaseKeeper.grant({ store, ttlSec: 3, safetyMarginMs: 500, clock, timers });
  await store.put("/n", "up", { lease: keeper.id });
  await timers.advance(1000); // one renewal at t=1000
  assert.equal(keeper.renewals, 1);
  const renewedAt = clock.monotonicMs();
  store.setAvailable(false);
  const losses: { loss: LeaseLoss; at: number }[] = [];
  keeper.onLost((loss) => losses.push({ loss, at: clock.monotonicMs() }));
  await timers.advance(2499);
  assert.equal(keeper.state, "held");
  await timers.advance(1);
  assert.equal(losses.length, 1);
  const l = losses[0];
  assert.ok(l !== undefined);
  assert.equal(l.loss.reason, "deadline");
  assert.equal(l.at - renewedAt, 3000 - 500, "declared exactly TTL − margin after the last renewal was sent");
  store.setAvailable(true);
  const onServer = await store.leaseTimeToLive(keeper.id);
  assert.ok(onServer !== undefined && onServer.remainingSec > 0, "the store still holds the lease: the node fenced itself first");
  assert.equal((await store.get("/n")).kv?.value, "up");
  assert.equal(keeper.state, "lost");
  assert.equal(timers.size, 0);
  await timers.advance(500);
  assert.equal((await store.get("/n")).kv, undefined, "then the store expires it");
});

test("a lease that vanished in the store is lost at the next renewal", async () => {
  const { clock, timers, store } = setup();
  const keeper = await LeaseKeeper.grant({ store, ttlSec: 6, clock, timers });
  let loss: LeaseLoss | undefined;
  keeper.onLost((l) => (loss = l));
  await store.revokeLease(keeper.id);
  await timers.advance(2000);
  assert.equal(loss?.reason, "expired-on-server");
});

test("a transient outage shorter than the window is ridden out by fast retries", async () => {
  const { clock, timers, store } = setup();
  const keeper = await LeaseKeeper.grant({ store, ttlSec: 3, safetyMarginMs: 500, clock, timers });
  await timers.advance(900);
  store.setAvailable(false);
  await timers.advance(1200);
  store.setAvailable(true);
  await timers.advance(300);
  assert.equal(keeper.state, "held");
  await timers.advance(10_000);
  assert.equal(keeper.state, "held");
  await keeper.release();
});

test("timings that cannot protect the lease are refused", () => {
  for (const [ttl, interval, margin] of [
    [0, 100, 50],
    [3, 2600, 500],
    [3, 1000, 3000],
    [2.5, 500, 100],
  ] as const) {
    assert.throws(
      () => validateLeaseTiming(ttl, interval, margin),
      (e: unknown) => e instanceof TandemError && e.code === "CLUSTER_BAD_TIMING",
    );
  }
  validateLeaseTiming(3, 1000, 500);
});

test("assertHeld refuses to act on a lost lease with STORE_LEASE_EXPIRED", async () => {
  const { timers, store, clock } = setup();
  const keeper = await LeaseKeeper.grant({ store, ttlSec: 2, safetyMarginMs: 500, clock, timers });
  keeper.assertHeld();
  store.setAvailable(false);
  await timers.advance(1500);
  assert.equal(keeper.state, "lost");
  assert.throws(
    () => keeper.assertHeld(),
    (e: unknown) => e instanceof TandemError && e.code === "STORE_LEASE_EXPIRED",
  );
});
