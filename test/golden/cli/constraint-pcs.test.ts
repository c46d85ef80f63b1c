/**
 * Constraint, property and cluster commands compared with pcs 0.11.5 on the same CIB:
 * every step's stdout and exit code are identical, stderr is identical once Tandem's
 * error codes are removed (except where noted), and the resulting CIBs are equivalent.
 * The fixture (resources.xml) was written by pcs itself: VIP, web, db in db-clone, g1 and
 * g2 in group grp.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cibEpoch, pcsAvailable, runTandemSteps } from "../../support/pcs.js";
import { runPcsSteps } from "../../support/pcs-async.js";
import { assertSameAsPcs, unchecked } from "../../support/pcs-assert.js";

const FIXTURE = readFileSync(join(process.cwd(), "test/golden/cli/fixtures/resources.xml"), "utf8");

interface Case {
  name: string;
  steps: string[][];
  /** Steps whose stderr differs on purpose (Tandem names the problem where pcs says "Unable to update cib"). */
  stderrDiffers?: number[];
}

const w = (line: string): string[] => line.split(" ");

const CASES: Case[] = [
  {
    name: "order, colocation and location constraints with listings",
    steps: [
      w("constraint order VIP then web"),
      w("constraint order stop VIP then db-clone kind=Optional symmetrical=false id=o1"),
      w("constraint colocation add web with VIP INFINITY"),
      w("constraint colocation add Promoted web with db-clone 50"),
      w("constraint colocation add web with Unpromoted db-clone -100 id=c-neg"),
      w("constraint location web prefers n1=50 n2"),
      w("constraint location web avoids n3=100 n4"),
      w("constraint location web prefers n1=70"),
      w("constraint location regexp%g.* prefers n1"),
      w("constraint"),
      w("constraint config --full"),
      w("constraint order"),
      w("constraint colocation config --full"),
      w("constraint location"),
      w("constraint ref web"),
      w("constraint ref db nosuch"),
      w("constraint remove o1 location-web-n4--INFINITY"),
      w("constraint"),
    ],
  },
  {
    name: "location rules: the whole grammar, ids, listing with --full",
    steps: [
      ["constraint", "location", "VIP", "rule", "score=10", "#uname", "eq", "n1", "and", "date", "gt", "2020-01-01"],
      ["constraint", "location", "web", "rule", "id=r1", "constraint-id=loc1", "role=Promoted", "defined", "pingd", "or", "(", "pingd", "gt", "version", "1.2", "and", "date-spec", "hours=9-16", "weekdays=1-5", ")"],
      ["constraint", "location", "web", "rule", "score-attribute=pingd", "date", "in_range", "2020-01-01", "to", "duration", "months=2"],
      ["constraint", "location", "web", "rule", "resource-discovery=never", "date", "in_range", "2020-01-01", "to", "2030-01-01"],
      ["constraint", "location", "web", "rule", "#uname", "ne", "string", "n9"],
      ["constraint", "--full"],
      ["constraint"],
      ["constraint", "remove", "r1"],
      ["constraint", "location", "config", "--full"],
    ],
  },
  {
    name: "rule errors keep pcs's messages and leave the file unchanged",
    steps: [
      ["constraint", "location", "web", "rule", "#uname", "eq"],
      ["constraint", "location", "web", "rule", "foo", "eq", "bar", "baz"],
      ["constraint", "location", "web", "rule", "date", "in_range", "2020-01-01", "to"],
      ["constraint", "location", "web", "rule", "date", "gt", "notadate"],
      ["constraint", "location", "web", "rule", "date-spec", "hours=30"],
      ["constraint", "location", "web", "rule", "defined"],
      ["constraint", "location", "web", "rule", "a", "eq", "integer", "x"],
      ["constraint", "location", "web", "rule", "(", "a", "eq", "b"],
      ["constraint", "location", "web", "rule", "a", "and", "b"],
      ["constraint", "location", "web", "rule", "role=foo", "#uname", "eq", "n1"],
      ["constraint", "location", "web", "rule", "score=abc", "#uname", "eq", "n1"],
      ["constraint", "location", "web", "rule", "score=5", "score-attribute=x", "#uname", "eq", "n1"],
      ["constraint", "location", "web", "rule", "#uname", "eq", "n1"],
      ["constraint", "location", "web", "rule", "#uname", "eq", "n1"],
    ],
  },
  {
    name: "refusals: missing resources, clone children, groups, duplicates, bad ids, scores and roles",
    steps: [
      w("constraint order VIP then nosuch"),
      w("constraint order db then web"),
      w("constraint order db then web --force"),
      w("constraint order g1 then g2"),
      w("constraint order VIP then web"),
      w("constraint order VIP then web"),
      w("constraint order VIP then web id=1bad"),
      w("constraint order VIP then web id=VIP"),
      w("constraint order VIP then web symmetrical=maybe"),
      w("constraint order VIP then web kind=Bad --force"),
      w("constraint colocation add web with VIP abc"),
      w("constraint colocation add foo web with VIP"),
      w("constraint colocation add web with Started VIP abc"),
      w("constraint colocation add db with VIP"),
      w("constraint location web prefers n1=abc"),
      w("constraint location nosuch prefers n1"),
      w("constraint location db prefers n1"),
      w("constraint remove nosuch"),
      w("constraint --full"),
    ],
    stderrDiffers: [9, 12],
  },
  {
    name: "location add, rule add/remove, per-node and filtered location listings",
    steps: [
      w("constraint location add L1 web n1 100"),
      w("constraint location add L1 web n2 -50 resource-discovery=never"),
      w("constraint location add L2 web n3 abc"),
      w("constraint location add L3 web n3 10 foo=bar"),
      w("constraint rule add L1 score=5 #uname eq n1"),
      w("constraint rule add nosuch #uname eq n1"),
      w("constraint location add L4 web n2 10"),
      w("constraint location add L5 db-clone n3 -10"),
      w("constraint location VIP rule date gt 2020-01-01"),
      w("constraint rule add location-VIP id=r2 defined pingd"),
      w("constraint location config nodes"),
      w("constraint location config nodes n2 --full"),
      w("constraint location config resources web VIP"),
      w("constraint rule remove r2"),
      w("constraint rule remove location-VIP-rule"),
      w("constraint rule remove nosuch"),
      w("constraint --full"),
    ],
  },
  {
    name: "cluster properties",
    steps: [
      w("property"),
      w("property set stonith-enabled=false no-quorum-policy=ignore"),
      w("property config"),
      w("property set foo=bar"),
      w("property set no-quorum-policy=bogus"),
      w("property set stonith-enabled=maybe batch-limit=x"),
      w("property unset no-quorum-policy"),
      w("property unset nosuch"),
      w("property set foo=bar --force"),
      w("property config stonith-enabled"),
      w("property config --all"),
      w("property config --defaults"),
    ],
  },
  {
    name: "cluster cib and cib-push",
    steps: [
      w("cluster cib copy.xml"),
      w("-f copy.xml constraint order VIP then web"),
      w("cluster cib-push copy.xml"),
      w("cluster cib-push copy.xml"),
      w("-f copy.xml constraint remove order-VIP-web-mandatory"),
      w("cluster cib-push copy.xml --config"),
      w("cluster cib --config"),
      w("cluster cib scope=constraints"),
      w("constraint"),
    ],
  },
];

