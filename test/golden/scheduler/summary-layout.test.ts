/**
 * The Transition Summary of all 544 tier 1–4 corpus cases, read back into SummaryActions,
 * renders byte for byte as Pacemaker printed it, and its pcmk-placement/1 actions equal
 * the case's expected.json actions (reasons included): the renderer and the JSON mapping
 * agree with Pacemaker's padding and with pcmkcorpus.py's normalization on every form the
 * corpus uses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { placementAction, renderSummaryLines, sortPlacementActions } from "../../../src/scheduler/render/index.js";
import type { SummaryAction } from "../../../src/scheduler/index.js";
import { effectiveAttributes, isTrue, parseCib, readCib, type CibModel } from "../../../src/cib/index.js";
import { corpusCaseFile, corpusCases } from "../../support/corpus.js";

const ROLES = new Set(["Started", "Stopped", "Promoted", "Unpromoted", "Starting", "Stopping", "Migrating"]);

function summaryLines(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf("Transition Summary:");
  const out: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i] !== ""; i++) out.push(lines[i] ?? "");
  return out;
}

/** The inverse of the renderer, for the corpus's lines. */
function readAction(line: string): SummaryAction {
  const fence = /^ {2}\* Fence \((\w+)\) (\S+) '(.*)'$/.exec(line);
  if (fence !== null) return { action: "Fence", fenceType: fence[1] ?? "", node: fence[2] ?? "", reason: fence[3] ?? "" };
  const m = /^ {2}\* (\S+)\s+(\S+)\s+\( +(.*?) \)(.*)$/.exec(line);
  assert.ok(m !== null, `unreadable summary line: ${line}`);
  const [, action = "", rsc = "", details = "", tail = ""] = m;
  const a: SummaryAction = { action, rsc };
  const w = details.split(" ");
  const isRole = (s: string | undefined): boolean => s !== undefined && ROLES.has(s);
  if (w.length === 4 && w[1] === "->" && isRole(w[0]) && isRole(w[2])) Object.assign(a, { fromRole: w[0], toRole: w[2], node: w[3] });
  else if (w.length === 5 && w[2] === "->") Object.assign(a, { fromRole: w[0], from: w[1], toRole: w[3], to: w[4] });
  else if (w.length === 4 && w[1] === "->") Object.assign(a, { from: w[0], to: w[2], role: w[3] });
  else if (w.length === 3 && w[1] === "->") Object.assign(a, { from: w[0], to: w[2] });
  else if (w.length === 2) Object.assign(a, { role: w[0], node: w[1] });
  else a.node = details;
  let t = tail.trim();
  if (t.endsWith("blocked")) {
    a.blocked = true;
    t = t.replace(/\s*\(?blocked\)?$/, "").trim();
  }
  if (t.length > 0) a.reason = t;
  return a;
}

/** Primitives of anonymous clones (pcmkcorpus.clone_is_unique: explicit meta, else clone-node-max > 1). */
function anonymousPrimitives(model: CibModel): Set<string> {
  const out = new Set<string>();
  const defaults = effectiveAttributes(model.rscDefaults);
  for (const r of model.resources) {
    if (r.kind !== "clone") continue;
    const meta = effectiveAttributes(r.meta);
    const explicit = meta.get("globally-unique") ?? defaults.get("globally-unique");
    const cnm = meta.get("clone-node-max") ?? defaults.get("clone-node-max");
    const unique = explicit !== undefined ? isTrue(explicit) : cnm !== undefined && Number.parseInt(cnm, 10) > 1;
    if (unique) continue;
    for (const p of r.child.kind === "group" ? r.child.children : [r.child]) out.add(p.id);
  }
  return out;
}

interface Expected {
  actions: Record<string, unknown>[];
  placement: Record<string, unknown>;
}

test("every corpus Transition Summary re-renders byte for byte and normalizes to expected.json's actions", () => {
  const cases = corpusCases();
  assert.equal(cases.length, 544);
  let lines = 0;
  for (const name of cases) {
    const text = readFileSync(corpusCaseFile(name, "summary"), "utf8");
    const expected = JSON.parse(readFileSync(corpusCaseFile(name, "expected.json"), "utf8")) as Expected;
    const printed = summaryLines(text);
    const actions = printed.map(readAction);
    assert.deepEqual(renderSummaryLines(actions), printed, `${name}: summary layout`);
    const anonymous = anonymousPrimitives(readCib(parseCib(readFileSync(corpusCaseFile(name, "xml"), "utf8"))));
    const normalized = sortPlacementActions(actions.map((a) => placementAction(a, anonymous)));
    assert.deepEqual(JSON.parse(JSON.stringify(normalized)), expected.actions, `${name}: normalized actions`);
    lines += printed.length;
  }
  assert.ok(lines > 1500, `only ${lines} summary lines seen`);
});
