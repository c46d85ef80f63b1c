/**
 * The resource listings on every CIB of Pacemaker's scheduler corpus (real-world shapes:
 * templates, bundles, masters, rules, odd ids): `resource config` (text and JSON) and
 * `resource status` never fail or print a trace, the JSON parses, and nothing is written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { BufferedOutput, runCli } from "../../../src/cli/index.js";
import { corpusCaseFile, corpusCases } from "../../support/corpus.js";

test("resource config and status read every corpus CIB without errors or writes", async () => {
  const cases = corpusCases();
  assert.ok(cases.length > 500, `expected the whole corpus, found ${cases.length} cases`);
  for (const name of cases) {
    const file = corpusCaseFile(name, "xml");
    const before = statSync(file).mtimeMs;
    const text = readFileSync(file, "utf8");
    for (const argv of [["resource", "config"], ["resource", "config", "--output-format=json"], ["resource", "status"]]) {
      const out = new BufferedOutput();
      const code = await runCli(["-f", file, ...argv], out);
      const what = `${name}: ${argv.join(" ")}`;
      assert.equal(code, 0, `${what}\n${out.stderr}`);
      assert.equal(out.stderr, "", what);
      if (argv.includes("--output-format=json")) {
        const data = JSON.parse(out.stdout) as Record<string, unknown[]>;
        assert.deepEqual(Object.keys(data), ["primitives", "clones", "groups", "bundles"], what);
        const primitives = (text.match(/<primitive /g) ?? []).length;
        assert.ok((data.primitives?.length ?? 0) <= primitives, what);
      }
    }
    assert.equal(statSync(file).mtimeMs, before, `${name} was written`);
  }
});
