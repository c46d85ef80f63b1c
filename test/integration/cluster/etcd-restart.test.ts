// A restart of a single-member etcd (the "etcd restart" case): members keep their
// membership (the outage is shorter than the self-fencing window), the DC keeps its
// leadership and epoch, and watches resume without losing the writes made around it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EtcdStore } from "../../../src/store/index.js";
import { campaign, Membership, MembershipView } from "../../../src/cluster/index.js";
import { startEtcd } from "../../support/etcd.js";
import { collectWatch } from "../../support/store-contract.js";

test("an etcd restart shorter than the self-fencing window costs no membership, no leadership, no event", async () => {
  const etcd = await startEtcd({ members: 1 });
  const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 500, watchProbeIntervalMs: 500 });
  const writer = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 500 });
  try {
    const membership = new Membership({ store, cluster: "r", node: "holly", incarnation: "h1", ttlSec: 5 });
    let lost = false;
    membership.onLost(() => (lost = true));
    const lease = await membership.join();
    const dc = await campaign({ store, cluster: "r", candidate: "holly", lease });
    let stepDown = false;
    dc.onLost(() => (stepDown = true));
    const view = await MembershipView.open(store, "r");
    const start = await writer.put("/r/data/seed", "0");
    const watch = collectWatch(store, "/r/data/", start.revision + 1);
    try {
      await writer.put("/r/data/a", "1");
      await watch.waitForEvents(1);
      const downAt = performance.now();
      await etcd.stop(0);
      await etcd.restart(0);
      const outageMs = performance.now() - downAt;
      // Writes right after the restart, retried as a caller would while etcd settles.
      for (const [k, v] of [["b", "2"], ["c", "3"]] as const) {
        for (let i = 0; ; i++) {
          try {
            await writer.put(`/r/data/${k}`, v);
            break;
          } catch (error) {
            if (i > 20) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
      await watch.waitForEvents(3, 10_000);
      assert.deepEqual(
        watch.events.map((e) => e.kv.value),
        ["1", "2", "3"],
      );
      await new Promise((r) => setTimeout(r, 2000)); // a few renewals after the restart
      console.log(`# etcd restart: down ${outageMs.toFixed(0)} ms; membership, leadership (epoch ${dc.epoch}) and the watch survived`);
      assert.equal(lost, false, "membership survived");
      assert.equal(stepDown, false, "leadership survived");
      assert.equal(dc.isLeader, true);
      assert.deepEqual(view.online(), ["holly"]);
      const guarded = await dc.fencedTxn([], [{ type: "put", key: "/r/dc-write", value: "ok" }]);
      assert.equal(guarded.succeeded, true, "the epoch still guards writes after the restart");
    } finally {
      watch.close();
      view.close();
      await membership.leave().catch(() => undefined);
    }
  } finally {
    await store.close();
    await writer.close();
    await etcd.close();
  }
});
