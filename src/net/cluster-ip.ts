/**
 * The shared cluster IP: one address held by every node, each node answering only the
 * clients whose hash bucket it owns. It replaces the iptables CLUSTERIP target that Linux
 * 6.3 removed, with the same three ingredients:
 *
 *  1. a shared multicast MAC (`ip maddr add`), so the switch floods every frame to all nodes;
 *  2. nftables `arp` output rewriting the sender MAC of the node's ARP packets for the IP to
 *     that multicast MAC, so clients learn it through ordinary ARP;
 *  3. in prerouting, `jhash <source> mod <buckets> seed <seed>`: a packet whose bucket is not
 *     in this node's `owned` set is dropped; the others get `meta pkttype set host`, because
 *     the kernel marks frames to a multicast MAC as multicast and TCP discards those.
 *
 * The seed is explicit and computed from the IP, so every node hashes a client to the same
 * bucket (nft draws a random seed per rule otherwise). Instance i of the clone owns bucket i;
 * when instances move, only the `owned` set changes, each change one nft transaction.
 *
 * The render functions are pure; apply/update/remove run `ip` and `nft` in the current
 * network namespace (the node's).
 */

import { TandemError } from "../core/index.js";
import { multicastMacFor, parseIpv4 } from "./addr.js";
import { runChecked, runCommand } from "./run.js";

export type ClusterIpHash = "sourceip" | "sourceip-sourceport" | "sourceip-sourceport-destport";

export interface ClusterIpConfig {
  ip: string;
  prefixLength: number;
  /** The node's interface on the cluster's subnet. */
  nic: string;
  /** Shared multicast MAC; every node must use the same. */
  mac: string;
  /** clone-max: the number of hash buckets. */
  bucketCount: number;
  /** jhash seed, identical on every node. */
  seed: number;
  hash: ClusterIpHash;
}

export const CLUSTER_IP_HASHES: readonly ClusterIpHash[] = ["sourceip", "sourceip-sourceport", "sourceip-sourceport-destport"];
export const MAX_BUCKETS = 64;

/** Table name for a cluster IP: one per address, so several cluster IPs coexist. */
export function clusterIpTable(ip: string): string {
  return `tandem_cip_${ip.replace(/\./g, "_")}`;
}

