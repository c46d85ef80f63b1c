/**
 * `systemd:UNIT` where systemd is not PID 1 (containers, the lab, this machine): the unit
 * file's commands run under the executor's own supervision. The main process gets its own
 * session and process group; its PID and start time go to a state file, so an executor
 * that restarts finds, monitors and stops what its predecessor started.
 *
 *   start   ExecStartPre… → ExecStart (simple/exec/notify: spawned, watched for a short
 *           settle time; forking: waited for, main PID from PIDFile or the process group;
 *           oneshot: each run to completion) → ExecStartPost…
 *   monitor main process alive (same PID *and* start time), else PIDFile, else a process
 *           whose command line is exactly ExecStart's (found after a restart or when the
 *           service was started by hand — probes see it)
 *   stop    ExecStop… then KillSignal per KillMode, SIGKILL after TimeoutStopSec
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describeError, isTandemError } from "../../core/index.js";
import { killGroup, runProcess } from "../process.js";
import { groupMembers, isProcessAlive, listPids, procCmdline, procStat, readPidFile, sleep, waitFor } from "../proc.js";
import {
  OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS,
} from "../types.js";
import type { AgentRequest, AgentResult, AgentRunner } from "../types.js";
import { lookupGroup, lookupUser } from "./accounts.js";
import { loadServiceUnit, templateOf } from "./unit-loader.js";
import { expandExecWords, parseEnvironmentFile } from "./unit-file.js";
import type { ExecCommand, ServiceUnit } from "./unit-file.js";

export interface SupervisorOptions {
  /** Unit search path, highest priority first (a lab's or test's dir before /etc/systemd/system). */
  unitDirs: readonly string[];
  /** Where state files (`<unit>.json`) and logs (`<unit>.log`) live. */
  stateDir: string;
  /** How long a just-spawned simple/notify service must stay up to count as started. */
  startSettleMs?: number;
  /** `%t`, the runtime directory. */
  runtimeDir?: string;
}

interface SupervisedState {
  unit: string;
  mainPid?: number;
  startTime?: number;
  /** Process group to signal; only set when we own the group (we spawned its leader). */
  pgid?: number;
  /** A oneshot with RemainAfterExit=yes that completed: active without a process. */
  remain?: boolean;
  startedAtMs: number;
  adopted?: boolean;
}

const LOG_ROTATE_BYTES = 1024 * 1024;
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function result(rc: number, startedMs: number, exitReason = "", extra: Partial<AgentResult> = {}): AgentResult {
  return {
    rc, exitCode: null, exitReason, stdoutTail: "", stderrTail: "",
    durationMs: Math.round(performance.now() - startedMs), timedOut: false, cancelled: false, ...extra,
  };
}

class StepFailure extends Error {
  constructor(readonly rc: number, message: string, readonly timedOut = false, readonly cancelled = false) {
    super(message);
  }
}

/** When an operation must be done by, and the signal that cancels it (stopAll aborts running operations). */
interface Deadline {
  at: number;
  signal?: AbortSignal;
}

function left(deadline: Deadline): number {
  return deadline.at - performance.now();
}

function aborted(deadline: Deadline): boolean {
  return deadline.signal?.aborted === true;
}

export class SupervisedServiceAgent implements AgentRunner {
  readonly name: string;
  private readonly settleMs: number;
  private readonly runtimeDir: string;

  constructor(
    readonly unitName: string,
    private readonly options: SupervisorOptions,
  ) {
    this.name = `systemd:${unitName}`;
    this.settleMs = options.startSettleMs ?? 100;
    this.runtimeDir = options.runtimeDir ?? "/run";
  }

  /** Loads the unit each time: an edited unit file or drop-in applies at the next operation, as after `daemon-reload`. */
  private load(): ServiceUnit {
    return loadServiceUnit(this.unitName, this.options.unitDirs);
  }

  private statePath(unit: ServiceUnit): string {
    return join(this.options.stateDir, `${unit.name}.json`);
  }

  logPath(unit: ServiceUnit): string {
    return join(this.options.stateDir, `${unit.name}.log`);
  }

  private readState(unit: ServiceUnit): SupervisedState | undefined {
    try {
      return JSON.parse(readFileSync(this.statePath(unit), "utf8")) as SupervisedState;
    } catch {
      return undefined;
    }
  }

  private writeState(unit: ServiceUnit, state: SupervisedState): void {
    mkdirSync(this.options.stateDir, { recursive: true });
    const path = this.statePath(unit);
    writeFileSync(`${path}.tmp`, JSON.stringify(state));
    renameSync(`${path}.tmp`, path);
  }

