/**
 * The virtual IP, as `ocf:heartbeat:IPaddr2` does it: add the address to the interface on
 * its subnet, announce it with gratuitous ARP so neighbours switch to this node at once,
 * monitor that it is present, remove it on stop. When the IP is cloned (clone-max > 1, as
 * IPaddr2 decides), it becomes the shared cluster IP of cluster-ip.ts instead.
 *
 * `parseVipParams` and `pickRoute` are pure; `startVip`, `stopVip` and `monitorVip` act on
 * the current network namespace (the agent runs inside the node) and return OCF codes.
 */

import { spawn } from "node:child_process";
import { broadcastAddress, formatIpv4, parseIpv4, parsePrefix, prefixContains } from "./addr.js";
import {
  addOwnedBucket,
  CLUSTER_IP_HASHES,
  clusterIpConfig,
  ensureClusterIp,
  MAX_BUCKETS,
  ownedBuckets,
  removeClusterIp,
  removeOwnedBucket,
  type ClusterIpConfig,
  type ClusterIpHash,
} from "./cluster-ip.js";
import { OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_NOT_RUNNING, OCF_SUCCESS, ok, type AgentResult } from "./ocf.js";
import { runChecked, runCommand } from "./run.js";
import { describeError } from "../core/index.js";

export interface ClusterIpParams {
  hash: ClusterIpHash;
  /** This instance's bucket: the clone instance number (CRM_meta_clone). */
  bucket: number;
  /** clone-max (CRM_meta_clone_max). */
  bucketCount: number;
  mac?: string;
  seed?: number;
}

export interface VipParams {
  ip: string;
  cidrNetmask?: number;
  nic?: string;
  /** Explicit broadcast; default computed from the prefix. */
  broadcast?: string;
  /** Label suffix: the address shows as `<nic>:<iflabel>`. */
  iflabel?: string;
  arpCount: number;
  arpIntervalMs: number;
  /** Send the ARP announcements in the background (IPaddr2's arp_bg; default yes). */
  arpBackground: boolean;
  cluster?: ClusterIpParams;
}

export type ParsedVipParams = { ok: true; params: VipParams } | { ok: false; result: AgentResult };

function invalid(message: string): ParsedVipParams {
  return { ok: false, result: { rc: OCF_ERR_CONFIGURED, message } };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|yes|true|on|y)$/i.test(value);
}

function intParam(raw: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, max: number): number | string {
  const text = raw[name];
  if (text === undefined || text === "") return fallback;
  if (!/^\d+$/.test(text)) return `${name}=${text} is not a whole number`;
  const value = Number.parseInt(text, 10);
  if (value < min || value > max) return `${name}=${text} is outside ${min}–${max}`;
  return value;
}

/**
 * Reads the agent's parameters by their OCF names (ip, cidr_netmask, nic, broadcast,
 * iflabel, arp_count, arp_interval, arp_bg, mac, clusterip_hash, unique_clone_address, and
 * the clone meta CRM_meta_clone, CRM_meta_clone_max); the Tandem extension
 * clusterip_seed overrides the seed every node derives from the IP.
 */
