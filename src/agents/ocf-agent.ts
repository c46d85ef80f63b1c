/**
 * `ocf:PROVIDER:TYPE`: the real script under `<ocfRoot>/resource.d/PROVIDER/TYPE`, run with
 * the environment of the OCF resource agent API 1.1 and Pacemaker's CRM_meta_ variables.
 */
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { runProcess, toAgentResult } from "./process.js";
import { normalizeOcfRc, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_PERM } from "./types.js";
import type { AgentRequest, AgentResult, AgentRunner } from "./types.js";

export interface OcfEnvironmentOptions {
  ocfRoot: string;
  /** HA_RSCTMP: where agents keep state that must vanish at reboot. */
  rscTmpDir: string;
  /** The node's name (OCF_RESKEY_CRM_meta_on_node when the caller did not set it). */
  nodeName?: string;
}

/**
 * The environment Pacemaker gives an OCF agent: OCF_ROOT and friends, every instance
 * attribute as OCF_RESKEY_<name>, every meta attribute as OCF_RESKEY_CRM_meta_<name>
 * (dashes turned into underscores, as Pacemaker's `crm_meta_name` does).
 */
export function ocfEnvironment(
  request: Pick<AgentRequest, "resourceId" | "params" | "meta" | "timeoutMs">,
  provider: string,
  type: string,
  options: OcfEnvironmentOptions,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    OCF_ROOT: options.ocfRoot,
    OCF_FUNCTIONS_DIR: join(options.ocfRoot, "lib", "heartbeat"),
    OCF_RA_VERSION_MAJOR: "1",
    OCF_RA_VERSION_MINOR: "1",
    OCF_RESOURCE_INSTANCE: request.resourceId,
    OCF_RESOURCE_TYPE: type,
    OCF_RESOURCE_PROVIDER: provider,
    OCF_EXIT_REASON_PREFIX: "ocf-exit-reason:",
    HA_RSCTMP: options.rscTmpDir,
    HA_LOGFACILITY: "none",
    HA_LOGFILE: "",
    HA_DEBUG: "0",
    LANG: "C",
    LC_ALL: "C",
  };
  for (const [name, value] of Object.entries(request.params)) {
    // An operation's depth (`op monitor OCF_CHECK_LEVEL=10`) is exported as itself, as Pacemaker does.
    if (name === "OCF_CHECK_LEVEL") env[name] = value;
    else env[`OCF_RESKEY_${name}`] = value;
  }
  const meta: Record<string, string> = { timeout: String(request.timeoutMs), ...request.meta };
  if (options.nodeName !== undefined && meta["on_node"] === undefined) meta["on_node"] = options.nodeName;
  for (const [name, value] of Object.entries(meta)) env[`OCF_RESKEY_CRM_meta_${name.replace(/-/g, "_")}`] = value;
  return env;
}

export class OcfScriptAgent implements AgentRunner {
  readonly name: string;
  readonly scriptPath: string;

  constructor(
    readonly provider: string,
    readonly type: string,
    private readonly options: OcfEnvironmentOptions,
  ) {
    this.name = `ocf:${provider}:${type}`;
    this.scriptPath = join(options.ocfRoot, "resource.d", provider, type);
  }

  /** Whether the script exists and is executable. */
  static exists(ocfRoot: string, provider: string, type: string): boolean {
    try {
      accessSync(join(ocfRoot, "resource.d", provider, type), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const outcome = await runProcess({
      command: this.scriptPath,
      args: [request.action],
      env: ocfEnvironment(request, this.provider, this.type, this.options),
      cwd: "/",
      timeoutMs: request.timeoutMs,
      // meta-data is read whole (IPaddr2's is ~20 KiB); other actions keep a tail.
      ...(request.action === "meta-data" ? { stdoutLimit: 1024 * 1024 } : {}),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (outcome.spawnError !== undefined) {
      // The script vanished or is not executable: "not installed" / "insufficient privileges".
      const rc = outcome.spawnErrorCode === "EACCES" ? OCF_ERR_PERM : OCF_ERR_INSTALLED;
      return { ...toAgentResult(outcome, rc), exitReason: `cannot run ${this.scriptPath}: ${outcome.spawnError}` };
    }
    if (outcome.timedOut || outcome.cancelled || outcome.exitCode === null) {
      return toAgentResult(outcome, OCF_ERR_GENERIC);
    }
    return toAgentResult(outcome, normalizeOcfRc(outcome.exitCode));
  }
}