  private clearState(unit: ServiceUnit): void {
    rmSync(this.statePath(unit), { force: true });
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const started = performance.now();
    let unit: ServiceUnit;
    try {
      unit = this.load();
    } catch (err) {
      // The unit file vanished since the agent was resolved: "not installed"; unreadable or malformed: "not configured".
      const rc = isTandemError(err) && err.code === "AGENT_NOT_FOUND" ? OCF_ERR_INSTALLED : OCF_ERR_CONFIGURED;
      return result(rc, started, describeError(err));
    }
    const deadline: Deadline = { at: started + request.timeoutMs, ...(request.signal === undefined ? {} : { signal: request.signal }) };
    try {
      switch (request.action) {
        case "start":
          return await this.start(unit, deadline, started);
        case "stop":
          return await this.stop(unit, deadline, started);
        case "monitor":
        case "status": {
          const m = this.monitor(unit);
          return result(m.rc, started, m.reason);
        }
        case "reload":
        case "reload-agent":
          return await this.reload(unit, deadline, started);
        case "restart": {
          const stopped = await this.stop(unit, deadline, started);
          if (stopped.rc !== OCF_SUCCESS) return stopped;
          return await this.start(unit, deadline, started);
        }
        case "promote":
        case "demote":
        case "notify":
        case "migrate_to":
        case "migrate_from":
        case "meta-data":
        case "validate-all":
          return result(OCF_ERR_UNIMPLEMENTED, started, `systemd units do not implement '${request.action}'`);
      }
    } catch (err) {
      if (err instanceof StepFailure) return result(err.rc, started, err.message, { timedOut: err.timedOut, cancelled: err.cancelled });
      return result(OCF_ERR_GENERIC, started, describeError(err));
    }
  }

  // --- environment -------------------------------------------------------------------

  private specifiers(unit: ServiceUnit): Record<string, string> {
    const base = unit.name.replace(/\.[^.]+$/, "");
    const tpl = templateOf(unit.name);
    return {
      n: unit.name,
      N: base,
      p: tpl === undefined ? base : base.slice(0, base.indexOf("@")),
      i: tpl?.instance ?? "",
      I: tpl?.instance ?? "",
      t: this.runtimeDir,
      h: unit.user === undefined ? "/root" : lookupUser(unit.user)?.home ?? "/",
    };
  }

  private environment(unit: ServiceUnit, mainPid?: number): Record<string, string> {
    const env: Record<string, string> = { PATH: BASE_PATH, LANG: process.env["LANG"] ?? "C.UTF-8" };
    const account = unit.user === undefined ? undefined : lookupUser(unit.user);
    if (account !== undefined) {
      Object.assign(env, { HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell });
    } else {
      Object.assign(env, { HOME: "/root", USER: "root", LOGNAME: "root" });
    }
    for (const [k, v] of unit.environment) env[k] = v;
    // EnvironmentFile= settings override Environment= (systemd.exec(5)).
    for (const file of unit.environmentFiles) {
      let text: string;
      try {
        text = readFileSync(file.path, "utf8");
      } catch (err) {
        if (file.optional) continue;
        throw new StepFailure(OCF_ERR_CONFIGURED, `EnvironmentFile ${file.path} cannot be read: ${describeError(err)}`);
      }
      for (const [k, v] of parseEnvironmentFile(text)) env[k] = v;
    }
    if (mainPid !== undefined) env["MAINPID"] = String(mainPid);
    return env;
  }

  private credentials(unit: ServiceUnit, cmd: ExecCommand | undefined): { uid?: number; gid?: number } {
    if (cmd?.privileged === true || unit.user === undefined) return {};
    const account = lookupUser(unit.user);
    if (account === undefined) throw new StepFailure(OCF_ERR_CONFIGURED, `User=${unit.user} does not exist`);
    const gid = unit.group === undefined ? account.gid : lookupGroup(unit.group);
    if (gid === undefined) throw new StepFailure(OCF_ERR_CONFIGURED, `Group=${unit.group ?? ""} does not exist`);
    if (account.uid === process.getuid?.()) return {};
    return { uid: account.uid, gid };
  }

  private workingDirectory(unit: ServiceUnit): string {
    const wd = unit.workingDirectory;
    if (wd === undefined) return "/";
    const path = wd.path === "~" ? this.specifiers(unit)["h"] ?? "/" : wd.path;
    if (!existsSync(path)) {
      if (wd.optional) return "/";
      throw new StepFailure(OCF_ERR_CONFIGURED, `WorkingDirectory ${path} does not exist`);
    }
    return path;
  }

