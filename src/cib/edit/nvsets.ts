/**
 * Name/value blocks (`instance_attributes`, `meta_attributes`, `utilization`, …) edited as
 * pcs edits them: nvpairs are written in name order, their ids are
 * `<block id>-<name>` made unique, an empty value removes a pair, and an emptied block is
 * kept (pcs keeps it so ACLs that allow writing nvpairs but not blocks still work).
 */

import { appendChild, childElements, element, firstChild, getAttr, removeChild, setAttr, type XmlElement } from "../../xml/index.js";
import type { IdAllocator } from "./lookup.js";

export type NvsetTag = "instance_attributes" | "meta_attributes" | "utilization" | "cluster_property_set";

/** Pairs in the order given; later duplicates win, as in a Python dict. */
export type NvPairs = ReadonlyArray<readonly [string, string]>;

function sortedUnique(pairs: NvPairs): [string, string][] {
  const map = new Map<string, string>();
  for (const [name, value] of pairs) map.set(name, value);
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function appendNvpair(nvset: XmlElement, name: string, value: string, ids: IdAllocator): void {
  appendChild(nvset, element("nvpair", { id: ids.subelementId(nvset, name), name, value }));
}

/** Sets, updates or (for an empty value) removes one nvpair in a block. */
export function setNvpair(nvset: XmlElement, name: string, value: string, ids: IdAllocator): void {
  const existing = childElements(nvset, "nvpair").find((nv) => getAttr(nv, "name") === name);
  if (existing === undefined) {
    if (value !== "") appendNvpair(nvset, name, value, ids);
  } else if (value !== "") {
    setAttr(existing, "value", value);
  } else {
    removeChild(nvset, existing);
  }
}

/** Applies pairs (in name order) to a block: add, update, or remove for empty values. */
export function updateNvset(nvset: XmlElement, pairs: NvPairs, ids: IdAllocator): void {
  for (const [name, value] of sortedUnique(pairs)) setNvpair(nvset, name, value, ids);
}

/** Whether pcs would keep a new element: it has children or any attribute besides id. */
export function isUseful(el: XmlElement): boolean {
  return el.children.length > 0 || Object.keys(el.attrs).some((a) => a !== "id");
}

function insertAt(parent: XmlElement, child: XmlElement, index: number | undefined): void {
  if (index === undefined) appendChild(parent, child);
  else parent.children.splice(index, 0, child);
}

/**
 * Appends a new block with the pairs (in name order; empty values are kept as given) to
 * `context`, with id `<context id>-<tag>`. An empty block is not appended unless
 * `enforceAppend` (pcs's append_new_nvset). Returns the block.
 */
export function appendNewNvset(
  tag: NvsetTag,
  context: XmlElement,
  pairs: NvPairs,
  ids: IdAllocator,
  enforceAppend = false,
): XmlElement {
  const nvset = element(tag, { id: ids.subelementId(context, tag) });
  for (const [name, value] of sortedUnique(pairs)) appendNvpair(nvset, name, value, ids);
  if (enforceAppend || isUseful(nvset)) appendChild(context, nvset);
  return nvset;
}

/**
 * Puts pairs into the first block named `tag` in `context`, creating it as the first child
 * when missing and there is something to put (pcs's arrange_first_nvset).
 */
export function arrangeFirstNvset(tag: NvsetTag, context: XmlElement, pairs: NvPairs, ids: IdAllocator, newId?: string): void {
  if (pairs.length === 0) return;
  const existing = firstChild(context, tag);
  if (existing !== undefined) {
    updateNvset(existing, pairs, ids);
    return;
  }
  const nvset = element(tag, { id: newId ?? ids.subelementId(context, tag) });
  updateNvset(nvset, pairs, ids);
  if (isUseful(nvset)) insertAt(context, nvset, 0);
}

/**
 * Puts pairs into the first block named `tag`, creating it (appended) when missing; used
 * by the older pcs commands (`resource update`, `resource meta`) which append rather than
 * prepend.
 */
export function updateFirstNvsetOrAppend(tag: NvsetTag, context: XmlElement, pairs: NvPairs, ids: IdAllocator): XmlElement | undefined {
  const existing = firstChild(context, tag);
  if (existing !== undefined) {
    updateNvset(existing, pairs, ids);
    return existing;
  }
  const nvset = element(tag, { id: ids.subelementId(context, tag) });
  updateNvset(nvset, pairs, ids);
  if (!isUseful(nvset)) return undefined;
  appendChild(context, nvset);
  return nvset;
}

/** The pairs of every block named `tag` in `context`, first block first (name → value). */
export function nvsetValues(context: XmlElement, tag: NvsetTag): Map<string, string> {
  const out = new Map<string, string>();
  for (const nvset of childElements(context, tag)) {
    for (const nv of childElements(nvset, "nvpair")) {
      const name = getAttr(nv, "name");
      if (name !== undefined && !out.has(name)) out.set(name, getAttr(nv, "value") ?? "");
    }
  }
  return out;
}

/** The value of `name` in the first block named `tag` that sets it (non-empty), or undefined. */
export function nvValue(context: XmlElement, tag: NvsetTag, name: string): string | undefined {
  for (const nvset of childElements(context, tag)) {
    for (const nv of childElements(nvset, "nvpair")) {
      const value = getAttr(nv, "value");
      if (getAttr(nv, "name") === name && value !== undefined && value !== "") return value;
    }
  }
  return undefined;
}

/** Parses `name=value` arguments; returns the pairs and the arguments that are not pairs. */
export function parseNvArgs(args: readonly string[]): { pairs: [string, string][]; invalid: string[] } {
  const pairs: [string, string][] = [];
  const invalid: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) invalid.push(arg);
    else pairs.push([arg.slice(0, eq), arg.slice(eq + 1)]);
  }
  return { pairs, invalid };
}
