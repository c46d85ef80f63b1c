/**
 * `npm run conformance [-- --update] [--tier N] [--case NAME]... [--out FILE] [--quiet] [--text] [--case-timeout SEC]`:
 * runs the corpus's tier 1–4 cases through schedule(), prints per-tier matched/total for
 * placement and for actions with the mismatches, writes the full result as JSON, and
 * fails when a case listed in test/conformance/passing.json no longer passes.
 * `--update` rewrites that list with the cases passing now.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { corpusCaseList, formatReport, passingOf, regressions, reportOf, type CaseResult, type ConformanceReport, type PassingList } from "./index.js";

/**
 * Runs the cases in a worker thread; a case taking longer than `caseTimeoutMs` is recorded
 * as an error and the rest continue in a fresh worker.
 */
async function runInWorkers(corpus: string, cases: { name: string; tier: number }[], wallClockSec: number, caseTimeoutMs: number): Promise<ConformanceReport> {
  const results: CaseResult[] = [];
  let rest = cases;
  while (rest.length > 0) {
    const batch = rest;
    const done = await new Promise<CaseResult[]>((resolvePromise) => {
      const got: CaseResult[] = [];
      const worker = new Worker(new URL("./conformance-worker.js", import.meta.url), { workerData: { corpus, cases: batch, wallClockSec } });
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolvePromise(got);
      };
      const arm = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          const stuck = batch[got.length];
          if (stuck !== undefined) {
            got.push({
              name: stuck.name,
              tier: stuck.tier,
              placementOk: false,
              actionsOk: false,
              textOk: false,
              scoresOk: false,
              placementDiffs: [],
              actionDiffs: [],
              error: `timed out after ${caseTimeoutMs / 1000} s`,
              ms: caseTimeoutMs,
            });
          }
          void worker.terminate().then(finish, finish);
        }, caseTimeoutMs);
      };
      arm();
      worker.on("message", (r: CaseResult) => {
        got.push(r);
        arm();
      });
      worker.on("error", (err) => {
        const stuck = batch[got.length];
        if (stuck !== undefined) {
          got.push({ name: stuck.name, tier: stuck.tier, placementOk: false, actionsOk: false, textOk: false, scoresOk: false, placementDiffs: [], actionDiffs: [], error: `worker crashed: ${err.message}`, ms: 0 });
        }
      });
      worker.on("exit", finish);
    });
    results.push(...done);
    rest = batch.slice(done.length);
  }
  return reportOf(corpus, results);
}

export const PASSING_FILE = "test/conformance/passing.json";

function corpusDir(): string {
  const candidates = [process.env["TANDEM_CORPUS"], resolve(process.cwd(), "../shared/pacemaker-scheduler-corpus"), "/work/shared/pacemaker-scheduler-corpus"];
  for (const c of candidates) if (c !== undefined && c.length > 0 && existsSync(join(c, "tiers.json"))) return c;
  throw new Error("Pacemaker scheduler corpus not found; set TANDEM_CORPUS");
}

async function main(argv: string[]): Promise<number> {
  let update = false;
  let quiet = false;
  let listText = false;
  let maxTier = 4;
  let out = "dist/conformance-result.json";
  let caseTimeoutSec = 30;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--update") update = true;
    else if (a === "--quiet") quiet = true;
    else if (a === "--text") listText = true;
    else if (a === "--tier") maxTier = Number.parseInt(next(), 10);
    else if (a === "--case") only.push(next());
    else if (a === "--out") out = next();
    else if (a === "--case-timeout") caseTimeoutSec = Number.parseFloat(next());
    else {
      process.stderr.write(`conformance: unknown argument '${a}'\n`);
      return 2;
    }
  }
  const wallClockSec = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const corpus = corpusDir();
  const cases = corpusCaseList(corpus).filter(({ name, tier }) => tier <= maxTier && (only.length === 0 || only.includes(name)));
  const report = await runInWorkers(corpus, cases, wallClockSec, caseTimeoutSec * 1000);
  const elapsedMs = performance.now() - started;
  process.stdout.write(formatReport(report, !quiet, listText));
  const slowest = [...report.cases].sort((a, b) => b.ms - a.ms).slice(0, 3);
  process.stdout.write(
    `(${report.cases.length} cases in ${(elapsedMs / 1000).toFixed(1)} s; slowest: ${slowest.map((c) => `${c.name} ${Math.round(c.ms)} ms`).join(", ")})\n`,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ ...report, elapsedMs: Math.round(elapsedMs) }, null, 1) + "\n");
  process.stdout.write(`result: ${out}\n`);

  const now = passingOf(report);
  if (update) {
    if (only.length > 0 || maxTier < 4) {
      process.stderr.write("conformance: --update needs the full run (no --case/--tier)\n");
      return 2;
    }
    mkdirSync(dirname(PASSING_FILE), { recursive: true });
    writeFileSync(PASSING_FILE, JSON.stringify(now, null, 1) + "\n");
    process.stdout.write(`updated ${PASSING_FILE}: placement ${now.placement.length}, actions ${now.actions.length}, text ${now.text?.length ?? 0}, scores ${now.scores?.length ?? 0}\n`);
    return 0;
  }
  if (!existsSync(PASSING_FILE)) return 0;
  const before = JSON.parse(readFileSync(PASSING_FILE, "utf8")) as PassingList;
  const lost = regressions(report, before);
  if (lost.length > 0) {
    process.stdout.write(`\nREGRESSIONS (passed before, fail now):\n${lost.map((l) => `  ${l}`).join("\n")}\n`);
    return 1;
  }
  const gained = now.placement.filter((n) => !before.placement.includes(n)).length + now.actions.filter((n) => !before.actions.includes(n)).length;
  if (gained > 0) process.stdout.write(`${gained} newly passing (placement/actions); run with --update to record them\n`);
  return 0;
}

// A closed pipe (`| head`) ends the output quietly instead of crashing.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`conformance: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