  private argv(unit: ServiceUnit, cmd: ExecCommand, env: Record<string, string>): string[] {
    const words = expandExecWords(cmd.words, env, this.specifiers(unit));
    if (words.length === 0) throw new StepFailure(OCF_ERR_CONFIGURED, `command '${cmd.raw}' expands to nothing`);
    return words;
  }

  // --- control commands (ExecStartPre/Post, ExecStop, ExecReload, oneshot ExecStart) ---

  private async runControl(unit: ServiceUnit, cmd: ExecCommand, deadline: Deadline, mainPid?: number): Promise<void> {
    const env = this.environment(unit, mainPid);
    const [command, ...args] = this.argv(unit, cmd, env);
    const remaining = Math.max(1, Math.round(left(deadline)));
    const outcome = await runProcess({
      command: command ?? "", args, env, cwd: this.workingDirectory(unit), timeoutMs: remaining, ...this.credentials(unit, cmd),
      ...(deadline.signal === undefined ? {} : { signal: deadline.signal }),
    });
    if (outcome.cancelled) throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' cancelled`, false, true);
    if (outcome.timedOut) throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' timed out`, true);
    if (outcome.spawnError !== undefined) {
      if (cmd.ignoreFailure) return;
      throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' could not run: ${outcome.spawnError}`);
    }
    if (outcome.exitCode !== 0 && !cmd.ignoreFailure) {
      const detail = (outcome.stderr.trim().split("\n").at(-1) ?? "").slice(0, 300);
      throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' failed (exit ${outcome.exitCode ?? outcome.exitSignal ?? "?"})${detail.length > 0 ? `: ${detail}` : ""}`);
    }
  }

  // --- monitor -----------------------------------------------------------------------

  monitor(unit: ServiceUnit): { rc: number; reason: string } {
    const state = this.readState(unit);
    if (state?.remain === true) return { rc: OCF_SUCCESS, reason: "" };
    if (state?.mainPid !== undefined && isProcessAlive(state.mainPid, state.startTime)) return { rc: OCF_SUCCESS, reason: "" };
    const found = this.findRunning(unit);
    if (found !== undefined) {
      this.writeState(unit, found);
      return { rc: OCF_SUCCESS, reason: "" };
    }
    if (state !== undefined) return { rc: OCF_NOT_RUNNING, reason: `main process ${state.mainPid ?? "?"} exited` };
    return { rc: OCF_NOT_RUNNING, reason: "" };
  }

  /** A running instance we did not start (or lost track of): PIDFile, then an exact ExecStart command line. */
  private findRunning(unit: ServiceUnit): SupervisedState | undefined {
    let env: Record<string, string>;
    try {
      env = this.environment(unit);
    } catch {
      return undefined;
    }
    const adopt = (pid: number): SupervisedState | undefined => {
      const st = procStat(pid);
      if (st === undefined || st.state === "Z") return undefined;
      const state: SupervisedState = { unit: unit.name, mainPid: pid, startTime: st.startTime, startedAtMs: Date.now(), adopted: true };
      // Only a group we can call the service's own: the main process leads it.
      if (st.pgrp === pid) state.pgid = pid;
      return state;
    };
    if (unit.pidFile !== undefined) {
      const pid = readPidFile(expandExecWords([unit.pidFile], env, this.specifiers(unit))[0] ?? unit.pidFile);
      if (pid !== undefined) {
        const s = adopt(pid);
        if (s !== undefined) return s;
      }
    }
    const main = unit.execStart[0];
    if (unit.type === "oneshot" || main === undefined) return undefined;
    let wanted: string[];
    try {
      wanted = this.argv(unit, main, env);
    } catch {
      return undefined;
    }
    for (const pid of listPids()) {
      if (pid === process.pid) continue;
      const cmdline = procCmdline(pid);
      if (cmdline !== undefined && cmdline.length === wanted.length && cmdline.every((w, i) => w === wanted[i])) {
        const s = adopt(pid);
        if (s !== undefined) return s;
      }
    }
    return undefined;
  }

  // --- start -------------------------------------------------------------------------