export function parseVipParams(raw: Readonly<Record<string, string | undefined>>): ParsedVipParams {
  const ip = raw["ip"];
  if (ip === undefined || ip === "") return invalid("the ip parameter is required");
  if (parseIpv4(ip) === undefined) return invalid(`ip=${ip} is not an IPv4 address`);
  const params: VipParams = { ip, arpCount: 5, arpIntervalMs: 200, arpBackground: true };
  const cidr = raw["cidr_netmask"];
  if (cidr !== undefined && cidr !== "") {
    let prefixLength: number | undefined;
    if (/^\d{1,2}$/.test(cidr) && Number.parseInt(cidr, 10) <= 32) prefixLength = Number.parseInt(cidr, 10);
    else if (parseIpv4(cidr) !== undefined) {
      // A dotted netmask (255.255.255.0), as IPaddr2 also accepts.
      const bits = (parseIpv4(cidr) as number).toString(2).padStart(32, "0");
      if (/^1*0*$/.test(bits)) prefixLength = bits.indexOf("0") < 0 ? 32 : bits.indexOf("0");
    }
    if (prefixLength === undefined) return invalid(`cidr_netmask=${cidr} is not a prefix length (0–32) or a netmask`);
    params.cidrNetmask = prefixLength;
  }
  const nic = raw["nic"];
  if (nic !== undefined && nic !== "") {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(nic)) return invalid(`nic=${nic} is not an interface name`);
    params.nic = nic;
  }
  const broadcast = raw["broadcast"];
  if (broadcast !== undefined && broadcast !== "") {
    if (parseIpv4(broadcast) === undefined) return invalid(`broadcast=${broadcast} is not an IPv4 address`);
    params.broadcast = broadcast;
  }
  const iflabel = raw["iflabel"];
  if (iflabel !== undefined && iflabel !== "") {
    if (!/^[A-Za-z0-9_-]+$/.test(iflabel)) return invalid(`iflabel=${iflabel} may only hold letters, digits, '_' and '-'`);
    params.iflabel = iflabel;
  }
  const arpCount = intParam(raw, "arp_count", 5, 0, 100);
  if (typeof arpCount === "string") return invalid(arpCount);
  params.arpCount = arpCount;
  const arpInterval = intParam(raw, "arp_interval", 200, 1, 10_000);
  if (typeof arpInterval === "string") return invalid(arpInterval);
  params.arpIntervalMs = arpInterval;
  const arpBg = raw["arp_bg"];
  if (arpBg !== undefined && arpBg !== "") params.arpBackground = isTrue(arpBg);

  const cloneMax = intParam(raw, "CRM_meta_clone_max", 1, 1, MAX_BUCKETS);
  if (typeof cloneMax === "string") return invalid(cloneMax);
  // IPaddr2's rule: a clone of more than one instance is a shared cluster IP.
  if (cloneMax > 1) {
    if (isTrue(raw["unique_clone_address"])) return invalid("unique_clone_address=true is not supported by Tandem's built-in IPaddr2");
    const hash = raw["clusterip_hash"] ?? "sourceip-sourceport";
    if (!(CLUSTER_IP_HASHES as readonly string[]).includes(hash)) return invalid(`clusterip_hash=${hash} is not one of ${CLUSTER_IP_HASHES.join(", ")}`);
    const bucket = intParam(raw, "CRM_meta_clone", 0, 0, cloneMax - 1);
    if (typeof bucket === "string") return invalid(bucket);
    const cluster: ClusterIpParams = { hash: hash as ClusterIpHash, bucket, bucketCount: cloneMax };
    const mac = raw["mac"];
    if (mac !== undefined && mac !== "") {
      if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) || (Number.parseInt(mac.slice(0, 2), 16) & 1) !== 1) {
        return invalid(`mac=${mac} is not a multicast MAC address (the first octet must be odd)`);
      }
      cluster.mac = mac.toLowerCase();
    }
    const seed = intParam(raw, "clusterip_seed", 0, 0, 0xffffffff);
    if (typeof seed === "string") return invalid(seed);
    if (raw["clusterip_seed"] !== undefined && raw["clusterip_seed"] !== "") cluster.seed = seed;
    params.cluster = cluster;
  }
  return { ok: true, params };
}

export interface RouteEntry {
  /** `10.10.10.0/24`, `default`, or a host address. */
  dst: string;
  dev?: string;
}

/** The interface and prefix length of the most specific route that holds ip (IPaddr2's findif). */
export function pickRoute(routes: readonly RouteEntry[], ip: string): { nic: string; prefixLength: number } | undefined {
  const address = parseIpv4(ip);
  if (address === undefined) return undefined;
  let best: { nic: string; prefixLength: number } | undefined;
  for (const route of routes) {
    if (route.dev === undefined || route.dst === "default") continue;
    const prefix = parsePrefix(route.dst.includes("/") ? route.dst : `${route.dst}/32`, false);
    if (prefix === undefined || !prefixContains(prefix, address)) continue;
    if (best === undefined || prefix.prefixLength > best.prefixLength) best = { nic: route.dev, prefixLength: prefix.prefixLength };
  }
  return best;
}

