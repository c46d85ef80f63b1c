/**
 * No conformance regressions: every corpus case listed in test/conformance/passing.json
 * (placement and actions separately) still matches its expected.json. `npm run
 * conformance -- --update` records newly passing cases.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { schedule } from "../../../src/scheduler/index.js";
import { regressions, runConformance, type PassingList } from "../../../tools/scheduler/index.js";
import { corpusDir } from "../../support/corpus.js";

test("every case that passed conformance before still passes", { timeout: 300_000 }, () => {
  const before = JSON.parse(readFileSync("test/conformance/passing.json", "utf8")) as PassingList;
  const report = runConformance(corpusDir(), schedule, Math.floor(Date.now() / 1000));
  assert.equal(report.cases.length, 544);
  const lost = regressions(report, before);
  const detail = lost.map((l) => {
    const name = l.slice(l.indexOf(": ") + 2);
    const c = report.cases.find((x) => x.name === name);
    const kind = l.slice(0, l.indexOf(":"));
    const why =
      c?.error ??
      (kind === "placement" ? c?.placementDiffs[0] : kind === "actions" ? c?.actionDiffs[0] : kind === "text" ? c?.textDiff : c?.scoresDiff) ??
      "";
    return `${l}: ${why}`;
  });
  assert.deepEqual(detail, [], `conformance regressions:\n${detail.join("\n")}`);
});
