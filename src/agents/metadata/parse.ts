/**
 * Parses an OCF agent's `meta-data` XML (OCF 1.0 and 1.1) into AgentMetadata, as pcs
 * does: parameters with required/unique/deprecated flags, actions with their timeouts,
 * and pcs's extra `trace_ra`/`trace_file` parameters for heartbeat and pacemaker agents.
 */

import { childElements, descendants, firstChild, getAttr, parseXml, type XmlElement } from "../../xml/index.js";
import type { AgentAction, AgentMetadata, AgentName, AgentParameter } from "./types.js";

export type ParseResult = { ok: true; metadata: AgentMetadata } | { ok: false; reason: string };

function isTrueValue(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "on", "yes", "y"].includes(value.toLowerCase());
}

/**
 * Agents' metadata starts with a DOCTYPE naming ra-api-1.dtd. Our XML parser refuses
 * DOCTYPEs (no entity expansion), so a plain external one is dropped; one with an
 * internal subset is refused.
 */
function stripDoctype(text: string): string | undefined {
  const match = /<!DOCTYPE[^>[]*(\[)?/.exec(text);
  if (match === null) return text;
  if (match[1] !== undefined) return undefined;
  const end = text.indexOf(">", match.index);
  return text.slice(0, match.index) + text.slice(end + 1);
}

function parameterFrom(el: XmlElement, version: "1.0" | "1.1", obsoletedBy: Map<string, string[]>): AgentParameter {
  const name = getAttr(el, "name") ?? "";
  const content = firstChild(el, "content");
  const param: AgentParameter = {
    name,
    required: isTrueValue(getAttr(el, "required")),
    type: (content !== undefined ? getAttr(content, "type") : undefined) ?? "string",
    deprecated: false,
    deprecatedBy: [],
    advanced: isTrueValue(getAttr(el, "advanced")),
  };
  const def = content !== undefined ? getAttr(content, "default") : undefined;
  if (def !== undefined) param.default = def;
  if (version === "1.0") {
    param.deprecated = isTrueValue(getAttr(el, "deprecated"));
    param.deprecatedBy = [...(obsoletedBy.get(name) ?? [])].sort();
    if (isTrueValue(getAttr(el, "unique"))) param.uniqueGroup = `_pcs_unique_group_${name}`;
  } else {
    const deprecated = firstChild(el, "deprecated");
    if (deprecated !== undefined) {
      param.deprecated = true;
      param.deprecatedBy = childElements(deprecated, "replaced-with").map((r) => getAttr(r, "name") ?? "");
    }
    const group = getAttr(el, "unique-group");
    if (group !== undefined) param.uniqueGroup = group;
  }
  return param;
}

function actionFrom(el: XmlElement): AgentAction {
  const action: AgentAction = { name: getAttr(el, "name") ?? "" };
  const timeout = getAttr(el, "timeout");
  const interval = getAttr(el, "interval");
  const role = getAttr(el, "role");
  const startDelay = getAttr(el, "start-delay");
  const depth = getAttr(el, "depth");
  if (timeout !== undefined) action.timeout = timeout;
  if (interval !== undefined) action.interval = interval;
  if (role !== undefined) action.role = role;
  if (startDelay !== undefined) action.startDelay = startDelay;
  if (depth !== undefined) action.depth = depth;
  return action;
}

/** pcs's extra tracing parameters, added to heartbeat and pacemaker OCF agents. */
export function traceParameters(existing: readonly AgentParameter[]): AgentParameter[] {
  const names = new Set(existing.map((p) => p.name.toLowerCase()));
  const out: AgentParameter[] = [];
  const base = { required: false, deprecated: false, deprecatedBy: [], advanced: true };
  if (!names.has("trace_ra")) out.push({ ...base, name: "trace_ra", type: "integer", default: "0" });
  if (!names.has("trace_file")) out.push({ ...base, name: "trace_file", type: "string", default: "" });
  return out;
}

export function withPcsExtras(metadata: AgentMetadata): AgentMetadata {
  const { name } = metadata;
  if (name.standard === "ocf" && (name.provider === "heartbeat" || name.provider === "pacemaker")) {
    return { ...metadata, parameters: [...metadata.parameters, ...traceParameters(metadata.parameters)] };
  }
  return metadata;
}

export function parseOcfMetadata(name: AgentName, text: string, source: AgentMetadata["source"] = "script"): ParseResult {
  const stripped = stripDoctype(text);
  if (stripped === undefined) return { ok: false, reason: "metadata with an internal DTD subset is not supported" };
  let root: XmlElement;
  try {
    root = parseXml(stripped).root;
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  if (root.name !== "resource-agent") {
    return { ok: false, reason: `the metadata root element is <${root.name}>, expected <resource-agent>` };
  }
  const versionEl = firstChild(root, "version");
  const versionText = versionEl === undefined ? "1.0" : versionEl.children.map((c) => (c.kind === "text" ? c.text : "")).join("").trim();
  if (versionText !== "1.0" && versionText !== "1.1") {
    return { ok: false, reason: `unsupported OCF version '${versionText}', supported versions are: '1.0', '1.1'` };
  }
  const version = versionText;
  const paramsEl = firstChild(root, "parameters");
  const paramEls = paramsEl === undefined ? [] : [...descendants(paramsEl)].filter((e) => e.name === "parameter");
  const obsoletedBy = new Map<string, string[]>();
  if (version === "1.0") {
    for (const el of paramEls) {
      const obsoletes = getAttr(el, "obsoletes");
      const name = getAttr(el, "name");
      if (obsoletes !== undefined && name !== undefined) obsoletedBy.set(obsoletes, [...(obsoletedBy.get(obsoletes) ?? []), name]);
    }
  }
  const actionsEl = firstChild(root, "actions");
  const actionEls = actionsEl === undefined ? [] : [...descendants(actionsEl)].filter((e) => e.name === "action");
  return {
    ok: true,
    metadata: {
      name,
      exists: true,
      parameters: paramEls.map((el) => parameterFrom(el, version, obsoletedBy)),
      actions: actionEls.map(actionFrom),
      source,
    },
  };
}
