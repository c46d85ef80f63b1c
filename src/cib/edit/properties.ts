/**
 * Cluster properties (`crm_config`'s first `cluster_property_set`, normally
 * `cib-bootstrap-options`) as `pcs property set|unset|config` handles them in 0.11.5:
 * names are checked against Pacemaker's cluster options (the metadata of
 * pacemaker-based/controld/schedulerd 2.1.5, below), values against their type, and
 * `--force` turns those errors into warnings. Tandem also accepts `fencing-enabled`, the
 * newer name of `stonith-enabled` (Pacemaker 2.1.8+), which pcs 0.11.5 does not know.
 */

import { appendChild, childElements, cloneDocument, element, firstChild, getAttr, type XmlElement } from "../../xml/index.js";
import { bumpEpoch, configuration, section, type CibDocument } from "../document.js";
import { IdAllocator } from "./lookup.js";
import { setNvpair } from "./nvsets.js";
import { error, forceable, type Report } from "./reports.js";

export type PropertyType = "boolean" | "integer" | "time" | "percentage" | "select" | "string";

export interface PropertyInfo {
  name: string;
  type: PropertyType;
  default: string;
  values?: readonly string[];
}

/** Pacemaker 2.1.5's cluster options (name, type, default). */
export const CLUSTER_PROPERTIES: readonly PropertyInfo[] = [
  { name: "batch-limit", type: "integer", default: "0" },
  { name: "cluster-delay", type: "time", default: "60s" },
  { name: "cluster-infrastructure", type: "string", default: "corosync" },
  { name: "cluster-ipc-limit", type: "integer", default: "500" },
  { name: "cluster-name", type: "string", default: "" },
  { name: "cluster-recheck-interval", type: "time", default: "15min" },
  { name: "concurrent-fencing", type: "boolean", default: "false" },
  { name: "dc-deadtime", type: "time", default: "20s" },
  { name: "dc-version", type: "string", default: "none" },
  { name: "election-timeout", type: "time", default: "2min" },
  { name: "enable-acl", type: "boolean", default: "false" },
  { name: "enable-startup-probes", type: "boolean", default: "true" },
  { name: "fence-reaction", type: "string", default: "stop" },
  { name: "have-watchdog", type: "boolean", default: "false" },
  { name: "join-finalization-timeout", type: "time", default: "30min" },
  { name: "join-integration-timeout", type: "time", default: "3min" },
  { name: "load-threshold", type: "percentage", default: "80%" },
  { name: "maintenance-mode", type: "boolean", default: "false" },
  { name: "migration-limit", type: "integer", default: "-1" },
  { name: "no-quorum-policy", type: "select", default: "stop", values: ["stop", "freeze", "ignore", "demote", "suicide"] },
  { name: "node-action-limit", type: "integer", default: "0" },
  { name: "node-health-base", type: "integer", default: "0" },
  { name: "node-health-green", type: "integer", default: "0" },
  { name: "node-health-red", type: "integer", default: "-INFINITY" },
  { name: "node-health-strategy", type: "select", default: "none", values: ["none", "migrate-on-red", "only-green", "progressive", "custom"] },
  { name: "node-health-yellow", type: "integer", default: "0" },
  { name: "pe-error-series-max", type: "integer", default: "-1" },
  { name: "pe-input-series-max", type: "integer", default: "4000" },
  { name: "pe-warn-series-max", type: "integer", default: "5000" },
  { name: "placement-strategy", type: "select", default: "default", values: ["default", "utilization", "minimal", "balanced"] },
  { name: "priority-fencing-delay", type: "time", default: "0" },
  { name: "remove-after-stop", type: "boolean", default: "false" },
  { name: "shutdown-escalation", type: "time", default: "20min" },
  { name: "shutdown-lock", type: "boolean", default: "false" },
  { name: "shutdown-lock-limit", type: "time", default: "0" },
  { name: "start-failure-is-fatal", type: "boolean", default: "true" },
  { name: "startup-fencing", type: "boolean", default: "true" },
  { name: "stonith-action", type: "select", default: "reboot", values: ["reboot", "off", "poweroff"] },
  { name: "stonith-enabled", type: "boolean", default: "true" },
  { name: "stonith-max-attempts", type: "integer", default: "10" },
  { name: "stonith-timeout", type: "time", default: "60s" },
  { name: "stonith-watchdog-timeout", type: "time", default: "0" },
  { name: "stop-all-resources", type: "boolean", default: "false" },
  { name: "stop-orphan-actions", type: "boolean", default: "true" },
  { name: "stop-orphan-resources", type: "boolean", default: "true" },
  { name: "symmetric-cluster", type: "boolean", default: "true" },
  { name: "transition-delay", type: "time", default: "0s" },
];

