/**
 * Both seed tutorials (../shared/seeds/000_*, 003_*) replayed verbatim, with `tandem -f`
 * and with `pcs -f`: identical listings and exit codes, equivalent CIBs in every file the
 * sequence writes. The steps are also what scripts/tutorials.sh (the main job) runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cibDifferences, compareWithPcs, pcsAvailable } from "../../support/pcs.js";
import { TUTORIAL_ACTIVE_ACTIVE, TUTORIAL_CLONED_VIP } from "../../support/tutorials.js";

for (const tutorial of [TUTORIAL_ACTIVE_ACTIVE, TUTORIAL_CLONED_VIP]) {
  test(`tutorial ${tutorial.name}: same listings and CIBs as pcs 0.11.5`, async () => {
    assert.ok(pcsAvailable(), "pcs 0.11.5 must be installed");
    const { pcs, tandem } = await compareWithPcs(tutorial.steps);
    tutorial.steps.forEach((step, i) => {
      const p = pcs.runs[i];
      const t = tandem.runs[i];
      assert.ok(p !== undefined && t !== undefined);
      const what = `step ${i}: ${step.join(" ")}`;
      assert.equal(t.code, 0, `${what}: Tandem failed\n${t.stderr}`);
      assert.equal(t.code, p.code, `${what}: exit code`);
      assert.equal(t.stdout, p.stdout, `${what}: stdout`);
    });
    assert.deepEqual([...tandem.files.keys()], [...pcs.files.keys()]);
    for (const [name, text] of pcs.files) {
      assert.deepEqual(cibDifferences(text, tandem.files.get(name) ?? ""), [], `${name} differs from pcs's`);
    }
    const last = tandem.runs.at(-1);
    assert.equal(last?.stdout, tutorial.finalListing);
  });
}
