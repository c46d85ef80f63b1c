// The etcd adapter against a three-member cluster: failover between members, watches that
// resume after their member dies without losing or repeating events, and quorum status.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { isTandemError } from "../../../src/core/index.js";
import { EtcdStore } from "../../../src/store/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { collectWatch } from "../../support/store-contract.js";

let etcd: EtcdCluster;
const clients: EtcdStore[] = [];
const client = (endpoints: readonly string[], requestTimeoutMs = 800): EtcdStore => {
  const c = new EtcdStore({ endpoints, requestTimeoutMs });
  clients.push(c);
  return c;
};

before(async () => {
  etcd = await startEtcd({ members: 3 });
});

after(async () => {
  for (const c of clients) await c.close();
  await etcd?.close();
});

test("reads and writes fail over to the next member when the current one dies", async () => {
  const store = client(etcd.endpoints);
  await store.put("/failover/a", "1");
  await etcd.kill(0);
  try {
    // If the dead member led, the others elect a leader first (up to ~1 s with a 500 ms
    // election timeout): meanwhile calls fail with the retryable STORE_UNAVAILABLE, and a
    // caller retries, as the daemon does.
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await store.put("/failover/a", "2");
        break;
      } catch (error) {
        assert.ok(isTandemError(error) && error.code === "STORE_UNAVAILABLE" && error.retryable, String(error));
        assert.ok(attempt < 10, "no failover within 10 attempts");
      }
    }
    assert.equal((await store.get("/failover/a")).kv?.value, "2");
    console.log(`# write after the current member died: ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await etcd.restart(0);
  }
});

test("a watch resumes on another member after its member dies: no event lost, none repeated", async () => {
  const store = client(etcd.endpoints);
  const writer = client([etcd.endpoints[2] as string]);
  const start = await writer.put("/resume/seed", "0");
  const watch = collectWatch(store, "/resume/", start.revision + 1);
  try {
    for (let i = 1; i <= 5; i++) await writer.put(`/resume/k${i}`, String(i));
    await watch.waitForEvents(5);
    await etcd.kill(0); // the watch's member (endpoint 0 is tried first)
    for (let i = 6; i <= 15; i++) await writer.put(`/resume/k${i}`, String(i));
    await watch.waitForEvents(15, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      watch.events.map((e) => e.kv.value),
      Array.from({ length: 15 }, (_, i) => String(i + 1)),
    );
    assert.equal(watch.errors.length, 0);
  } finally {
    watch.close();
    await etcd.restart(0);
  }
});

test("status: quorum while a majority runs, no quorum when two of three members are down", async () => {
  const store = client(etcd.endpoints, 600);
  assert.equal((await store.status()).quorum, true);
  await etcd.kill(1);
  // Give a possible leader election the time it needs.
  assert.equal((await store.status({ timeoutMs: 4000 })).quorum, true, "two of three is a majority");
  await etcd.kill(2);
  try {
    const started = performance.now();
    const s = await store.status();
    assert.equal(s.quorum, false);
    if (!s.quorum) assert.equal(s.code, "STORE_UNAVAILABLE");
    console.log(`# no-quorum status answered in ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await Promise.all([etcd.restart(1), etcd.restart(2)]);
  }
  const deadline = Date.now() + 10_000;
  while (!(await store.status()).quorum) {
    assert.ok(Date.now() < deadline, "quorum did not come back");
    await new Promise((r) => setTimeout(r, 100));
  }
});

test("a watch survives the loss of quorum and sees the writes made after it returns", async () => {
  const store = client(etcd.endpoints);
  const writer = client(etcd.endpoints, 3000);
  const start = await writer.put("/quorum/seed", "0");
  const watch = collectWatch(store, "/quorum/", start.revision + 1);
  try {
    await writer.put("/quorum/a", "1");
    await watch.waitForEvents(1);
    await etcd.kill(1);
    await etcd.kill(2);
    await new Promise((r) => setTimeout(r, 1000)); // member 0 alone, without a leader
    await Promise.all([etcd.restart(1), etcd.restart(2)]);
    await writer.put("/quorum/b", "2");
    await watch.waitForEvents(2, 10_000);
    assert.deepEqual(
      watch.events.map((e) => e.kv.value),
      ["1", "2"],
    );
    assert.equal(watch.errors.length, 0);
  } finally {
    watch.close();
  }
});

test("a watch on a hung member (SIGSTOP) moves to another member and loses nothing", async () => {
  const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 500, watchProbeIntervalMs: 300 });
  clients.push(store);
  const writer = client([etcd.endpoints[1] as string, etcd.endpoints[2] as string], 3000);
  const start = await writer.put("/hung/seed", "0");
  const watch = collectWatch(store, "/hung/", start.revision + 1);
  try {
    await writer.put("/hung/a", "1");
    await watch.waitForEvents(1);
    etcd.pause(0);
    const pausedAt = performance.now();
    await writer.put("/hung/b", "2");
    await writer.put("/hung/c", "3");
    await watch.waitForEvents(3, 10_000);
    console.log(`# watch moved off a hung member in ${(performance.now() - pausedAt).toFixed(0)} ms (probe every 300 ms, timeout 500 ms)`);
    assert.deepEqual(
      watch.events.map((e) => e.kv.value),
      ["1", "2", "3"],
    );
  } finally {
    watch.close();
    etcd.resume(0);
    await etcd.waitHealthy();
  }
});
