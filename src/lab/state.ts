/**
 * Where a lab keeps what it created: /run/tandem-lab/<name>/state.json (namespaces, init
 * PIDs, addresses) and each host's private directories. /run is a tmpfs, so a reboot also
 * removes every lab; `lab down` and a stale-lab clean-up read this to undo everything.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { TandemError } from "../core/index.js";
import type { HostPlan, LabPlan } from "./plan.js";

export const LAB_STATE_ROOT = "/run/tandem-lab";

export type HostLiveness = "up" | "dead";

export interface HostState extends HostPlan {
  state: HostLiveness;
  /** The `unshare` process that launched the host's init (host PID namespace). */
  launcherPid?: number;
  /** The host's init: PID 1 of its PID namespace, as seen from the machine. */
  initPid?: number;
  /** Long-running programs the lab started in this host (etcd, the node agent), by PID on the machine. */
  processes?: Record<string, number>;
}

export interface LabState extends Omit<LabPlan, "hosts"> {
  version: 1;
  createdAt: string;
  /** The Tandem cluster the lab runs (lab up without --bare). */
  cluster?: string;
  hosts: HostState[];
}

export function labDir(name: string): string {
  return join(LAB_STATE_ROOT, name);
}

export function hostDir(name: string, host: string): string {
  return join(labDir(name), "hosts", host);
}

function statePath(name: string): string {
  return join(labDir(name), "state.json");
}

export function writeLabState(state: LabState): void {
  mkdirSync(labDir(state.name), { recursive: true });
  const path = statePath(state.name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  renameSync(tmp, path);
}

/** The lab's recorded state; undefined when there is none (or it is unreadable: a crash mid-write). */
export function readLabState(name: string): LabState | undefined {
  const path = statePath(name);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as LabState;
    return parsed.version === 1 && Array.isArray(parsed.hosts) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function requireLabState(name: string): LabState {
  const state = readLabState(name);
  if (state === undefined) throw new TandemError("LAB_NOT_FOUND", `there is no lab named '${name}' (see 'tandem lab status --all')`);
  return state;
}

export function findHost(state: LabState, name: string): HostState {
  const host = state.hosts.find((h) => h.name === name);
  if (host === undefined) {
    throw new TandemError("LAB_HOST_NOT_FOUND", `lab '${state.name}' has no host '${name}' (hosts: ${state.hosts.map((h) => h.name).join(", ")})`);
  }
  return host;
}

/** Names of labs with a state directory (alive or stale). */
export function labNamesOnDisk(): string[] {
  if (!existsSync(LAB_STATE_ROOT)) return [];
  return readdirSync(LAB_STATE_ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
