/**
 * Which cluster resource each HAProxy server stands for, and which state each server should
 * be in given the cluster's placement. Pure: no I/O, no clock.
 *
 *   haproxy.cfg ──parseHaproxyConfig──▶ backends/servers ──mapServers(…, params, placement)──▶ bindings
 *   bindings + placement ──desiredServerStates──▶ ready | maint per server
 *   desired + what a socket reports ──planServerChanges──▶ the `set server` commands to send
 */

import { TandemError } from "../core/index.js";
import type { ServerAdminState, ServerState } from "./haproxy-runtime.js";

export interface HaproxyServer {
  backend: string;
  server: string;
  /** The address as written (an IPv4 address or a host name). */
  address: string;
  port: number | undefined;
}

export interface HaproxyConfig {
  /** `listen` and `backend` sections, in file order. */
  backends: { name: string; servers: HaproxyServer[] }[];
  /** Paths of `stats socket` lines in `global`. */
  statsSockets: string[];
}

/** Parses the parts of haproxy.cfg Tandem needs: `listen`/`backend` sections, their `server` lines, `stats socket`. */
export function parseHaproxyConfig(text: string): HaproxyConfig {
  const backends: HaproxyConfig["backends"] = [];
  const statsSockets: string[] = [];
  let section: { kind: string; name: string } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") return;
    const words = line.split(/\s+/);
    const first = words[0] ?? "";
    if (["global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist", "program", "cache", "http-errors", "ring", "mailers", "log-forward"].includes(first)) {
      section = { kind: first, name: words[1] ?? "" };
      if (first === "listen" || first === "backend") {
        if (section.name === "") throw new TandemError("LB_BAD_CONFIG", `haproxy.cfg line ${index + 1}: '${first}' without a name`);
        backends.push({ name: section.name, servers: [] });
      }
      return;
    }
    if (section === undefined) return;
    if (section.kind === "global" && first === "stats" && words[1] === "socket" && words[2] !== undefined) statsSockets.push(words[2]);
    if ((section.kind === "listen" || section.kind === "backend") && first === "server") {
      const name = words[1];
      const target = words[2];
      if (name === undefined || target === undefined) throw new TandemError("LB_BAD_CONFIG", `haproxy.cfg line ${index + 1}: 'server' needs a name and an address`);
      const m = /^(.*?)(?::(\d+))?$/.exec(target);
      const address = m?.[1] ?? target;
      const port = m?.[2] === undefined ? undefined : Number(m[2]);
      const backend = backends[backends.length - 1];
      if (backend !== undefined) backend.servers.push({ backend: backend.name, server: name, address, port });
    }
  });
  return { backends, statsSockets };
}

// ------------------------------------------------------------------------------- placement

export type InstanceState = "running" | "stopped" | "failed";

/** What the cluster knows right now (the daemon fills it from the CIB and the status). */
export interface Placement {
  nodes: readonly { name: string; address: string; alive: boolean }[];
  /** One entry per resource instance that has a node (clone instances: resource = the clone id). */
  instances: readonly { resource: string; node: string; state: InstanceState }[];
  /** IP resources: resource id → its `ip` parameter. */
  ipResources?: Readonly<Record<string, string>>;
  /** Ids of cloned resources (candidates for the address rule). */
  clones?: readonly string[];
}

/** What a server stands for: an instance of `resource`, on `node` (absent: wherever it runs). */
export interface ServerTarget {
  resource: string;
  node?: string;
}

export type BindingSource = "param" | "node-address" | "ip-resource";

export interface ServerBinding extends HaproxyServer {
  target: ServerTarget | undefined;
  /** How the target was found; undefined when the server is left to HAProxy's own checks. */
  source: BindingSource | undefined;
}

/**
 * Parses the haproxy resource's `servers` parameter: comma-separated
 * `[BACKEND/]SERVER:RESOURCE[@NODE]`, e.g. `holly:httpd-clone@holly,benji:httpd-clone@benji`.
 * `SERVER:-` leaves a server to HAProxy's checks.
 */
export function parseServersParam(text: string): { backend?: string; server: string; target: ServerTarget | undefined }[] {
  const entries = text.split(",").map((e) => e.trim()).filter((e) => e !== "");
  return entries.map((entry) => {
    const m = /^(?:([A-Za-z0-9_.:-]+)\/)?([A-Za-z0-9_.-]+):(-|([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_.-]+))?)$/.exec(entry);
    if (m === null) throw new TandemError("LB_BAD_MAPPING", `'${entry}' in servers= is not [BACKEND/]SERVER:RESOURCE[@NODE] or SERVER:-`);
    const [, backend, server = "", dash, resource, node] = m;
    const target: ServerTarget | undefined = dash === "-" || resource === undefined ? undefined : node === undefined ? { resource } : { resource, node };
    return backend === undefined ? { server, target } : { backend, server, target };
  });
}

