/**
 * The lab's layout, computed from the command line before anything is created: names of
 * namespaces and interfaces, and every host's address. Pure, so `lab up` can refuse bad
 * input before touching the system and tests can check the scheme without root.
 *
 * Address scheme (host numbers inside the subnet, default 10.10.10.0/24):
 *   .2   arbiter (etcd's third member, keeps a two-node cluster quorate)
 *   .10  client
 *   .23  left free: the tutorial's virtual IP
 *   .22, .24, .25, … nodes in the order given (.23 skipped); `name=N` or `name=A.B.C.D`
 *        pins a node's address. The seed-000 tutorial's nodes keep their tutorial
 *        addresses by default (holly .22, benji .24), so `--nodes benji,holly` is its layout.
 * No address is a gateway: no namespace has a route out of the subnet.
 */

import { TandemError } from "../core/index.js";
import { broadcastAddress, formatIpv4, formatPrefix, parseIpv4, parsePrefix, prefixContains, type Ipv4Prefix } from "../net/index.js";

export type HostRole = "node" | "client" | "arbiter";

export interface HostPlan {
  name: string;
  role: HostRole;
  /** Network namespace name (under /run/netns). */
  netns: string;
  /** The host's interface, inside its namespace. */
  iface: string;
  /** The bridge port of this host, inside the switch namespace. */
  port: string;
  address: string;
}

export interface LabPlan {
  name: string;
  /** Every namespace of this lab starts with this. */
  prefix: string;
  subnet: string;
  prefixLength: number;
  broadcast: string;
  switchNetns: string;
  bridge: string;
  /** The address kept free for the tutorial's virtual IP (.23). */
  suggestedVip: string;
  hosts: HostPlan[];
}

export const NETNS_PREFIX = "tdmlab-";
export const DEFAULT_SUBNET = "10.10.10.0/24";
export const DEFAULT_LAB_NAME = "tandem";
const MAX_NODES = 64;
const RESERVED_HOST_NAMES = new Set(["sw", "client", "arbiter"]);
const ARBITER_HOST = 2;
const CLIENT_HOST = 10;
const VIP_HOST = 23;
const FIRST_NODE_HOST = 22;
/** The tutorial's machines (seed 000): their addresses unless pinned otherwise. */
const TUTORIAL_HOSTS: ReadonlyMap<string, number> = new Map([["holly", 22], ["benji", 24]]);

/** Lab names: short, lower-case, no '-' (so one lab's prefix never matches another's). */
export function checkLabName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,15}$/.test(name)) {
    throw new TandemError("LAB_BAD_NAME", `'${name}' is not a valid lab name: use 1–16 lower-case letters and digits, starting with a letter`);
  }
}

export function labPrefix(name: string): string {
  return `${NETNS_PREFIX}${name}-`;
}

interface NodeSpec {
  name: string;
  /** Host number or full address given as name=…; undefined = next free. */
  pinned?: string;
}

function parseNodeSpecs(spec: string): NodeSpec[] {
  const trimmed = spec.trim();
  if (/^\d+$/.test(trimmed)) {
    const count = Number.parseInt(trimmed, 10);
    if (count < 1 || count > MAX_NODES) throw new TandemError("LAB_BAD_NODES", `--nodes ${trimmed}: a lab has 1 to ${MAX_NODES} nodes`);
    return Array.from({ length: count }, (_, i) => ({ name: `a${i + 1}` }));
  }
  const specs: NodeSpec[] = [];
  for (const item of trimmed.split(",")) {
    const [name = "", pinned, ...extra] = item.trim().split("=");
    if (extra.length > 0) throw new TandemError("LAB_BAD_NODES", `'${item}' is not NAME or NAME=ADDRESS`);
    if (!/^[a-z][a-z0-9-]{0,12}$/.test(name)) {
      throw new TandemError("LAB_BAD_NODES", `'${name}' is not a valid node name: 1–13 lower-case letters, digits or '-', starting with a letter`);
    }
    if (RESERVED_HOST_NAMES.has(name)) throw new TandemError("LAB_BAD_NODES", `'${name}' is reserved for the lab's own hosts; pick another node name`);
    if (specs.some((s) => s.name === name)) throw new TandemError("LAB_BAD_NODES", `node '${name}' is listed twice`);
    specs.push(pinned === undefined ? { name } : { name, pinned });
  }
  if (specs.length === 0 || specs.length > MAX_NODES) throw new TandemError("LAB_BAD_NODES", `a lab has 1 to ${MAX_NODES} nodes`);
  return specs;
}