export type ArpingFlavour = "habets" | "iputils";

/** The arping command line that announces ip on nic (gratuitous ARP), for either arping. */
export function arpingArgv(flavour: ArpingFlavour, nic: string, ip: string, count: number, intervalMs: number): string[] {
  switch (flavour) {
    case "habets":
      return ["arping", "-q", "-U", "-i", nic, "-S", ip, "-c", String(count), "-W", String(intervalMs / 1000), ip];
    case "iputils":
      return ["arping", "-q", "-U", "-I", nic, "-s", ip, "-c", String(count), "-i", String(intervalMs / 1000), ip];
  }
}

// ---------------------------------------------------------------- I/O

interface Resolved {
  nic: string;
  prefixLength: number;
  broadcast: string;
}

async function resolveInterface(params: VipParams): Promise<Resolved | AgentResult> {
  let nic = params.nic;
  let prefixLength = params.cidrNetmask;
  if (nic === undefined || prefixLength === undefined) {
    const routes = JSON.parse(await runChecked(["ip", "-j", "-4", "route", "show", "table", "main"])) as RouteEntry[];
    const found = pickRoute(routes, params.ip);
    if (found === undefined && (nic === undefined || prefixLength === undefined)) {
      return { rc: OCF_ERR_CONFIGURED, message: `no interface has a route to ${params.ip}: set nic and cidr_netmask` };
    }
    nic ??= found?.nic as string;
    prefixLength ??= found?.prefixLength as number;
  }
  const broadcast = params.broadcast ?? formatIpv4(broadcastAddress(parseIpv4(params.ip) as number, prefixLength));
  return { nic, prefixLength, broadcast };
}

interface AddressInfo {
  local?: string;
  prefixlen?: number;
}

/** Interfaces holding ip, with the prefix length it was added with. */
async function addressHolders(ip: string): Promise<{ nic: string; prefixLength: number }[]> {
  const links = JSON.parse(await runChecked(["ip", "-j", "-4", "addr", "show"])) as { ifname: string; addr_info?: AddressInfo[] }[];
  const holders: { nic: string; prefixLength: number }[] = [];
  for (const link of links) {
    for (const a of link.addr_info ?? []) if (a.local === ip) holders.push({ nic: link.ifname, prefixLength: a.prefixlen ?? 32 });
  }
  return holders;
}

let arpingFlavour: Promise<ArpingFlavour | undefined> | undefined;

function detectArping(): Promise<ArpingFlavour | undefined> {
  arpingFlavour ??= runCommand(["arping", "--help"]).then(
    (r) => (/Habets/i.test(r.stdout + r.stderr) ? "habets" : /iputils|-I <device>|-I device/i.test(r.stdout + r.stderr) ? "iputils" : "habets"),
    () => undefined,
  );
  return arpingFlavour;
}

/** Gratuitous ARP: neighbours that cached another node's MAC for ip switch to ours now. */
export async function announceAddress(nic: string, ip: string, count: number, intervalMs: number, background: boolean): Promise<string> {
  if (count === 0) return "no ARP announcement (arp_count=0)";
  const flavour = await detectArping();
  if (flavour === undefined) return "arping is not installed: neighbours learn the move only when their ARP entries expire";
  const argv = arpingArgv(flavour, nic, ip, count, intervalMs);
  if (background) {
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: "ignore" });
    child.on("error", () => undefined);
    child.unref();
    return `announcing ${ip} on ${nic} (${count} gratuitous ARP, in the background)`;
  }
  // arping exits 1 when nobody answers, which is normal for unsolicited ARP.
  await runCommand(argv, { timeoutMs: count * intervalMs + 5_000 });
  return `announced ${ip} on ${nic} (${count} gratuitous ARP)`;
}

function clusterConfigOf(params: VipParams, resolved: Resolved, cluster: ClusterIpParams): ClusterIpConfig {
  return clusterIpConfig({
    ip: params.ip,
    prefixLength: resolved.prefixLength,
    nic: resolved.nic,
    bucketCount: cluster.bucketCount,
    hash: cluster.hash,
    ...(cluster.mac === undefined ? {} : { mac: cluster.mac }),
    ...(cluster.seed === undefined ? {} : { seed: cluster.seed }),
  });
}

