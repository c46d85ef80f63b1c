/** Resource agent metadata, as pcs uses it to validate and complete resources. */

export type AgentStandard = "heartbeat" | "lsb" | "nagios" | "ocf" | "service" | "stonith" | "systemd" | "upstart";

export interface AgentName {
  standard: AgentStandard;
  provider?: string;
  type: string;
}

export interface AgentParameter {
  name: string;
  required: boolean;
  /** Parameters sharing a unique group must not repeat their values across resources of the agent. */
  uniqueGroup?: string;
  default?: string;
  /** OCF content type: string, integer, boolean, select, … */
  type: string;
  deprecated: boolean;
  /** Names of the parameters that replace this one. */
  deprecatedBy: string[];
  /** Added by pcs (trace_ra, trace_file) or marked advanced by the agent. */
  advanced: boolean;
}

export interface AgentAction {
  name: string;
  timeout?: string;
  interval?: string;
  role?: string;
  startDelay?: string;
  depth?: string;
}

export interface AgentMetadata {
  name: AgentName;
  /** False for an agent pcs could not load (accepted with --force): no parameters, no actions. */
  exists: boolean;
  parameters: AgentParameter[];
  actions: AgentAction[];
  /**
   * Operation names accepted besides `actions`: classes without OCF metadata (systemd,
   * lsb, service) take Pacemaker's standard actions but add no default operations.
   */
  operationNames?: string[];
  /** Where the metadata came from, for messages and tests. */
  source: "script" | "builtin" | "fallback" | "none";
}

export function formatAgentName(name: AgentName): string {
  return name.provider === undefined ? `${name.standard}:${name.type}` : `${name.standard}:${name.provider}:${name.type}`;
}
