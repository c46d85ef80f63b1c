/**
 * Conformance against Pacemaker's scheduler corpus: every tier 1–4 case runs in-process
 * (parse → readCib → schedule → pcmk-placement/1 JSON) and is compared with its
 * cases/NAME.expected.json on final placement and, separately, on actions (reasons
 * ignored). A case that throws is a mismatch carrying the error; it never stops the run.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCib, readCib } from "../../src/cib/index.js";
import { describeError } from "../../src/core/index.js";
import { resolveNowSec, simulationPreamble } from "../../src/cli/index.js";
import { renderPlacementJson, renderScoreLines, renderSimulateText } from "../../src/scheduler/render/index.js";
import { actionDiffs, placementDiffs, type PlacementDoc } from "../../src/scheduler/testing/index.js";
import type { ScheduleInput, ScheduleResult } from "../../src/scheduler/index.js";

export type ScheduleFn = (input: ScheduleInput) => ScheduleResult;

export interface CaseResult {
  name: string;
  tier: number;
  placementOk: boolean;
  actionsOk: boolean;
  /** The simulate text equals the case's .summary (without "Executing Cluster Transition"). */
  textOk: boolean;
  /** First differing line of the text, expected then got. */
  textDiff?: string;
  /** The allocation and promotion scores equal the case's .scores. */
  scoresOk: boolean;
  scoresDiff?: string;
  placementDiffs: string[];
  actionDiffs: string[];
  error?: string;
  ms: number;
}

export interface TierSummary {
  tier: number;
  total: number;
  placement: number;
  actions: number;
  both: number;
  text: number;
  scores: number;
}

export interface ConformanceReport {
  corpus: string;
  tiers: TierSummary[];
  cases: CaseResult[];
}

export interface PassingList {
  placement: string[];
  actions: string[];
  /** Cases whose simulate text matches the .summary byte for byte (optional in old lists). */
  text?: string[];
  /** Cases whose scores match the .scores file (optional in old lists). */
  scores?: string[];
}

interface Tiers {
  tier1: string[];
  tier2: string[];
  tier3: string[];
  tier4: string[];
}

export function corpusCaseList(corpus: string, maxTier = 4): { name: string; tier: number }[] {
  const t = JSON.parse(readFileSync(join(corpus, "tiers.json"), "utf8")) as Tiers;
  return [t.tier1, t.tier2, t.tier3, t.tier4]
    .slice(0, maxTier)
    .flatMap((names, i) => names.map((name) => ({ name, tier: i + 1 })));
}

interface ExpectedDoc extends PlacementDoc {
  crm_simulate_args?: string[];
}

/** The `-t DATE` of a case's crm_simulate arguments, if any. */
function dateArg(args: readonly string[] | undefined): string | undefined {
  if (args === undefined) return undefined;
  const i = args.findIndex((a) => a === "-t" || a === "--date");
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * A case's .summary as `tandem simulate` prints it: without the "Executing Cluster
 * Transition" section (Tandem does not execute the graph) and without crm_mon's
 * "N of M resource instances DISABLED …" line.
 */
export function comparableSummary(summary: string): string[] {
  const lines = summary.replace(/\n+$/, "").split("\n");
  const out: string[] = [];
  let skipping = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "Executing Cluster Transition:") skipping = true;
    if (line === "Revised Cluster Status:") skipping = false;
    if (skipping) continue;
    if (/^\d+ of \d+ resource instances DISABLED and \d+ BLOCKED/.test(line)) {
      if (lines[i + 1] === "") i++;
      continue;
    }
    out.push(line);
  }
  return out;
}

export function runCase(corpus: string, name: string, tier: number, schedule: ScheduleFn, wallClockSec: number): CaseResult {
  const started = performance.now();
  const result: CaseResult = { name, tier, placementOk: false, actionsOk: false, textOk: false, scoresOk: false, placementDiffs: [], actionDiffs: [], ms: 0 };
  try {
    const expected = JSON.parse(readFileSync(join(corpus, "cases", `${name}.expected.json`), "utf8")) as ExpectedDoc;
    const model = readCib(parseCib(readFileSync(join(corpus, "cases", `${name}.xml`), "utf8")));
    const date = dateArg(expected.crm_simulate_args);
    const nowSec = resolveNowSec(model, date, wallClockSec);
    const scheduled = schedule({ cib: model, nowSec });
    const actual = renderPlacementJson(scheduled) as unknown as PlacementDoc;
    const text = renderSimulateText(scheduled, { preamble: simulationPreamble(model, date) }).replace(/\n+$/, "").split("\n");
    const want = comparableSummary(readFileSync(join(corpus, "cases", `${name}.summary`), "utf8"));
    const at = want.findIndex((line, i) => text[i] !== line);
    const differsAt = at >= 0 ? at : text.length !== want.length ? Math.min(text.length, want.length) : -1;
    result.textOk = differsAt < 0;
    const scores = renderScoreLines(scheduled.scores);
    const wantScores = readFileSync(join(corpus, "cases", `${name}.scores`), "utf8").split("\n").filter((l) => l.length > 0);
    const sAt = wantScores.findIndex((line, i) => scores[i] !== line);
    const sDiffers = sAt >= 0 ? sAt : scores.length !== wantScores.length ? Math.min(scores.length, wantScores.length) : -1;
    result.scoresOk = sDiffers < 0;
    if (sDiffers >= 0) result.scoresDiff = `line ${sDiffers + 1}: expected ${JSON.stringify(wantScores[sDiffers] ?? "<end>")}, got ${JSON.stringify(scores[sDiffers] ?? "<end>")}`;
    if (differsAt >= 0) result.textDiff = `line ${differsAt + 1}: expected ${JSON.stringify(want[differsAt] ?? "<end>")}, got ${JSON.stringify(text[differsAt] ?? "<end>")}`;
    result.placementDiffs = placementDiffs(expected, actual);
    result.actionDiffs = actionDiffs(expected, actual);
    result.placementOk = result.placementDiffs.length === 0;
    result.actionsOk = result.actionDiffs.length === 0;
  } catch (err) {
    result.error = describeError(err).split("\n")[0] ?? "error";
  }
  result.ms = performance.now() - started;
  return result;
}

