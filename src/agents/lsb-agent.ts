/**
 * `lsb:NAME` (and `service:NAME` when an init script exists): /etc/init.d scripts. LSB's
 * exit codes for start/stop (0–7) mean what OCF's do; `status` has its own table
 * (0 running, 1–3 not running, 4 unknown), read as Pacemaker's `services_lsb` does.
 */
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { runProcess, toAgentResult } from "./process.js";
import { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_PERM, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS } from "./types.js";
import type { AgentAction, AgentRequest, AgentResult, AgentRunner } from "./types.js";

/** OCF code for an LSB `status` exit code. */
export function lsbStatusToOcf(code: number): number {
  if (code === 0) return OCF_SUCCESS;
  if (code === 1 || code === 2 || code === 3) return OCF_NOT_RUNNING;
  return OCF_ERR_GENERIC;
}

/** OCF code for the exit code of any other LSB action. */
export function lsbActionToOcf(code: number): number {
  return code >= 0 && code <= 7 ? code : OCF_ERR_GENERIC;
}

function lsbVerb(action: AgentAction): string | undefined {
  switch (action) {
    case "start":
    case "stop":
    case "restart":
    case "status":
      return action;
    case "monitor":
      return "status";
    case "reload":
    case "reload-agent":
      return "force-reload";
    case "promote":
    case "demote":
    case "notify":
    case "migrate_to":
    case "migrate_from":
    case "meta-data":
    case "validate-all":
      return undefined;
  }
}

export class LsbAgent implements AgentRunner {
  readonly name: string;
  readonly scriptPath: string;

  constructor(readonly scriptName: string, initDir = "/etc/init.d", label = "lsb") {
    this.name = `${label}:${scriptName}`;
    this.scriptPath = join(initDir, scriptName);
  }

  static exists(initDir: string, name: string): boolean {
    try {
      accessSync(join(initDir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const verb = lsbVerb(request.action);
    if (verb === undefined) {
      return {
        rc: OCF_ERR_UNIMPLEMENTED, exitCode: null, exitReason: `LSB scripts do not implement '${request.action}'`,
        stdoutTail: "", stderrTail: "", durationMs: 0, timedOut: false, cancelled: false,
      };
    }
    const outcome = await runProcess({
      command: this.scriptPath,
      args: [verb],
      env: { PATH: process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", LC_ALL: "C" },
      cwd: "/",
      timeoutMs: request.timeoutMs,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (outcome.spawnError !== undefined) {
      const rc = outcome.spawnErrorCode === "EACCES" ? OCF_ERR_PERM : OCF_ERR_INSTALLED;
      return { ...toAgentResult(outcome, rc), exitReason: `cannot run ${this.scriptPath}: ${outcome.spawnError}` };
    }
    if (outcome.timedOut || outcome.cancelled || outcome.exitCode === null) return toAgentResult(outcome, OCF_ERR_GENERIC);
    const rc = verb === "status" ? lsbStatusToOcf(outcome.exitCode) : lsbActionToOcf(outcome.exitCode);
    return toAgentResult(outcome, rc);
  }
}
