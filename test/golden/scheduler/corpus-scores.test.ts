/**
 * Golden allocation scores: for tier-1 corpus cases (primitives, location, colocation,
 * stickiness), the scores the scheduler reports per primitive and node equal the
 * `pcmk__primitive_assign` lines of Pacemaker's `crm_simulate -s` output.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readCib } from "../../../src/cib/index.js";
import { formatScore } from "../../../src/core/index.js";
import { schedule } from "../../../src/scheduler/index.js";
import { parseXml } from "../../../src/xml/index.js";
import { corpusCaseFile, corpusTiers } from "../../support/corpus.js";

for (const name of corpusTiers().tier1) {
  test(`corpus case ${name} reports Pacemaker's allocation scores`, () => {
    const cib = readCib(parseXml(readFileSync(corpusCaseFile(name, "xml"), "utf8")));
    const expected = readFileSync(corpusCaseFile(name, "scores"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("pcmk__primitive_assign: "))
      .sort();
    const result = schedule({ cib, nowSec: Number(cib.cib["execution-date"] ?? 1_704_067_200) });
    const actual = result.scores
      .filter((s) => s.kind === "pcmk__primitive_assign")
      .map((s) => `${s.kind}: ${s.rsc} allocation score on ${s.node}: ${formatScore(s.score)}`)
      .sort();
    assert.deepEqual(actual, expected);
  });
}
