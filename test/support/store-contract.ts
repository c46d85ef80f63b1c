/**
 * The `Store` contract: the same cases run against the in-memory adapter
 * (test/unit/store) and against real etcd (test/integration/store), so the fake used by
 * unit tests behaves as the real store does wherever callers can tell.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isTandemError } from "../../src/core/index.js";
import type { Store, WatchBatch, WatchEvent } from "../../src/store/index.js";

export interface StoreFixture {
  readonly store: Store;
  /** Lets a lease of `ttlSec` run out (real time for etcd, the manual clock for memory). */
  waitLeaseExpiry(ttlSec: number): Promise<void>;
  /** Compacts history before `revision`. */
  compact(revision: number): Promise<void>;
  /** A second client of the same store (for concurrent writers). */
  otherClient(): Store;
}

let counter = 0;
const uniquePrefix = (): string => `/contract/${process.pid}/${++counter}/`;

export interface WatchCollector {
  readonly events: WatchEvent[];
  readonly batches: WatchBatch[];
  readonly errors: Error[];
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
  waitForError(timeoutMs?: number): Promise<Error>;
  close(): void;
}

export function collectWatch(store: Store, prefix: string, fromRevision: number, prevKv = false): WatchCollector {
  const events: WatchEvent[] = [];
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  const watch = store.watch(prefix, {
    fromRevision,
    prevKv,
    onEvents: (b) => {
      batches.push(b);
      events.push(...b.events);
    },
    onError: (e) => errors.push(e),
  });
  const until = async (cond: () => boolean, what: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (have ${events.length} events, ${errors.length} errors)`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    events,
    batches,
    errors,
    waitForEvents: (n, timeoutMs = 5000) => until(() => events.length >= n, `${n} events`, timeoutMs),
    async waitForError(timeoutMs = 5000) {
      await until(() => errors.length > 0, "a watch error", timeoutMs);
      return errors[0] as Error;
    },
    close: () => watch.close(),
  };
}

export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isTandemError(e), `expected a TandemError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

export function defineStoreContract(adapter: string, fixture: () => StoreFixture): void {
  describe(`Store contract (${adapter})`, () => {
    test("a put is read back with its revisions, and each write bumps the version", async () => {
      const { store } = fixture();
      const key = `${uniquePrefix()}k`;
      const w1 = await store.put(key, "one");
      const r1 = await store.get(key);
      assert.equal(r1.kv?.value, "one");
      assert.equal(r1.kv?.createRevision, w1.revision);
      assert.equal(r1.kv?.modRevision, w1.revision);
      assert.equal(r1.kv?.version, 1);
      assert.equal(r1.kv?.lease, "0");
      assert.ok(r1.revision >= w1.revision);
      const w2 = await store.put(key, "two ünïcode");
      assert.ok(w2.revision > w1.revision);
      const r2 = await store.get(key);
      assert.equal(r2.kv?.value, "two ünïcode");
      assert.equal(r2.kv?.createRevision, w1.revision);
      assert.equal(r2.kv?.modRevision, w2.revision);
      assert.equal(r2.kv?.version, 2);
    });

    test("an absent key reads as undefined with the current revision", async () => {
      const { store } = fixture();
      const w = await store.put(`${uniquePrefix()}other`, "x");
      const r = await store.get(`${uniquePrefix()}absent`);
      assert.equal(r.kv, undefined);
      assert.ok(r.revision >= w.revision);
    });

    test("a range returns exactly the keys under the prefix, sorted by key", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      for (const k of ["a/2", "a/1", "a/10", "ab", "b/1", "a"]) await store.put(`${p}${k}`, k);
      const r = await store.range(`${p}a/`);
      assert.deepEqual(
        r.kvs.map((kv) => kv.key),
        [`${p}a/1`, `${p}a/10`, `${p}a/2`],
      );
      assert.deepEqual((await store.range(`${p}zz`)).kvs, []);
    });

    test("a read pinned to a revision sees the snapshot of that revision across prefixes", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      await store.put(`${p}cib`, "epoch=1");
      await store.put(`${p}status/n1`, "started");
      const snap = await store.range(p);
      await store.put(`${p}cib`, "epoch=2");
      await store.delete(`${p}status/n1`);
      await store.put(`${p}status/n2`, "new");
      const then = await store.range(p, { revision: snap.revision });
      assert.deepEqual(
        then.kvs.map((kv) => [kv.key, kv.value]),
        [
          [`${p}cib`, "epoch=1"],
          [`${p}status/n1`, "started"],
        ],
      );
      const cibThen = await store.get(`${p}cib`, { revision: snap.revision });
      assert.equal(cibThen.kv?.value, "epoch=1");
      const now = await store.range(p);
      assert.deepEqual(
        now.kvs.map((kv) => kv.value),
        ["epoch=2", "new"],
      );
    });

    test("deletes report how many keys went, and a prefix delete removes only that prefix", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      await store.put(`${p}x/1`, "1");
      await store.put(`${p}x/2`, "2");
      await store.put(`${p}y`, "3");
      assert.equal((await store.delete(`${p}nothing`)).deleted, 0);
      const before = (await store.get(`${p}y`)).revision;
      const d = await store.deletePrefix(`${p}x/`);
      assert.equal(d.deleted, 2);
      assert.ok(d.revision > before);
      assert.deepEqual(
        (await store.range(p)).kvs.map((kv) => kv.key),
        [`${p}y`],
      );
      assert.equal((await store.delete(`${p}y`)).deleted, 1);
    });

    test("compare-and-swap: create-if-absent with revision 0, then only the holder of the current revision wins", async () => {
      const { store } = fixture();
      const key = `${uniquePrefix()}cib`;
      const created = await store.compareAndSwap(key, 0, "v1");
      assert.equal(created.ok, true);
      const again = await store.compareAndSwap(key, 0, "v1-bis");
      assert.equal(again.ok, false);
      if (!again.ok) assert.equal(again.current?.value, "v1");
      const base = (await store.get(key)).kv?.modRevision ?? -1;
      const win = await store.compareAndSwap(key, base, "v2");
      assert.equal(win.ok, true);
      const stale = await store.compareAndSwap(key, base, "v2-stale");
      assert.equal(stale.ok, false);
      if (!stale.ok) {
        assert.equal(stale.current?.value, "v2");
        assert.equal(stale.current?.modRevision, win.revision);
      }
      assert.equal((await store.get(key)).kv?.value, "v2");
    });

    test("two clients swapping from the same base: exactly one wins", async () => {
      const f = fixture();
      const other = f.otherClient();
      try {
        const key = `${uniquePrefix()}cib`;
        const base = (await f.store.put(key, "base")).revision;
        const results = await Promise.all([f.store.compareAndSwap(key, base, "from-a"), other.compareAndSwap(key, base, "from-b")]);
        assert.equal(results.filter((r) => r.ok).length, 1);
        const winner = results[0]?.ok === true ? "from-a" : "from-b";
        assert.equal((await f.store.get(key)).kv?.value, winner);
      } finally {
        if (other !== f.store) await other.close();
      }
    });

    test("compare-and-delete removes the key only at the expected revision", async () => {
      const { store } = fixture();
      const key = `${uniquePrefix()}k`;
      const w = await store.put(key, "v");
      assert.equal((await store.compareAndDelete(key, w.revision - 1)).ok, false);
      assert.equal((await store.compareAndDelete(key, w.revision)).ok, true);
      assert.equal((await store.get(key)).kv, undefined);
    });

    test("a transaction applies all its writes at one revision, or runs its failure branch", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      const a = await store.put(`${p}a`, "1");
      await store.put(`${p}gone`, "x");
      const ok = await store.txn({
        compare: [
          { key: `${p}a`, target: "mod", op: "=", value: a.revision },
          { key: `${p}b`, target: "create", op: "=", value: 0 },
          { key: `${p}a`, target: "value", op: "=", value: "1" },
          { key: `${p}a`, target: "version", op: "<", value: 2 },
        ],
        success: [
          { type: "put", key: `${p}a`, value: "2" },
          { type: "put", key: `${p}b`, value: "new" },
          { type: "delete", key: `${p}gone` },
        ],
        failure: [{ type: "get", key: `${p}a` }],
      });
      assert.equal(ok.succeeded, true);
      assert.deepEqual(ok.results, [{ type: "put" }, { type: "put" }, { type: "delete", deleted: 1 }]);
      const after = await store.range(p);
      assert.deepEqual(
        after.kvs.map((kv) => [kv.key, kv.value, kv.modRevision]),
        [
          [`${p}a`, "2", ok.revision],
          [`${p}b`, "new", ok.revision],
        ],
      );
      const failed = await store.txn({
        compare: [{ key: `${p}a`, target: "mod", op: "=", value: a.revision }],
        success: [{ type: "delete", key: p, prefix: true }],
        failure: [{ type: "get", key: p, prefix: true }],
      });
      assert.equal(failed.succeeded, false);
      const got = failed.results[0];
      assert.equal(got?.type, "get");
      if (got?.type === "get") assert.equal(got.kvs.length, 2);
      assert.equal(failed.revision, ok.revision, "a failed transaction writes nothing");
      // A value comparison on an absent key is false, as in etcd.
      const absent = await store.txn({ compare: [{ key: `${p}none`, target: "value", op: "!=", value: "x" }], success: [] });
      assert.equal(absent.succeeded, false);
    });

    test("a lease binds keys: time-to-live lists them, keep-alive renews, revoke deletes them", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      const lease = await store.grantLease(10);
      assert.equal(lease.ttlSec, 10);
      await store.put(`${p}node`, "up", { lease: lease.id });
      const kv = (await store.get(`${p}node`)).kv;
      assert.equal(kv?.lease, lease.id);
      const ttl = await store.leaseTimeToLive(lease.id);
      assert.ok(ttl !== undefined);
      assert.equal(ttl.grantedTtlSec, 10);
      assert.ok(ttl.remainingSec > 0 && ttl.remainingSec <= 10);
      assert.deepEqual(ttl.keys, [`${p}node`]);
      assert.equal(await store.keepAlive(lease.id), 10);
      const guarded = await store.txn({ compare: [{ key: `${p}node`, target: "lease", op: "=", value: lease.id }], success: [] });
      assert.equal(guarded.succeeded, true);
      await store.revokeLease(lease.id);
      assert.equal((await store.get(`${p}node`)).kv, undefined);
      assert.equal(await store.leaseTimeToLive(lease.id), undefined);
      await rejectsWithCode(store.keepAlive(lease.id), "STORE_LEASE_NOT_FOUND");
      await rejectsWithCode(store.put(`${p}other`, "x", { lease: lease.id }), "STORE_LEASE_NOT_FOUND");
      await rejectsWithCode(store.grantLease(0), "STORE_BAD_REQUEST");
    });

    test("an expired lease deletes its keys and watchers see the deletes", async () => {
      const f = fixture();
      const p = uniquePrefix();
      const lease = await f.store.grantLease(1);
      const w = await f.store.put(`${p}n1`, "up", { lease: lease.id });
      await f.store.put(`${p}n2`, "up", { lease: lease.id });
      await f.store.put(`${p}keep`, "stays");
      const watch = collectWatch(f.store, p, w.revision + 3);
      try {
        await f.waitLeaseExpiry(lease.ttlSec);
        await watch.waitForEvents(2, 8000);
        assert.deepEqual(
          watch.events.map((e) => [e.type, e.kv.key]).sort(),
          [
            ["delete", `${p}n1`],
            ["delete", `${p}n2`],
          ],
        );
        assert.deepEqual(
          (await f.store.range(p)).kvs.map((kv) => kv.key),
          [`${p}keep`],
        );
        await rejectsWithCode(f.store.keepAlive(lease.id), "STORE_LEASE_NOT_FOUND");
      } finally {
        watch.close();
      }
    });

    test("a watch from a past revision replays history, then follows live changes, in order", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      const first = await store.put(`${p}a`, "1");
      await store.put(`${p}b`, "1");
      await store.put(`/elsewhere${p}`, "not mine");
      const watch = collectWatch(store, p, first.revision, true);
      try {
        await watch.waitForEvents(2);
        await store.put(`${p}a`, "2");
        await store.delete(`${p}b`);
        const t = await store.txn({
          compare: [],
          success: [
            { type: "put", key: `${p}c`, value: "1" },
            { type: "put", key: `${p}d`, value: "1" },
          ],
        });
        await watch.waitForEvents(6);
        assert.deepEqual(
          watch.events.map((e) => [e.type, e.kv.key.slice(p.length), e.kv.value]),
          [
            ["put", "a", "1"],
            ["put", "b", "1"],
            ["put", "a", "2"],
            ["delete", "b", ""],
            ["put", "c", "1"],
            ["put", "d", "1"],
          ],
        );
        const revisions = watch.events.map((e) => e.kv.modRevision);
        assert.deepEqual(revisions, [...revisions].sort((x, y) => x - y));
        assert.equal(watch.events[2]?.prevKv?.value, "1", "prevKv of an update");
        assert.equal(watch.events[3]?.prevKv?.value, "1", "prevKv of a delete");
        const lastBatch = watch.batches[watch.batches.length - 1];
        assert.equal(lastBatch?.events.length, 2, "one transaction arrives as one batch");
        assert.equal(lastBatch?.revision, t.revision);
      } finally {
        watch.close();
      }
    });

    test("a closed watch delivers nothing more", async () => {
      const { store } = fixture();
      const p = uniquePrefix();
      const w = await store.put(`${p}a`, "1");
      const watch = collectWatch(store, p, w.revision);
      await watch.waitForEvents(1);
      watch.close();
      await store.put(`${p}a`, "2");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(watch.events.length, 1);
    });

    test("compacted history: reads and watches from before it fail with STORE_COMPACTED", async () => {
      const f = fixture();
      const p = uniquePrefix();
      const old = await f.store.put(`${p}a`, "1");
      const latest = await f.store.put(`${p}a`, "2");
      await f.compact(latest.revision);
      await rejectsWithCode(f.store.get(`${p}a`, { revision: old.revision }), "STORE_COMPACTED");
      const watch = collectWatch(f.store, p, old.revision);
      try {
        const error = await watch.waitForError();
        assert.ok(isTandemError(error));
        assert.equal(error.code, "STORE_COMPACTED");
        assert.equal(watch.events.length, 0);
      } finally {
        watch.close();
      }
      await rejectsWithCode(f.store.get(`${p}a`, { revision: latest.revision + 1000 }), "STORE_FUTURE_REVISION");
      // The caller's recovery: read again, then watch from the read's revision + 1.
      const again = await f.store.get(`${p}a`);
      assert.equal(again.kv?.value, "2");
    });

    test("status reports quorum with the current revision", async () => {
      const { store } = fixture();
      const w = await store.put(`${uniquePrefix()}k`, "v");
      const s = await store.status();
      assert.equal(s.quorum, true);
      if (s.quorum) assert.ok(s.revision >= w.revision);
    });
  });
}
