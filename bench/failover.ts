/**
 * `npm run bench:failover` (root): failover of the seed-000 cluster, measured from a client.
 * Each run builds the seed-000 lab (benji, holly; the tutorial's commands replayed with
 * `tandem`), then the client opens a new connection to the VIP every 20 ms for 30 s; at
 * 10 s the VIP holder dies (`lab kill`: link cut, every process killed). Printed per run
 * and as median/min/max over the runs:
 *   - recovery: from the kill to the first answer to a request sent after the kill,
 *   - failed requests (whole run), and failed after the VIP was back (HAProxy still
 *     sending to the dead web server until its health check marks it down),
 *   - the round-robin split before the kill.
 * Options: --runs N (default 5), --quick (one run of 15 s, kill at 5 s). Every lab is torn
 * down, also on failure or Ctrl-C.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findHost, killHost, labDown, requireLabState, runInHost } from "../src/lab/index.js";
import { runChecked } from "../src/net/index.js";
import { SEED000_VIP, upSeed000 } from "../src/lab/seed000.js";

interface Sample {
  sent: number;
  done: number;
  body?: string;
}

interface RunResult {
  killed: string;
  recoveryMs: number | undefined;
  failed: number;
  failedAfterBack: number;
  requests: number;
  split: Record<string, number>;
}

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runsIndex = args.indexOf("--runs");
const runs = quick ? 1 : runsIndex >= 0 ? Number(args[runsIndex + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write("usage: bench/failover.js [--runs N (1-50)] [--quick]\n");
  process.exit(2);
}
const DURATION_MS = quick ? 15_000 : 30_000;
const KILL_AT_MS = quick ? 5_000 : 10_000;
const INTERVAL_MS = 20;
const REQUEST_TIMEOUT_MS = 2_000;
const CLIENT = join(dirname(fileURLToPath(import.meta.url)), "vip-client.js");

let current: string | undefined;
const cleanupAndExit = (): void => {
  const lab = current;
  if (lab === undefined) process.exit(130);
  // A lab still being built may gain a namespace after the first pass: sweep twice.
  void labDown(lab)
    .catch(() => undefined)
    .then(() => new Promise((r) => setTimeout(r, 1_000)))
    .then(() => labDown(lab))
    .finally(() => process.exit(130));
};
process.on("SIGINT", cleanupAndExit);
process.on("SIGTERM", cleanupAndExit);

function analyse(samples: Sample[], killAt: number, killed: string): RunResult {
  const before = samples.filter((s) => s.sent < killAt && s.body !== undefined);
  const split: Record<string, number> = {};
  for (const s of before) split[s.body as string] = (split[s.body as string] ?? 0) + 1;
  const firstBack = samples.filter((s) => s.sent >= killAt && s.body !== undefined).sort((a, b) => a.done - b.done)[0];
  const failed = samples.filter((s) => s.body === undefined);
  const backAt = firstBack?.done;
  return {
    killed,
    recoveryMs: backAt === undefined ? undefined : backAt - killAt,
    failed: failed.length,
    failedAfterBack: backAt === undefined ? 0 : failed.filter((s) => s.sent > backAt).length,
    requests: samples.length,
    split,
  };
}

async function oneRun(index: number): Promise<RunResult> {
  const lab = `fo${process.pid % 100_000}r${index}`;
  current = lab;
  try {
    const { vipNode } = await upSeed000(lab);
    const startedAt = Date.now();
    const client = runInHost(lab, "client", [process.execPath, CLIENT, `http://${SEED000_VIP}/`, String(DURATION_MS), String(INTERVAL_MS), String(REQUEST_TIMEOUT_MS)], DURATION_MS + 30_000);
    await new Promise((r) => setTimeout(r, KILL_AT_MS));
    // Node death starts when its link is cut (as killHost does first); timed here, exactly.
    // (killAt is taken once `ip` returns, so no answer from the old holder counts as recovery.)
    const state = requireLabState(lab);
    await runChecked(["ip", "-n", state.switchNetns, "link", "set", findHost(state, vipNode).port, "down"]);
    const killAt = Date.now();
    await killHost(lab, vipNode);
    const out = await client;
    if (out.code !== 0) throw new Error(`the client failed (${out.code}): ${out.stderr}`);
    const samples = JSON.parse(out.stdout) as Sample[];
    if (samples.length === 0 || (samples[0]?.sent ?? 0) < startedAt - 1000) throw new Error("the client sent nothing");
    return analyse(samples, killAt, vipNode);
  } finally {
    await labDown(lab);
    current = undefined;
  }
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? (sorted[(sorted.length - 1) / 2] as number) : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return `median ${median}, min ${sorted[0]}, max ${sorted[sorted.length - 1]}`;
}

const results: RunResult[] = [];
console.log(`failover benchmark: seed-000 lab, a new connection to ${SEED000_VIP} every ${INTERVAL_MS} ms for ${DURATION_MS / 1000} s, VIP holder killed at ${KILL_AT_MS / 1000} s; ${runs} run(s)`);
for (let i = 1; i <= runs; i++) {
  const r = await oneRun(i);
  results.push(r);
  const split = Object.entries(r.split).map(([k, v]) => `${k}: ${v}`).join(", ");
  console.log(`run ${i}: killed ${r.killed}; VIP answered again after ${r.recoveryMs === undefined ? "never" : `${(r.recoveryMs / 1000).toFixed(3)} s`}; ${r.failed} of ${r.requests} requests failed, ${r.failedAfterBack} after the VIP was back; before the kill ${split}`);
}
const recovered = results.filter((r) => r.recoveryMs !== undefined).map((r) => (r.recoveryMs as number) / 1000);
console.log(`recovery (s): ${recovered.length === 0 ? "never" : stats(recovered.map((v) => Number(v.toFixed(3))))}${recovered.length < results.length ? ` (${results.length - recovered.length} runs never recovered)` : ""}`);
console.log(`failed requests: ${stats(results.map((r) => r.failed))}`);
console.log(`failed after the VIP was back: ${stats(results.map((r) => r.failedAfterBack))}`);
