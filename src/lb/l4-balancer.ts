/**
 * Tandem's L4 balancer: nftables DNAT from VIP:port to a pool of backends, in the kernel.
 *
 *   balancerRuleset(config, pool)   pure: the whole table as one `nft -f` transaction
 *   applyBalancer(config, pool)     loads it (atomic: delete + declare in one transaction),
 *                                   then flushes the conntrack entries of backends that left
 *   removeBalancer(config)          deletes the table and flushes every entry it created
 *
 * One table per balancer (`tandem_lb_<name>`). New connections pick a backend with
 * `numgen inc mod N` (round robin) or `jhash ip saddr mod N seed S` (source hash, the seed
 * fixed per balancer so every node maps a client the same way). Established connections
 * keep their backend through conntrack; a backend's entries are deleted when it leaves the
 * pool, so its clients get a reset at once rather than a stall. Replies return through the
 * balancer because forwarded connections are masqueraded to the balancer's own address.
 */

import { writeFile } from "node:fs/promises";
import { TandemError } from "../core/index.js";
import { defaultClusterIpSeed, parseIpv4, runChecked, runCommand } from "../net/index.js";
import type { Placement } from "./haproxy-map.js";

export type BalancerMode = "roundrobin" | "sourcehash";
export type BalancerProtocol = "tcp" | "udp";

export const BALANCER_MODES: readonly BalancerMode[] = ["roundrobin", "sourcehash"];

export interface BalancerConfig {
  /** Names the table: letters, digits, `_`, `-` (the resource id). */
  name: string;
  vip: string;
  port: number;
  protocol: BalancerProtocol;
  mode: BalancerMode;
  /** jhash seed for sourcehash; default derived from the VIP and port. */
  seed?: number;
}

export interface Backend {
  address: string;
  port: number;
}

export const MAX_BACKENDS = 256;

export function balancerTable(name: string): string {
  return `tandem_lb_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

export function balancerSeed(config: BalancerConfig): number {
  return config.seed ?? defaultClusterIpSeed(`${config.vip}:${config.port}`);
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TandemError("LB_BAD_BALANCER", `${what} must be a port from 1 to 65535, not ${port}`);
}

export function checkBalancerConfig(config: BalancerConfig): void {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(config.name)) throw new TandemError("LB_BAD_BALANCER", `'${config.name}' is not a balancer name (1–40 letters, digits, _ or -)`);
  if (parseIpv4(config.vip) === undefined) throw new TandemError("LB_BAD_BALANCER", `vip '${config.vip}' is not an IPv4 address`);
  checkPort(config.port, "port");
  if (!BALANCER_MODES.includes(config.mode)) throw new TandemError("LB_BAD_BALANCER", `mode '${String(config.mode)}' is not one of ${BALANCER_MODES.join(", ")}`);
  if (config.protocol !== "tcp" && config.protocol !== "udp") throw new TandemError("LB_BAD_BALANCER", `protocol '${String(config.protocol)}' is not tcp or udp`);
}

/** Sorted, de-duplicated, checked: the order decides the bucket of each backend, so it must not depend on who listed them. */
export function normalizePool(pool: readonly Backend[]): Backend[] {
  const seen = new Map<string, Backend>();
  for (const b of pool) {
    const n = parseIpv4(b.address);
    if (n === undefined) throw new TandemError("LB_BAD_BALANCER", `backend '${b.address}' is not an IPv4 address`);
    checkPort(b.port, `backend ${b.address}'s port`);
    seen.set(`${b.address}:${b.port}`, b);
  }
  if (seen.size > MAX_BACKENDS) throw new TandemError("LB_BAD_BALANCER", `a balancer has at most ${MAX_BACKENDS} backends, not ${seen.size}`);
  return [...seen.values()].sort((a, b) => (parseIpv4(a.address) ?? 0) - (parseIpv4(b.address) ?? 0) || a.port - b.port);
}

/** Parses `10.10.10.24,10.10.10.25:8080` (port defaults to `defaultPort`). */
export function parseBackends(text: string, defaultPort: number): Backend[] {
  return text.split(/[\s,]+/).filter((e) => e !== "").map((entry) => {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(entry);
    if (m === null || m[1] === undefined) throw new TandemError("LB_BAD_BALANCER", `backend '${entry}' is not ADDRESS or ADDRESS:PORT`);
    return { address: m[1], port: m[2] === undefined ? defaultPort : Number(m[2]) };
  });
}

