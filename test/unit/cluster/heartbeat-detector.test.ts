import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeHeartbeat, encodeHeartbeat, FailureDetector, type Heartbeat, heartbeatPeers, parsePeerAddress } from "../../../src/cluster/index.js";

const hb = (node: string, seq: number, incarnation = `${node}-1`): Heartbeat => ({ cluster: "c", node, incarnation, seq });

test("a peer heard regularly stays alive; silent for the timeout it is declared dead once", () => {
  const d = new FailureDetector({ timeoutMs: 400 });
  d.watch("holly", 0);
  for (let t = 100, s = 0; t <= 1000; t += 100, s++) {
    assert.deepEqual(d.heard(hb("holly", s), t), []);
    assert.deepEqual(d.tick(t), []);
  }
  assert.equal(d.nextCheckMs(), 1400);
  assert.deepEqual(d.tick(1399), []);
  assert.deepEqual(d.tick(1400), [{ type: "dead", node: "holly", atMs: 1400, silentMs: 400 }]);
  assert.deepEqual(d.tick(2000), [], "dead is reported once");
  assert.equal(d.state("holly"), "dead");
  assert.equal(d.nextCheckMs(), undefined);
});

test("a watched peer never heard from gets one timeout of grace, then is dead", () => {
  const d = new FailureDetector({ timeoutMs: 250 });
  d.watch("benji", 1000);
  assert.deepEqual(d.tick(1249), []);
  assert.deepEqual(
    d.tick(1250).map((e) => e.type),
    ["dead"],
  );
});

test("a dead peer heard again is alive again, with how long it was silent", () => {
  const d = new FailureDetector({ timeoutMs: 400 });
  d.watch("holly", 0);
  d.heard(hb("holly", 1), 100);
  d.tick(600);
  assert.deepEqual(d.heard(hb("holly", 2), 900), [{ type: "alive", node: "holly", atMs: 900, silentMs: 800 }]);
  assert.equal(d.state("holly"), "alive");
});

test("reordered or duplicated datagrams do not count as news", () => {
  const d = new FailureDetector({ timeoutMs: 400 });
  d.watch("holly", 0);
  d.heard(hb("holly", 5), 100);
  d.heard(hb("holly", 4), 450); // late datagram: must not extend holly's life
  d.heard(hb("holly", 5), 460);
  assert.equal(d.ignored, 2);
  assert.deepEqual(
    d.tick(500).map((e) => e.type),
    ["dead"],
  );
});

test("a new incarnation is reported as a restart and its sequence starts over", () => {
  const d = new FailureDetector({ timeoutMs: 400 });
  d.watch("holly", 0);
  d.heard(hb("holly", 900), 100);
  assert.deepEqual(d.heard(hb("holly", 0, "holly-2"), 200), [{ type: "restarted", node: "holly", atMs: 200, incarnation: "holly-2" }]);
  assert.deepEqual(d.heard(hb("holly", 1, "holly-2"), 300), []);
});

test("unwatched senders are ignored; several peers time out independently, in name order", () => {
  const d = new FailureDetector({ timeoutMs: 100 });
  d.heard(hb("stranger", 1), 0);
  assert.equal(d.ignored, 1);
  d.watch("b", 0);
  d.watch("a", 0);
  d.watch("c", 0);
  d.heard(hb("c", 1), 50);
  assert.deepEqual(
    d.tick(100).map((e) => e.node),
    ["a", "b"],
  );
  assert.deepEqual(
    d.tick(150).map((e) => e.node),
    ["c"],
  );
  d.unwatch("c");
  assert.deepEqual(d.watched(), ["a", "b"]);
});

test("the wire format round-trips and rejects anything else", () => {
  const h = hb("holly", 42);
  assert.deepEqual(decodeHeartbeat(encodeHeartbeat(h)), h);
  for (const bad of ["", "{}", "not json", '{"t":"tandem-hb","v":2,"c":"c","n":"x","i":"i","s":1}', '{"t":"tandem-hb","v":1,"c":"c","n":"x","i":"i","s":"1"}']) {
    assert.equal(decodeHeartbeat(Buffer.from(bad)), undefined, bad);
  }
  assert.equal(decodeHeartbeat(Buffer.alloc(2000, 32)), undefined);
});

test("heartbeat peers come from the members' published addresses, without ourselves", () => {
  assert.deepEqual(parsePeerAddress("10.0.0.1:5405"), { address: "10.0.0.1", port: 5405 });
  assert.deepEqual(parsePeerAddress("[fd00::1]:5405"), { address: "fd00::1", port: 5405 });
  for (const bad of ["10.0.0.1", "10.0.0.1:0", "10.0.0.1:70000", "fd00::1:5405", ""]) assert.equal(parsePeerAddress(bad), undefined, bad);
  const nodes = new Map<string, { info: Record<string, string> }>([
    ["a", { info: { heartbeat: "127.0.0.1:1000" } }],
    ["b", { info: { heartbeat: "127.0.0.1:1001" } }],
    ["c", { info: {} }],
    ["d", { info: { heartbeat: "nonsense" } }],
  ]);
  assert.deepEqual([...heartbeatPeers(nodes, "a")], [["b", { address: "127.0.0.1", port: 1001 }]]);
});