  private async start(unit: ServiceUnit, opDeadline: Deadline, started: number): Promise<AgentResult> {
    if (this.monitor(unit).rc === OCF_SUCCESS) return result(OCF_SUCCESS, started);
    this.clearState(unit);
    const deadline: Deadline = { ...opDeadline, at: Math.min(opDeadline.at, started + unit.timeoutStartMs) };
    for (const cmd of unit.execStartPre) await this.runControl(unit, cmd, deadline);
    if (unit.type === "oneshot") {
      for (const cmd of unit.execStart) await this.runControl(unit, cmd, deadline);
      if (unit.remainAfterExit) this.writeState(unit, { unit: unit.name, remain: true, startedAtMs: Date.now() });
    } else {
      const main = unit.execStart[0];
      if (main === undefined) throw new StepFailure(OCF_ERR_CONFIGURED, `${unit.path}: no ExecStart=`);
      const state = unit.type === "forking" ? await this.startForking(unit, main, deadline) : await this.startSimple(unit, main, deadline);
      this.writeState(unit, state);
    }
    const mainPid = this.readState(unit)?.mainPid;
    for (const cmd of unit.execStartPost) await this.runControl(unit, cmd, deadline, mainPid);
    return result(OCF_SUCCESS, started);
  }

  private spawnMain(unit: ServiceUnit, cmd: ExecCommand, env: Record<string, string>) {
    const [command, ...args] = this.argv(unit, cmd, env);
    mkdirSync(this.options.stateDir, { recursive: true });
    // One previous log is kept; a service's output never grows the state dir without bound.
    const logPath = this.logPath(unit);
    try {
      if (statSync(logPath).size > LOG_ROTATE_BYTES) renameSync(logPath, `${logPath}.1`);
    } catch {
      /* no log yet */
    }
    const log = openSync(logPath, "a");
    try {
      const child = spawn(command ?? "", args, {
        env, cwd: this.workingDirectory(unit), detached: true, stdio: ["ignore", log, log],
        ...this.credentials(unit, cmd), ...(cmd.argv0 === undefined ? {} : { argv0: cmd.argv0 }),
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
        child.once("error", (err) => resolve({ code: null, signal: null, error: err.message }));
      });
      child.unref();
      return { pid: child.pid, exited };
    } finally {
      closeSync(log);
    }
  }

  private logTail(unit: ServiceUnit): string {
    try {
      const lines = readFileSync(this.logPath(unit), "utf8").trim().split("\n");
      return (lines.at(-1) ?? "").slice(0, 300);
    } catch {
      return "";
    }
  }

  private async startSimple(unit: ServiceUnit, cmd: ExecCommand, deadline: Deadline): Promise<SupervisedState> {
    const { pid, exited } = this.spawnMain(unit, cmd, this.environment(unit));
    const settle = Math.max(0, Math.min(this.settleMs, left(deadline)));
    const early = await Promise.race([exited, sleep(settle).then(() => undefined)]);
    if (early !== undefined) {
      if (early.error !== undefined) throw new StepFailure(OCF_ERR_GENERIC, `cannot run '${cmd.raw}': ${early.error}`);
      const ok = early.code === 0 || (early.code !== null && unit.successExitStatus.includes(early.code));
      if (!ok || pid === undefined) {
        const tail = this.logTail(unit);
        throw new StepFailure(OCF_ERR_GENERIC, `main process exited at once (${early.code ?? early.signal ?? "?"})${tail.length > 0 ? `: ${tail}` : ""}`);
      }
    }
    if (pid === undefined) throw new StepFailure(OCF_ERR_GENERIC, `cannot run '${cmd.raw}'`);
    const st = procStat(pid);
    return { unit: unit.name, mainPid: pid, pgid: pid, startedAtMs: Date.now(), ...(st === undefined ? {} : { startTime: st.startTime }) };
  }

