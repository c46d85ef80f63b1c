// Differential test: the same seeded random sequence of writes, reads and transactions on a
// fresh etcd and on the in-memory store gives identical answers — values, revisions,
// versions, lease bindings and watch events. This is what lets unit tests trust the fake.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { isTandemError, ManualClock, SeededRandom } from "../../../src/core/index.js";
import { EtcdStore, MemoryStore, type Store, type TxnRequest } from "../../../src/store/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { collectWatch } from "../../support/store-contract.js";

let etcd: EtcdCluster;
let real: EtcdStore;

before(async () => {
  etcd = await startEtcd({ members: 1 });
  real = new EtcdStore({ endpoints: etcd.endpoints });
});

after(async () => {
  await real?.close();
  await etcd?.close();
});

const KEYS = ["/d/a", "/d/b", "/d/c/1", "/d/c/2", "/d/cc"];

type Op =
  | { kind: "put"; key: string; value: string }
  | { kind: "delete"; key: string }
  | { kind: "deletePrefix"; prefix: string }
  | { kind: "cas"; key: string; expectedFrom: "current" | "stale" | "zero"; value: string }
  | { kind: "txn"; request: TxnRequest }
  | { kind: "range"; prefix: string; back: number };

function randomOp(r: SeededRandom, step: number): Op {
  const key = r.pick(KEYS);
  switch (r.int(0, 5)) {
    case 0:
      return { kind: "put", key, value: `v${step}` };
    case 1:
      return { kind: "delete", key };
    case 2:
      return { kind: "deletePrefix", prefix: r.pick(["/d/c", "/d/c/", "/d/x"]) };
    case 3:
      return { kind: "cas", key, expectedFrom: r.pick(["current", "stale", "zero"] as const), value: `cas${step}` };
    case 4:
      return {
        kind: "txn",
        request: {
          compare: [{ key, target: r.pick(["mod", "create", "version"] as const), op: r.pick(["=", ">", "<", "!="] as const), value: r.int(0, step + 2) }],
          success: [
            { type: "put", key: r.pick(KEYS), value: `t${step}` },
            { type: "delete", key: r.pick(KEYS) },
          ],
          failure: [{ type: "get", key: "/d/", prefix: true }],
        },
      };
    default:
      return { kind: "range", prefix: r.pick(["/d/", "/d/c", "/d/c/"]), back: r.int(0, 3) };
  }
}

async function apply(store: Store, op: Op): Promise<unknown> {
  try {
    return await applyOrThrow(store, op);
  } catch (error) {
    if (isTandemError(error)) return { error: error.code };
    throw error;
  }
}

async function applyOrThrow(store: Store, op: Op): Promise<unknown> {
  switch (op.kind) {
    case "put":
      return store.put(op.key, op.value);
    case "delete":
      return store.delete(op.key);
    case "deletePrefix":
      return store.deletePrefix(op.prefix);
    case "cas": {
      const cur = (await store.get(op.key)).kv?.modRevision ?? 0;
      const expected = op.expectedFrom === "current" ? cur : op.expectedFrom === "zero" ? 0 : Math.max(1, cur - 1);
      return store.compareAndSwap(op.key, expected, op.value);
    }
    case "txn":
      return store.txn(op.request);
    case "range": {
      const now = (await store.get("/none")).revision;
      return store.range(op.prefix, { revision: Math.max(1, now - op.back) });
    }
  }
}

test("etcd and the in-memory store answer 400 seeded random operations identically", async () => {
  const memory = new MemoryStore(new ManualClock(0));
  const seed = Number(process.env["TANDEM_DIFF_SEED"] ?? "20261122");
  const r = new SeededRandom(seed);
  const realWatch = collectWatch(real, "/d/", 1, true);
  const memWatch = collectWatch(memory, "/d/", 1, true);
  try {
    // Both stores start fresh at revision 1, so revisions must match exactly.
    assert.equal((await real.get("/none")).revision, 1);
    let refused = 0;
    for (let step = 0; step < 400; step++) {
      const op = randomOp(r, step);
      const [a, b] = [await apply(real, op), await apply(memory, op)];
      assert.deepEqual(b, a, `seed ${seed}, step ${step}: ${JSON.stringify(op)}`);
      if (typeof a === "object" && a !== null && "error" in a) refused++;
    }
    assert.deepEqual(await memory.range("/d/"), await real.range("/d/"));
    // Lease bindings and expiry by revoke.
    const lr = await real.grantLease(30);
    const lm = await memory.grantLease(30);
    await real.put("/d/leased", "x", { lease: lr.id });
    await memory.put("/d/leased", "x", { lease: lm.id });
    await real.revokeLease(lr.id);
    await memory.revokeLease(lm.id);
    const [fr, fm] = [await real.range("/d/"), await memory.range("/d/")];
    assert.equal(fm.revision, fr.revision);
    assert.deepEqual(
      fm.kvs.map((kv) => ({ ...kv, lease: "0" })),
      fr.kvs.map((kv) => ({ ...kv, lease: "0" })),
    );
    await realWatch.waitForEvents(memWatch.events.length);
    await new Promise((res) => setTimeout(res, 100));
    const norm = (e: (typeof realWatch.events)[number]) => ({ ...e, kv: { ...e.kv, lease: "0" }, ...(e.prevKv === undefined ? {} : { prevKv: { ...e.prevKv, lease: "0" } }) });
    assert.deepEqual(memWatch.events.map(norm), realWatch.events.map(norm));
    console.log(`# differential: 400 operations (${refused} refused alike), ${realWatch.events.length} watch events, final revision ${fr.revision}: identical`);
  } finally {
    realWatch.close();
    memWatch.close();
  }
});
