/**
 * The one interface every resource agent class implements. An agent run is an expected
 * outcome, so it is a value (`AgentResult` with an OCF return code), never an exception;
 * exceptions are for "there is no such agent" (AGENT_NOT_FOUND) and broken invariants.
 */

/** Actions an agent may be asked to run (OCF names; systemd/lsb agents map them). */
export type AgentAction =
  | "start"
  | "stop"
  | "monitor"
  | "status"
  | "reload"
  | "reload-agent"
  | "restart"
  | "promote"
  | "demote"
  | "notify"
  | "migrate_to"
  | "migrate_from"
  | "meta-data"
  | "validate-all";

export const AGENT_ACTIONS: readonly AgentAction[] = [
  "start", "stop", "monitor", "status", "reload", "reload-agent", "restart", "promote", "demote",
  "notify", "migrate_to", "migrate_from", "meta-data", "validate-all",
];

export function isAgentAction(text: string): text is AgentAction {
  return (AGENT_ACTIONS as readonly string[]).includes(text);
}

/** OCF return codes (OCF resource agent API 1.1, section "Exit codes"). */
export const OCF_SUCCESS = 0;
export const OCF_ERR_GENERIC = 1;
export const OCF_ERR_ARGS = 2;
export const OCF_ERR_UNIMPLEMENTED = 3;
export const OCF_ERR_PERM = 4;
export const OCF_ERR_INSTALLED = 5;
export const OCF_ERR_CONFIGURED = 6;
export const OCF_NOT_RUNNING = 7;
export const OCF_RUNNING_PROMOTED = 8;
export const OCF_FAILED_PROMOTED = 9;

export type OcfRcName =
  | "success"
  | "generic error"
  | "invalid parameter"
  | "unimplemented feature"
  | "insufficient privileges"
  | "not installed"
  | "not configured"
  | "not running"
  | "promoted"
  | "promoted (failed)"
  | "unknown";

/** Names as Pacemaker's `services_ocf_exitcode_str` prints them (crm_mon's "Failed Resource Actions"). */
export function ocfRcName(rc: number): OcfRcName {
  switch (rc) {
    case 0: return "success";
    case 1: return "generic error";
    case 2: return "invalid parameter";
    case 3: return "unimplemented feature";
    case 4: return "insufficient privileges";
    case 5: return "not installed";
    case 6: return "not configured";
    case 7: return "not running";
    case 8: return "promoted";
    case 9: return "promoted (failed)";
    default: return "unknown";
  }
}

/** Agents that exit with something outside 0–9 are read as a generic error (as Pacemaker does). */
export function normalizeOcfRc(code: number): number {
  return Number.isInteger(code) && code >= 0 && code <= 9 ? code : OCF_ERR_GENERIC;
}

/** `class:provider:type` or `class:type`, as a primitive's class/provider/type attributes. */
export type AgentClass = "ocf" | "systemd" | "lsb" | "service";

export interface AgentSpec {
  agentClass: AgentClass;
  /** Only for `ocf`. */
  provider?: string;
  type: string;
}

export interface AgentRequest {
  /** The resource instance name (`web`, `web:1`), OCF_RESOURCE_INSTANCE. */
  resourceId: string;
  action: AgentAction;
  /** Instance attributes (OCF_RESKEY_<name>). */
  params: Readonly<Record<string, string>>;
  /**
   * Meta attributes without the CRM_meta_ prefix, as Pacemaker passes them: `interval`,
   * `timeout` (both in ms), `clone`, `clone_max`, `notify_type`, `on_node`, … Dashes in
   * names become underscores when they are exported.
   */
  meta: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Aborting kills the agent's process group; the result then says `cancelled`. */
  signal?: AbortSignal;
}

export interface AgentResult {
  /** The OCF return code (0–9); other exit codes are normalized to 1. */
  rc: number;
  /** The raw exit status when a process ran (null when killed by a signal or in-process). */
  exitCode: number | null;
  /** Last `ocf-exit-reason:` line on stderr (or the agent's own reason), "" if none. */
  exitReason: string;
  /** The last 4 KiB of stdout; all of it (up to 1 MiB) for meta-data. */
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
}

export interface AgentRunner {
  /** `ocf:heartbeat:Dummy`, `systemd:haproxy`, … */
  readonly name: string;
  run(request: AgentRequest): Promise<AgentResult>;
}

export function formatAgentSpec(spec: AgentSpec): string {
  return spec.provider === undefined ? `${spec.agentClass}:${spec.type}` : `${spec.agentClass}:${spec.provider}:${spec.type}`;
}
