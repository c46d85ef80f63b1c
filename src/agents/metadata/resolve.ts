/**
 * From the agent text a user typed to the metadata pcs would validate against: short
 * names are guessed among installed and built-in agents (pcs's "Assumed agent name"),
 * OCF agents run their `meta-data`, built-in agents use their own, and classes without
 * metadata parameters (systemd, service, lsb, …) get an empty parameter list.
 */

import { error, forceable, info, type Report } from "../../cib/edit/index.js";
import { BUILTIN_AGENTS, HEARTBEAT_FALLBACKS } from "./builtin.js";
import { invalidAgentNameMessage, parseAgentName } from "./name.js";
import { parseOcfMetadata, withPcsExtras } from "./parse.js";
import type { AgentScripts } from "./port.js";
import { formatAgentName, type AgentMetadata, type AgentName } from "./types.js";

export const TANDEM_PROVIDER = "tandem";

/** The actions Pacemaker offers for systemd, service and lsb agents. */
const STANDARD_ACTIONS = ["start", "stop", "status", "monitor", "meta-data"] as const;

export interface ResolvedAgent {
  /** Undefined when the agent cannot be used (an error report says why). */
  metadata?: AgentMetadata;
  reports: Report[];
}

/** Agent classes whose agents take no instance attributes (no OCF parameters). */
export function takesNoParameters(name: AgentName): boolean {
  return name.standard !== "ocf" && name.standard !== "stonith";
}

function quoteList(items: readonly string[], lastSeparator: string): string {
  const quoted = [...items].sort().map((i) => `'${i}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")}${lastSeparator}${quoted[quoted.length - 1] ?? ""}`;
}

async function guess(scripts: AgentScripts, typed: string): Promise<{ name?: string; reports: Report[] }> {
  const lower = typed.toLowerCase();
  const found = new Set<string>();
  for (const { provider, type } of await scripts.listOcfAgents()) {
    if (type.toLowerCase() === lower) found.add(`ocf:${provider}:${type}`);
  }
  for (const type of BUILTIN_AGENTS.keys()) if (type.toLowerCase() === lower) found.add(`ocf:${TANDEM_PROVIDER}:${type}`);
  for (const type of HEARTBEAT_FALLBACKS.keys()) if (type.toLowerCase() === lower) found.add(`ocf:heartbeat:${type}`);
  const names = [...found].sort();
  if (names.length === 1) {
    const name = names[0] as string;
    return { name, reports: [info("AGENT_NAME_GUESSED", `Assumed agent name '${name}' (deduced from '${typed}')`)] };
  }
  if (names.length > 1) {
    return {
      reports: [error("AGENT_NAME_AMBIGUOUS", `Multiple agents match '${typed}', please specify full name: ${quoteList(names, " or ")}`)],
    };
  }
  return { reports: [error("AGENT_NOT_FOUND", `Unable to find agent '${typed}', try specifying its full name`)] };
}

function voidMetadata(name: AgentName): AgentMetadata {
  return { name, exists: false, parameters: [], actions: [], source: "none" };
}

function fromBuiltin(name: AgentName, xml: string, source: AgentMetadata["source"]): AgentMetadata {
  const parsed = parseOcfMetadata(name, xml, source);
  // Built-in metadata is ours and tested; a parse failure is a bug.
  if (!parsed.ok) throw new Error(`built-in metadata of ${formatAgentName(name)} is invalid: ${parsed.reason}`);
  return withPcsExtras(parsed.metadata);
}

/**
 * Loads the metadata of a parsed agent name. An agent that cannot be loaded is an error
 * that --force turns into a warning (then validated as pcs does: against nothing).
 */
export async function loadAgentMetadata(scripts: AgentScripts, name: AgentName, force: boolean): Promise<ResolvedAgent> {
  const full = formatAgentName(name);
  if (takesNoParameters(name)) {
    return { metadata: { name, exists: true, parameters: [], actions: [], operationNames: [...STANDARD_ACTIONS], source: "builtin" }, reports: [] };
  }
  if (name.standard !== "ocf" || name.provider === undefined) {
    return { metadata: voidMetadata(name), reports: [] };
  }
  if (name.provider === TANDEM_PROVIDER) {
    const xml = BUILTIN_AGENTS.get(name.type);
    if (xml !== undefined) return { metadata: fromBuiltin(name, xml, "builtin"), reports: [] };
    const report = forceable("AGENT_NOT_INSTALLED", `Agent '${full}' is not installed or does not provide valid metadata: Tandem has no built-in agent '${name.type}'`, force);
    return force ? { metadata: voidMetadata(name), reports: [report] } : { reports: [report] };
  }
  const script = await scripts.ocfMetadata(name.provider, name.type);
  let reason: string;
  if (script.ok) {
    const parsed = parseOcfMetadata(name, script.xml, "script");
    if (parsed.ok) return { metadata: withPcsExtras(parsed.metadata), reports: [] };
    reason = parsed.reason;
  } else {
    reason = script.reason;
  }
  const fallback = name.provider === "heartbeat" ? HEARTBEAT_FALLBACKS.get(name.type) : undefined;
  if (fallback !== undefined) return { metadata: fromBuiltin(name, fallback, "fallback"), reports: [] };
  const report = forceable("AGENT_NOT_INSTALLED", `Agent '${full}' is not installed or does not provide valid metadata: ${reason}`, force);
  return force ? { metadata: voidMetadata(name), reports: [report] } : { reports: [report] };
}

/** The whole path from typed text to metadata, with pcs's reports. */
export async function resolveAgent(scripts: AgentScripts, typed: string, force: boolean): Promise<ResolvedAgent> {
  const reports: Report[] = [];
  let full = typed;
  if (!typed.includes(":")) {
    const guessed = await guess(scripts, typed);
    reports.push(...guessed.reports);
    if (guessed.name === undefined) return { reports };
    full = guessed.name;
  }
  const name = parseAgentName(full);
  if (name === undefined) return { reports: [...reports, error("AGENT_INVALID_NAME", invalidAgentNameMessage(full))] };
  const loaded = await loadAgentMetadata(scripts, name, force);
  return loaded.metadata === undefined
    ? { reports: [...reports, ...loaded.reports] }
    : { metadata: loaded.metadata, reports: [...reports, ...loaded.reports] };
}
