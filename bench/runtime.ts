/**
 * `npm run bench:runtime`: the runtime's two headline numbers, measured on this machine
 * with real etcd and real tandemd processes on loopback (never part of the test run).
 *
 * 1. Failover: median time from `kill -9` of the tandemd running a Dummy (default
 *    settings: 100 ms heartbeats, 400 ms timeout) to the Dummy running on another node
 *    (its start recorded in etcd). Goal: under 1 s.
 * 2. Idle cost: CPU (% of one core) and RSS of one tandemd running 100 Dummies with a
 *    10 s monitor each. Goal: under 2 % and 100 MiB.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cibKey, readSnapshot, type ClusterSnapshot } from "../src/controller/index.js";
import { EtcdStore } from "../src/store/index.js";
import { startEtcd } from "../test/support/etcd.js";
import { killAllDaemons, killDaemon, startDaemon, stopDaemon, waitFor, writeNodeConfig, type DaemonHandle } from "../test/support/tandemd.js";

function cib(nodes: string[], resources: number, monitor: string): string {
  const prims = Array.from({ length: resources }, (_, i) =>
    `<primitive id="d${i}" class="ocf" provider="tandem" type="Dummy"><operations><op id="d${i}-mon" name="monitor" interval="${monitor}"/></operations></primitive>`).join("");
  return `<cib admin_epoch="0" epoch="2" num_updates="0" validate-with="pacemaker-3.1"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join("")}</nodes><resources>${prims}</resources><constraints/></configuration><status/></cib>`;
}

function runningOn(s: ClusterSnapshot, rsc: string): string[] {
  return [...s.reports].filter(([n, r]) => s.members.has(n) && r.ops.some((o) => o.id === `${rsc}_last_0` && o.rcCode === 0 && (o.operation === "start" || o.operation === "monitor"))).map(([n]) => n);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const etcd = await startEtcd({ members: 1 });
  const store = new EtcdStore({ endpoints: etcd.endpoints });
  const dir = mkdtempSync(join(tmpdir(), `tandem-bench-${process.pid}-`));
  try {
    // --- failover ---
    const cluster = `bf${process.pid}`;
    const nodes = ["n1", "n2", "n3"];
    await store.put(cibKey(cluster), cib(nodes, 1, "2s"));
    const daemons = new Map<string, DaemonHandle>();
    const start = (n: string): void => {
      daemons.set(n, startDaemon(writeNodeConfig(dir, cluster, n, etcd.endpoints, { lease_ttl_sec: 2 }), n, join(dir, n)));
    };
    nodes.forEach(start);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const s = await waitFor("settled", async () => {
        const snap = await readSnapshot(store, cluster);
        return snap.members.size === 3 && runningOn(snap, "d0").length === 1 && snap.actions.size === 0 ? snap : undefined;
      }, 30_000);
      const victim = runningOn(s, "d0")[0] as string;
      const t0 = performance.now();
      await killDaemon(daemons.get(victim) as DaemonHandle);
      await waitFor("failover", async () => (runningOn(await readSnapshot(store, cluster), "d0").some((n) => n !== victim) ? true : undefined), 20_000, 5);
      times.push(performance.now() - t0);
      await waitFor("lease expiry", async () => ((await readSnapshot(store, cluster)).members.has(victim) ? undefined : true), 10_000);
      start(victim);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(`failover after kill -9 (5 rounds): median ${median.toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms, max ${times[times.length - 1]?.toFixed(0)} ms (goal < 1000 ms)`);
    for (const d of daemons.values()) await stopDaemon(d);

    // --- idle cost ---
    const idle = `bi${process.pid}`;
    await store.put(cibKey(idle), cib(["solo"], 100, "10s"));
    const d = startDaemon(writeNodeConfig(dir, idle, "solo", etcd.endpoints), "solo", join(dir, "idle-solo"));
    await waitFor("100 resources running", async () => {
      const snap = await readSnapshot(store, idle);
      const ops = snap.reports.get("solo")?.ops ?? [];
      return ops.filter((o) => o.operation === "monitor" && o.intervalMs === 10_000).length === 100 && snap.actions.size === 0 ? true : undefined;
    }, 60_000, 100);
    await new Promise((r) => setTimeout(r, 3000));
    const pid = d.pid as number;
    const hz = 100;
    const t0 = performance.now();
    const c0 = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, 20_000));
    const cpu = ((cpuTicks(pid) - c0) / hz / ((performance.now() - t0) / 1000)) * 100;
    console.log(`idle tandemd with 100 monitored Dummies (10 s monitors), over 20 s: CPU ${cpu.toFixed(2)} % of one core, RSS ${rssMiB(pid).toFixed(1)} MiB (goals < 2 %, < 100 MiB)`);
    await stopDaemon(d);
  } finally {
    await killAllDaemons();
    await store.close();
    await etcd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