export interface MapOptions {
  /** The haproxy resource's own id (and its clone's), never a target of the address rule. */
  self?: readonly string[];
  /** `servers=` parameter of the haproxy resource. */
  serversParam?: string;
  /** `resource=` parameter: the clone the address rule binds node addresses to. */
  resourceParam?: string;
}

/**
 * Binds every server: an explicit `servers=` entry wins; otherwise an address equal to an IP
 * resource's `ip` stands for that resource; otherwise an address equal to a node's address
 * stands for the instance on that node of `resource=` or, when absent, of the only clone
 * that is neither an IP nor HAProxy itself. A server matching none stays with HAProxy's checks.
 */
export function mapServers(config: HaproxyConfig, placement: Placement, options: MapOptions = {}): ServerBinding[] {
  const explicit = options.serversParam === undefined ? [] : parseServersParam(options.serversParam);
  const servers = config.backends.flatMap((b) => b.servers);
  for (const e of explicit) {
    if (!servers.some((s) => s.server === e.server && (e.backend === undefined || s.backend === e.backend))) {
      throw new TandemError("LB_BAD_MAPPING", `servers= names ${e.backend === undefined ? "" : `${e.backend}/`}${e.server}, which haproxy.cfg does not declare`);
    }
  }
  const self = new Set(options.self ?? []);
  const ips = placement.ipResources ?? {};
  const addressClone = (): string | undefined => {
    if (options.resourceParam !== undefined) return options.resourceParam;
    const candidates = (placement.clones ?? []).filter((c) => !self.has(c) && ips[c] === undefined);
    if (candidates.length === 1) return candidates[0];
    if (candidates.length === 0) return undefined;
    throw new TandemError("LB_AMBIGUOUS_MAPPING", `servers at node addresses could stand for any of ${candidates.join(", ")}: set resource= or servers= on the HAProxy resource`);
  };
  return servers.map((s): ServerBinding => {
    const e = explicit.find((x) => x.server === s.server && (x.backend === undefined || x.backend === s.backend));
    if (e !== undefined) return { ...s, target: e.target, source: e.target === undefined ? undefined : "param" };
    const ipResource = Object.entries(ips).find(([, ip]) => ip === s.address)?.[0];
    if (ipResource !== undefined) return { ...s, target: { resource: ipResource }, source: "ip-resource" };
    const node = placement.nodes.find((n) => n.address === s.address || n.name === s.address);
    if (node !== undefined) {
      const clone = addressClone();
      if (clone !== undefined) return { ...s, target: { resource: clone, node: node.name }, source: "node-address" };
    }
    return { ...s, target: undefined, source: undefined };
  });
}

export interface DesiredServerState {
  backend: string;
  server: string;
  state: "ready" | "maint";
  /** Why, for logs and status: `httpd-clone running on holly`, `holly is dead`, … */
  reason: string;
}

/** ready when the instance a server stands for runs on a live node, maint otherwise. Unbound servers are left out. */
export function desiredServerStates(bindings: readonly ServerBinding[], placement: Placement): DesiredServerState[] {
  const alive = new Map(placement.nodes.map((n) => [n.name, n.alive]));
  const out: DesiredServerState[] = [];
  for (const b of bindings) {
    const target = b.target;
    if (target === undefined) continue;
    const where = target.node === undefined ? "" : ` on ${target.node}`;
    if (target.node !== undefined && alive.get(target.node) !== true) {
      out.push({ backend: b.backend, server: b.server, state: "maint", reason: `${target.node} is ${alive.has(target.node) ? "dead" : "not a cluster node"}` });
      continue;
    }
    const instances = placement.instances.filter((i) => i.resource === target.resource && (target.node === undefined || i.node === target.node) && alive.get(i.node) === true);
    const running = instances.find((i) => i.state === "running");
    if (running !== undefined) out.push({ backend: b.backend, server: b.server, state: "ready", reason: `${target.resource} running on ${running.node}` });
    else if (instances.some((i) => i.state === "failed")) out.push({ backend: b.backend, server: b.server, state: "maint", reason: `${target.resource} failed${where}` });
    else out.push({ backend: b.backend, server: b.server, state: "maint", reason: `${target.resource} stopped${where}` });
  }
  return out;
}

export interface ServerChange {
  backend: string;
  server: string;
  from: ServerAdminState;
  to: ServerAdminState;
  reason: string;
}

/**
 * The `set server` commands that bring one HAProxy from `current` to `desired`. A server
 * HAProxy does not report is skipped (its configuration differs: reported by the reconciler).
 */
export function planServerChanges(desired: readonly DesiredServerState[], current: readonly ServerState[]): ServerChange[] {
  const changes: ServerChange[] = [];
  for (const d of desired) {
    const now = current.find((c) => c.backend === d.backend && c.server === d.server);
    if (now === undefined || now.admin === d.state) continue;
    changes.push({ backend: d.backend, server: d.server, from: now.admin, to: d.state, reason: d.reason });
  }
  return changes;
}
