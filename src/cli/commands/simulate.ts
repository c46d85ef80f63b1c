/**
 * `tandem simulate -x FILE [-s] [-t DATE] [--output-format=json]`: runs the scheduler on a
 * CIB file and prints crm_simulate's layout (current status, transition summary, revised
 * status), allocation scores with -s, or the pcmk-placement/1 JSON. The clock is read
 * here, never in the scheduler: -t DATE, else the CIB's execution-date, else now.
 */

import { existsSync, readFileSync } from "node:fs";
import { TandemError } from "../../core/index.js";
import { parseCib, readCib, type CibModel } from "../../cib/index.js";
import { schedule, type ScheduleResult } from "../../scheduler/index.js";
import { renderPlacementJson, renderSimulateText } from "../../scheduler/render/index.js";
import { ArgvError } from "../argv.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";
import { resolveNowSec, simulationPreamble } from "../sim-date.js";

const USAGE = `Usage: tandem simulate -x FILE [-s] [-t DATE] [--output-format=text|json]
Simulate the scheduler on a CIB, as crm_simulate -S does

Options:
    -x, --xml-file FILE   the CIB to simulate (an XML file)
    -s, --show-scores     also print the allocation and promotion scores
    -t, --date DATE       the time to simulate at (ISO 8601, e.g. 2014-05-07T00:28:00Z
                          or 2005-020); default: the CIB's execution-date, else now
    --output-format=json  print the final placement and the transition summary as
                          pcmk-placement/1 JSON
`;

/** Reads and models the CIB named by -x (or the global -f). */
export async function loadSimulationCib(ctx: CommandContext, usage: string): Promise<CibModel> {
  const xml = ctx.options.flags.get("xml-file");
  if (xml === true) throw new UsageError("option -x requires a file name", usage);
  if (xml !== undefined) {
    if (!existsSync(xml)) throw new TandemError("CIB_FILE_UNREADABLE", `Unable to read file '${xml}': no such file`);
    let text: string;
    try {
      text = readFileSync(xml, "utf8");
    } catch (cause) {
      throw new TandemError("CIB_FILE_UNREADABLE", `Unable to read file '${xml}': ${(cause as Error).message}`, { cause });
    }
    if (text.trim().length === 0) throw new TandemError("CIB_FILE_EMPTY", `File '${xml}' is empty`);
    return readCib(parseCib(text));
  }
  if (ctx.options.file !== undefined) return readCib(await ctx.cib.load());
  // The live cluster, once the runtime provides a source for it; until then main's
  // placeholder source refuses with an ArgvError.
  try {
    return readCib(await ctx.cib.load());
  } catch (err) {
    if (!(err instanceof ArgvError)) throw err;
    throw new TandemError("SIMULATE_NO_LIVE_CLUSTER", "no live cluster is configured on this host; give a CIB file with -x FILE");
  }
}

/** Loads the CIB and runs the scheduler at the requested time. */
export async function runSimulation(ctx: CommandContext, usage: string): Promise<{ result: ScheduleResult; dateLines: string[] }> {
  const model = await loadSimulationCib(ctx, usage);
  const date = ctx.options.flags.get("date");
  if (date === true) throw new UsageError("option -t requires a date", usage);
  const nowSec = resolveNowSec(model, date, Math.floor(Date.now() / 1000));
  return { result: schedule({ cib: model, nowSec }), dateLines: simulationPreamble(model, date) };
}

async function simulate(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["xml-file", "show-scores", "date"], USAGE);
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0] ?? ""}'`, USAGE);
  const { result, dateLines } = await runSimulation(ctx, USAGE);
  const showScores = ctx.options.flags.has("show-scores");
  switch (ctx.options.outputFormat) {
    case "json": {
      const doc: Record<string, unknown> = { ...renderPlacementJson(result) };
      if (showScores) {
        const scores: Record<string, Record<string, number>> = {};
        for (const s of result.scores) {
          if (s.kind !== "pcmk__primitive_assign") continue;
          (scores[s.rsc] ??= {})[s.node] = s.score;
        }
        doc["scores"] = scores;
      }
      ctx.output.out(JSON.stringify(doc, null, 1) + "\n");
      return 0;
    }
    case "text":
      ctx.output.out(renderSimulateText(result, { showScores, preamble: dateLines }));
      return 0;
    case "cmd":
      throw new UsageError("--output-format=cmd is not supported by simulate", USAGE);
  }
}

registerGroup({
  name: "simulate",
  summary: "Simulate the scheduler on a CIB file (crm_simulate).",
  usage: USAGE,
  run: simulate,
});