/** Per tier counts of a list of case results. */
export function reportOf(corpus: string, results: CaseResult[]): ConformanceReport {
  const tiers: TierSummary[] = [1, 2, 3, 4].map((tier) => {
    const rs = results.filter((r) => r.tier === tier);
    return {
      tier,
      total: rs.length,
      placement: rs.filter((r) => r.placementOk).length,
      actions: rs.filter((r) => r.actionsOk).length,
      both: rs.filter((r) => r.placementOk && r.actionsOk).length,
      text: rs.filter((r) => r.textOk).length,
      scores: rs.filter((r) => r.scoresOk).length,
    };
  });
  return { corpus, tiers, cases: results };
}

export function runConformance(
  corpus: string,
  schedule: ScheduleFn,
  wallClockSec: number,
  filter: (name: string, tier: number) => boolean = () => true,
): ConformanceReport {
  const cases = corpusCaseList(corpus).filter((c) => filter(c.name, c.tier));
  const results = cases.map((c) => runCase(corpus, c.name, c.tier, schedule, wallClockSec));
  return reportOf(corpus, results);
}

export function passingOf(report: ConformanceReport): PassingList {
  return {
    placement: report.cases.filter((c) => c.placementOk).map((c) => c.name).sort(),
    actions: report.cases.filter((c) => c.actionsOk).map((c) => c.name).sort(),
    text: report.cases.filter((c) => c.textOk).map((c) => c.name).sort(),
    scores: report.cases.filter((c) => c.scoresOk).map((c) => c.name).sort(),
  };
}

/** Cases in `before` that no longer pass in `report` ("placement: NAME", "actions: NAME"). */
export function regressions(report: ConformanceReport, before: PassingList): string[] {
  const byName = new Map(report.cases.map((c) => [c.name, c]));
  const out: string[] = [];
  for (const name of before.placement) {
    const c = byName.get(name);
    if (c !== undefined && !c.placementOk) out.push(`placement: ${name}`);
  }
  for (const name of before.actions) {
    const c = byName.get(name);
    if (c !== undefined && !c.actionsOk) out.push(`actions: ${name}`);
  }
  for (const name of before.text ?? []) {
    const c = byName.get(name);
    if (c !== undefined && !c.textOk) out.push(`text: ${name}`);
  }
  for (const name of before.scores ?? []) {
    const c = byName.get(name);
    if (c !== undefined && !c.scoresOk) out.push(`scores: ${name}`);
  }
  return out;
}

function firstDiff(diffs: readonly string[]): string {
  const [first] = diffs;
  if (first === undefined) return "";
  return diffs.length > 1 ? `${first} (+${diffs.length - 1} more)` : first;
}

/** The human summary: per tier counts, then one line per mismatch. */
export function formatReport(report: ConformanceReport, listMismatches = true, listText = false): string {
  const lines: string[] = [];
  for (const t of report.tiers) {
    if (t.total === 0) continue;
    lines.push(`tier ${t.tier}: placement ${t.placement}/${t.total}  actions ${t.actions}/${t.total}  both ${t.both}/${t.total}  text ${t.text}/${t.total}  scores ${t.scores}/${t.total}`);
  }
  const total = report.cases.length;
  const p = report.cases.filter((c) => c.placementOk).length;
  const a = report.cases.filter((c) => c.actionsOk).length;
  const x = report.cases.filter((c) => c.textOk).length;
  const sc = report.cases.filter((c) => c.scoresOk).length;
  lines.push(`all:    placement ${p}/${total}  actions ${a}/${total}  text ${x}/${total}  scores ${sc}/${total}`);
  if (listMismatches) {
    const bad = report.cases.filter((c) => !c.placementOk || !c.actionsOk);
    if (bad.length > 0) lines.push("", "mismatches:");
    for (const c of bad) {
      if (c.error !== undefined) {
        lines.push(`  ${c.name} [tier ${c.tier}] error: ${c.error}`);
        continue;
      }
      if (!c.placementOk) lines.push(`  ${c.name} [tier ${c.tier}] placement: ${firstDiff(c.placementDiffs)}`);
      if (!c.actionsOk) lines.push(`  ${c.name} [tier ${c.tier}] actions: ${firstDiff(c.actionDiffs)}`);
    }
    if (listText) {
      const textBad = report.cases.filter((c) => c.error === undefined && !c.textOk);
      if (textBad.length > 0) lines.push("", "text differences (simulate output vs .summary):");
      for (const c of textBad) lines.push(`  ${c.name} [tier ${c.tier}] ${c.textDiff ?? ""}`);
      const scoresBad = report.cases.filter((c) => c.error === undefined && !c.scoresOk);
      if (scoresBad.length > 0) lines.push("", "score differences (simulate -s vs .scores):");
      for (const c of scoresBad) lines.push(`  ${c.name} [tier ${c.tier}] ${c.scoresDiff ?? ""}`);
    }
  }
  return lines.join("\n") + "\n";
}
