/**
 * `constraint order set` / `colocation set` compared with pcs 0.11.5: same ids, CIBs,
 * listings and exit codes. pcs prints a duplicate's sets on a line of its own before the
 * error; Tandem puts them in the error message (step 3 is compared loosely).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareWithPcs, pcsAvailable } from "../../support/pcs.js";
import { assertSameAsPcs } from "../../support/pcs-assert.js";

const FIXTURE = readFileSync(join(process.cwd(), "test/golden/cli/fixtures/resources.xml"), "utf8");
const w = (line: string): string[] => line.split(" ");
const STEPS = [
  "constraint order set VIP web sequential=false set db-clone action=stop setoptions kind=Optional",
  "constraint colocation set VIP web set db-clone role=Promoted setoptions score=100",
  "constraint order set VIP web",
  "constraint order set VIP web",
  "constraint order set db web",
  "constraint order set VIP nosuch",
  "constraint colocation set VIP web setoptions id=cs1",
  "constraint order set VIP web setoptions kind=Bad",
  "constraint --full",
  "constraint ref web",
  "constraint order remove web",
  "constraint",
].map(w);

test("resource set constraints as pcs 0.11.5 makes them", async () => {
  assert.ok(pcsAvailable(), "pcs 0.11.5 must be installed");
  const { pcs, tandem } = await compareWithPcs(STEPS, { seed: { "cib.xml": FIXTURE } });
  const duplicate = /duplicate constraint already exists, use --force to override\n {2}set VIP web \(id:order_set_VPwb_set\) \(id:order_set_VPwb\)/;
  assertSameAsPcs(STEPS, pcs, tandem, { stderrDiffers: new Map([[3, duplicate]]) });
});