/** Newer names Tandem accepts beside pcs 0.11.5's list (Pacemaker renamed them later). */
export const PROPERTY_ALIASES: Readonly<Record<string, string>> = { "fencing-enabled": "stonith-enabled" };

/** Set by the cluster itself; pcs refuses to set them. */
export const READONLY_PROPERTIES = ["cluster-infrastructure", "cluster-name", "dc-version", "have-watchdog", "last-lrm-refresh"];

/** Not listed by `property config --all` (pcs leaves them out too). */
const HIDDEN_DEFAULTS = ["cluster-infrastructure", "dc-version"];

const DEFAULT_SET_ID = "cib-bootstrap-options";

export interface PropertyEdit {
  doc: CibDocument;
  reports: Report[];
}

function settableNames(): string[] {
  return CLUSTER_PROPERTIES.map((p) => p.name).filter((n) => !READONLY_PROPERTIES.includes(n));
}

function infoFor(name: string): PropertyInfo | undefined {
  const real = PROPERTY_ALIASES[name] ?? name;
  return CLUSTER_PROPERTIES.find((p) => p.name === real);
}

const BOOLEANS = ["0", "1", "false", "n", "no", "off", "on", "true", "y", "yes"];

function isTimeInterval(value: string): boolean {
  return /^\d+(ms|msec|us|usec|s|sec|m|min|h|hr)?$/.test(value) || /^P/.test(value);
}

function valueProblem(info: PropertyInfo, name: string, value: string): string | undefined {
  switch (info.type) {
    case "boolean":
      return BOOLEANS.includes(value.toLowerCase()) ? undefined : `'${value}' is not a valid ${name} value, use a pacemaker boolean value: ${BOOLEANS.map((b) => `'${b}'`).join(", ")}`;
    case "integer":
      return /^[+-]?(\d+|INFINITY)$/.test(value) ? undefined : `'${value}' is not a valid ${name} value, use an integer or INFINITY or -INFINITY`;
    case "percentage":
      return /^\d+%$/.test(value) ? undefined : `'${value}' is not a valid ${name} value, use a non-negative integer followed by '%' (e.g. 0%, 50%, 200%, ...)`;
    case "time":
      return isTimeInterval(value) ? undefined : `'${value}' is not a valid ${name} value, use time interval (e.g. 1, 2s, 3m, 4h, ...)`;
    case "select": {
      const values = [...(info.values ?? [])].sort();
      return values.includes(value) ? undefined : `'${value}' is not a valid ${name} value, use ${values.map((v) => `'${v}'`).join(", ")}`;
    }
    case "string":
      return undefined;
  }
}

/** The first cluster_property_set (read only; undefined when there is none). */
export function propertySet(doc: CibDocument): XmlElement | undefined {
  const crm = firstChild(configuration(doc), "crm_config");
  return crm === undefined ? undefined : childElements(crm, "cluster_property_set")[0];
}

