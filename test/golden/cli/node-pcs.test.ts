/**
 * `node standby|unstandby|attribute|utilization` compared with pcs 0.11.5 on a corpus CIB
 * that has three nodes: identical stdout and exit codes, stderr identical modulo codes
 * (except where pcs relays crm_attribute's own wording), equivalent CIBs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cibDifferences, compareWithPcs, pcsAvailable, withoutCodes } from "../../support/pcs.js";
import { corpusCaseFile } from "../../support/corpus.js";

const w = (line: string): string[] => line.split(" ");
const STEPS = [
  "node standby 18node1",
  "node standby 18node1",
  "node standby 18node1 18node2",
  "node unstandby 18node1",
  "node standby nosuch",
  "node standby",
  "node attribute 18node1 rack=1 zone=a",
  "node attribute",
  "node attribute 18node1",
  "node attribute --name zone",
  "node attribute 18node1 rack=",
  "node attribute 18node1 rack=",
  "node utilization 18node1 cpu=2 mem=100",
  "node utilization",
  "node utilization 18node1 cpu=",
  "node utilization 18node2 cpu=x",
  "node unstandby --all",
  "node standby --all",
].map(w);

test("node commands behave as pcs 0.11.5's", async () => {
  assert.ok(pcsAvailable(), "pcs 0.11.5 must be installed");
  const seed = readFileSync(corpusCaseFile("1-a-then-bm-move-b", "xml"), "utf8");
  const { pcs, tandem } = await compareWithPcs(STEPS, { seed: { "cib.xml": seed } });
  STEPS.forEach((step, i) => {
    const p = pcs.runs[i];
    const t = tandem.runs[i];
    assert.ok(p !== undefined && t !== undefined);
    const what = `step ${i}: ${step.join(" ")}`;
    assert.equal(t.code, p.code, `${what}: exit code`);
    assert.equal(t.stdout, p.stdout, `${what}: stdout`);
    assert.equal(withoutCodes(t.stderr), p.stderr, `${what}: stderr`);
  });
  assert.deepEqual(cibDifferences(pcs.files.get("cib.xml") ?? "", tandem.files.get("cib.xml") ?? ""), []);
});
