/**
 * `systemd:UNIT` where systemd is PID 1: systemctl does the work. Detection follows
 * sd_booted(3): /run/systemd/system exists (and PID 1 is systemd).
 */
import { existsSync, readFileSync } from "node:fs";
import { runProcess, toAgentResult } from "../process.js";
import { OCF_ERR_GENERIC, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS } from "../types.js";
import type { AgentRequest, AgentResult, AgentRunner } from "../types.js";
import { serviceUnitName } from "./unit-loader.js";

export function isSystemdPid1(): boolean {
  if (!existsSync("/run/systemd/system")) return false;
  try {
    return readFileSync("/proc/1/comm", "utf8").trim() === "systemd";
  } catch {
    return false;
  }
}

export class SystemctlAgent implements AgentRunner {
  readonly name: string;
  private readonly unit: string;

  constructor(unitName: string) {
    this.unit = serviceUnitName(unitName);
    this.name = `systemd:${unitName}`;
  }

  private async systemctl(args: string[], request: AgentRequest) {
    return runProcess({
      command: "systemctl",
      args,
      env: { PATH: process.env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", LC_ALL: "C" },
      timeoutMs: request.timeoutMs,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    let verb: string;
    switch (request.action) {
      case "start": verb = "start"; break;
      case "stop": verb = "stop"; break;
      case "restart": verb = "restart"; break;
      case "reload":
      case "reload-agent": verb = "reload"; break;
      case "monitor":
      case "status": {
        // is-active prints the state; only active/reloading count as running (as Pacemaker reads it).
        const out = await this.systemctl(["is-active", this.unit], request);
        const state = out.stdout.trim();
        const rc = out.timedOut ? OCF_ERR_GENERIC : state === "active" || state === "reloading" ? OCF_SUCCESS : state === "activating" || state === "deactivating" ? OCF_ERR_GENERIC : OCF_NOT_RUNNING;
        return { ...toAgentResult(out, rc), exitReason: rc === OCF_SUCCESS ? "" : `unit is ${state}` };
      }
      case "promote":
      case "demote":
      case "notify":
      case "migrate_to":
      case "migrate_from":
      case "meta-data":
      case "validate-all":
        return {
          rc: OCF_ERR_UNIMPLEMENTED, exitCode: null, exitReason: `systemd units do not implement '${request.action}'`,
          stdoutTail: "", stderrTail: "", durationMs: 0, timedOut: false, cancelled: false,
        };
    }
    const out = await this.systemctl([verb, this.unit], request);
    const rc = out.exitCode === 0 && !out.timedOut ? OCF_SUCCESS : OCF_ERR_GENERIC;
    return { ...toAgentResult(out, rc), exitReason: rc === OCF_SUCCESS ? "" : (out.stderr.trim().split("\n").at(-1) ?? "") };
  }
}
