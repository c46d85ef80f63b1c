/**
 * Starting and stopping tandemd for `cluster start|stop`. Where systemd is PID 1 and the
 * node uses the default configuration, systemctl does it (the unit in contrib/). Otherwise
 * (containers, labs, tests) tandemd is spawned detached with its pid file in the state
 * dir, and stopped by that PID with SIGTERM.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, closeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TandemError } from "../../core/index.js";
import { DEFAULT_CONFIG_PATH, defaultLogFile, loadConfig, pidFile, type DaemonConfig } from "../../daemon/index.js";

const TANDEMD_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../bin/tandemd.js");

export interface NodeTarget {
  readonly node: string;
  readonly configPath: string;
  readonly config: DaemonConfig;
}

/** `tandem.<node>.conf` beside the main config: a node run on this host (lab, tests). */
export function labConfigPath(mainConfig: string, node: string): string {
  return join(dirname(mainConfig), `tandem.${node}.conf`);
}

/** The configuration to start `node` with from this host, or an error saying why not. */
export function targetFor(mainConfigPath: string, main: DaemonConfig, node: string): NodeTarget {
  const lab = labConfigPath(mainConfigPath, node);
  if (existsSync(lab)) return { node, configPath: lab, config: loadConfig(lab) };
  if (node === main.nodeName) return { node, configPath: mainConfigPath, config: main };
  throw new TandemError(
    "LIVE_NODE_NOT_LOCAL",
    `unable to control node '${node}' from this host: run 'tandem cluster start|stop' on ${node} itself (no ${lab})`,
  );
}

export function runningPid(config: DaemonConfig): number | undefined {
  const path = pidFile(config);
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function useSystemd(t: NodeTarget): boolean {
  return t.configPath === DEFAULT_CONFIG_PATH && existsSync("/run/systemd/system");
}

export function startDaemon(t: NodeTarget): number | undefined {
  if (useSystemd(t)) {
    const r = spawnSync("systemctl", ["start", "tandemd.service"], { encoding: "utf8" });
    if (r.status !== 0) throw new TandemError("LIVE_START_FAILED", `systemctl start tandemd failed: ${(r.stderr ?? "").trim()}`);
    return undefined;
  }
  const existing = runningPid(t.config);
  if (existing !== undefined) return existing;
  mkdirSync(t.config.stateDir, { recursive: true });
  const out = openSync(join(t.config.stateDir, "tandemd.out"), "a");
  try {
    const child = spawn(process.execPath, [TANDEMD_BIN, "--config", t.configPath], { detached: true, stdio: ["ignore", out, out] });
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** SIGTERM (tandemd stops its resources and leaves), then waits for the exit. */
export async function stopDaemon(t: NodeTarget, timeoutMs: number): Promise<boolean> {
  if (useSystemd(t)) {
    const r = spawnSync("systemctl", ["stop", "tandemd.service"], { encoding: "utf8" });
    return r.status === 0;
  }
  const pid = runningPid(t.config);
  if (pid === undefined) return true;
  process.kill(pid, "SIGTERM");
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export function logFileOf(t: NodeTarget): string {
  return defaultLogFile(t.config);
}
