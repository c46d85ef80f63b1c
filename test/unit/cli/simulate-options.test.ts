/**
 * `simulate`/`explain` options: crm_simulate's short forms (-x FILE, -s, -t DATE) beside
 * pcs's -f, and the dates -t accepts (the corpus's cts_args forms and ISO 8601).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgv, ArgvError } from "../../../src/cli/argv.js";
import { parseSimulateDate } from "../../../src/cli/index.js";

test("-x FILE, -xFILE, -s and -t DATE map to their long options; -f still names the CIB file", () => {
  const a = parseArgv(["simulate", "-x", "cib.xml", "-s", "-t", "2005-020"]);
  assert.deepEqual(a.positional, ["simulate"]);
  assert.equal(a.options.flags.get("xml-file"), "cib.xml");
  assert.equal(a.options.flags.get("show-scores"), true);
  assert.equal(a.options.flags.get("date"), "2005-020");
  const b = parseArgv(["-f", "other.xml", "simulate", "-xcib.xml", "--show-scores", "--date=2014-05-07 00:28:00"]);
  assert.equal(b.options.file, "other.xml");
  assert.equal(b.options.flags.get("xml-file"), "cib.xml");
  assert.equal(b.options.flags.get("date"), "2014-05-07 00:28:00");
  assert.equal(parseArgv(["simulate", "--xml-file", "c.xml"]).options.flags.get("xml-file"), "c.xml");
  assert.throws(() => parseArgv(["simulate", "-x"]), ArgvError);
  assert.throws(() => parseArgv(["simulate", "-q"]), ArgvError);
  assert.deepEqual(parseArgv(["constraint", "location", "a", "prefers", "n1=-INFINITY"]).positional.length, 5);
  assert.deepEqual(parseArgv(["resource", "x", "-100"]).positional, ["resource", "x", "-100"]);
});

test("dates: ordinal, ordinal with time, space-separated, ISO 8601 with zone; invalid ones are rejected", () => {
  assert.equal(parseSimulateDate("2005-020"), Date.UTC(2005, 0, 20) / 1000);
  assert.equal(parseSimulateDate("2005-020T12:30"), Date.UTC(2005, 0, 20, 12, 30) / 1000);
  assert.equal(parseSimulateDate("2014-05-07 00:28:00"), Date.UTC(2014, 4, 7, 0, 28) / 1000);
  assert.equal(parseSimulateDate("2014-05-07T00:28:00Z"), Date.UTC(2014, 4, 7, 0, 28) / 1000);
  assert.equal(parseSimulateDate("2014-05-07T02:28:00+02:00"), Date.UTC(2014, 4, 7, 0, 28) / 1000);
  assert.equal(parseSimulateDate("2014-05-07"), Date.UTC(2014, 4, 7) / 1000);
  assert.equal(parseSimulateDate("2016-366"), Date.UTC(2016, 11, 31) / 1000);
  for (const bad of ["2005-366", "2014-02-30", "2014-13-01", "yesterday", "2014-05-07T25:00", ""]) {
    assert.equal(parseSimulateDate(bad), undefined, bad);
  }
});
