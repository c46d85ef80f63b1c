import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { EtcdStore } from "../../../src/store/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { defineStoreContract, rejectsWithCode } from "../../support/store-contract.js";

let etcd: EtcdCluster;
let store: EtcdStore;
const others: EtcdStore[] = [];

before(async () => {
  etcd = await startEtcd({ members: 1 });
  store = new EtcdStore({ endpoints: etcd.endpoints });
});

after(async () => {
  await store?.close();
  for (const o of others) await o.close();
  await etcd?.close();
});

function compact(endpoint: string, revision: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}/v3/kv/compaction`, { method: "POST", agent: false }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`compaction: HTTP ${res.statusCode ?? 0}`))));
    });
    req.on("error", reject);
    req.end(JSON.stringify({ revision: String(revision), physical: true }));
  });
}

defineStoreContract("etcd", () => ({
  store,
  // etcd checks expiry every 500 ms; leave it a margin past the TTL.
  waitLeaseExpiry: (ttlSec) => new Promise((r) => setTimeout(r, ttlSec * 1000 + 700)),
  compact: (revision) => compact(etcd.endpoints[0] as string, revision),
  otherClient() {
    const o = new EtcdStore({ endpoints: etcd.endpoints });
    others.push(o);
    return o;
  },
}));

test("a client with no reachable endpoint fails fast with the retryable STORE_UNAVAILABLE", async () => {
  const dead = new EtcdStore({ endpoints: ["http://127.0.0.1:1"], requestTimeoutMs: 300 });
  try {
    const started = performance.now();
    await rejectsWithCode(dead.get("/k"), "STORE_UNAVAILABLE");
    assert.ok(performance.now() - started < 2000);
    const s = await dead.status();
    assert.equal(s.quorum, false);
  } finally {
    await dead.close();
  }
});

test("a bad endpoint URL is refused with STORE_BAD_REQUEST", () => {
  assert.throws(() => new EtcdStore({ endpoints: ["127.0.0.1:2379"] }), /must be http or https|invalid etcd endpoint/);
});

test("a closed client refuses calls with STORE_CLOSED", async () => {
  const c = new EtcdStore({ endpoints: etcd.endpoints });
  await c.close();
  await rejectsWithCode(c.get("/k"), "STORE_CLOSED");
});
