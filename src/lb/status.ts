/**
 * What `tandem status` shows about load balancing: each HAProxy's servers with their state,
 * each balancer's pool. `collect*` read (runtime sockets, nftables); `renderLbStatus` is pure
 * text; the same object is the JSON form.
 */

import { describeError, isTandemError } from "../core/index.js";
import { HaproxyRuntime, type ServerAdminState } from "./haproxy-runtime.js";
import type { HaproxyEndpoint } from "./reconciler.js";
import { appliedPool, normalizePool, type Backend, type BalancerConfig } from "./l4-balancer.js";

export interface HaproxyStatus {
  node: string;
  socketPath: string;
  servers: { backend: string; server: string; address: string; admin: ServerAdminState; up: boolean }[];
  error?: { code: string; message: string };
}

export interface BalancerStatus {
  name: string;
  node: string;
  vip: string;
  port: number;
  protocol: BalancerConfig["protocol"];
  mode: BalancerConfig["mode"];
  /** undefined when the balancer's table is absent on that node. */
  pool: Backend[] | undefined;
}

export interface LbStatus {
  haproxies: HaproxyStatus[];
  balancers: BalancerStatus[];
}

export async function collectHaproxyStatus(endpoints: readonly HaproxyEndpoint[]): Promise<HaproxyStatus[]> {
  return Promise.all(endpoints.map(async (e): Promise<HaproxyStatus> => {
    try {
      const states = await new HaproxyRuntime(e.socketPath).serversState();
      return {
        node: e.node, socketPath: e.socketPath,
        servers: states.map((s) => ({ backend: s.backend, server: s.server, address: s.address, admin: s.admin, up: s.opState === 2 })),
      };
    } catch (error) {
      return { node: e.node, socketPath: e.socketPath, servers: [], error: { code: isTandemError(error) ? error.code : "LB_INTERNAL", message: describeError(error) } };
    }
  }));
}

/** A balancer on this node (the current network namespace). */
export async function collectBalancerStatus(node: string, config: BalancerConfig): Promise<BalancerStatus> {
  const pool = await appliedPool(config.name);
  return { name: config.name, node, vip: config.vip, port: config.port, protocol: config.protocol, mode: config.mode, pool };
}

function serverWord(s: HaproxyStatus["servers"][number]): string {
  if (s.admin !== "ready") return s.admin;
  return s.up ? "ready" : "ready (check: down)";
}

/** The "Load balancing" block of `tandem status`, crm_mon-like indentation. */
export function renderLbStatus(status: LbStatus): string[] {
  if (status.haproxies.length === 0 && status.balancers.length === 0) return [];
  const lines = ["Load balancing:"];
  for (const h of status.haproxies) {
    if (h.error !== undefined) {
      lines.push(`  * HAProxy on ${h.node}: unreachable (${h.error.code})`);
      continue;
    }
    lines.push(`  * HAProxy on ${h.node}:`);
    for (const s of h.servers) lines.push(`    * ${s.backend}/${s.server} (${s.address}): ${serverWord(s)}`);
  }
  for (const b of status.balancers) {
    const head = `  * balancer ${b.name} on ${b.node} (${b.protocol} ${b.vip}:${b.port}, ${b.mode})`;
    if (b.pool === undefined) lines.push(`${head}: not running`);
    else if (b.pool.length === 0) lines.push(`${head}: empty pool`);
    else lines.push(`${head}: ${normalizePool(b.pool).map((p) => `${p.address}:${p.port}`).join(", ")}`);
  }
  return lines;
}
