/**
 * Golden cases: every corpus case the scheduler is known to match (passing-cases.json)
 * must keep matching Pacemaker's final placement and Transition Summary actions. A case
 * that starts failing is a regression; add cases to the list as features land.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readCib } from "../../../src/cib/index.js";
import { parseIsoDate, schedule } from "../../../src/scheduler/index.js";
import { parseXml } from "../../../src/xml/index.js";
import { corpusCaseFile, corpusTiers } from "../../support/corpus.js";
import { actionsOf, expectedActions, placementOf, type Placement } from "./placement.js";

const passing = JSON.parse(readFileSync(new URL("../../../../test/golden/scheduler/passing-cases.json", import.meta.url), "utf8")) as string[];

function nowFor(name: string, cib: ReturnType<typeof readCib>): number {
  const args = corpusTiers().cts_args[name] ?? [];
  const t = args.indexOf("-t");
  const date = t >= 0 ? args[t + 1] : undefined;
  if (date !== undefined) return parseIsoDate(date) ?? 0;
  const exec = cib.cib["execution-date"];
  if (exec !== undefined) return Number(exec);
  return Math.floor(Date.parse("2024-01-01T00:00:00Z") / 1000);
}

interface Expected {
  placement: Placement;
  actions: Record<string, unknown>[];
}

for (const name of passing) {
  test(`corpus case ${name} gives Pacemaker's placement and actions`, () => {
    const cib = readCib(parseXml(readFileSync(corpusCaseFile(name, "xml"), "utf8")));
    const expected = JSON.parse(readFileSync(corpusCaseFile(name, "expected.json"), "utf8")) as Expected;
    const result = schedule({ cib, nowSec: nowFor(name, cib) });
    const placement = placementOf(result.revised, cib);
    assert.deepEqual(placement, expected.placement);
    assert.deepEqual(actionsOf(result.summary, placement), expectedActions(expected.actions));
  });
}
