/**
 * Scheduler invariants on random CIBs (fast-check): deterministic output, nothing placed
 * on a −INFINITY node, mandatory colocations hold or the dependent stops, acyclic graph.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import fc from "fast-check";
import { readCib } from "../../src/cib/index.js";
import { schedule, type ScheduleResult } from "../../src/scheduler/index.js";
import { parseXml } from "../../src/xml/index.js";

interface Spec {
  nodes: number;
  standby: boolean[];
  rscs: { running: number; stickiness: number }[];
  locs: { rsc: number; node: number; score: number }[];
  colos: { a: number; b: number; score: number }[];
}

const SCORES = [-1_000_000, -100, -1, 0, 5, 100, 1_000_000];
const fmt = (s: number): string => (s >= 1_000_000 ? "INFINITY" : s <= -1_000_000 ? "-INFINITY" : String(s));

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 5 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    standby: fc.array(fc.boolean(), { minLength: nodes, maxLength: nodes }),
    rscs: fc.array(fc.record({ running: fc.integer({ min: -1, max: nodes - 1 }), stickiness: fc.constantFrom(0, 1, 100) }), { minLength: 1, maxLength: 6 }),
    locs: fc.array(fc.record({ rsc: fc.nat(5), node: fc.nat(nodes - 1), score: fc.constantFrom(...SCORES) }), { maxLength: 6 }),
    colos: fc.array(fc.record({ a: fc.nat(5), b: fc.nat(5), score: fc.constantFrom(...SCORES) }), { maxLength: 4 }),
  }),
);

function validColo(c: { a: number; b: number }, n: number): boolean {
  return c.a < n && c.b < n && c.a > c.b;
}

function cibXml(s: Spec): string {
  const nodes = Array.from({ length: s.nodes }, (_, i) => `<node id="${i + 1}" uname="node${i + 1}">${s.standby[i] === true ? `<instance_attributes id="na${i}"><nvpair id="na${i}-s" name="standby" value="on"/></instance_attributes>` : ""}</node>`).join("");
  const rscs = s.rscs
    .map((r, i) => `<primitive id="r${i}" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes id="r${i}-m"><nvpair id="r${i}-s" name="resource-stickiness" value="${r.stickiness}"/></meta_attributes></primitive>`)
    .join("");
  const n = s.rscs.length;
  const locs = s.locs.filter((l) => l.rsc < n).map((l, i) => `<rsc_location id="l${i}" rsc="r${l.rsc}" node="node${l.node + 1}" score="${fmt(l.score)}"/>`).join("");
  // Colocation chains are kept acyclic (dependent after primary): with a cycle Pacemaker too
  // breaks the loop and cannot promise every mandatory colocation.
  const colos = s.colos.filter((c) => validColo(c, n)).map((c, i) => `<rsc_colocation id="c${i}" rsc="r${c.a}" with-rsc="r${c.b}" score="${fmt(c.score)}"/>`).join("");
  const status = Array.from({ length: s.nodes }, (_, i) => {
    const lrm = s.rscs
      .map((r, j) => (r.running === i ? `<lrm_resource id="r${j}" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="r${j}_start" operation="start" call-id="${j + 1}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>` : ""))
      .join("");
    return `<node_state id="${i + 1}" uname="node${i + 1}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${i + 1}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  }).join("");
  return `<cib epoch="1" num_updates="0" admin_epoch="0" have-quorum="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes>${nodes}</nodes><resources>${rscs}</resources><constraints>${locs}${colos}</constraints></configuration><status>${status}</status></cib>`;
}

function run(s: Spec): ScheduleResult {
  return schedule({ cib: readCib(parseXml(cibXml(s))), nowSec: 1_700_000_000 });
}

function finalNodes(r: ScheduleResult): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of r.revised.resources) if (v.kind === "primitive") out.set(v.id, v.nodes);
  return out;
}

test("the same input gives byte-identical output", () => {
  fc.assert(
    fc.property(specArb, (s) => {
      assert.equal(JSON.stringify(run(s)), JSON.stringify(run(s)));
    }),
    { numRuns: 150 },
  );
});

test("nothing is placed on a node where its score is -INFINITY or that is in standby", () => {
  fc.assert(
    fc.property(specArb, (s) => {
      const r = run(s);
      const placed = finalNodes(r);
      for (const l of s.locs) {
        if (l.score > -1_000_000 || l.rsc >= s.rscs.length) continue;
        assert.ok(!(placed.get(`r${l.rsc}`) ?? []).includes(`node${l.node + 1}`), `r${l.rsc} placed on banned node${l.node + 1}`);
      }
      for (const [id, nodes] of placed) for (const n of nodes) assert.ok(s.standby[Number(n.slice(4)) - 1] !== true, `${id} on standby ${n}`);
    }),
    { numRuns: 200 },
  );
});

test("a mandatory colocation holds or the dependent is stopped", () => {
  fc.assert(
    fc.property(specArb, (s) => {
      const placed = finalNodes(run(s));
      for (const c of s.colos) {
        if (!validColo(c, s.rscs.length)) continue;
        const dep = placed.get(`r${c.a}`) ?? [];
        const prim = placed.get(`r${c.b}`) ?? [];
        if (dep.length === 0) continue;
        if (c.score >= 1_000_000) assert.deepEqual(dep, prim, `r${c.a} must be with r${c.b}`);
        if (c.score <= -1_000_000) for (const n of dep) assert.ok(!prim.includes(n), `r${c.a} must avoid r${c.b}`);
      }
    }),
    { numRuns: 200 },
  );
});

test("the transition graph is acyclic", () => {
  fc.assert(
    fc.property(specArb, (s) => {
      const { actions, edges } = run(s).graph;
      const indegree = new Map<number, number>(actions.map((a) => [a.id, 0]));
      const out = new Map<number, number[]>();
      for (const [a, b] of edges) {
        indegree.set(b, (indegree.get(b) ?? 0) + 1);
        out.set(a, [...(out.get(a) ?? []), b]);
      }
      const queue = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
      let seen = 0;
      while (queue.length > 0) {
        const id = queue.pop() as number;
        seen++;
        for (const b of out.get(id) ?? []) {
          const d = (indegree.get(b) ?? 0) - 1;
          indegree.set(b, d);
          if (d === 0) queue.push(b);
        }
      }
      assert.equal(seen, actions.length);
    }),
    { numRuns: 150 },
  );
});
