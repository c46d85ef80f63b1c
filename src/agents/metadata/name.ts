/**
 * Agent names as pcs parses them: `standard:provider:type` for OCF, `standard:type`
 * otherwise (systemd and service instances may contain ':' after '@').
 */

import type { AgentName, AgentStandard } from "./types.js";

const STANDARDS: readonly AgentStandard[] = ["heartbeat", "lsb", "nagios", "ocf", "service", "stonith", "systemd", "upstart"];

function isStandard(text: string): text is AgentStandard {
  return (STANDARDS as readonly string[]).includes(text);
}

/** The parsed name, or undefined when pcs would report InvalidResourceAgentName. */
export function parseAgentName(full: string): AgentName | undefined {
  const instance = /^(systemd|service):([^:@]+@.*)$/.exec(full);
  if (instance !== null) return { standard: instance[1] as AgentStandard, type: instance[2] as string };
  const match = /^([^:]+)(?::([^:]+))?:([^:]+)$/.exec(full);
  if (match === null) return undefined;
  const standard = match[1] as string;
  const provider = match[2];
  const type = match[3] as string;
  if (!isStandard(standard)) return undefined;
  if (standard === "ocf" && provider === undefined) return undefined;
  if (standard !== "ocf" && provider !== undefined) return undefined;
  return provider === undefined ? { standard, type } : { standard, provider, type };
}

export function invalidAgentNameMessage(full: string): string {
  return (
    `Invalid resource agent name '${full}'. Use standard:provider:type when standard is 'ocf' or standard:type otherwise. ` +
    "List of standards and providers can be obtained by using commands 'tandem resource standards' and 'tandem resource providers'."
  );
}
