/**
 * A CIB document is an XML tree whose root is `<cib>`. This file loads and checks one,
 * creates the empty CIB pcs starts from, and keeps Pacemaker's version counters.
 */

import { TandemError } from "../core/index.js";
import {
  appendChild,
  element,
  firstChild,
  getAttr,
  parseXml,
  serializeDocument,
  setAttr,
  type XmlDocument,
  type XmlElement,
} from "../xml/index.js";

export type CibDocument = XmlDocument;

/** The sections a configuration always has, in Pacemaker's order. */
export const CONFIGURATION_SECTIONS = ["crm_config", "nodes", "resources", "constraints"] as const;

/** The empty CIB pcs writes for `-f FILE` when FILE does not exist (pcs 0.11 utils.write_empty_cib). */
export function emptyCib(): CibDocument {
  const root = element("cib", { admin_epoch: "0", epoch: "1", num_updates: "1", "validate-with": "pacemaker-3.1" }, [
    element(
      "configuration",
      {},
      CONFIGURATION_SECTIONS.map((name) => element(name)),
    ),
    element("status"),
  ]);
  return { prolog: [], root, epilog: [] };
}

/**
 * Parses CIB text. Throws TandemError XML_MALFORMED (with line and column) for bad XML and
 * CIB_NOT_A_CIB when the root is not `<cib>` or it has no `<configuration>`.
 */
export function parseCib(text: string): CibDocument {
  const doc = parseXml(text);
  if (doc.root.name !== "cib") {
    throw new TandemError("CIB_NOT_A_CIB", `the root element is <${doc.root.name}>, expected <cib>`);
  }
  if (firstChild(doc.root, "configuration") === undefined) {
    throw new TandemError("CIB_NOT_A_CIB", "the CIB has no <configuration> section");
  }
  return doc;
}

export function serializeCib(doc: CibDocument): string {
  return serializeDocument(doc);
}

export function configuration(doc: CibDocument): XmlElement {
  const config = firstChild(doc.root, "configuration");
  if (config === undefined) throw new TandemError("CIB_NOT_A_CIB", "the CIB has no <configuration> section");
  return config;
}

/**
 * A configuration section, created (in Pacemaker's order) when missing: `rsc_defaults`,
 * `op_defaults`, `tags`, … are optional in the schema but edits need them.
 */
export function section(doc: CibDocument, name: string): XmlElement {
  const config = configuration(doc);
  const existing = firstChild(config, name);
  if (existing !== undefined) return existing;
  const created = element(name);
  appendChild(config, created);
  return created;
}

export function statusSection(doc: CibDocument): XmlElement {
  const existing = firstChild(doc.root, "status");
  if (existing !== undefined) return existing;
  const created = element("status");
  appendChild(doc.root, created);
  return created;
}

function counter(root: XmlElement, name: string): number {
  const n = Number.parseInt(getAttr(root, name) ?? "0", 10);
  return Number.isNaN(n) ? 0 : n;
}

export interface CibVersion {
  adminEpoch: number;
  epoch: number;
  numUpdates: number;
}

export function cibVersion(doc: CibDocument): CibVersion {
  return {
    adminEpoch: counter(doc.root, "admin_epoch"),
    epoch: counter(doc.root, "epoch"),
    numUpdates: counter(doc.root, "num_updates"),
  };
}

/** Orders versions as Pacemaker does: admin_epoch, then epoch, then num_updates. */
export function compareVersions(a: CibVersion, b: CibVersion): number {
  return a.adminEpoch - b.adminEpoch || a.epoch - b.epoch || a.numUpdates - b.numUpdates;
}

export function formatVersion(v: CibVersion): string {
  return `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`;
}

/** A configuration change: epoch + 1, num_updates back to 0 (as Pacemaker's CIB manager does). */
export function bumpEpoch(doc: CibDocument): void {
  setAttr(doc.root, "epoch", String(counter(doc.root, "epoch") + 1));
  setAttr(doc.root, "num_updates", "0");
}

/** A status-only change: num_updates + 1. */
export function bumpNumUpdates(doc: CibDocument): void {
  setAttr(doc.root, "num_updates", String(counter(doc.root, "num_updates") + 1));
}
