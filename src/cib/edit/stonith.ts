/**
 * `stonith create` as pcs 0.11.5 stores it: a `class="stonith"` primitive whose
 * parameters are checked against the fence agent's metadata plus the fencer's own
 * `pcmk_*` options, with only a monitor operation by default (interval 60s). Fencing
 * itself comes later; this stores the configuration.
 */

import type { CibDocument } from "../document.js";
import type { AgentInfo } from "./agent-info.js";
import type { NvPairs } from "./nvsets.js";
import type { OperationOptions } from "./operations.js";
import { createResource, type EditResult } from "./resource-create.js";

export interface StonithCreateRequest {
  id: string;
  agent: AgentInfo;
  instanceAttributes: NvPairs;
  metaAttributes: NvPairs;
  operations: OperationOptions[];
  group?: string;
  disabled: boolean;
  force: boolean;
}

/**
 * The parameters pcs validates a fence device against: the agent's own (where `action`,
 * deprecated for fence devices, is never required) and the fencer's `pcmk_*` options.
 */
export function stonithAgentInfo(agent: AgentInfo, fencerParameters: readonly string[]): AgentInfo {
  // pcs hides the agents' command-line-only parameters (help, version) and never requires `action`.
  const own = agent.parameters
    .filter((p) => p.name !== "help" && p.name !== "version")
    .map((p) => (p.name === "action" ? { ...p, required: false } : p));
  const known = new Set(own.map((p) => p.name));
  const extra = fencerParameters
    .filter((n) => !known.has(n))
    .map((name) => ({ name, required: false, deprecated: false, deprecatedBy: [] as string[] }));
  return { ...agent, parameters: [...own, ...extra], operationNames: ["monitor", "start", "stop", "status", "on", "off", "reboot", "list"] };
}

export function createStonith(doc: CibDocument, req: StonithCreateRequest): EditResult {
  const result = createResource(doc, {
    id: req.id,
    agent: req.agent,
    instanceAttributes: req.instanceAttributes,
    metaAttributes: req.metaAttributes,
    operations: req.operations,
    disabled: req.disabled,
    // pcs creates fence devices without the agent's default operations: only a monitor.
    noDefaultOps: true,
    force: req.force,
    ...(req.group !== undefined ? { group: { id: req.group } } : {}),
  });
  // The shared validation speaks of resource options; pcs calls a fence device's options stonith options.
  const reports = result.reports.map((r) => ({ ...r, message: r.message.replace(/^invalid resource option/, "invalid stonith option") }));
  return { ...result, reports };
}
