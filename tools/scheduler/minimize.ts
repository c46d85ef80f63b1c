/**
 * Shrinks a CIB on which schedule() and crm_simulate disagree to a small one on which they
 * still disagree (greedy delta debugging): it tries removing constraints, whole top-level
 * resources (with the constraints and status entries that name them), status history
 * entries and attributes (meta, defaults, node and transient ones) one at a time, keeps every removal after which the
 * results still differ, and repeats until nothing more can go. The result, with
 * crm_simulate's normalized answer, is a small golden case for the scheduler.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCib, readCib, serializeCib, type CibDocument } from "../../src/cib/index.js";
import { describeError } from "../../src/core/index.js";
import { resolveNowSec } from "../../src/cli/index.js";
import { renderPlacementJson } from "../../src/scheduler/render/index.js";
import { actionDiffs, placementDiffs, type PlacementDoc } from "../../src/scheduler/testing/index.js";
import { childElements, descendants, findParent, getAttr, removeChild, type XmlElement } from "../../src/xml/index.js";
import { runOracle } from "./differential.js";
import type { ScheduleFn } from "./conformance.js";

type Removal =
  | { kind: "constraint"; id: string }
  | { kind: "resource"; id: string }
  | { kind: "history"; node: string; id: string }
  | { kind: "meta"; id: string };

function section(doc: CibDocument, name: string): XmlElement | undefined {
  for (const el of descendants(doc.root)) if (el.name === name) return el;
  return undefined;
}

function candidates(doc: CibDocument): Removal[] {
  const out: Removal[] = [];
  for (const c of childElements(section(doc, "constraints") ?? doc.root)) {
    const id = getAttr(c, "id");
    if (id !== undefined && c.name.startsWith("rsc_")) out.push({ kind: "constraint", id });
  }
  for (const r of childElements(section(doc, "resources") ?? doc.root)) {
    const id = getAttr(r, "id");
    if (id !== undefined) out.push({ kind: "resource", id });
  }
  // Attributes anywhere but the cluster options (fencing must stay off): resource meta,
  // rsc_defaults, node attributes (standby), transient attributes (fail counts).
  const options = new Set(section(doc, "crm_config") === undefined ? [] : [...descendants(section(doc, "crm_config") as XmlElement)]);
  for (const el of descendants(doc.root)) {
    if (el.name !== "nvpair" || options.has(el)) continue;
    const id = getAttr(el, "id");
    if (id !== undefined) out.push({ kind: "meta", id });
  }
  for (const ns of childElements(section(doc, "status") ?? doc.root, "node_state")) {
    const node = getAttr(ns, "uname") ?? "";
    for (const el of descendants(ns)) {
      const id = getAttr(el, "id");
      if (el.name === "lrm_resource" && id !== undefined) out.push({ kind: "history", node, id });
    }
  }
  return out;
}

function removeElement(root: XmlElement, el: XmlElement): void {
  const parent = findParent(root, el);
  if (parent !== undefined) removeChild(parent, el);
}

/** Applies one removal to a copy of the CIB text; undefined when it no longer applies. */
function apply(text: string, r: Removal): string | undefined {
  const doc = parseCib(text);
  const all = [...descendants(doc.root)];
  switch (r.kind) {
    case "constraint":
    case "meta": {
      const el = all.find((e) => getAttr(e, "id") === r.id && (r.kind === "meta" ? e.name === "nvpair" : e.name.startsWith("rsc_")));
      if (el === undefined) return undefined;
      removeElement(doc.root, el);
      break;
    }
    case "history": {
      const ns = all.find((e) => e.name === "node_state" && getAttr(e, "uname") === r.node);
      const el = ns === undefined ? undefined : [...descendants(ns)].find((e) => e.name === "lrm_resource" && getAttr(e, "id") === r.id);
      if (el === undefined) return undefined;
      removeElement(doc.root, el);
      break;
    }
    case "resource": {
      const res = section(doc, "resources");
      const el = res === undefined ? undefined : childElements(res).find((e) => getAttr(e, "id") === r.id);
      if (el === undefined || res === undefined) return undefined;
      const ids = new Set([r.id, ...[...descendants(el)].map((e) => getAttr(e, "id") ?? "")]);
      removeChild(res, el);
      const refs = ["rsc", "with-rsc", "first", "then"];
      for (const c of childElements(section(doc, "constraints") ?? doc.root)) {
        if (refs.some((a) => ids.has(getAttr(c, a) ?? "\u0000"))) removeElement(doc.root, c);
      }
      for (const e of [...descendants(doc.root)]) {
        if (e.name === "lrm_resource" && ids.has((getAttr(e, "id") ?? "").replace(/:\d+$/, ""))) removeElement(doc.root, e);
      }
      break;
    }
  }
  return serializeCib(doc);
}

export interface MinimizeResult {
  xml: string;
  oracle: PlacementDoc;
  diffs: string[];
  trials: number;
  removed: number;
}

/** Whether schedule() and crm_simulate still disagree on `text` (and crm_simulate works). */
async function disagreement(text: string, file: string, oracleScript: string, schedule: ScheduleFn): Promise<{ oracle: PlacementDoc; diffs: string[] } | undefined> {
  writeFileSync(file, text);
  const oracle = await runOracle(oracleScript, file);
  if (oracle.doc === undefined) return undefined;
  try {
    const model = readCib(parseCib(text));
    const mine = renderPlacementJson(schedule({ cib: model, nowSec: resolveNowSec(model, undefined, 0) })) as unknown as PlacementDoc;
    const diffs = [...placementDiffs(oracle.doc, mine), ...actionDiffs(oracle.doc, mine)];
    return diffs.length > 0 ? { oracle: oracle.doc, diffs } : undefined;
  } catch (err) {
    return { oracle: oracle.doc, diffs: [`error: ${describeError(err)}`] };
  }
}

export async function minimize(text: string, oracleScript: string, schedule: ScheduleFn, maxTrials = 400): Promise<MinimizeResult | undefined> {
  const dir = mkdtempSync(join(tmpdir(), `tandem-minimize-${process.pid}-`));
  try {
    const file = join(dir, "cib.xml");
    let best = await disagreement(text, file, oracleScript, schedule);
    if (best === undefined) return undefined;
    let current = text;
    let trials = 1;
    let removed = 0;
    let progress = true;
    while (progress && trials < maxTrials) {
      progress = false;
      for (const r of candidates(parseCib(current))) {
        if (trials >= maxTrials) break;
        const next = apply(current, r);
        if (next === undefined) continue;
        trials++;
        const still = await disagreement(next, file, oracleScript, schedule);
        if (still !== undefined) {
          current = next;
          best = still;
          removed++;
          progress = true;
        }
      }
    }
    return { xml: current, oracle: best.oracle, diffs: best.diffs, trials, removed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