/** The backends of a clone: the addresses of live nodes where an instance runs. */
export function poolFromPlacement(clone: string, placement: Placement, port: number): Backend[] {
  const alive = new Map(placement.nodes.map((n) => [n.name, n]));
  const out: Backend[] = [];
  for (const i of placement.instances) {
    const node = alive.get(i.node);
    if (i.resource === clone && i.state === "running" && node?.alive === true) out.push({ address: node.address, port });
  }
  return normalizePool(out);
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

function dnatRule(config: BalancerConfig, pool: readonly Backend[]): string {
  const map = pool.map((b, i) => `${i} : ${b.address} . ${b.port}`).join(", ");
  const pick = config.mode === "roundrobin"
    ? `numgen inc mod ${pool.length}`
    : `jhash ip saddr mod ${pool.length} seed ${hex(balancerSeed(config))}`;
  return `ip daddr ${config.vip} meta l4proto ${config.protocol} th dport ${config.port} dnat ip to ${pick} map { ${map} }`;
}

/**
 * The balancer's table as one transaction that replaces whatever was there. An empty pool
 * keeps the table (so monitor still sees the balancer) with no DNAT rule.
 */
export function balancerRuleset(config: BalancerConfig, poolIn: readonly Backend[]): string {
  checkBalancerConfig(config);
  const pool = normalizePool(poolIn);
  const table = balancerTable(config.name);
  const dnat = pool.length === 0 ? [] : [dnatRule(config, pool)];
  const elements = pool.length === 0 ? "" : ` elements = { ${pool.map((b) => `${b.address} . ${b.port}`).join(", ")} };`;
  return [
    `# Tandem L4 balancer ${config.name}: ${config.protocol} ${config.vip}:${config.port}, ${config.mode}, ${pool.length} backends`,
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    `\t# the pool as applied (read back to know which backends left)`,
    `\tset pool { type ipv4_addr . inet_service;${elements} }`,
    `\tchain prerouting {`,
    `\t\ttype nat hook prerouting priority dstnat; policy accept;`,
    ...dnat.map((r) => `\t\t${r}`),
    `\t}`,
    `\tchain output {`,
    `\t\ttype nat hook output priority -100; policy accept;`,
    ...dnat.map((r) => `\t\t${r}`),
    `\t}`,
    `\tchain postrouting {`,
    `\t\ttype nat hook postrouting priority srcnat; policy accept;`,
    `\t\tmeta l4proto ${config.protocol} ct status dnat ct original ip daddr ${config.vip} ct original proto-dst ${config.port} masquerade`,
    `\t}`,
    `}`,
    "",
  ].join("\n");
}

/** The conntrack command deleting the entries of connections to VIP:port that went to `backend`. */
export function conntrackFlushArgv(config: BalancerConfig, backend: Backend): string[] {
  return [
    "conntrack", "-D", "-p", config.protocol, "--orig-dst", config.vip, "--orig-port-dst", String(config.port),
    "--reply-src", backend.address, "--reply-port-src", String(backend.port),
  ];
}

// ---------------------------------------------------------------- I/O (current network namespace)

/** The pool currently applied; undefined when the balancer's table is absent. */
export async function appliedPool(name: string): Promise<Backend[] | undefined> {
  const result = await runCommand(["nft", "-j", "list", "set", "ip", balancerTable(name), "pool"]);
  if (result.code !== 0) return undefined;
  const parsed = JSON.parse(result.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
  const elems = parsed.nftables.find((e) => e.set !== undefined)?.set?.elem ?? [];
  const out: Backend[] = [];
  for (const e of elems) {
    const concat = (e as { concat?: unknown[] }).concat;
    if (Array.isArray(concat) && typeof concat[0] === "string" && typeof concat[1] === "number") out.push({ address: concat[0], port: concat[1] });
  }
  return normalizePool(out);
}

/** Deletes the conntrack entries of one backend; returns how many went. */
export async function flushBackendConntrack(config: BalancerConfig, backend: Backend): Promise<number> {
  const argv = conntrackFlushArgv(config, backend);
  const result = await runCommand(argv);
  const m = /(\d+) flow entries have been deleted/.exec(result.stderr + result.stdout);
  if (m !== null) return Number(m[1]);
  if (result.code !== 0) throw new TandemError("LB_CONNTRACK_FAILED", `'${argv.join(" ")}' failed (exit ${result.code}): ${result.stderr.trim()}`);
  return 0;
}

export interface ApplyReport {
  pool: Backend[];
  added: Backend[];
  removed: Backend[];
  /** conntrack entries deleted for the removed backends. */
  flushed: number;
}

export interface ApplyOptions {
  /**
   * `flush` (default): delete the removed backends' conntrack entries — for a dead node or a
   * failed instance, whose connections would otherwise stall until they time out.
   * `drain`: leave them; established connections finish on the backend (a graceful stop,
   * where the cluster takes the backend out of the pool before stopping it).
   */
  removed?: "flush" | "drain";
}

const key = (b: Backend): string => `${b.address}:${b.port}`;

/**
 * Makes the balancer route to exactly `pool`: one atomic nft transaction, then (unless
 * draining) the removed backends' conntrack entries are deleted (after the rules changed, so no new connection
 * can be given to them in between). Enables IPv4 forwarding in this network namespace.
 */
export async function applyBalancer(config: BalancerConfig, poolIn: readonly Backend[], options: ApplyOptions = {}): Promise<ApplyReport> {
  const pool = normalizePool(poolIn);
  const ruleset = balancerRuleset(config, pool);
  const before = (await appliedPool(config.name)) ?? [];
  await writeFile("/proc/sys/net/ipv4/ip_forward", "1\n").catch((error: unknown) => {
    throw new TandemError("LB_COMMAND_FAILED", `cannot enable IPv4 forwarding: ${String(error)}`, { cause: error });
  });
  try {
    await runChecked(["nft", "-f", "-"], { input: ruleset });
  } catch (error) {
    throw new TandemError("LB_COMMAND_FAILED", `nft refused balancer ${config.name}'s ruleset: ${String((error as Error).message)}`, { cause: error });
  }
  const now = new Set(pool.map(key));
  const was = new Set(before.map(key));
  const removed = before.filter((b) => !now.has(key(b)));
  let flushed = 0;
  if ((options.removed ?? "flush") === "flush") for (const b of removed) flushed += await flushBackendConntrack(config, b);
  return { pool, added: pool.filter((b) => !was.has(key(b))), removed, flushed };
}

/** Removes the balancer: its table, then the conntrack entries of every backend it had. Idempotent. */
export async function removeBalancer(config: BalancerConfig): Promise<number> {
  const before = (await appliedPool(config.name)) ?? [];
  await runCommand(["nft", "delete", "table", "ip", balancerTable(config.name)]);
  let flushed = 0;
  for (const b of before) flushed += await flushBackendConntrack(config, b);
  return flushed;
}