function hostAddress(prefix: Ipv4Prefix, host: number): number {
  return (prefix.network + host) >>> 0;
}

function pinnedAddress(prefix: Ipv4Prefix, spec: NodeSpec, pinned: string): number {
  const address = /^\d{1,3}$/.test(pinned) ? hostAddress(prefix, Number.parseInt(pinned, 10)) : parseIpv4(pinned);
  if (address === undefined || !prefixContains(prefix, address)) {
    throw new TandemError("LAB_BAD_NODES", `node '${spec.name}': '${pinned}' is not a host number or an address in ${formatPrefix(prefix)}`);
  }
  const host = address - prefix.network;
  if (host <= 0 || address === broadcastAddress(prefix.network, prefix.prefixLength)) {
    throw new TandemError("LAB_BAD_NODES", `node '${spec.name}': ${formatIpv4(address)} is the network or broadcast address`);
  }
  if (host === ARBITER_HOST || host === CLIENT_HOST || host === VIP_HOST) {
    throw new TandemError("LAB_BAD_NODES", `node '${spec.name}': ${formatIpv4(address)} is reserved (.2 arbiter, .10 client, .23 virtual IP)`);
  }
  return address;
}

export interface PlanRequest {
  name: string;
  /** `4` (nodes a1…a4) or `benji,holly` or `benji=24,holly=22`. */
  nodes: string;
  subnet?: string;
}

export function planLab(request: PlanRequest): LabPlan {
  checkLabName(request.name);
  const subnetText = request.subnet ?? DEFAULT_SUBNET;
  const prefix = parsePrefix(subnetText);
  if (prefix === undefined) throw new TandemError("LAB_BAD_SUBNET", `'${subnetText}' is not an IPv4 subnet like 10.10.10.0/24 (host bits must be zero)`);
  if (prefix.prefixLength < 8 || prefix.prefixLength > 24) {
    throw new TandemError("LAB_BAD_SUBNET", `subnet ${subnetText}: the prefix length must be between 8 and 24`);
  }
  const specs = parseNodeSpecs(request.nodes);
  const used = new Set<number>([ARBITER_HOST, CLIENT_HOST, VIP_HOST].map((h) => hostAddress(prefix, h)));
  const addresses = new Map<string, number>();
  for (const spec of specs) {
    if (spec.pinned === undefined) continue;
    const address = pinnedAddress(prefix, spec, spec.pinned);
    if (used.has(address)) throw new TandemError("LAB_BAD_NODES", `node '${spec.name}': ${formatIpv4(address)} is already taken`);
    used.add(address);
    addresses.set(spec.name, address);
  }
  for (const spec of specs) {
    const tutorial = TUTORIAL_HOSTS.get(spec.name);
    if (spec.pinned !== undefined || tutorial === undefined) continue;
    const address = hostAddress(prefix, tutorial);
    if (used.has(address)) continue;
    used.add(address);
    addresses.set(spec.name, address);
  }
  let next = FIRST_NODE_HOST;
  for (const spec of specs) {
    if (addresses.has(spec.name)) continue;
    while (used.has(hostAddress(prefix, next))) next++;
    const address = hostAddress(prefix, next);
    used.add(address);
    addresses.set(spec.name, address);
  }
  const labPrefixText = labPrefix(request.name);
  const host = (name: string, role: HostRole, address: number): HostPlan => ({
    name,
    role,
    netns: `${labPrefixText}${name}`,
    iface: "eth0",
    port: `s-${name}`,
    address: formatIpv4(address),
  });
  return {
    name: request.name,
    prefix: labPrefixText,
    subnet: formatPrefix(prefix),
    prefixLength: prefix.prefixLength,
    broadcast: formatIpv4(broadcastAddress(prefix.network, prefix.prefixLength)),
    switchNetns: `${labPrefixText}sw`,
    bridge: "br0",
    suggestedVip: formatIpv4(hostAddress(prefix, VIP_HOST)),
    hosts: [
      ...specs.map((spec) => host(spec.name, "node", addresses.get(spec.name) as number)),
      host("client", "client", hostAddress(prefix, CLIENT_HOST)),
      host("arbiter", "arbiter", hostAddress(prefix, ARBITER_HOST)),
    ],
  };
}
