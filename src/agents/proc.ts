/** Reading /proc: whether a PID is still the process we started, its group and command line. */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks since boot at which the process started: with the PID, a unique identity. */
  startTime: number;
}

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    pid,
    state: fields[0] ?? "?",
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTime: Number(fields[19]),
  };
}

/** Alive and not a zombie; when `startTime` is given, also the same process (not a reused PID). */
export function isProcessAlive(pid: number, startTime?: number): boolean {
  const st = procStat(pid);
  if (st === undefined || st.state === "Z" || st.state === "X") return false;
  return startTime === undefined || st.startTime === startTime;
}

export function procCmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const parts = raw.split("\0");
    if (parts.at(-1) === "") parts.pop();
    return parts;
  } catch {
    return undefined;
  }
}

export function listPids(): number[] {
  const out: number[] = [];
  try {
    for (const e of readdirSync("/proc")) if (/^\d+$/.test(e)) out.push(Number(e));
  } catch {
    /* no /proc: nothing to list */
  }
  return out;
}


/** Live processes (not zombies) whose process group is `pgrp`. */
export function groupMembers(pgrp: number): number[] {
  return listPids().filter((pid) => {
    const st = procStat(pid);
    return st !== undefined && st.pgrp === pgrp && st.state !== "Z";
  });
}

/** Reads a PID file: the first integer in it, or undefined. */
export function readPidFile(path: string): number | undefined {
  try {
    const m = /^\s*(\d+)/.exec(readFileSync(path, "utf8"));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `done()` or the deadline; true when done. */
export async function waitFor(done: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= until) return false;
    await sleep(stepMs);
  }
  return true;
}