  private async startForking(unit: ServiceUnit, cmd: ExecCommand, deadline: Deadline): Promise<SupervisedState> {
    const env = this.environment(unit);
    const { pid, exited } = this.spawnMain(unit, cmd, env);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, left(deadline)));
    });
    const onAbort = (): void => {
      if (pid !== undefined) killGroup(pid, "SIGKILL");
    };
    deadline.signal?.addEventListener("abort", onAbort, { once: true });
    const done = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    deadline.signal?.removeEventListener("abort", onAbort);
    if (aborted(deadline)) throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' cancelled`, false, true);
    if (done === undefined) {
      if (pid !== undefined) killGroup(pid, "SIGKILL");
      throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' did not return within the start timeout`, true);
    }
    if (done.error !== undefined || done.code !== 0) {
      throw new StepFailure(OCF_ERR_GENERIC, `'${cmd.raw}' failed (${done.error ?? done.code ?? done.signal ?? "?"}): ${this.logTail(unit)}`);
    }
    let mainPid: number | undefined;
    if (unit.pidFile !== undefined) {
      const pidFile = expandExecWords([unit.pidFile], env, this.specifiers(unit))[0] ?? unit.pidFile;
      await waitFor(() => {
        const p = readPidFile(pidFile);
        return p !== undefined && isProcessAlive(p);
      }, Math.max(0, left(deadline)));
      mainPid = readPidFile(pidFile);
      if (mainPid === undefined || !isProcessAlive(mainPid)) throw new StepFailure(OCF_ERR_GENERIC, `PID file ${pidFile} not written by a live process`);
    } else if (pid !== undefined) {
      // No PIDFile: systemd guesses from the cgroup; we take the oldest survivor of our group.
      mainPid = groupMembers(pid).sort((a, b) => a - b)[0];
    }
    if (mainPid === undefined) throw new StepFailure(OCF_ERR_GENERIC, "the forking service left no process behind");
    const st = procStat(mainPid);
    const state: SupervisedState = { unit: unit.name, mainPid, startedAtMs: Date.now(), ...(st === undefined ? {} : { startTime: st.startTime }) };
    if (pid !== undefined && st?.pgrp === pid) state.pgid = pid;
    else if (st?.pgrp === mainPid) state.pgid = mainPid;
    return state;
  }

  // --- stop --------------------------------------------------------------------------

  private async stop(unit: ServiceUnit, opDeadline: Deadline, started: number): Promise<AgentResult> {
    if (this.monitor(unit).rc !== OCF_SUCCESS) {
      // The main process is gone, but with KillMode=control-group/mixed its group's
      // leftovers (workers of a dead master) are still the service's: end them too.
      const stale = this.readState(unit);
      const ownGroup = procStat(process.pid)?.pgrp;
      if (stale?.pgid !== undefined && stale.pgid !== ownGroup && unit.killMode !== "process" && unit.killMode !== "none" && groupMembers(stale.pgid).length > 0) {
        killGroup(stale.pgid, "SIGKILL");
        await waitFor(() => groupMembers(stale.pgid ?? 0).length === 0, 2000);
      }
      this.clearState(unit);
      return result(OCF_SUCCESS, started);
    }
    const state = this.readState(unit);
    const deadline: Deadline = { ...opDeadline, at: Math.min(opDeadline.at, started + unit.timeoutStopMs) };
    const mainPid = state?.mainPid;
    for (const cmd of unit.execStop) {
      try {
        await this.runControl(unit, cmd, deadline, mainPid);
      } catch {
        /* systemd goes on to signalling when ExecStop fails */
      }
    }
    const ownGroup = procStat(process.pid)?.pgrp;
    const pgid = state?.pgid !== undefined && state.pgid !== ownGroup ? state.pgid : undefined;
    const alive = (): boolean =>
      (mainPid !== undefined && isProcessAlive(mainPid, state?.startTime)) ||
      (pgid !== undefined && unit.killMode !== "process" && groupMembers(pgid).length > 0);
    const signal = (sig: NodeJS.Signals, toGroup: boolean): void => {
      if (mainPid !== undefined && isProcessAlive(mainPid, state?.startTime)) {
        try {
          process.kill(mainPid, sig);
        } catch {
          /* already gone */
        }
      }
      if (toGroup && pgid !== undefined) killGroup(pgid, sig);
    };
    if (unit.killMode !== "none" && alive()) {
      signal(unit.killSignal as NodeJS.Signals, unit.killMode === "control-group");
      // An abort (stopAll) skips the grace period and goes straight to SIGKILL.
      await waitFor(() => !alive() || aborted(deadline), Math.max(0, left(deadline)));
      if (alive()) {
        signal("SIGKILL", unit.killMode !== "process");
        await waitFor(() => !alive(), 2000);
      }
    }
    if (alive()) return result(OCF_ERR_GENERIC, started, `service still running after stop (main PID ${mainPid ?? "?"})`, { timedOut: true });
    for (const cmd of unit.execStopPost) {
      try {
        await this.runControl(unit, cmd, { at: Math.max(deadline.at, performance.now() + 1000) });
      } catch {
        /* as systemd: ExecStopPost failures do not fail the stop */
      }
    }
    this.clearState(unit);
    return result(OCF_SUCCESS, started);
  }

  // --- reload ------------------------------------------------------------------------

  private async reload(unit: ServiceUnit, deadline: Deadline, started: number): Promise<AgentResult> {
    if (unit.execReload.length === 0) return result(OCF_ERR_UNIMPLEMENTED, started, `${unit.name} has no ExecReload=`);
    if (this.monitor(unit).rc !== OCF_SUCCESS) return result(OCF_NOT_RUNNING, started, `${unit.name} is not running`);
    const mainPid = this.readState(unit)?.mainPid;
    for (const cmd of unit.execReload) await this.runControl(unit, cmd, deadline, mainPid);
    return result(OCF_SUCCESS, started);
  }
}
