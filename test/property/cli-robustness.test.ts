/**
 * Random command lines (from a grammar of valid and invalid words) and mutated CIB files:
 * Tandem never crashes ("internal error" counts as a crash), a non-zero exit leaves the
 * file byte for byte unchanged, and a zero exit either leaves it unchanged or writes a
 * CIB that parses again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parseCib } from "../../src/cib/index.js";
import { runTandem } from "../support/pcs.js";

const FIXTURE = readFileSync(join(process.cwd(), "test/golden/cli/fixtures/resources.xml"), "utf8");

const resource = fc.constantFrom("VIP", "web", "db", "db-clone", "g1", "grp", "nosuch", "", "regexp%g.*", "%web", "bad%x");
const score = fc.constantFrom("INFINITY", "-INFINITY", "100", "-5", "abc", "+INFINITY", "", "1.5");
const word = fc.oneof(
  resource,
  score,
  fc.constantFrom("then", "with", "prefers", "avoids", "rule", "start", "stop", "promote", "Promoted", "master", "foo", "and", "or", "(", ")", "eq", "defined", "date", "gt", "in_range", "to", "duration", "date-spec", "hours=9-16", "#uname", "n1", "n1=50", "id=x1", "id=1bad", "kind=Optional", "kind=Bad", "symmetrical=false", "score=10", "role=Unpromoted", "=", "a=", "--force", "--full", "--all", "--output-format=json", "--bogus"),
  fc.string({ maxLength: 6 }),
);
const command = fc.oneof(
  fc.tuple(fc.constant(["constraint", "order"]), fc.array(word, { maxLength: 6 })),
  fc.tuple(fc.constant(["constraint", "colocation", "add"]), fc.array(word, { maxLength: 6 })),
  fc.tuple(fc.constant(["constraint", "location"]), fc.array(word, { maxLength: 8 })),
  fc.tuple(fc.constant(["constraint"]), fc.array(word, { maxLength: 4 })),
  fc.tuple(fc.constantFrom(["property", "set"], ["property", "unset"], ["property"]), fc.array(fc.oneof(word, fc.constantFrom("stonith-enabled=false", "no-quorum-policy=x", "fencing-enabled=true", "batch-limit=3")), { maxLength: 4 })),
  fc.tuple(fc.constantFrom(["cluster", "cib"], ["cluster", "cib-push"], ["bogus"], []), fc.array(word, { maxLength: 3 })),
).map(([head, rest]) => [...head, ...rest]);

function checkRun(dir: string, before: string, code: number, stderr: string, argv: string[]): void {
  assert.ok(!stderr.includes("internal error"), `crash on ${JSON.stringify(argv)}:\n${stderr}`);
  const after = readFileSync(join(dir, "cib.xml"), "utf8");
  if (code !== 0) assert.equal(after, before, `exit ${code} but the file changed: ${JSON.stringify(argv)}`);
  else if (after !== before) parseCib(after);
}

test("random command lines never crash and never half-write the CIB", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-prop-"));
  try {
    await fc.assert(
      fc.asyncProperty(command, async (argv) => {
        writeFileSync(join(dir, "cib.xml"), FIXTURE);
        const run = await runTandem(["-f", "cib.xml", ...argv], dir);
        checkRun(dir, FIXTURE, run.code, run.stderr, argv);
      }),
      { numRuns: 400, seed: 4242 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom("<", ">", "&", "\"", "</cib>", "<x>", "]]>", "\u0000", "<!--", "é") }),
);

test("mutated XML files: a clear error with a code, or a valid result; never a partial write", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-prop-xml-"));
  try {
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom(["constraint", "order", "VIP", "then", "web"], ["constraint"], ["property", "set", "stonith-enabled=false"], ["constraint", "location", "web", "prefers", "n1"]), async (m, argv) => {
        const at = m.at % (FIXTURE.length + 1);
        const text =
          m.kind === "truncate" ? FIXTURE.slice(0, at) : m.kind === "delete" ? FIXTURE.slice(0, at) + FIXTURE.slice(at + m.length) : FIXTURE.slice(0, at) + m.text + FIXTURE.slice(at);
        writeFileSync(join(dir, "cib.xml"), text);
        const run = await runTandem(["-f", "cib.xml", ...argv], dir);
        checkRun(dir, text, run.code, run.stderr, argv);
        if (run.code !== 0) assert.match(run.stderr, /\[[A-Z_]+\]/, `no error code: ${run.stderr}`);
      }),
      { numRuns: 300, seed: 77 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
