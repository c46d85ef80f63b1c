/**
 * `npm run bench:balancer [-- --quick] [-- --duration S] [-- --rounds N] [-- --conns 16,64,256]`
 *
 * In a lab (balancer node `bal` holding the VIP, web backends `holly` and `benji` running
 * nginx answering `Hello <Node>`, the client running wrk), contenders alternated in one run:
 *   haproxy-close  HAProxy with the tutorial's config (`option http-server-close`)
 *   haproxy-ka     HAProxy keeping connections to the servers alive (`http-reuse always`)
 *   tandem-l4      Tandem's nftables L4 balancer (ocf:tandem:balancer, round robin)
 *   direct         one backend directly (the ceiling)
 * Prints requests/s, p50/p99 latency, errors and CPU per request: of the HAProxy process
 * (/proc/PID/stat) and of the machine's softirq time (where nftables DNAT runs), medians
 * over the rounds. Then a pool-change phase: wrk against the L4 balancer while a backend
 * leaves and rejoins the pool repeatedly, with drain and with flush. Every wrk run is
 * bounded by its duration; the lab is removed at the end, also on error or Ctrl-C.
 * Root only; nothing leaves the lab's namespaces.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labDown, labPrefix, labUp, runInHost, spawnInHost } from "../src/lab/index.js";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const quick = args.includes("--quick");
const duration = Math.max(1, Math.min(60, Number(opt("--duration") ?? (quick ? "3" : "10"))));
const rounds = Math.max(1, Math.min(9, Number(opt("--rounds") ?? "1")));
const connsList = (opt("--conns") ?? (quick ? "64" : "16,64,256")).split(",").map(Number).filter((n) => n > 0 && n <= 1024);

const LAB = `bnch${process.pid % 100_000}`;
const VIP = "10.10.10.23";
const HOLLY = "10.10.10.24";
const BENJI = "10.10.10.25";
const dir = mkdtempSync(join(tmpdir(), `tandem-bench-lb-${process.pid}-`));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Contender = "haproxy-close" | "haproxy-ka" | "tandem-l4" | "direct";
const CONTENDERS: readonly Contender[] = ["haproxy-close", "haproxy-ka", "tandem-l4", "direct"];
const URL: Record<Contender, string> = {
  "haproxy-close": `http://${VIP}:8001/`,
  "haproxy-ka": `http://${VIP}:8002/`,
  "tandem-l4": `http://${VIP}/`,
  direct: `http://${HOLLY}/`,
};

function nginxConf(node: string, address: string): string {
  const d = join(dir, node);
  return `worker_processes 1;
pid ${d}.pid;
error_log ${d}-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${d}-body; proxy_temp_path ${d}-proxy; fastcgi_temp_path ${d}-fcgi; uwsgi_temp_path ${d}-uwsgi; scgi_temp_path ${d}-scgi;
  server {
    listen ${address}:80 backlog=4096;
    default_type text/plain;
    location / { return 200 "Hello ${node[0]?.toUpperCase() ?? ""}${node.slice(1)}\\n"; }
  }
}
`;
}

function haproxyConf(port: number, keepAlive: boolean): string {
  return `global
    maxconn 4000
    stats socket ${join(dir, `haproxy${port}.sock`)} mode 600 level admin
defaults
    mode http
    ${keepAlive ? "option http-keep-alive\n    http-reuse always" : "option http-server-close"}
    timeout connect 5s
    timeout client 30s
    timeout server 30s
listen apache
    bind ${VIP}:${port} transparent
    balance roundrobin
    server holly ${HOLLY}:80 check
    server benji ${BENJI}:80 check
`;
}

async function inHost(host: string, argv: string[], timeoutMs = 30_000): Promise<string> {
  const r = await runInHost(LAB, host, argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${host}: ${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function balancer(params: Record<string, string>): Promise<void> {
  const env = ["OCF_RESOURCE_INSTANCE=bench-lb", ...Object.entries(params).map(([k, v]) => `OCF_RESKEY_${k}=${v}`)];
  await inHost("bal", ["env", ...env, process.execPath, join(process.cwd(), "dist/src/lb/balancer-main.js"), "start"]);
}

/** Machine PIDs of processes in a namespace whose command line contains `needle`. */
function pidsIn(needle: string, netnsPids: string): number[] {
  return netnsPids.split("\n").map(Number).filter((p) => p > 0).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle);
    } catch {
      return false;
    }
  });
}