/** The default seed: FNV-1a of the address, so every node derives the same one with no coordination. */
export function defaultClusterIpSeed(ip: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `tandem-cluster-ip:${ip}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Fills in the MAC and seed every node derives from the IP. */
export function clusterIpConfig(base: Omit<ClusterIpConfig, "mac" | "seed"> & { mac?: string; seed?: number }): ClusterIpConfig {
  const address = parseIpv4(base.ip);
  if (address === undefined) throw new TandemError("NET_BAD_ADDRESS", `'${base.ip}' is not an IPv4 address`);
  return { ...base, mac: base.mac ?? multicastMacFor(address), seed: base.seed ?? defaultClusterIpSeed(base.ip) };
}

function rol32(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

/** Linux's jhash (include/linux/jhash.h, Bob Jenkins' lookup3) over up to 12 bytes, as nft's jhash expression computes it. */
export function linuxJhash(bytes: readonly number[], seed: number): number {
  // Keys longer than 12 bytes take the kernel's mixing loop, which nothing here needs.
  if (bytes.length > 12) throw new TandemError("NET_BAD_CLUSTER_IP", "jhash keys longer than 12 bytes are not supported");
  let a = (0xdeadbeef + bytes.length + seed) >>> 0;
  let b = a;
  let c = a;
  if (bytes.length === 0) return c;
  // Bytes past the key's end add nothing, as in the kernel's fall-through switch.
  const tail = (i: number): number => bytes[i] ?? 0;
  a = (a + (tail(0) | (tail(1) << 8) | (tail(2) << 16) | (tail(3) << 24))) >>> 0;
  b = (b + (tail(4) | (tail(5) << 8) | (tail(6) << 16) | (tail(7) << 24))) >>> 0;
  c = (c + (tail(8) | (tail(9) << 8) | (tail(10) << 16) | (tail(11) << 24))) >>> 0;
  // __jhash_final
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  return c;
}

/**
 * The bucket the kernel puts a client in under `clusterip_hash=sourceip`: nft's jhash of the
 * 4 source-address bytes, scaled to the bucket count (reciprocal_scale). Lets Tandem say
 * which node serves a client without asking the nodes.
 */
export function sourceIpBucket(source: string, bucketCount: number, seed: number): number {
  const address = parseIpv4(source);
  if (address === undefined) throw new TandemError("NET_BAD_ADDRESS", `'${source}' is not an IPv4 address`);
  const bytes = [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255];
  return Number((BigInt(linuxJhash(bytes, seed >>> 0)) * BigInt(bucketCount)) >> 32n);
}

function hashKey(hash: ClusterIpHash): string {
  switch (hash) {
    case "sourceip":
      return "ip saddr";
    case "sourceip-sourceport":
      return "ip saddr . th sport";
    case "sourceip-sourceport-destport":
      return "ip saddr . th sport . th dport";
  }
}

function seedHex(seed: number): string {
  return `0x${(seed >>> 0).toString(16).padStart(8, "0")}`;
}

function checkConfig(config: ClusterIpConfig): void {
  if (!Number.isInteger(config.bucketCount) || config.bucketCount < 1 || config.bucketCount > MAX_BUCKETS) {
    throw new TandemError("NET_BAD_CLUSTER_IP", `a cluster IP has 1 to ${MAX_BUCKETS} buckets (clone-max), not ${config.bucketCount}`);
  }
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(config.nic)) throw new TandemError("NET_BAD_CLUSTER_IP", `'${config.nic}' is not an interface name`);
  if (parseIpv4(config.ip) === undefined) throw new TandemError("NET_BAD_ADDRESS", `'${config.ip}' is not an IPv4 address`);
}

function checkBuckets(config: ClusterIpConfig, buckets: readonly number[]): number[] {
  for (const b of buckets) {
    if (!Number.isInteger(b) || b < 0 || b >= config.bucketCount) {
      throw new TandemError("NET_BAD_CLUSTER_IP", `bucket ${b} does not exist: buckets are 0 to ${config.bucketCount - 1} (one per clone instance)`);
    }
  }
  return [...new Set(buckets)].sort((a, b) => a - b);
}

function elements(buckets: readonly number[]): string {
  return buckets.length === 0 ? "" : ` elements = { ${buckets.join(", ")} };`;
}

function prerouteRules(config: ClusterIpConfig): string[] {
  const match = `iifname "${config.nic}" ip daddr ${config.ip}`;
  return [
    `${match} jhash ${hashKey(config.hash)} mod ${config.bucketCount} seed ${seedHex(config.seed)} != @owned drop`,
    `${match} meta pkttype set host`,
  ];
}

function arpRule(config: ClusterIpConfig): string {
  return `arp saddr ip ${config.ip} arp saddr ether set ${config.mac}`;
}

/**
 * The whole ruleset of one cluster IP on one node, as one nft transaction that replaces
 * whatever was there: both tables are created, emptied by deletion and declared again, so
 * loading it twice gives the same result and nothing is ever half-applied.
 */
export function clusterIpRuleset(config: ClusterIpConfig, owned: readonly number[]): string {
  checkConfig(config);
  const buckets = checkBuckets(config, owned);
  const table = clusterIpTable(config.ip);
  return [
    `# Tandem shared cluster IP ${config.ip}: ${config.bucketCount} buckets, hash ${config.hash}, MAC ${config.mac}`,
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    `\t# clone instance i owns bucket i; this node answers the buckets listed here`,
    `\tset owned { typeof meta length;${elements(buckets)} }`,
    `\tchain prerouting {`,
    `\t\ttype filter hook prerouting priority raw; policy accept;`,
    ...prerouteRules(config).map((r) => `\t\t${r}`),
    `\t}`,
    `}`,
    `table arp ${table}`,
    `delete table arp ${table}`,
    `table arp ${table} {`,
    `\tchain output {`,
    `\t\ttype filter hook output priority filter; policy accept;`,
    `\t\t${arpRule(config)}`,
    `\t}`,
    `}`,
    "",
  ].join("\n");
}

/**
 * Creates the tables if missing and refreshes their rules, leaving the owned set's elements
 * as they are: safe while another instance on this node is adding its bucket.
 */
export function clusterIpEnsureTransaction(config: ClusterIpConfig): string {
  checkConfig(config);
  const table = clusterIpTable(config.ip);
  return [
    `add table ip ${table}`,
    `add set ip ${table} owned { typeof meta length; }`,
    `add chain ip ${table} prerouting { type filter hook prerouting priority raw; policy accept; }`,
    `flush chain ip ${table} prerouting`,
    ...prerouteRules(config).map((r) => `add rule ip ${table} prerouting ${r}`),
    `add table arp ${table}`,
    `add chain arp ${table} output { type filter hook output priority filter; policy accept; }`,
    `flush chain arp ${table} output`,
    `add rule arp ${table} output ${arpRule(config)}`,
    "",
  ].join("\n");
}

