import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, TandemError } from "../../../src/core/index.js";
import { MemoryStore, requireSwapped } from "../../../src/store/index.js";
import { collectWatch, defineStoreContract, rejectsWithCode } from "../../support/store-contract.js";

const clock = new ManualClock(1_000_000);
const shared = new MemoryStore(clock);

defineStoreContract("memory", () => ({
  store: shared,
  waitLeaseExpiry(ttlSec) {
    clock.advance(ttlSec * 1000 + 1);
    shared.expireLeases();
    return Promise.resolve();
  },
  compact(revision) {
    shared.compact(revision);
    return Promise.resolve();
  },
  otherClient: () => shared,
}));

test("a lease lives exactly its TTL on the manual clock, and keep-alive restarts it", async () => {
  const c = new ManualClock(0);
  const store = new MemoryStore(c);
  const lease = await store.grantLease(3);
  await store.put("/n", "up", { lease: lease.id });
  c.advance(2999);
  assert.equal((await store.get("/n")).kv?.value, "up");
  await store.keepAlive(lease.id);
  c.advance(2999);
  assert.equal((await store.get("/n")).kv?.value, "up");
  c.advance(1);
  assert.equal((await store.get("/n")).kv, undefined);
});

test("an unavailable store fails calls with the retryable STORE_UNAVAILABLE and reports no quorum", async () => {
  const store = new MemoryStore(new ManualClock(0));
  store.setAvailable(false);
  await rejectsWithCode(store.get("/k"), "STORE_UNAVAILABLE");
  const s = await store.status();
  assert.equal(s.quorum, false);
  store.setAvailable(true);
  assert.equal((await store.status()).quorum, true);
});

test("a watch from a future revision waits until the store reaches it", async () => {
  const store = new MemoryStore(new ManualClock(0));
  const from = store.currentRevision() + 3;
  const w = collectWatch(store, "/p/", from);
  try {
    for (let i = 0; i < 4; i++) await store.put(`/p/${i}`, "x");
    await w.waitForEvents(2);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      w.events.map((e) => e.kv.key),
      ["/p/2", "/p/3"],
    );
  } finally {
    w.close();
  }
});

test("a closed store refuses every call with STORE_CLOSED", async () => {
  const store = new MemoryStore(new ManualClock(0));
  await store.close();
  await rejectsWithCode(store.put("/k", "v"), "STORE_CLOSED");
  assert.equal((await store.status()).quorum, false);
});

test("requireSwapped turns a lost compare-and-swap into STORE_REVISION_CONFLICT", async () => {
  const store = new MemoryStore(new ManualClock(0));
  const w = await store.put("/cib", "a");
  assert.equal(requireSwapped(await store.compareAndSwap("/cib", w.revision, "b"), "/cib", w.revision), w.revision + 1);
  const lost = await store.compareAndSwap("/cib", w.revision, "c");
  assert.throws(
    () => requireSwapped(lost, "/cib", w.revision),
    (e: unknown) => e instanceof TandemError && e.code === "STORE_REVISION_CONFLICT" && !e.retryable && /changed since it was read/.test(e.message),
  );
});
