/**
 * What edit commands need to know about a resource agent. The agents module's
 * AgentMetadata has this shape; it is restated here so the pure CIB layer does not
 * depend on the module that runs agent scripts.
 */

export interface AgentInfo {
  name: { standard: string; provider?: string; type: string };
  /** False for an agent accepted with --force although its metadata could not be read. */
  exists: boolean;
  parameters: readonly {
    name: string;
    required: boolean;
    uniqueGroup?: string;
    deprecated: boolean;
    deprecatedBy: readonly string[];
  }[];
  actions: readonly { name: string; timeout?: string; interval?: string; role?: string; startDelay?: string; depth?: string }[];
  /** Operation names the agent accepts when they are not all in `actions` (systemd, lsb, …). */
  operationNames?: readonly string[];
}

export function agentFullName(agent: AgentInfo): string {
  const { standard, provider, type } = agent.name;
  return provider === undefined ? `${standard}:${type}` : `${standard}:${provider}:${type}`;
}

/** Agent classes without OCF parameters: Tandem stores given parameters with a warning. */
export function agentTakesNoParameters(agent: AgentInfo): boolean {
  return agent.name.standard !== "ocf" && agent.name.standard !== "stonith";
}
