/**
 * `resource config` (text and JSON) on real-world CIBs from Pacemaker's corpus, compared
 * with pcs 0.11.5: identical output. The files cover groups, unique clones, location
 * rules and rules on attribute blocks, utilization, descriptions, OCF_CHECK_LEVEL and
 * record-pending on operations. (Across the whole corpus, every CIB pcs itself can read
 * gives identical `resource config` text; pcs fails on templates and newer schemas.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { corpusCaseFile } from "../../support/corpus.js";
import { pcsAvailable, runTandemSteps } from "../../support/pcs.js";
import { runPcsSteps } from "../../support/pcs-async.js";

const FILES = ["balanced", "bug-5140-require-all-false", "1360", "1494", "date-1", "date-2"];
/** Attribute-block rules are not yet in Tandem's JSON (`rule` is null, see docs/cli-json.md). */
const TEXT_ONLY = new Set(["date-1"]);
const stepsFor = (name: string): string[][] =>
  TEXT_ONLY.has(name) ? [["resource", "config"]] : [["resource", "config"], ["resource", "config", "--output-format=json"]];

const available = pcsAvailable();
const seeds = FILES.map((name) => ({ "cib.xml": readFileSync(corpusCaseFile(name, "xml"), "utf8") }));
const pcsSides = seeds.map((seed, i) => (available ? runPcsSteps(stepsFor(FILES[i] as string), seed) : Promise.reject(new Error("pcs is not installed"))));
for (const side of pcsSides) side.catch(() => undefined);

for (const [index, name] of FILES.entries()) {
  test(`resource config of corpus CIB ${name} is pcs's`, async () => {
    assert.ok(available, "pcs 0.11.5 must be installed (scripts/setup.sh installs it)");
    const pcs = await (pcsSides[index] as Promise<Awaited<ReturnType<typeof runPcsSteps>>>);
    const steps = stepsFor(name);
    const tandem = await runTandemSteps(steps, { seed: seeds[index] as Record<string, string> });
    steps.forEach((step, i) => {
      const p = pcs.runs[i];
      const t = tandem.runs[i];
      assert.ok(p !== undefined && t !== undefined);
      assert.equal(p.code, 0, `pcs failed on ${name}: ${p.stderr}`);
      assert.equal(t.code, p.code, `${step.join(" ")}: exit code\n${t.stderr}`);
      assert.equal(t.stdout, p.stdout, `${step.join(" ")}: stdout`);
    });
  });
}
