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
import { resolveNowSec } from "../../src/cli/index.js";
import { renderPlacementJson } from "../../src/scheduler/render/index.js";
import { actionDiffs, placementDiffs, type PlacementDoc } from "../../src/scheduler/testing/index.js";
import type { ScheduleInput, ScheduleResult } from "../../src/scheduler/index.js";

export type ScheduleFn = (input: ScheduleInput) => ScheduleResult;

export interface CaseResult {
  name: string;
  tier: number;
  placementOk: boolean;
  actionsOk: boolean;
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
}

export interface ConformanceReport {
  corpus: string;
  tiers: TierSummary[];
  cases: CaseResult[];
}

export interface PassingList {
  placement: string[];
  actions: string[];
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

export function runCase(corpus: string, name: string, tier: number, schedule: ScheduleFn, wallClockSec: number): CaseResult {
  const started = performance.now();
  const result: CaseResult = { name, tier, placementOk: false, actionsOk: false, placementDiffs: [], actionDiffs: [], ms: 0 };
  try {
    const expected = JSON.parse(readFileSync(join(corpus, "cases", `${name}.expected.json`), "utf8")) as ExpectedDoc;
    const model = readCib(parseCib(readFileSync(join(corpus, "cases", `${name}.xml`), "utf8")));
    const nowSec = resolveNowSec(model, dateArg(expected.crm_simulate_args), wallClockSec);
    const actual = renderPlacementJson(schedule({ cib: model, nowSec })) as unknown as PlacementDoc;
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

export function runConformance(
  corpus: string,
  schedule: ScheduleFn,
  wallClockSec: number,
  filter: (name: string, tier: number) => boolean = () => true,
): ConformanceReport {
  const cases = corpusCaseList(corpus).filter((c) => filter(c.name, c.tier));
  const results = cases.map((c) => runCase(corpus, c.name, c.tier, schedule, wallClockSec));
  const tiers: TierSummary[] = [1, 2, 3, 4].map((tier) => {
    const rs = results.filter((r) => r.tier === tier);
    return {
      tier,
      total: rs.length,
      placement: rs.filter((r) => r.placementOk).length,
      actions: rs.filter((r) => r.actionsOk).length,
      both: rs.filter((r) => r.placementOk && r.actionsOk).length,
    };
  });
  return { corpus, tiers, cases: results };
}

export function passingOf(report: ConformanceReport): PassingList {
  return {
    placement: report.cases.filter((c) => c.placementOk).map((c) => c.name).sort(),
    actions: report.cases.filter((c) => c.actionsOk).map((c) => c.name).sort(),
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
  return out;
}

function firstDiff(diffs: readonly string[]): string {
  const [first] = diffs;
  if (first === undefined) return "";
  return diffs.length > 1 ? `${first} (+${diffs.length - 1} more)` : first;
}

/** The human summary: per tier counts, then one line per mismatch. */
export function formatReport(report: ConformanceReport, listMismatches = true): string {
  const lines: string[] = [];
  for (const t of report.tiers) {
    if (t.total === 0) continue;
    lines.push(`tier ${t.tier}: placement ${t.placement}/${t.total}  actions ${t.actions}/${t.total}  both ${t.both}/${t.total}`);
  }
  const total = report.cases.length;
  const p = report.cases.filter((c) => c.placementOk).length;
  const a = report.cases.filter((c) => c.actionsOk).length;
  lines.push(`all:    placement ${p}/${total}  actions ${a}/${total}`);
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
  }
  return lines.join("\n") + "\n";
}