/** `property set name=value…` (an empty value removes) and `property unset name…`. */
export function setProperties(original: CibDocument, pairs: ReadonlyArray<readonly [string, string]>, force: boolean): PropertyEdit {
  const reports: Report[] = [];
  const existingSet = propertySet(original);
  const setId = existingSet === undefined ? DEFAULT_SET_ID : (getAttr(existingSet, "id") ?? DEFAULT_SET_ID);
  const configured = new Set(existingSet === undefined ? [] : childElements(existingSet, "nvpair").map((nv) => getAttr(nv, "name") ?? ""));
  const merged = new Map<string, string>();
  for (const [name, value] of pairs) merged.set(name, value);

  for (const [name, value] of merged) {
    if (value === "" && !configured.has(name)) {
      reports.push(forceable("CIB_PROPERTY_NOT_SET", `Cannot remove property '${name}', it is not present in property set '${setId}'`, force));
    }
  }
  const allowed = settableNames();
  const bad = [...merged].filter(([name, value]) => {
    if (READONLY_PROPERTIES.includes(name)) return true;
    if (value === "") return false;
    return infoFor(name) === undefined;
  });
  if (bad.length > 0) {
    const names = bad.map(([n]) => `'${n}'`).join(", ");
    const plural = bad.length > 1;
    const message = `invalid cluster property option${plural ? "s" : ""} ${names}, allowed options are: ${allowed.map((a) => `'${a}'`).join(", ")}`;
    const readonly = bad.some(([n]) => READONLY_PROPERTIES.includes(n));
    reports.push(readonly ? error("CIB_PROPERTY_UNKNOWN", message) : forceable("CIB_PROPERTY_UNKNOWN", message, force));
  }
  for (const [name, value] of merged) {
    if (value === "") continue;
    const info = infoFor(name);
    if (info === undefined || READONLY_PROPERTIES.includes(name)) continue;
    const problem = valueProblem(info, name, value);
    if (problem === undefined) continue;
    reports.push(name === "stonith-watchdog-timeout" ? error("CIB_PROPERTY_INVALID_VALUE", problem) : forceable("CIB_PROPERTY_INVALID_VALUE", problem, force));
  }
  if (reports.some((r) => r.severity === "error")) return { doc: original, reports };

  const doc = cloneDocument(original);
  const ids = new IdAllocator(doc);
  let set = propertySet(doc);
  if (set === undefined) {
    if (ids.isTaken(DEFAULT_SET_ID)) {
      return { doc: original, reports: [error("CIB_ID_EXISTS", `Cannot create default cluster_property_set element, id '${DEFAULT_SET_ID}' already exists. Find elements with the id and remove them from cluster configuration.`)] };
    }
    set = element("cluster_property_set", { id: ids.allocate(DEFAULT_SET_ID) });
    appendChild(section(doc, "crm_config"), set);
  }
  for (const [name, value] of merged) setNvpair(set, name, value, ids);
  bumpEpoch(doc);
  return { doc, reports };
}

export interface PropertyListing {
  setId?: string;
  /** name → value, sorted by name. */
  properties: [string, string][];
}

export type PropertyListingMode = "configured" | "all" | "defaults";

/**
 * What `property config [NAME | --all | --defaults]` shows (pcs 0.11.5): the configured
 * properties of the first set; `--all` merges Pacemaker's defaults under them;
 * `--defaults` shows only defaults; NAME shows that property, configured or default.
 */
export function listProperties(doc: CibDocument, mode: PropertyListingMode, name?: string): PropertyListing {
  const set = propertySet(doc);
  const values = new Map<string, string>();
  if (mode !== "configured" || name !== undefined) {
    for (const p of CLUSTER_PROPERTIES) if (!HIDDEN_DEFAULTS.includes(p.name)) values.set(p.name, p.default);
  }
  if (set !== undefined && mode !== "defaults") {
    for (const nv of childElements(set, "nvpair")) values.set(getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? "");
  }
  let entries = [...values.entries()];
  if (name !== undefined) entries = entries.filter(([n]) => n === name);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const listing: PropertyListing = { properties: entries };
  const id = set === undefined ? undefined : getAttr(set, "id");
  if (id !== undefined) listing.setId = id;
  return listing;
}
