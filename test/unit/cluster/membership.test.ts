import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, TandemError } from "../../../src/core/index.js";
import { MemoryStore } from "../../../src/store/index.js";
import { Membership, MembershipView, type MembershipChange, nodeKey } from "../../../src/cluster/index.js";
import { ManualTimers, settle } from "../../support/manual-timers.js";

function setup() {
  const clock = new ManualClock(50_000);
  const timers = new ManualTimers(clock);
  const store = new MemoryStore(clock);
  const member = (node: string, incarnation = `${node}-1`) =>
    new Membership({ store, cluster: "c1", node, incarnation, ttlSec: 3, safetyMarginMs: 500, clock, timers, info: { addr: `10.0.0.${node.length}` } });
  return { clock, timers, store, member };
}

test("joining writes the node key bound to the lease, and the view sees it online", async () => {
  const { store, member } = setup();
  const view = await MembershipView.open(store, "c1");
  const changes: MembershipChange[] = [];
  view.onChange((c) => changes.push(c));
  const holly = member("holly");
  const lease = await holly.join();
  await member("benji").join();
  await settle();
  const kv = (await store.get(nodeKey("c1", "holly"))).kv;
  assert.equal(kv?.lease, lease.id);
  assert.deepEqual(view.online(), ["benji", "holly"]);
  assert.equal(view.nodes().get("holly")?.info["addr"], "10.0.0.5");
  assert.deepEqual(
    changes.map((c) => c.joined.map((r) => r.name)),
    [["holly"], ["benji"]],
  );
  await holly.leave();
  await settle();
  assert.deepEqual(view.online(), ["benji"]);
  assert.deepEqual(changes[changes.length - 1]?.left, ["holly"]);
  view.close();
});

test("a node that cannot renew learns it lost membership before the others see it leave", async () => {
  const { store, timers, member } = setup();
  const view = await MembershipView.open(store, "c1");
  const holly = member("holly");
  await holly.join();
  const events: string[] = [];
  holly.onLost((l) => events.push(`holly lost (${l.reason}) while view has [${view.online().join(" ")}]`));
  view.onChange((c) => c.left.forEach((n) => events.push(`view: ${n} left`)));
  await timers.advance(1000); // renewed at t+1000: the store keeps the lease until t+4000
  store.setAvailable(false);
  await timers.advance(2600); // deadline at t+3500 (TTL − 500 ms margin)
  store.setAvailable(true);
  await timers.advance(1000);
  store.expireLeases();
  await settle();
  assert.deepEqual(events, ["holly lost (deadline) while view has [holly]", "view: holly left"]);
  assert.equal(holly.state, "lost");
  // Rejoin with a new lease.
  const again = await holly.join();
  assert.equal(holly.state, "joined");
  await settle();
  assert.deepEqual(view.online(), ["holly"]);
  assert.equal((await store.get(nodeKey("c1", "holly"))).kv?.lease, again.id);
  view.close();
  await holly.leave();
});

test("rejoining before the old lease expired takes the key over and revokes the old lease", async () => {
  const { store, timers, member } = setup();
  const holly = member("holly");
  const old = await holly.join();
  store.setAvailable(false);
  await timers.advance(2600); // lost locally at 2500; the store keeps the lease until 3000
  store.setAvailable(true);
  assert.equal(holly.state, "lost");
  assert.ok((await store.leaseTimeToLive(old.id)) !== undefined, "old lease still alive in the store");
  const fresh = await holly.join();
  assert.equal((await store.get(nodeKey("c1", "holly"))).kv?.lease, fresh.id);
  assert.equal(await store.leaseTimeToLive(old.id), undefined, "old lease revoked");
  await holly.leave();
});

test("a second daemon with the same node name is refused while the first holds it", async () => {
  const { member } = setup();
  await member("holly", "A").join();
  await assert.rejects(member("holly", "B").join(), (e: unknown) => e instanceof TandemError && e.code === "CLUSTER_NODE_NAME_IN_USE" && e.retryable);
});

test("the same daemon rejoining while its old key still exists takes it over", async () => {
  const { store, member } = setup();
  const first = member("holly", "A");
  const old = await first.join();
  first.abandon(); // stops renewing; the old key stays until the lease runs out
  const second = member("holly", "A");
  const lease = await second.join();
  assert.notEqual(lease.id, old.id);
  assert.equal((await store.get(nodeKey("c1", "holly"))).kv?.lease, lease.id);
  await second.leave();
});

test("invalid node names are refused", () => {
  const { store } = setup();
  for (const node of ["", "a/b", "has space", "-x"]) {
    assert.throws(
      () => new Membership({ store, cluster: "c", node, incarnation: "i" }),
      (e: unknown) => e instanceof TandemError && e.code === "CLUSTER_BAD_NODE_NAME",
    );
  }
});
