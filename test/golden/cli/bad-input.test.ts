/**
 * Bad input (issue 2 §4): unknown commands and options give the usage naming the valid
 * forms; malformed XML names line and column; every failure has a code and a non-zero
 * exit, and the CIB file stays byte for byte what it was.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runTandemSteps } from "../../support/pcs.js";

const FIXTURE = readFileSync(join(process.cwd(), "test/golden/cli/fixtures/resources.xml"), "utf8");
const MALFORMED = '<cib epoch="1">\n  <configuration>\n    <resources>\n  </configuration>\n</cib>\n';

interface Case {
  argv: string[];
  file: string;
  /** The first line of stderr, exactly. */
  firstLine: string;
  /** Text the rest of the output must contain (the usage naming valid forms). */
  contains?: string;
}

const CASES: Case[] = [
  { argv: ["bogus"], file: FIXTURE, firstLine: "Error: Unknown command 'bogus' [CLI_UNKNOWN_COMMAND]", contains: "    constraint  Manage resource constraints." },
  { argv: ["constraint", "bogus"], file: FIXTURE, firstLine: "Error: unknown constraint command 'bogus' [CLI_USAGE]", contains: "order [action] <resource id> then [action] <resource id> [options]" },
  { argv: ["constraint", "order", "VIP", "then", "web", "--bogus"], file: FIXTURE, firstLine: "Error: Specified option '--bogus' is not supported in this command [CLI_USAGE]", contains: "Usage: tandem constraint" },
  { argv: ["constraint", "order", "VIP", "web", "x"], file: FIXTURE, firstLine: "Error: expected 'then' after the first resource [CLI_USAGE]", contains: "order [action] <resource id> then" },
  { argv: ["constraint", "location", "web", "likes", "n1"], file: FIXTURE, firstLine: "Error: expected 'prefers', 'avoids' or 'rule' after 'web' [CLI_USAGE]", contains: "location <resource> prefers <node>[=<score>]" },
  { argv: ["property", "set"], file: FIXTURE, firstLine: "Error: property set needs at least one <property>=<value> [CLI_USAGE]", contains: "set <property>=[<value>] ... [--force]" },
  { argv: ["node", "bogus"], file: FIXTURE, firstLine: "Error: unknown node command 'bogus' [CLI_USAGE]", contains: "standby [<node>]... | --all" },
  { argv: ["cluster", "cib-push"], file: FIXTURE, firstLine: "Error: cluster cib-push takes one file name [CLI_USAGE]", contains: "cib-push <filename>" },
  { argv: ["constraint", "order", "VIP", "then", "web"], file: MALFORMED, firstLine: "Error: XML is not well-formed at line 4, column 3: closing tag </configuration> does not match <resources> [XML_MALFORMED]" },
  { argv: ["property", "set", "stonith-enabled=false"], file: MALFORMED, firstLine: "Error: XML is not well-formed at line 4, column 3: closing tag </configuration> does not match <resources> [XML_MALFORMED]" },
  { argv: ["constraint"], file: "<resources/>\n", firstLine: "Error: the root element is <resources>, expected <cib> [CIB_NOT_A_CIB]" },
  { argv: ["constraint", "colocation", "add", "db", "with", "web"], file: FIXTURE, firstLine: "Error: db is a clone resource, you should use the clone id: db-clone when adding constraints. Use --force to override. [CIB_CONSTRAINT_NEEDS_CLONE_ID]" },
];

for (const c of CASES) {
  test(`bad input: tandem ${c.argv.join(" ")}`, async () => {
    const side = await runTandemSteps([c.argv], { seed: { "cib.xml": c.file } });
    const run = side.runs[0];
    assert.ok(run !== undefined);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split("\n")[0], c.firstLine);
    if (c.contains !== undefined) assert.ok((run.stderr + run.stdout).includes(c.contains), `usage missing: ${run.stderr}`);
    assert.ok(!run.stderr.includes("    at "), "a stack trace was printed");
    assert.equal(side.files.get("cib.xml"), c.file, "the file changed");
  });
}