// pcs mostly waits (Python start-up, crm_* helpers): run every case's pcs side at once.
const available = pcsAvailable();
const pcsSides = CASES.map((c) => (available ? runPcsSteps(c.steps, { "cib.xml": FIXTURE }) : Promise.reject(new Error("pcs is not installed"))));
for (const side of pcsSides) side.catch(() => undefined); // awaited (and reported) by each test

CASES.forEach((c, index) => {
  test(`same as pcs: ${c.name}`, async () => {
    assert.ok(available, "pcs 0.11.5 must be installed (scripts/setup.sh installs it)");
    const pcs = await (pcsSides[index] as ReturnType<typeof runPcsSteps>);
    const tandem = await runTandemSteps(c.steps, { seed: { "cib.xml": FIXTURE } });
    assertSameAsPcs(c.steps, pcs, tandem, { stderrDiffers: unchecked(c.stderrDiffers) });
  });
});

test("every successful edit bumps the epoch; failed ones leave the file byte for byte", async () => {
  const steps = CASES[3]?.steps ?? [];
  assert.ok(steps.length > 10);
  let previous = FIXTURE;
  for (let i = 0; i < steps.length; i++) {
    const side = await runTandemSteps(steps.slice(0, i + 1), { seed: { "cib.xml": FIXTURE } });
    const run = side.runs[i];
    const now = side.files.get("cib.xml") ?? "";
    assert.ok(run !== undefined);
    if (run.code !== 0) assert.equal(now, previous, `step ${i} failed but changed the file`);
    else if (now !== previous) assert.ok(cibEpoch(now) > cibEpoch(previous), `step ${i} changed the CIB without bumping the epoch`);
    previous = now;
  }
});