function procTicks(pids: readonly number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      sum += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      // gone
    }
  }
  return sum;
}

function machineTicks(): { total: number; softirq: number } {
  const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return { total: user + nice + system + irq + softirq + steal, softirq };
}

const TICK_US = 10_000; // USER_HZ = 100

interface WrkResult {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (m === null) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

function parseWrk(out: string): WrkResult {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? "0");
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = (sock === null ? 0 : sock.slice(1).reduce((a, b) => a + Number(b), 0)) + num(/Non-2xx or 3xx responses: (\d+)/);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    p50: toMs(/50%\s+(\S+)/.exec(out)?.[1] ?? ""),
    p99: toMs(/99%\s+(\S+)/.exec(out)?.[1] ?? ""),
    errors,
  };
}

async function wrk(url: string, conns: number, seconds: number, extra: string[] = []): Promise<WrkResult> {
  const r = await runInHost(LAB, "client", ["wrk", "-t2", `-c${conns}`, `-d${seconds}s`, "--timeout", "2s", "--latency", ...extra, url], (seconds + 30) * 1000);
  if (r.code !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  return parseWrk(r.stdout);
}

interface Sample extends WrkResult {
  procUsPerReq: number | undefined;
  softirqUsPerReq: number;
  totalUsPerReq: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main(): Promise<void> {
  const cleanup = async (): Promise<void> => {
    await labDown(LAB).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    await labUp({ name: LAB, nodes: "bal=22,holly=24,benji=25" });
    for (const [node, address] of [["holly", HOLLY], ["benji", BENJI]] as const) {
      writeFileSync(join(dir, `${node}.conf`), nginxConf(node, address));
      spawnInHost(LAB, node, ["nginx", "-c", join(dir, `${node}.conf`), "-g", "daemon off;"], join(dir, `${node}.log`));
    }
    await inHost("bal", ["ip", "addr", "add", `${VIP}/24`, "dev", "eth0"]);
    for (const [port, ka] of [[8001, false], [8002, true]] as const) {
      writeFileSync(join(dir, `haproxy${port}.cfg`), haproxyConf(port, ka));
      spawnInHost(LAB, "bal", ["haproxy", "-db", "-f", join(dir, `haproxy${port}.cfg`)], join(dir, `haproxy${port}.log`));
    }
    await balancer({ vip: VIP, port: "80", backends: `${HOLLY},${BENJI}` });
    const deadline = Date.now() + 10_000;
    for (const c of CONTENDERS) {
      while ((await runInHost(LAB, "client", ["curl", "-s", "-m", "1", URL[c]])).code !== 0) {
        if (Date.now() > deadline) throw new Error(`${c} does not answer; logs:\n${readdirSync(dir).filter((f) => f.endsWith(".log")).map((f) => `${f}: ${readFileSync(join(dir, f), "utf8")}`).join("\n")}`);
        await sleep(100);
      }
    }
    await sleep(500);
    const balPids = execFileSync("ip", ["netns", "pids", `${labPrefix(LAB)}bal`], { encoding: "utf8" });
    const haproxyPids: Record<string, number[]> = {
      "haproxy-close": pidsIn("haproxy8001.cfg", balPids),
      "haproxy-ka": pidsIn("haproxy8002.cfg", balPids),
    };

    console.log(`bench:balancer: ${duration} s per run, ${rounds} round(s), connections ${connsList.join("/")}, ${CONTENDERS.length} contenders alternated; lab ${LAB}`);
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < rounds; round++) {
      for (const conns of connsList) {
        for (const c of CONTENDERS) {
          const pids = haproxyPids[c] ?? [];
          const p0 = procTicks(pids);
          const m0 = machineTicks();
          const w = await wrk(URL[c], conns, duration);
          const m1 = machineTicks();
          const p1 = procTicks(pids);
          const req = Math.max(1, w.requests);
          const s: Sample = {
            ...w,
            procUsPerReq: pids.length === 0 ? undefined : ((p1 - p0) * TICK_US) / req,
            softirqUsPerReq: ((m1.softirq - m0.softirq) * TICK_US) / req,
            totalUsPerReq: ((m1.total - m0.total) * TICK_US) / req,
          };
          const k = `${c}@${conns}`;
          samples.set(k, [...(samples.get(k) ?? []), s]);
          process.stderr.write(`  round ${round + 1} ${k}: ${w.rps.toFixed(0)} req/s, ${w.errors} errors\n`);
        }
      }
    }

    console.log("");
    console.log("| contender | conns | req/s | p50 ms | p99 ms | errors | balancer process µs/req | softirq µs/req | machine CPU µs/req |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const conns of connsList) {
      for (const c of CONTENDERS) {
        const ss = samples.get(`${c}@${conns}`) ?? [];
        const pick = (f: (s: Sample) => number | undefined): number => median(ss.map((s) => f(s) ?? NaN));
        const proc = pick((s) => s.procUsPerReq);
        console.log(`| ${c} | ${conns} | ${pick((s) => s.rps).toFixed(0)} | ${pick((s) => s.p50).toFixed(2)} | ${pick((s) => s.p99).toFixed(2)} | ${ss.reduce((a, s) => a + s.errors, 0)} | ${Number.isNaN(proc) ? "–" : proc.toFixed(1)} | ${pick((s) => s.softirqUsPerReq).toFixed(1)} | ${pick((s) => s.totalUsPerReq).toFixed(1)} |`);
      }
    }
    const rps = (c: Contender, conns: number): number => median((samples.get(`${c}@${conns}`) ?? []).map((s) => s.rps));
    for (const conns of connsList) {
      const base = rps("haproxy-close", conns);
      console.log(`at ${conns} connections: haproxy-ka ${(rps("haproxy-ka", conns) / base).toFixed(2)}×, tandem-l4 ${(rps("tandem-l4", conns) / base).toFixed(2)}×, direct ${(rps("direct", conns) / base).toFixed(2)}× the tutorial's HAProxy`);
    }

    // Pool changes under load: benji leaves and rejoins every second.
    console.log("");
    console.log("pool changes under load (tandem-l4, 64 connections; benji leaves and rejoins the pool again and again, one re-apply every ~0.5 s plus the agent run):");
    for (const removed of ["drain", "flush"] as const) {
      for (const close of [false, true]) {
        const phaseSeconds = Math.max(3, Math.min(duration, 6));
        const run = wrk(URL["tandem-l4"], 64, phaseSeconds, close ? ["-H", "Connection: close"] : []);
        let changes = 0;
        const end = Date.now() + (phaseSeconds - 1) * 1000;
        while (Date.now() < end) {
          await sleep(500);
          await balancer({ vip: VIP, port: "80", backends: changes % 2 === 0 ? HOLLY : `${HOLLY},${BENJI}`, removed });
          changes++;
        }
        await balancer({ vip: VIP, port: "80", backends: `${HOLLY},${BENJI}` });
        const w = await run;
        console.log(`  removed=${removed}, ${close ? "new connection per request" : "keep-alive"}: ${w.rps.toFixed(0)} req/s, ${changes} pool changes, ${w.errors} errors`);
      }
    }
  } finally {
    await cleanup();
    const left = readdirSync("/run/netns").filter((n) => n.startsWith(labPrefix(LAB)));
    if (left.length > 0) console.error(`warning: namespaces left: ${left.join(", ")}`);
  }
}

await main();
