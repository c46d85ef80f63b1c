/**
 * tandemd's configuration file (default /etc/tandem/tandem.conf, or $TANDEM_CONFIG):
 * `key = value` lines (`#` comments), or one JSON object with the same keys. Unknown keys
 * and bad values are refused with DAEMON_BAD_CONFIG naming the key, so a typo never
 * silently falls back to a default.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | cluster_name | (required) | the cluster's name; its keys live under /tandem/<name>/ |
 * | node_name | the host name | this node's name (must be a node of the CIB) |
 * | etcd_endpoints | http://127.0.0.1:2379 | comma-separated client URLs |
 * | etcd_ca_file, etcd_cert_file, etcd_key_file | — | PEM files for TLS |
 * | etcd_username, etcd_password_file | — | etcd authentication |
 * | state_dir | /var/lib/tandem | executor state, agents' state files, pid and log |
 * | heartbeat_address | 0.0.0.0 | address the UDP heartbeat binds (and peers send to: set the node's cluster address) |
 * | heartbeat_port | 5405 | UDP port of the heartbeat |
 * | heartbeat_interval_ms | 100 | heartbeat period |
 * | heartbeat_timeout_ms | 400 | silence after which the DC declares a node dead |
 * | lease_ttl_sec | 5 | membership lease TTL (whole seconds) |
 * | log_file | — (stdout) | JSON-lines log file |
 */

import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { TandemError, describeError } from "../core/index.js";

export const DEFAULT_CONFIG_PATH = "/etc/tandem/tandem.conf";

export interface DaemonConfig {
  readonly clusterName: string;
  readonly nodeName: string;
  readonly etcdEndpoints: readonly string[];
  readonly etcdCaFile?: string;
  readonly etcdCertFile?: string;
  readonly etcdKeyFile?: string;
  readonly etcdUsername?: string;
  readonly etcdPasswordFile?: string;
  readonly stateDir: string;
  readonly heartbeatAddress: string;
  readonly heartbeatPort: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly leaseTtlSec: number;
  readonly logFile?: string;
}

const KEYS = [
  "cluster_name", "node_name", "etcd_endpoints", "etcd_ca_file", "etcd_cert_file", "etcd_key_file", "etcd_username", "etcd_password_file",
  "state_dir", "heartbeat_address", "heartbeat_port", "heartbeat_interval_ms", "heartbeat_timeout_ms", "lease_ttl_sec", "log_file",
] as const;
type Key = (typeof KEYS)[number];

function bad(message: string): never {
  throw new TandemError("DAEMON_BAD_CONFIG", message);
}

/** The config file's path: $TANDEM_CONFIG, else the default. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const p = env["TANDEM_CONFIG"];
  return p !== undefined && p.length > 0 ? p : DEFAULT_CONFIG_PATH;
}

export function parseConfigText(text: string, source: string): Map<Key, string> {
  const out = new Map<Key, string>();
  const put = (key: string, value: string, where: string): void => {
    if (!(KEYS as readonly string[]).includes(key)) bad(`${where}: unknown key '${key}' (known: ${KEYS.join(", ")})`);
    out.set(key as Key, value);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      bad(`${source}: not valid JSON: ${describeError(error)}`);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) bad(`${source}: the JSON must be an object`);
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
      if (Array.isArray(v) && k === "etcd_endpoints") put(k, v.map(String).join(","), source);
      else if (typeof v === "string" || typeof v === "number") put(k, String(v), source);
      else bad(`${source}: '${k}' must be a string or a number`);
    }
    return out;
  }
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) bad(`${source}:${i + 1}: expected 'key = value', got '${line}'`);
    put(line.slice(0, eq).trim(), line.slice(eq + 1).trim(), `${source}:${i + 1}`);
  });
  return out;
}

function intOf(values: Map<Key, string>, key: Key, def: number, min: number): number {
  const text = values.get(key);
  if (text === undefined) return def;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) bad(`'${key}' must be a whole number >= ${min}, not '${text}'`);
  return n;
}

export function buildConfig(values: Map<Key, string>): DaemonConfig {
  const clusterName = values.get("cluster_name");
  if (clusterName === undefined || clusterName === "") bad("'cluster_name' is required");
  if (!/^[A-Za-z0-9_.-]+$/.test(clusterName)) bad(`'cluster_name' may hold letters, digits, '_', '.', '-' only, not '${clusterName}'`);
  const nodeName = values.get("node_name") ?? hostname().split(".")[0] ?? "localhost";
  const endpoints = (values.get("etcd_endpoints") ?? "http://127.0.0.1:2379").split(",").map((e) => e.trim()).filter((e) => e !== "");
  for (const e of endpoints) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      bad(`'etcd_endpoints': '${e}' is not a URL (e.g. http://10.0.0.1:2379)`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") bad(`'etcd_endpoints': '${e}' must be http:// or https://`);
  }
  if (endpoints.length === 0) bad("'etcd_endpoints' is empty");
  const interval = intOf(values, "heartbeat_interval_ms", 100, 1);
  const timeout = intOf(values, "heartbeat_timeout_ms", 400, 2);
  if (timeout <= interval) bad(`'heartbeat_timeout_ms' (${timeout}) must be longer than 'heartbeat_interval_ms' (${interval})`);
  const opt = (key: Key): Record<string, string> => {
    const v = values.get(key);
    return v === undefined ? {} : { [key]: v };
  };
  const o = { ...opt("etcd_ca_file"), ...opt("etcd_cert_file"), ...opt("etcd_key_file"), ...opt("etcd_username"), ...opt("etcd_password_file"), ...opt("log_file") };
  return {
    clusterName,
    nodeName,
    etcdEndpoints: endpoints,
    ...(o["etcd_ca_file"] === undefined ? {} : { etcdCaFile: o["etcd_ca_file"] }),
    ...(o["etcd_cert_file"] === undefined ? {} : { etcdCertFile: o["etcd_cert_file"] }),
    ...(o["etcd_key_file"] === undefined ? {} : { etcdKeyFile: o["etcd_key_file"] }),
    ...(o["etcd_username"] === undefined ? {} : { etcdUsername: o["etcd_username"] }),
    ...(o["etcd_password_file"] === undefined ? {} : { etcdPasswordFile: o["etcd_password_file"] }),
    ...(o["log_file"] === undefined ? {} : { logFile: o["log_file"] }),
    stateDir: values.get("state_dir") ?? "/var/lib/tandem",
    heartbeatAddress: values.get("heartbeat_address") ?? "0.0.0.0",
    heartbeatPort: intOf(values, "heartbeat_port", 5405, 0),
    heartbeatIntervalMs: interval,
    heartbeatTimeoutMs: timeout,
    leaseTtlSec: intOf(values, "lease_ttl_sec", 5, 1),
  };
}

export function loadConfig(path: string): DaemonConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TandemError("DAEMON_NO_CONFIG", `cannot read the configuration file '${path}': ${describeError(error)}`);
  }
  return buildConfig(parseConfigText(text, path));
}

/** Writes a config as `key = value` lines (cluster setup). */
export function formatConfig(values: Readonly<Record<string, string | number | undefined>>): string {
  const lines = ["# Tandem node configuration (see docs/runtime.md)"];
  for (const [k, v] of Object.entries(values)) if (v !== undefined) lines.push(`${k} = ${v}`);
  return lines.join("\n") + "\n";
}

export function pidFile(config: DaemonConfig): string {
  return join(config.stateDir, "tandemd.pid");
}

export function defaultLogFile(config: DaemonConfig): string {
  return config.logFile ?? join(config.stateDir, "tandemd.log");
}
