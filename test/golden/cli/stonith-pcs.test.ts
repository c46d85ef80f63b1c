/**
 * `stonith create` compared with pcs 0.11.5 (fence_dummy is installed with the fence
 * agents; fence_xvm is not): same exit codes and stdout, equivalent CIBs, and stderr
 * identical modulo codes except where pcs relays crm_resource's reason for a missing agent.
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
  "stonith create f1 fence_dummy",
  "stonith create f1 fence_dummy",
  "stonith create f3 fence_dummy pcmk_host_list=n1 random_sleep_range=2 op monitor interval=30s",
  "stonith create f4 fence_dummy bogus=1",
  "stonith create f4 fence_dummy bogus=1 --force",
  "stonith create f5 fence_xvm pcmk_host_list=n1",
  "stonith create f2 fence_nosuch --force",
  "stonith create f6 fence_dummy meta target-role=Stopped --disabled",
].map(w);
/** pcs quotes crm_resource's reason for a missing agent; Tandem names the folder it searched. */
const REASON_DIFFERS = [5, 6];

test("stonith create stores fence devices as pcs 0.11.5 does", async () => {
  assert.ok(pcsAvailable(), "pcs 0.11.5 must be installed");
  const { pcs, tandem } = await compareWithPcs(STEPS, { seed: { "cib.xml": FIXTURE } });
  const notInstalled = /Agent 'stonith:fence_[a-z]+' is not installed or does not provide valid metadata/;
  assertSameAsPcs(STEPS, pcs, tandem, { stderrDiffers: new Map(REASON_DIFFERS.map((i) => [i, notInstalled])) });
});
