// Membership on real etcd: join, the view, and self-fencing ordered before the server-side
// expiry when a node is cut off from etcd (its member paused, the rest of the cluster up).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { EtcdStore } from "../../../src/store/index.js";
import { Membership, MembershipView, nodeKey, type LeaseLoss } from "../../../src/cluster/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";

let etcd: EtcdCluster;
const stores: EtcdStore[] = [];
const storeFor = (endpoints: readonly string[]): EtcdStore => {
  const s = new EtcdStore({ endpoints, requestTimeoutMs: 500 });
  stores.push(s);
  return s;
};

before(async () => {
  etcd = await startEtcd({ members: 3 });
});

after(async () => {
  for (const s of stores) await s.close();
  await etcd?.close();
});

const until = async (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test("nodes join with their lease and the view shows them online; leaving removes them at once", async () => {
  const store = storeFor(etcd.endpoints);
  const view = await MembershipView.open(store, "m1");
  const a = new Membership({ store, cluster: "m1", node: "holly", incarnation: "h1", ttlSec: 2 });
  const b = new Membership({ store: storeFor(etcd.endpoints), cluster: "m1", node: "benji", incarnation: "b1", ttlSec: 2 });
  try {
    const lease = await a.join();
    await b.join();
    await until(() => view.online().length === 2, "two nodes online");
    assert.deepEqual(view.online(), ["benji", "holly"]);
    assert.equal((await store.get(nodeKey("m1", "holly"))).kv?.lease, lease.id);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the TTL: renewals keep them in
    assert.deepEqual(view.online(), ["benji", "holly"]);
    assert.ok(lease.renewals >= 3);
    await a.leave();
    await until(() => view.online().length === 1, "holly gone");
  } finally {
    view.close();
    await a.leave();
    await b.leave();
  }
});

test("a node cut off from etcd declares itself lost before the cluster expires its lease, then rejoins", async () => {
  // holly talks only to member 0; the observer only to members 1 and 2.
  const hollyStore = storeFor([etcd.endpoints[0] as string]);
  const observer = storeFor([etcd.endpoints[1] as string, etcd.endpoints[2] as string]);
  const view = await MembershipView.open(observer, "m2");
  const holly = new Membership({ store: hollyStore, cluster: "m2", node: "holly", incarnation: "h1", ttlSec: 2, safetyMarginMs: 500 });
  let lostAt = 0;
  let loss: LeaseLoss | undefined;
  let goneAt = 0;
  holly.onLost((l) => {
    lostAt = performance.now();
    loss = l;
  });
  view.onChange((c) => {
    if (c.left.includes("holly")) goneAt = performance.now();
  });
  try {
    await holly.join();
    await until(() => view.online().includes("holly"), "holly online");
    await new Promise((r) => setTimeout(r, 800));
    const pausedAt = performance.now();
    etcd.pause(0);
    await until(() => lostAt > 0 && goneAt > 0, "loss and expiry", 15_000);
    etcd.resume(0);
    assert.equal(loss?.reason, "deadline");
    assert.ok(lostAt < goneAt, "self-fenced before the cluster saw the node leave");
    console.log(
      `# lease-loss detection: lost ${(lostAt - pausedAt).toFixed(0)} ms after the cut (${loss?.sinceLastRenewalMs.toFixed(0) ?? "?"} ms after the last renewal); ` +
        `the cluster expired the lease ${(goneAt - lostAt).toFixed(0)} ms later (TTL 2 s, margin 500 ms)`,
    );
    assert.ok((loss?.sinceLastRenewalMs ?? 0) <= 1500 + 400, "declared at TTL − margin (plus timer slack)");
    // Back in the cluster with a new lease.
    await etcd.waitHealthy();
    await holly.join();
    await until(() => view.online().includes("holly"), "holly online again");
    assert.equal(holly.state, "joined");
  } finally {
    etcd.resume(0);
    view.close();
    await holly.leave().catch(() => undefined);
  }
});

test("a node keeps its membership when the etcd member it talks to hangs (renewals move to another member)", async () => {
  const store = storeFor(etcd.endpoints); // member 0 is tried first
  const observer = storeFor([etcd.endpoints[1] as string, etcd.endpoints[2] as string]);
  const view = await MembershipView.open(observer, "m3");
  const holly = new Membership({ store, cluster: "m3", node: "holly", incarnation: "h1", ttlSec: 3 });
  let lost = false;
  holly.onLost(() => (lost = true));
  try {
    const lease = await holly.join();
    await until(() => view.online().includes("holly"), "holly online");
    const before = lease.renewals;
    etcd.pause(0);
    try {
      await new Promise((r) => setTimeout(r, 5000));
    } finally {
      etcd.resume(0);
    }
    assert.equal(lost, false, "membership survived a hung member");
    assert.ok(lease.renewals > before + 1, "renewals went on through the other members");
    assert.deepEqual(view.online(), ["holly"]);
  } finally {
    view.close();
    await etcd.waitHealthy();
    await holly.leave().catch(() => undefined);
  }
});
