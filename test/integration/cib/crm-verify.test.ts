/**
 * What Tandem writes passes Pacemaker's own checker (`crm_verify -x`, pacemaker-cli-utils):
 * the CIBs of both tutorials (with fencing disabled, as any cluster without a fence device
 * must), and corpus CIBs keep crm_verify's verdict through Tandem's read → write.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCib, serializeCib } from "../../../src/cib/index.js";
import { corpusCaseFile, corpusCases } from "../../support/corpus.js";
import { runTandemSteps } from "../../support/pcs.js";
import { TUTORIAL_ACTIVE_ACTIVE, TUTORIAL_CLONED_VIP } from "../../support/tutorials.js";

interface Verdict {
  code: number;
  /** crm_verify's error and warning lines, without the function-name prefix. */
  problems: string[];
}

function crmVerify(path: string): Verdict {
  const r = spawnSync("crm_verify", ["-x", path], { encoding: "utf8", timeout: 30_000 });
  if (r.error !== undefined) throw r.error;
  const problems = `${r.stdout}${r.stderr}`
    .split("\n")
    .map((l) => l.replace(/^\([^)]*\)\s*/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("crm_verify:") && !l.startsWith("-V may provide"))
    .sort();
  return { code: r.status ?? -1, problems };
}

for (const tutorial of [TUTORIAL_ACTIVE_ACTIVE, TUTORIAL_CLONED_VIP]) {
  test(`crm_verify accepts every CIB file of tutorial ${tutorial.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-verify-"));
    try {
      const side = await runTandemSteps(tutorial.steps);
      assert.ok(side.files.size > 0);
      for (const [name, text] of side.files) {
        // No fence device is configured in the tutorials, so fencing must be off for a valid cluster.
        const withProperty = await runTandemSteps([["-f", name, "property", "set", "stonith-enabled=false"]], { seed: { [name]: text } });
        assert.equal(withProperty.runs[0]?.code, 0, withProperty.runs[0]?.stderr);
        const path = join(dir, name);
        writeFileSync(path, withProperty.files.get(name) ?? "");
        const verdict = crmVerify(path);
        assert.deepEqual(verdict, { code: 0, problems: [] }, `${name}: crm_verify refused Tandem's CIB`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("corpus CIBs keep crm_verify's verdict through Tandem's read and write (every 9th case)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-verify-corpus-"));
  try {
    const sample = corpusCases().filter((_, i) => i % 9 === 0);
    assert.ok(sample.length >= 60, `only ${sample.length} cases sampled`);
    for (const name of sample) {
      const original = corpusCaseFile(name, "xml");
      const written = join(dir, `${name}.xml`);
      writeFileSync(written, serializeCib(parseCib(readFileSync(original, "utf8"))));
      assert.deepEqual(crmVerify(written), crmVerify(original), `${name}: verdict changed by the round trip`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
