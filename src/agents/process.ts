/**
 * Runs one agent process the way Pacemaker's executor does: its own session and process
 * group (so a timeout kills the agent and everything it forked but did not detach), a
 * deadline, output tails for the op history, and the last `ocf-exit-reason:` line.
 */
import { spawn } from "node:child_process";
import type { AgentResult } from "./types.js";

const TAIL_BYTES = 4096;
const EXIT_REASON_PREFIX = "ocf-exit-reason:";
/** After exit, how long to wait for pipes a daemon may have inherited before closing them. */
const PIPE_DRAIN_MS = 10;

export interface ProcessRequest {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string;
  uid?: number;
  gid?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** How much of stdout to keep (the tail); default 4 KiB, meta-data needs all of it. */
  stdoutLimit?: number;
  /** Text written to stdin (then closed); stdin is /dev/null otherwise. */
  input?: string;
}

export interface ProcessOutcome {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  exitReason: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** The spawn itself failed (ENOENT, EACCES): the message. */
  spawnError?: string;
  spawnErrorCode?: string;
}

class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString("utf8");
  }
}

/** Kills a whole process group; a vanished group is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function runProcess(request: ProcessRequest): Promise<ProcessOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stdout = new TailBuffer(request.stdoutLimit ?? TAIL_BYTES);
    const stderr = new TailBuffer(64 * 1024);
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let spawnError: { message: string; code?: string } | undefined;
    const child = spawn(request.command, [...request.args], {
      env: request.env,
      cwd: request.cwd,
      uid: request.uid,
      gid: request.gid,
      detached: true,
      stdio: [request.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => stdout.push(c));
    child.stderr?.on("data", (c: Buffer) => stderr.push(c));
    if (request.input !== undefined && child.stdin !== null) {
      child.stdin.on("error", () => undefined);
      child.stdin.end(request.input);
    }
    const kill = (): void => {
      if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, Math.max(1, request.timeoutMs));
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    if (request.signal?.aborted === true) onAbort();
    else request.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      const errText = stderr.text();
      let exitReason = "";
      for (const line of errText.split("\n")) {
        const at = line.indexOf(EXIT_REASON_PREFIX);
        if (at >= 0) exitReason = line.slice(at + EXIT_REASON_PREFIX.length).trim();
      }
      const outcome: ProcessOutcome = {
        exitCode,
        exitSignal,
        stdout: stdout.text(),
        stderr: errText.slice(-TAIL_BYTES),
        exitReason,
        durationMs: Math.round(performance.now() - started),
        timedOut,
        cancelled,
      };
      if (spawnError !== undefined) {
        outcome.spawnError = spawnError.message;
        if (spawnError.code !== undefined) outcome.spawnErrorCode = spawnError.code;
      }
      resolve(outcome);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      spawnError = { message: err.message, ...(err.code === undefined ? {} : { code: err.code }) };
      finish(null, null);
    });
    child.on("exit", (code, sig) => {
      // A daemon started by the agent may hold our pipes open: do not wait for it.
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, sig);
      }, PIPE_DRAIN_MS);
      child.on("close", () => {
        clearTimeout(drain);
        finish(code, sig);
      });
    });
  });
}

/** Converts a process outcome into an agent result with the OCF code the caller chose. */
export function toAgentResult(outcome: ProcessOutcome, rc: number): AgentResult {
  return {
    rc,
    exitCode: outcome.exitCode,
    exitReason: outcome.exitReason,
    stdoutTail: outcome.stdout,
    stderrTail: outcome.stderr,
    durationMs: outcome.durationMs,
    timedOut: outcome.timedOut,
    cancelled: outcome.cancelled,
  };
}
