/**
 * `tandem simulate` and `tandem explain` as commands (in-process, output captured): the
 * text is crm_simulate's for corpus cases (the golden contract), -t and execution-date
 * select the time, -s adds the scores, JSON is pcmk-placement/1, and bad input gives a
 * stable error code and a non-zero exit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BufferedOutput, runCli } from "../../../src/cli/index.js";
import { comparableSummary } from "../../../tools/scheduler/index.js";
import { corpusCaseFile } from "../../support/corpus.js";

async function tandem(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new BufferedOutput();
  const code = await runCli(argv, output);
  return { code, out: output.stdout, err: output.stderr };
}

function summaryOf(name: string): string {
  return comparableSummary(readFileSync(corpusCaseFile(name, "summary"), "utf8")).join("\n") + "\n";
}

test("simulate -x prints crm_simulate's current status, transition summary and revised status", async () => {
  for (const name of ["order1", "group1", "bug-5014-A-stopped-B-stopped"]) {
    const r = await tandem("simulate", "-x", corpusCaseFile(name, "xml"));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, summaryOf(name), name);
  }
});

test("-t DATE (and --date=) sets the time and prints crm_simulate's date line; execution-date is used otherwise", async () => {
  const r1 = await tandem("simulate", "-x", corpusCaseFile("date-1", "xml"), "-t", "2005-020");
  assert.equal(r1.code, 0, r1.err);
  assert.equal(r1.out, summaryOf("date-1"));
  const r2 = await tandem("simulate", `--xml-file=${corpusCaseFile("origin", "xml")}`, "--date=2014-05-07 00:28:00");
  assert.equal(r2.out, summaryOf("origin"));
  const r3 = await tandem("simulate", "-x", corpusCaseFile("anti-colocation-promoted", "xml"));
  assert.match(r3.out, /^Using the original execution date of: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\nCurrent cluster status:\n/);
});

test("-s prints the allocation scores of cases/*.scores before the transition summary", async () => {
  const r = await tandem("simulate", "-x", corpusCaseFile("order1", "xml"), "-s");
  assert.equal(r.code, 0, r.err);
  const scores = readFileSync(corpusCaseFile("order1", "scores"), "utf8").split("\n").filter((l) => l.length > 0);
  const section = r.out.slice(r.out.indexOf("Allocation Scores:\n"), r.out.indexOf("Transition Summary:"));
  assert.deepEqual(section.split("\n").slice(1, -2), scores);
});

test("--output-format=json prints pcmk-placement/1 equal to expected.json's placement and actions", async () => {
  const r = await tandem("simulate", "-x", corpusCaseFile("order1", "xml"), "--output-format=json");
  assert.equal(r.code, 0, r.err);
  const got = JSON.parse(r.out) as Record<string, unknown>;
  const expected = JSON.parse(readFileSync(corpusCaseFile("order1", "expected.json"), "utf8")) as Record<string, unknown>;
  assert.equal(got["format"], "pcmk-placement/1");
  for (const key of ["nodes", "placement", "flags", "actions"]) assert.deepEqual(got[key], expected[key], key);
});

test("explain names the resource's state, decision and per-node scores; JSON too", async () => {
  const text = await tandem("explain", "rsc1", "-x", corpusCaseFile("order1", "xml"));
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^Resource rsc1\n {2}Now: {6}Stopped\n {2}Planned: {2}Started on node1\n/);
  assert.match(text.out, /Scores by node:\n {2}node1: 0\n/);
  const json = await tandem("explain", "rsc1", "-x", corpusCaseFile("order1", "xml"), "--node", "node2", "--output-format=json");
  const e = JSON.parse(json.out) as { resource: string; revised: string; nodes: { node: string }[] };
  assert.equal(e.resource, "rsc1");
  assert.equal(e.revised, "Started on node1");
  assert.deepEqual(
    e.nodes.map((n) => n.node),
    ["node2"],
  );
});

test("explain of a clone's primitive shows its first instance's scores and every instance's decision", async () => {
  const r = await tandem("explain", "clvmd", "-x", corpusCaseFile("promoted-depend", "xml"), "--output-format=json");
  assert.equal(r.code, 0, r.err);
  const e = JSON.parse(r.out) as { resource: string; scoresOf: string; decision: string };
  assert.equal(e.resource, "clvmd");
  assert.equal(e.scoresOf, "clvmd:0");
  assert.match(e.decision, /clvmd:0 .*clvmd:1 /);
});

test("bad input: stable codes, non-zero exit, nothing printed on stdout", async () => {
  const cases: [string[], string][] = [
    [["simulate"], "SIMULATE_NO_LIVE_CLUSTER"],
    [["simulate", "-x", "/nonexistent/cib.xml"], "CIB_FILE_UNREADABLE"],
    [["simulate", "-x", corpusCaseFile("order1", "xml"), "-t", "tomorrow"], "SIMULATE_BAD_DATE"],
    [["simulate", "-x", corpusCaseFile("order1", "xml"), "--bogus"], "CLI_USAGE"],
    [["simulate", "-x"], "CLI_USAGE"],
    [["explain", "nosuch", "-x", corpusCaseFile("order1", "xml")], "EXPLAIN_UNKNOWN_RESOURCE"],
    [["explain", "rsc1", "-x", corpusCaseFile("order1", "xml"), "--node", "node9"], "EXPLAIN_UNKNOWN_NODE"],
    [["explain", "-x", corpusCaseFile("order1", "xml")], "CLI_USAGE"],
  ];
  for (const [argv, code] of cases) {
    const r = await tandem(...argv);
    assert.equal(r.code, 1, argv.join(" "));
    assert.equal(r.out, "", argv.join(" "));
    assert.ok(r.err.includes(`[${code}]`), `${argv.join(" ")}: ${r.err}`);
  }
});