async function guarded(what: string, action: () => Promise<AgentResult>): Promise<AgentResult> {
  try {
    return await action();
  } catch (error) {
    return { rc: OCF_ERR_GENERIC, message: `${what} failed: ${describeError(error)}` };
  }
}

export function startVip(params: VipParams): Promise<AgentResult> {
  return guarded(`start of ${params.ip}`, async () => {
    const resolved = await resolveInterface(params);
    if ("rc" in resolved) return resolved;
    if (params.cluster !== undefined) {
      const config = clusterConfigOf(params, resolved, params.cluster);
      await ensureClusterIp(config);
      await addOwnedBucket(config, params.cluster.bucket);
      // No gratuitous ARP here: arping writes its frames on a packet socket, past the arp
      // output hook, so it would announce this node's own MAC and pull every client's traffic
      // to this node alone. Clients learn the shared MAC from the kernel's (rewritten) replies.
      return ok(`${params.ip} serves bucket ${params.cluster.bucket} of ${params.cluster.bucketCount} on ${resolved.nic}`);
    }
    const holders = await addressHolders(params.ip);
    if (holders.some((h) => h.nic === resolved.nic)) return ok(`${params.ip} is already on ${resolved.nic}`);
    const argv = ["ip", "-4", "addr", "add", `${params.ip}/${resolved.prefixLength}`, "brd", resolved.broadcast, "dev", resolved.nic];
    if (params.iflabel !== undefined) {
      const label = `${resolved.nic}:${params.iflabel}`;
      if (label.length > 15) return { rc: OCF_ERR_CONFIGURED, message: `interface label ${label} is longer than 15 characters` };
      argv.push("label", label);
    }
    await runChecked(argv);
    await runChecked(["ip", "link", "set", resolved.nic, "up"]);
    const announced = await announceAddress(resolved.nic, params.ip, params.arpCount, params.arpIntervalMs, params.arpBackground);
    return ok(`added ${params.ip}/${resolved.prefixLength} to ${resolved.nic}; ${announced}`);
  });
}

export function stopVip(params: VipParams): Promise<AgentResult> {
  return guarded(`stop of ${params.ip}`, async () => {
    if (params.cluster !== undefined) {
      const resolved = await resolveInterface(params);
      if ("rc" in resolved) {
        // Nothing on this node routes to the IP, so nothing of it can be here.
        return ok(`${params.ip} is not configured here`);
      }
      const config = clusterConfigOf(params, resolved, params.cluster);
      const left = await removeOwnedBucket(config, params.cluster.bucket);
      if (left.length === 0) await removeClusterIp(config);
      return ok(`${params.ip} no longer serves bucket ${params.cluster.bucket}${left.length === 0 ? "; removed from this node" : ""}`);
    }
    const holders = await addressHolders(params.ip);
    for (const holder of holders) {
      if (params.nic !== undefined && holder.nic !== params.nic) continue;
      await runChecked(["ip", "-4", "addr", "del", `${params.ip}/${holder.prefixLength}`, "dev", holder.nic]);
    }
    return ok(holders.length === 0 ? `${params.ip} was not here` : `removed ${params.ip}`);
  });
}

export function monitorVip(params: VipParams): Promise<AgentResult> {
  return guarded(`monitor of ${params.ip}`, async () => {
    const holders = (await addressHolders(params.ip)).filter((h) => params.nic === undefined || h.nic === params.nic);
    if (params.cluster !== undefined) {
      const owned = await ownedBuckets(params.ip);
      if (holders.length > 0 && owned !== undefined && owned.includes(params.cluster.bucket)) {
        return ok(`${params.ip} serves bucket ${params.cluster.bucket}`);
      }
      return { rc: OCF_NOT_RUNNING, message: `${params.ip} does not serve bucket ${params.cluster.bucket} here` };
    }
    if (holders.length > 0) return { rc: OCF_SUCCESS, message: `${params.ip} is on ${holders.map((h) => h.nic).join(", ")}` };
    return { rc: OCF_NOT_RUNNING, message: `${params.ip} is not on this node` };
  });
}