/** Replaces the owned set in one transaction: no packet sees a half-updated set. */
export function clusterIpOwnedTransaction(config: ClusterIpConfig, owned: readonly number[]): string {
  const buckets = checkBuckets(config, owned);
  const table = clusterIpTable(config.ip);
  const lines = [`flush set ip ${table} owned`];
  if (buckets.length > 0) lines.push(`add element ip ${table} owned { ${buckets.join(", ")} }`);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------- I/O (current network namespace)

async function nft(transaction: string): Promise<void> {
  await runChecked(["nft", "-f", "-"], { input: transaction });
}

async function hasAddress(ip: string, nic: string): Promise<boolean> {
  const out = await runChecked(["ip", "-j", "-4", "addr", "show", "dev", nic]);
  const links = JSON.parse(out) as { addr_info?: { local?: string }[] }[];
  return links.some((l) => (l.addr_info ?? []).some((a) => a.local === ip));
}

async function hasMaddr(mac: string, nic: string): Promise<boolean> {
  const out = await runChecked(["ip", "maddr", "show", "dev", nic]);
  return out.toLowerCase().split(/\s+/).includes(mac);
}

/** The buckets this node owns; undefined when the cluster IP's table is absent. */
export async function ownedBuckets(ip: string): Promise<number[] | undefined> {
  const result = await runCommand(["nft", "-j", "list", "set", "ip", clusterIpTable(ip), "owned"]);
  if (result.code !== 0) return undefined;
  const parsed = JSON.parse(result.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
  const set = parsed.nftables.find((e) => e.set !== undefined)?.set;
  return (set?.elem ?? []).filter((e): e is number => typeof e === "number").sort((a, b) => a - b);
}

/**
 * Runs `argv` to reach a state unless `isThere()` already holds; a failure is an error only
 * if the state was not reached. Two instances of one cluster IP starting or stopping on the
 * same node at once both try, one of them loses the race, and both are right.
 */
async function converge(argv: string[], wanted: boolean, isThere: () => Promise<boolean>): Promise<void> {
  if ((await isThere()) === wanted) return;
  const result = await runCommand(argv);
  if (result.code !== 0 && (await isThere()) !== wanted) {
    throw new TandemError("NET_COMMAND_FAILED", `'${argv.join(" ")}' failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}

/** Makes the node hold the cluster IP (address, multicast MAC, rules) without changing which buckets it owns. */
export async function ensureClusterIp(config: ClusterIpConfig): Promise<void> {
  await nft(clusterIpEnsureTransaction(config));
  await converge(["ip", "maddr", "add", config.mac, "dev", config.nic], true, () => hasMaddr(config.mac, config.nic));
  await converge(["ip", "addr", "add", `${config.ip}/${config.prefixLength}`, "dev", config.nic], true, () => hasAddress(config.ip, config.nic));
}

/** Applies the whole cluster IP with exactly these owned buckets (one transaction for the rules). */
export async function applyClusterIp(config: ClusterIpConfig, owned: readonly number[]): Promise<void> {
  await nft(clusterIpRuleset(config, owned));
  await ensureClusterIp(config);
}

/** Sets the owned buckets atomically (instances moved to or away from this node). */
export async function setOwnedBuckets(config: ClusterIpConfig, owned: readonly number[]): Promise<void> {
  await nft(clusterIpOwnedTransaction(config, owned));
}

export async function addOwnedBucket(config: ClusterIpConfig, bucket: number): Promise<void> {
  checkBuckets(config, [bucket]);
  await nft(`add element ip ${clusterIpTable(config.ip)} owned { ${bucket} }\n`);
}

/** Gives up one bucket; returns the buckets still owned. */
export async function removeOwnedBucket(config: ClusterIpConfig, bucket: number): Promise<number[]> {
  checkBuckets(config, [bucket]);
  const owned = await ownedBuckets(config.ip);
  if (owned === undefined) return [];
  if (owned.includes(bucket)) {
    const result = await runCommand(["nft", "-f", "-"], { input: `delete element ip ${clusterIpTable(config.ip)} owned { ${bucket} }\n` });
    // Deleted concurrently by another stop: the outcome is the same.
    if (result.code !== 0 && !/No such file/.test(result.stderr)) {
      throw new TandemError("NET_COMMAND_FAILED", `could not release bucket ${bucket} of ${config.ip}: ${result.stderr.trim()}`);
    }
  }
  return (await ownedBuckets(config.ip)) ?? [];
}

/** Removes the cluster IP from this node entirely: rules, multicast MAC, address. Idempotent. */
export async function removeClusterIp(config: Pick<ClusterIpConfig, "ip" | "prefixLength" | "nic" | "mac">): Promise<void> {
  const table = clusterIpTable(config.ip);
  await runCommand(["nft", "delete", "table", "ip", table]);
  await runCommand(["nft", "delete", "table", "arp", table]);
  await converge(["ip", "maddr", "del", config.mac, "dev", config.nic], false, () => hasMaddr(config.mac, config.nic));
  await converge(["ip", "addr", "del", `${config.ip}/${config.prefixLength}`, "dev", config.nic], false, () => hasAddress(config.ip, config.nic));
}
