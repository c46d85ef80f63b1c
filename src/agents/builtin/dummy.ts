/**
 * `ocf:tandem:Dummy`: an in-process agent with Pacemaker Dummy's behaviour (a state file
 * says "running"), plus knobs for tests: per-action delays and forced return codes, and
 * a monitor that returns the code written into the state file as `rc=N` (so a test can
 * make a running instance fail without touching its parameters).
 *
 * Parameters: state, fake (reloadable), op_sleep (every action), sleep_<action>,
 * fail_<action> (an OCF code to return), e.g. `sleep_start=2s`, `fail_monitor=7`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDurationMs } from "../../core/index.js";
import {
  OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS, normalizeOcfRc,
} from "../types.js";
import type { AgentAction, AgentRequest, AgentResult, AgentRunner } from "../types.js";

/** The metadata `meta-data` prints; the CLI validates parameters against it. */
export const DUMMY_METADATA = `<?xml version="1.0"?>
<resource-agent name="Dummy" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">Tandem's built-in test resource</shortdesc>
  <longdesc lang="en">Keeps a state file; delays and return codes can be forced per action.</longdesc>
  <parameters>
    <parameter name="state" unique-group="state"><shortdesc lang="en">State file</shortdesc><content type="string"/></parameter>
    <parameter name="fake" reloadable="1"><shortdesc lang="en">Reloadable value</shortdesc><content type="string" default="dummy"/></parameter>
    <parameter name="op_sleep"><shortdesc lang="en">Delay of every action</shortdesc><content type="string" default="0"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s" depth="0"/>
    <action name="reload" timeout="20s"/>
    <action name="reload-agent" timeout="20s"/>
    <action name="migrate_to" timeout="20s"/>
    <action name="migrate_from" timeout="20s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>
`;

interface Outcome {
  rc: number;
  reason?: string;
  stdout?: string;
}

export function inProcessResult(outcome: Outcome, startedMs: number, extra: Partial<AgentResult> = {}): AgentResult {
  return {
    rc: outcome.rc, exitCode: null, exitReason: outcome.reason ?? "", stdoutTail: outcome.stdout ?? "", stderrTail: "",
    durationMs: Math.round(performance.now() - startedMs), timedOut: false, cancelled: false, ...extra,
  };
}

/** Waits `ms`; resolves "timeout" when the deadline comes first, "cancelled" on abort. */
export function abortableSleep(ms: number, deadlineMs: number, signal?: AbortSignal): Promise<"ok" | "timeout" | "cancelled"> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve("cancelled");
      return;
    }
    const left = deadlineMs - performance.now();
    const timeout = left < ms;
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(timeout ? "timeout" : "ok");
    }, Math.max(0, timeout ? left : ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve("cancelled");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class BuiltinDummyAgent implements AgentRunner {
  readonly name = "ocf:tandem:Dummy";
  constructor(private readonly rscTmpDir: string) {}

  private stateFile(request: AgentRequest): string {
    return request.params["state"] ?? join(this.rscTmpDir, `tandem-Dummy-${request.resourceId}.state`);
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const started = performance.now();
    const deadline = started + request.timeoutMs;
    const sleepText = request.params[`sleep_${request.action}`] ?? request.params["op_sleep"];
    if (sleepText !== undefined) {
      const ms = parseDurationMs(sleepText);
      if (ms === undefined) return inProcessResult({ rc: OCF_ERR_CONFIGURED, reason: `invalid sleep '${sleepText}'` }, started);
      const slept = await abortableSleep(ms, deadline, request.signal);
      if (slept === "timeout") return inProcessResult({ rc: OCF_ERR_GENERIC, reason: "" }, started, { timedOut: true });
      if (slept === "cancelled") return inProcessResult({ rc: OCF_ERR_GENERIC }, started, { cancelled: true });
    }
    const forced = request.params[`fail_${request.action}`];
    if (forced !== undefined) {
      const rc = Number(forced);
      if (!Number.isInteger(rc)) return inProcessResult({ rc: OCF_ERR_CONFIGURED, reason: `fail_${request.action} must be an OCF code` }, started);
      return inProcessResult({ rc: normalizeOcfRc(rc), reason: `forced by fail_${request.action}` }, started);
    }
    return inProcessResult(this.act(request.action, request), started);
  }

  private act(action: AgentAction, request: AgentRequest): Outcome {
    const file = this.stateFile(request);
    const running = (): Outcome => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return { rc: OCF_NOT_RUNNING };
      }
      const m = /^rc=(\d+)/m.exec(text);
      return m === null ? { rc: OCF_SUCCESS } : { rc: normalizeOcfRc(Number(m[1])), reason: "state file says so" };
    };
    const write = (): Outcome => {
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `fake=${request.params["fake"] ?? "dummy"}\n`);
        return { rc: OCF_SUCCESS };
      } catch (err) {
        return { rc: OCF_ERR_GENERIC, reason: `cannot write ${file}: ${String(err)}` };
      }
    };
    switch (action) {
      case "start":
      case "migrate_from":
        return running().rc === OCF_SUCCESS ? { rc: OCF_SUCCESS } : write();
      case "stop":
        rmSync(file, { force: true });
        return { rc: OCF_SUCCESS };
      case "monitor":
      case "status":
        return running();
      case "migrate_to":
        return running().rc === OCF_SUCCESS ? { rc: OCF_SUCCESS } : { rc: OCF_NOT_RUNNING, reason: "not running here" };
      case "reload":
      case "reload-agent":
        return running().rc === OCF_SUCCESS ? write() : { rc: OCF_NOT_RUNNING };
      case "restart":
        rmSync(file, { force: true });
        return write();
      case "notify":
        return { rc: OCF_SUCCESS };
      case "promote":
      case "demote":
        return { rc: OCF_ERR_UNIMPLEMENTED, reason: "Dummy is not promotable" };
      case "meta-data":
        return { rc: OCF_SUCCESS, stdout: DUMMY_METADATA };
      case "validate-all":
        return request.params["state"] === "" ? { rc: OCF_ERR_ARGS, reason: "state must not be empty" } : { rc: OCF_SUCCESS };
    }
  }
}
