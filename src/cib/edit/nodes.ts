/**
 * Node commands on a CIB file, as `pcs -f FILE node …` performs them through
 * crm_attribute: standby/unstandby (the `standby` node attribute, `on` or removed),
 * permanent node attributes and node utilization. Nodes are found by their uname in the
 * `nodes` section; ids follow crm_attribute's (`nodes-<node id>`, `nodes-<id>-<name>`).
 */

import { appendChild, childElements, cloneDocument, element, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, configuration, type CibDocument } from "../document.js";
import { IdAllocator } from "./lookup.js";
import { setNvpair } from "./nvsets.js";
import { error, type Report } from "./reports.js";

export interface NodeEdit {
  doc: CibDocument;
  reports: Report[];
  /** pcs exits 2 for "attribute doesn't exist" (crm_attribute's code); 1 otherwise. */
  exitCode?: number;
}

function nodeElements(doc: CibDocument): XmlElement[] {
  const nodes = firstChild(configuration(doc), "nodes");
  return nodes === undefined ? [] : childElements(nodes, "node");
}

export function nodeNames(doc: CibDocument): string[] {
  return nodeElements(doc).map((n) => getAttr(n, "uname") ?? getAttr(n, "id") ?? "");
}

function findNode(doc: CibDocument, name: string): XmlElement | undefined {
  return nodeElements(doc).find((n) => getAttr(n, "uname") === name);
}

/** The node's first block of `tag`, created with crm_attribute's id when missing. */
function nodeBlock(node: XmlElement, tag: "instance_attributes" | "utilization", ids: IdAllocator): XmlElement {
  const existing = firstChild(node, tag);
  if (existing !== undefined) return existing;
  const nodeId = getAttr(node, "id") ?? getAttr(node, "uname") ?? "";
  const block = element(tag, { id: ids.allocate(tag === "instance_attributes" ? `nodes-${nodeId}` : `nodes-${nodeId}-utilization`) });
  appendChild(node, block);
  return block;
}

/** Sets (or, for an empty value, removes) name=value pairs in a node block; ids `<block id>-<name>`. */
function setPairs(block: XmlElement, pairs: ReadonlyArray<readonly [string, string]>, ids: IdAllocator): void {
  for (const [name, value] of pairs) setNvpair(block, name, value, ids);
}

/** `node standby|unstandby NODE…` (or every node with `all`). */
export function setStandby(original: CibDocument, names: readonly string[], all: boolean, standby: boolean): NodeEdit {
  const targets = all ? nodeNames(original) : [...names];
  for (const name of targets) {
    if (findNode(original, name) === undefined) {
      return { doc: original, reports: [error("CIB_NODE_NOT_FOUND", `Node '${name}' does not appear to exist in configuration`)] };
    }
  }
  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  for (const name of targets) {
    const node = findNode(doc, name) as XmlElement;
    if (standby) setPairs(nodeBlock(node, "instance_attributes", ids), [["standby", "on"]], ids);
    else {
      const block = firstChild(node, "instance_attributes");
      if (block !== undefined) setPairs(block, [["standby", ""]], ids);
    }
  }
  if (targets.length > 0) bumpEpoch(doc);
  return { doc, reports: [] };
}

/** `node attribute NODE name=value…` (empty value removes; removing a missing one is an error). */
export function setNodeAttributes(original: CibDocument, name: string, pairs: ReadonlyArray<readonly [string, string]>): NodeEdit {
  const target = findNode(original, name);
  if (target === undefined) {
    const first = pairs[0]?.[0] ?? "";
    return { doc: original, reports: [error("CIB_NODE_NOT_FOUND", `unable to set attribute ${first}: node '${name}' does not appear to exist in configuration`)] };
  }
  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  const node = findNode(doc, name) as XmlElement;
  for (const [attr, value] of pairs) {
    if (value !== "") {
      setPairs(nodeBlock(node, "instance_attributes", ids), [[attr, value]], ids);
      continue;
    }
    const block = firstChild(node, "instance_attributes");
    const present = block !== undefined && childElements(block, "nvpair").some((nv) => getAttr(nv, "name") === attr);
    if (!present) {
      return { doc: original, reports: [error("CIB_NODE_ATTRIBUTE_NOT_FOUND", `attribute: '${attr}' doesn't exist for node: '${name}'`)], exitCode: 2 };
    }
    setPairs(block, [[attr, ""]], ids);
  }
  bumpEpoch(doc);
  return { doc, reports: [] };
}

/** `node utilization NODE name=value…`: integer values, empty removes. */
export function setNodeUtilization(original: CibDocument, name: string, pairs: ReadonlyArray<readonly [string, string]>): NodeEdit {
  for (const [attr, value] of pairs) {
    if (value !== "" && !/^[+-]?\d+$/.test(value)) {
      return { doc: original, reports: [error("CIB_INVALID_UTILIZATION", `Value of utilization attribute must be integer: '${attr}=${value}'`)] };
    }
  }
  if (findNode(original, name) === undefined) {
    return { doc: original, reports: [error("CIB_NODE_NOT_FOUND", `Unable to find a node: ${name}`)] };
  }
  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  const node = findNode(doc, name) as XmlElement;
  setPairs(nodeBlock(node, "utilization", ids), pairs, ids);
  bumpEpoch(doc);
  return { doc, reports: [] };
}

/**
 * Node attributes or utilization per node (nodes by name, pairs by name), for
 * `node attribute [NODE] [--name NAME]` and `node utilization [NODE] [--name NAME]`.
 */
export function nodeValues(doc: CibDocument, tag: "instance_attributes" | "utilization", node?: string, name?: string): [string, [string, string][]][] {
  const out: [string, [string, string][]][] = [];
  for (const el of nodeElements(doc)) {
    const uname = getAttr(el, "uname") ?? getAttr(el, "id") ?? "";
    if (node !== undefined && uname !== node) continue;
    const pairs: [string, string][] = [];
    for (const block of childElements(el, tag)) {
      if (firstChild(block, "rule") !== undefined) continue;
      for (const nv of childElements(block, "nvpair")) {
        const n = getAttr(nv, "name") ?? "";
        if (name !== undefined && n !== name) continue;
        pairs.push([n, getAttr(nv, "value") ?? ""]);
      }
    }
    pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (pairs.length > 0) out.push([uname, pairs]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
