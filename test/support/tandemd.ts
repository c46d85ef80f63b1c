/**
 * Spawns real tandemd processes (bin/tandemd.js) for integration tests: each with its own
 * config file, state dir and heartbeat port on loopback. Every process is tracked by PID
 * and killed on close(), also when a test fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../../..");
export const TANDEMD_BIN = join(root, "bin", "tandemd.js");
export const TANDEM_BIN = join(root, "bin", "tandem.js");

export interface DaemonHandle {
  readonly node: string;
  readonly configPath: string;
  readonly stateDir: string;
  readonly logPath: string;
  child: ChildProcess | undefined;
  readonly pid: number | undefined;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  logLines(): Record<string, unknown>[];
}

const live = new Set<DaemonHandle>();

export function writeNodeConfig(dir: string, cluster: string, node: string, endpoints: readonly string[], extra: Record<string, string | number> = {}): string {
  const stateDir = join(dir, node);
  mkdirSync(stateDir, { recursive: true });
  const path = join(dir, `tandem.${node}.conf`);
  const lines = {
    cluster_name: cluster,
    node_name: node,
    etcd_endpoints: endpoints.join(","),
    state_dir: stateDir,
    heartbeat_address: "127.0.0.1",
    heartbeat_port: 0,
    log_file: join(stateDir, "tandemd.log"),
    lease_ttl_sec: 3,
    ...extra,
  };
  writeFileSync(path, Object.entries(lines).map(([k, v]) => `${k} = ${v}`).join("\n") + "\n");
  return path;
}

export function startDaemon(configPath: string, node: string, stateDir: string): DaemonHandle {
  const logPath = join(stateDir, "tandemd.log");
  const child = spawn(process.execPath, [TANDEMD_BIN, "--config", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const handle: DaemonHandle = {
    node,
    configPath,
    stateDir,
    logPath,
    child,
    get pid() {
      return child.pid;
    },
    exited: new Promise((res) => child.on("exit", (code, signal) => {
      live.delete(handle);
      if (stderr.length > 0) process.stderr.write(`[tandemd ${node}] ${stderr}`);
      res(code ?? signal ?? "unknown");
    })),
    logLines() {
      if (!existsSync(logPath)) return [];
      return readFileSync(logPath, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
  live.add(handle);
  return handle;
}

/** SIGTERM and wait (SIGKILL after timeoutMs). */
export async function stopDaemon(h: DaemonHandle, timeoutMs = 20_000): Promise<number | string> {
  if (h.child?.exitCode !== null || h.child.signalCode !== null) return h.exited;
  h.child.kill("SIGTERM");
  const timer = setTimeout(() => h.child?.kill("SIGKILL"), timeoutMs);
  try {
    return await h.exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function killDaemon(h: DaemonHandle): Promise<void> {
  if (h.child !== undefined && h.child.exitCode === null && h.child.signalCode === null) {
    h.child.kill("SIGKILL");
    await h.exited;
  }
}

/** Kills every daemon still running (by PID). Safe to call twice. */
export async function killAllDaemons(): Promise<void> {
  for (const h of [...live]) await killDaemon(h);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
}
