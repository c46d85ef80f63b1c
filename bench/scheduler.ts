/**
 * `npm run bench:scheduler [-- --sizes 16x500,32x1000 --runs 3 --budget 300 --full --no-crm --no-phases]`
 *
 * Generates benchmark CIBs (nodes × primitives, one constraint per resource, probe
 * history in status), then times `tandem simulate -x FILE` as a whole process and
 * Debian's `crm_simulate -R -Q -x FILE` alternately, and prints the median wall time,
 * the peak resident memory (/usr/bin/time's %M) and the ratio. crm_simulate needs about
 * two minutes and 4.6 GiB at 64×5000, so it runs there only with --full; a time budget
 * (seconds, default 300) stops further crm_simulate runs once spent, and says so. One
 * extra in-process run per size shows where Tandem's time goes (parse, readCib,
 * schedule, render).
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCib, readCib } from "../src/cib/index.js";
import { schedule } from "../src/scheduler/index.js";
import { renderSimulateText } from "../src/scheduler/render/index.js";
import { generateBenchCib } from "../src/scheduler/testing/index.js";

interface Phases {
  parseMs: number;
  readCibMs: number;
  scheduleMs: number;
  renderMs: number;
}

/** Where the time goes inside one in-process run (XML parse, CIB model, schedule, text). */
function phases(text: string): Phases {
  const t0 = performance.now();
  const doc = parseCib(text);
  const t1 = performance.now();
  const model = readCib(doc);
  const t2 = performance.now();
  const result = schedule({ cib: model, nowSec: 1_700_000_000 });
  const t3 = performance.now();
  renderSimulateText(result);
  const t4 = performance.now();
  return { parseMs: t1 - t0, readCibMs: t2 - t1, scheduleMs: t3 - t2, renderMs: t4 - t3 };
}

interface RunResult {
  seconds: number;
  peakMiB: number;
  ok: boolean;
  error?: string;
}

interface SizeResult {
  nodes: number;
  primitives: number;
  fileMiB: number;
  tandem: RunResult[];
  crm: RunResult[];
  crmSkipped?: string;
  phases?: Phases;
}

const TIME = "/usr/bin/time";

function timed(cmd: string, args: string[]): RunResult {
  const useTime = existsSync(TIME);
  const started = performance.now();
  const r = useTime
    ? spawnSync(TIME, ["-f", "TANDEM_BENCH %M", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const m = /TANDEM_BENCH (\d+)/.exec(r.stderr ?? "");
  const peakMiB = m?.[1] !== undefined ? Number.parseInt(m[1], 10) / 1024 : Number.NaN;
  const ok = r.status === 0;
  const result: RunResult = { seconds, peakMiB, ok };
  if (!ok) result.error = (r.stderr ?? "").split("\n").filter((l) => l.length > 0 && !l.startsWith("TANDEM_BENCH")).slice(-3).join(" | ") || `exit ${String(r.status)}`;
  return result;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

function main(argv: string[]): number {
  let sizes = "16x500,32x1000,32x2000,64x5000";
  let runs = 3;
  let budgetSec = 300;
  let full = false;
  let crm = true;
  let showPhases = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === "--sizes") sizes = v();
    else if (a === "--runs") runs = Number.parseInt(v(), 10);
    else if (a === "--budget") budgetSec = Number.parseFloat(v());
    else if (a === "--full") full = true;
    else if (a === "--no-crm") crm = false;
    else if (a === "--no-phases") showPhases = false;
    else {
      process.stderr.write(`bench: unknown argument '${a}'\n`);
      return 2;
    }
  }
  const parsed = sizes.split(",").map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (m === null) throw new Error(`bad size '${s}' (want NODESxPRIMITIVES)`);
    return { nodes: Number(m[1]), primitives: Number(m[2]) };
  });
  const haveCrm = crm && spawnSync("crm_simulate", ["--version"], { stdio: "ignore" }).status === 0;
  if (crm && !haveCrm) process.stdout.write("crm_simulate not found: timing tandem only\n");
  const dir = mkdtempSync(join(tmpdir(), `tandem-bench-${process.pid}-`));
  const started = performance.now();
  const results: SizeResult[] = [];
  try {
    process.stdout.write(`size         file    tandem s  tandem MiB   crm_simulate s  crm MiB   ratio\n`);
    for (const { nodes, primitives } of parsed) {
      const text = generateBenchCib(nodes, primitives);
      const file = join(dir, `bench-${nodes}x${primitives}.xml`);
      writeFileSync(file, text);
      const res: SizeResult = { nodes, primitives, fileMiB: Buffer.byteLength(text) / 1048576, tandem: [], crm: [] };
      const big = nodes * primitives >= 64 * 5000;
      const crmRuns = !haveCrm ? 0 : big && !full ? 0 : big ? 1 : runs;
      if (haveCrm && big && !full) res.crmSkipped = "skipped at this size without --full (about 2 minutes and 4.6 GiB per run)";
      for (let i = 0; i < Math.max(runs, crmRuns); i++) {
        if (i < runs) res.tandem.push(timed(process.execPath, ["bin/tandem.js", "simulate", "-x", file]));
        if (i < crmRuns) {
          const spent = (performance.now() - started) / 1000;
          if (spent > budgetSec && res.crm.length > 0) {
            res.crmSkipped = `time budget of ${budgetSec} s spent after ${res.crm.length} run(s)`;
          } else if (spent > budgetSec && !full) {
            res.crmSkipped = `time budget of ${budgetSec} s spent`;
          } else {
            res.crm.push(timed("crm_simulate", ["-R", "-Q", "-x", file]));
          }
        }
      }
      results.push(res);
      const tOk = res.tandem.filter((r) => r.ok);
      const cOk = res.crm.filter((r) => r.ok);
      const t = median(tOk.map((r) => r.seconds));
      const c = median(cOk.map((r) => r.seconds));
      const peak = (rs: readonly RunResult[]): number => {
        const xs = rs.map((r) => r.peakMiB).filter(Number.isFinite);
        return xs.length > 0 ? Math.max(...xs) : Number.NaN;
      };
      const tm = peak(tOk);
      const cm = peak(cOk);
      process.stdout.write(
        `${`${nodes}x${primitives}`.padEnd(10)} ${fmt(res.fileMiB, 1).padStart(6)}M ${fmt(t).padStart(9)} ${fmt(tm, 0).padStart(11)} ${fmt(c).padStart(16)} ${fmt(cm, 0).padStart(8)} ${(Number.isFinite(c / t) ? `${fmt(c / t, 1)}x` : "-").padStart(7)}\n`,
      );
      if (showPhases) {
        const p = phases(text);
        res.phases = p;
        process.stdout.write(
          `  in-process: parse ${fmt(p.parseMs / 1000)} s, readCib ${fmt(p.readCibMs / 1000)} s, schedule ${fmt(p.scheduleMs / 1000)} s, render ${fmt(p.renderMs / 1000)} s\n`,
        );
      }
      for (const r of res.tandem.filter((x) => !x.ok)) process.stdout.write(`  tandem failed: ${r.error ?? ""}\n`);
      for (const r of res.crm.filter((x) => !x.ok)) process.stdout.write(`  crm_simulate failed: ${r.error ?? ""}\n`);
      if (res.crmSkipped !== undefined) process.stdout.write(`  crm_simulate ${res.crmSkipped}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`(medians of ${runs} run(s); peak = max resident set size; ${((performance.now() - started) / 1000).toFixed(0)} s in all)\n`);
  mkdirSync("dist", { recursive: true });
  writeFileSync("dist/bench-scheduler.json", JSON.stringify(results, null, 1) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
