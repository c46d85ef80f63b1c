/**
 * Differential testing against real Pacemaker: seeded random CIBs (generateDifferentialCib)
 * run through Debian's crm_simulate (via the corpus's oracle/oracle.py, which normalizes
 * its summary to pcmk-placement/1) and through schedule(); the two results are compared
 * on final placement and on actions (reasons ignored). Mismatching CIBs can be saved.
 */

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCib, readCib } from "../../src/cib/index.js";
import { describeError } from "../../src/core/index.js";
import { resolveNowSec } from "../../src/cli/index.js";
import { renderPlacementJson } from "../../src/scheduler/render/index.js";
import { actionDiffs, actionsNetEquivalent, generateDifferentialCib, placementDiffs, type PlacementDoc } from "../../src/scheduler/testing/index.js";
import type { ScheduleFn } from "./conformance.js";

export interface SeedResult {
  seed: number;
  placementOk: boolean;
  actionsOk: boolean;
  /** Same placement and same net actions up to anonymous clone instance shuffling. */
  equivalent: boolean;
  diffs: string[];
  /** schedule() threw: counts as a mismatch. */
  error?: string;
  /** crm_simulate failed on the CIB: the seed is left out of the percentages. */
  oracleError?: string;
}

export interface DifferentialSummary {
  seeds: number;
  compared: number;
  identical: number;
  /** Identical, or equivalent up to anonymous clone instance shuffling (2.1.5 vs newer). */
  equivalent: number;
  placement: number;
  actions: number;
  tandemErrors: number;
  oracleErrors: number;
  identicalPercent: number;
}

export interface DifferentialOptions {
  count: number;
  firstSeed: number;
  jobs: number;
  oracleScript: string;
  schedule: ScheduleFn;
  /** Folder to save each mismatching CIB with its diff, or undefined. */
  saveDir?: string;
  onResult?: (r: SeedResult) => void;
}

export function runOracle(script: string, file: string): Promise<{ doc?: PlacementDoc; error?: string }> {
  return new Promise((resolve) => {
    execFile("python3", [script, file], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      let doc: (PlacementDoc & { error?: string }) | undefined;
      try {
        doc = JSON.parse(stdout) as PlacementDoc & { error?: string };
      } catch {
        doc = undefined;
      }
      if (doc === undefined) resolve({ error: `oracle failed: ${err?.message ?? ""} ${stderr.slice(0, 300)}` });
      else if (doc.error !== undefined) resolve({ error: doc.error });
      else resolve({ doc });
    });
  });
}

async function runSeed(seed: number, opts: DifferentialOptions, workDir: string): Promise<SeedResult> {
  const xml = generateDifferentialCib(seed);
  const file = join(workDir, `seed-${seed}.xml`);
  writeFileSync(file, xml);
  const oracle = await runOracle(opts.oracleScript, file);
  const result: SeedResult = { seed, placementOk: false, actionsOk: false, equivalent: false, diffs: [] };
  if (oracle.doc === undefined) {
    result.oracleError = oracle.error ?? "oracle failed";
    return result;
  }
  let mine: PlacementDoc | undefined;
  try {
    const model = readCib(parseCib(xml));
    mine = renderPlacementJson(opts.schedule({ cib: model, nowSec: resolveNowSec(model, undefined, 0) })) as unknown as PlacementDoc;
    const p = placementDiffs(oracle.doc, mine);
    const a = actionDiffs(oracle.doc, mine);
    result.placementOk = p.length === 0;
    result.actionsOk = a.length === 0;
    result.equivalent = result.placementOk && (result.actionsOk || actionsNetEquivalent(oracle.doc, mine));
    result.diffs = [...p, ...a];
  } catch (err) {
    result.error = describeError(err).split("\n")[0] ?? "error";
    result.diffs = [`error: ${result.error}`];
  }
  if (opts.saveDir !== undefined && (!result.placementOk || !result.actionsOk)) {
    mkdirSync(opts.saveDir, { recursive: true });
    writeFileSync(join(opts.saveDir, `seed-${seed}.xml`), xml);
    const report = [
      `seed ${seed}: tandem vs crm_simulate (Pacemaker 2.1.5)`,
      ...result.diffs,
      "",
      "crm_simulate:",
      JSON.stringify(oracle.doc, null, 1),
      "",
      "tandem:",
      JSON.stringify(mine ?? null, null, 1),
    ];
    writeFileSync(join(opts.saveDir, `seed-${seed}.txt`), report.join("\n") + "\n");
    // crm_simulate's result in the corpus's expected.json form: with the XML, a ready
    // golden case once the scheduler is fixed.
    writeFileSync(join(opts.saveDir, `seed-${seed}.expected.json`), JSON.stringify(oracle.doc, null, 1) + "\n");
  }
  return result;
}

export function summarize(results: readonly SeedResult[]): DifferentialSummary {
  const compared = results.filter((r) => r.oracleError === undefined);
  const identical = compared.filter((r) => r.placementOk && r.actionsOk).length;
  return {
    seeds: results.length,
    compared: compared.length,
    identical,
    equivalent: compared.filter((r) => r.equivalent).length,
    placement: compared.filter((r) => r.placementOk).length,
    actions: compared.filter((r) => r.actionsOk).length,
    tandemErrors: compared.filter((r) => r.error !== undefined).length,
    oracleErrors: results.length - compared.length,
    identicalPercent: compared.length === 0 ? 0 : (100 * identical) / compared.length,
  };
}

export async function runDifferential(opts: DifferentialOptions): Promise<SeedResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), `tandem-differential-${process.pid}-`));
  try {
    const results: SeedResult[] = new Array<SeedResult>(opts.count);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < opts.count) {
        const i = next++;
        const r = await runSeed(opts.firstSeed + i, opts, workDir);
        results[i] = r;
        opts.onResult?.(r);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function formatDifferential(summary: DifferentialSummary, results: readonly SeedResult[], listMismatches = 20): string {
  const pct = (n: number): string => (summary.compared === 0 ? "-" : `${((100 * n) / summary.compared).toFixed(1)}%`);
  const lines = [
    `${summary.seeds} seeds, ${summary.compared} compared (${summary.oracleErrors} crm_simulate errors left out)`,
    `identical placement and actions: ${summary.identical}/${summary.compared} (${pct(summary.identical)})`,
    `identical or equivalent up to clone-instance shuffling (2.1.5 moves instances newer Pacemaker keeps): ${summary.equivalent}/${summary.compared} (${pct(summary.equivalent)})`,
    `placement: ${summary.placement}/${summary.compared} (${pct(summary.placement)})  actions: ${summary.actions}/${summary.compared} (${pct(summary.actions)})  tandem errors: ${summary.tandemErrors}`,
  ];
  const bad = results.filter((r) => r.oracleError === undefined && (!r.placementOk || !r.actionsOk));
  for (const r of bad.slice(0, listMismatches)) {
    const [first = ""] = r.diffs;
    lines.push(`  seed ${r.seed}${r.equivalent ? " (equivalent)" : ""}: ${first}${r.diffs.length > 1 ? ` (+${r.diffs.length - 1} more)` : ""}`);
  }
  if (bad.length > listMismatches) lines.push(`  … ${bad.length - listMismatches} more`);
  return lines.join("\n") + "\n";
}
