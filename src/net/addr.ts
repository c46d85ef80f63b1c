/**
 * IPv4 addresses as unsigned 32-bit numbers, and the little arithmetic the virtual IP, the
 * shared cluster IP and the lab need (prefixes, broadcast, multicast MAC). Pure.
 */

export interface Ipv4Prefix {
  /** The network address (host bits zero). */
  network: number;
  prefixLength: number;
}

/** Parses dotted-quad text; undefined when it is not exactly four octets 0–255. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number.parseInt(part, 10);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

export function prefixMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parses `A.B.C.D/N`; host bits must be zero when `strict` (a subnet, not an address). */
export function parsePrefix(text: string, strict = true): Ipv4Prefix | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (match === null) return undefined;
  const address = parseIpv4(match[1] as string);
  const prefixLength = Number.parseInt(match[2] as string, 10);
  if (address === undefined || prefixLength > 32) return undefined;
  const network = (address & prefixMask(prefixLength)) >>> 0;
  if (strict && network !== address) return undefined;
  return { network, prefixLength };
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return ((address & prefixMask(prefix.prefixLength)) >>> 0) === prefix.network;
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.network)}/${prefix.prefixLength}`;
}

export function broadcastAddress(address: number, prefixLength: number): number {
  return (address | ~prefixMask(prefixLength)) >>> 0;
}

/**
 * The shared MAC of a cluster IP: the IPv4 multicast mapping (01:00:5e + the low 23 bits
 * of the address). Multicast, so a switch floods frames to every node; derived from the IP,
 * so every node computes the same one without talking to the others.
 */
export function multicastMacFor(address: number): string {
  const hex = (n: number): string => n.toString(16).padStart(2, "0");
  return ["01", "00", "5e", hex((address >>> 16) & 0x7f), hex((address >>> 8) & 255), hex(address & 255)].join(":");
}

/** A MAC address in colon form, lower-cased; undefined when malformed. */
export function parseMac(text: string): string | undefined {
  const lower = text.toLowerCase();
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(lower) ? lower : undefined;
}

/** A multicast Ethernet address: the low bit of the first octet is set. */
export function isMulticastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
