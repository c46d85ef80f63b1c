// Measures the three detection times of the cluster primitives on this machine and
// prints them (never part of the test run):
//   1. lease-loss detection: a node cut off from etcd learns it lost membership, and how
//      long before the cluster expires its lease (the self-fencing head start);
//   2. DC election failover when the leader stops renewing;
//   3. UDP heartbeat detection of a silent node.
// Usage: npm run bench:cluster [-- ROUNDS]   (default 5 rounds each)
import { EtcdStore } from "../src/store/index.js";
import { campaign, type Leadership, Membership, MembershipView, UdpHeartbeat } from "../src/cluster/index.js";
import { startEtcd } from "../test/support/etcd.js";

const rounds = Math.max(1, Math.min(50, Number(process.argv[2] ?? "5") || 5));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(1);
  }
};
const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)] ?? NaN;
  return `median ${med.toFixed(0)} ms (min ${(s[0] ?? NaN).toFixed(0)}, max ${(s[s.length - 1] ?? NaN).toFixed(0)}, n=${s.length})`;
};

async function leaseLoss(): Promise<void> {
  const etcd = await startEtcd({ members: 3 });
  const stores: EtcdStore[] = [];
  try {
    const detect: number[] = [];
    const headStart: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const node = new EtcdStore({ endpoints: [etcd.endpoints[0] as string], requestTimeoutMs: 500 });
      const obs = new EtcdStore({ endpoints: etcd.endpoints.slice(1), requestTimeoutMs: 500 });
      stores.push(node, obs);
      const cluster = `bench-${i}`;
      const view = await MembershipView.open(obs, cluster);
      const m = new Membership({ store: node, cluster, node: "n1", incarnation: `i${i}`, ttlSec: 2, safetyMarginMs: 500 });
      let lostAt = 0;
      let goneAt = 0;
      m.onLost(() => (lostAt = performance.now()));
      view.onChange((c) => {
        if (c.left.includes("n1")) goneAt = performance.now();
      });
      await m.join();
      await until(() => view.online().includes("n1"), 5000);
      await sleep(300 + Math.random() * 700);
      const cut = performance.now();
      etcd.pause(0);
      await until(() => lostAt > 0 && goneAt > 0, 15_000);
      etcd.resume(0);
      detect.push(lostAt - cut);
      headStart.push(goneAt - lostAt);
      view.close();
      m.abandon();
      await etcd.waitHealthy();
    }
    console.log(`lease-loss detection (TTL 2 s, margin 500 ms): cut → lost ${stats(detect)}`);
    console.log(`  self-fencing head start (lost → cluster sees the node leave): ${stats(headStart)}`);
  } finally {
    for (const s of stores) await s.close();
    await etcd.close();
  }
}

async function electionFailover(): Promise<void> {
  const etcd = await startEtcd({ members: 1 });
  const stores: EtcdStore[] = [];
  try {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const cluster = `bench-e${i}`;
      const ms: { m: Membership; l: Leadership | undefined; at: number }[] = [];
      for (const name of ["a", "b", "c"]) {
        const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 500 });
        stores.push(store);
        const m = new Membership({ store, cluster, node: name, incarnation: name, ttlSec: 2, safetyMarginMs: 500 });
        const lease = await m.join();
        const entry = { m, l: undefined as Leadership | undefined, at: 0 };
        ms.push(entry);
        void campaign({ store, cluster, candidate: name, lease }).then(
          (l) => {
            entry.l = l;
            entry.at = performance.now();
          },
          () => undefined,
        );
      }
      await until(() => ms.some((e) => e.l !== undefined), 5000);
      const leader = ms.find((e) => e.l !== undefined);
      await sleep(Math.random() * 600);
      const stoppedAt = performance.now();
      leader?.m.abandon();
      await until(() => ms.some((e) => e !== leader && e.l !== undefined), 10_000);
      const next = ms.find((e) => e !== leader && e.l !== undefined);
      times.push((next?.at ?? 0) - stoppedAt);
      for (const e of ms) await e.m.leave().catch(() => undefined);
    }
    console.log(`election failover (leader stops renewing, TTL 2 s): ${stats(times)}`);
  } finally {
    for (const s of stores) await s.close();
    await etcd.close();
  }
}

async function heartbeat(): Promise<void> {
  const times: number[] = [];
  let deadAt = 0;
  const open = (node: string, onDead: () => void) =>
    UdpHeartbeat.open({
      cluster: `bench-${process.pid}`,
      node,
      incarnation: node,
      bindAddress: "127.0.0.1",
      port: 0,
      onEvent: (e) => {
        if (e.type === "dead") onDead();
      },
    });
  const a = await open("a", () => undefined);
  const b = await open("b", () => (deadAt = performance.now()));
  try {
    a.setPeers(new Map([["b", b.address()]]));
    b.setPeers(new Map([["a", a.address()]]));
    await sleep(300);
    for (let i = 0; i < rounds * 4; i++) {
      deadAt = 0;
      await sleep(Math.random() * 100);
      const stop = performance.now();
      a.setSending(false);
      await until(() => deadAt > 0, 3000);
      times.push(deadAt - stop);
      a.setSending(true);
      await sleep(250);
    }
    console.log(`heartbeat detection (100 ms interval, 400 ms timeout): stop sending → dead ${stats(times)}`);
  } finally {
    await a.close();
    await b.close();
  }
}

await heartbeat();
await electionFailover();
await leaseLoss();
