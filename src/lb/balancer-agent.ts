/**
 * `ocf:tandem:balancer`: the L4 balancer as a built-in resource agent (in-process, acting on
 * the network namespace Tandem runs in). Parameters:
 *
 *   vip (required)      the address clients connect to (held by an IPaddr2 resource)
 *   port (required)     the service port on the VIP
 *   backends            ADDRESS[:PORT],… — a fixed pool
 *   clone               a clone resource whose running instances' node addresses are the
 *                       pool; the daemon supplies it through `balancerPoolChanged`
 *                       (started alone, the pool is empty until then)
 *   backend_port        the backends' port (default: port)
 *   mode                roundrobin (default) | sourcehash
 *   protocol            tcp (default) | udp
 *   removed             flush (default) | drain: what a re-applying start does with the
 *                       connections of backends that left (see ApplyOptions)
 *
 * start applies the ruleset (on a running balancer it re-applies: the way to change a fixed
 * pool) and writes its report as JSON to stdout; stop removes it and flushes its conntrack entries; monitor is
 * 0 when the table is there, 7 when not. Health of the backends is the cluster's monitors.
 */

import { TandemError, describeError, isTandemError } from "../core/index.js";
import type { AgentRegistry, AgentRequest, AgentResult, AgentRunner } from "../agents/index.js";
import { registerBuiltinMetadata } from "../agents/metadata/index.js";
import { appliedPool, applyBalancer, parseBackends, poolFromPlacement, removeBalancer, type ApplyOptions, type ApplyReport, type Backend, type BalancerConfig } from "./l4-balancer.js";
import type { Placement } from "./haproxy-map.js";

/** The metadata `meta-data` prints; the CLI validates parameters against it. */
export const BALANCER_METADATA = `<?xml version="1.0"?>
<resource-agent name="balancer" version="tandem-1">
  <version>1.1</version>
  <shortdesc lang="en">Tandem's L4 balancer (nftables DNAT)</shortdesc>
  <longdesc lang="en">Balances connections to vip:port over backends or a clone's running instances, round robin or by source hash, in the kernel.</longdesc>
  <parameters>
    <parameter name="vip" required="1"><shortdesc lang="en">Virtual IP</shortdesc><content type="string"/></parameter>
    <parameter name="port" required="1"><shortdesc lang="en">Service port</shortdesc><content type="integer"/></parameter>
    <parameter name="backends"><shortdesc lang="en">ADDRESS[:PORT],…</shortdesc><content type="string"/></parameter>
    <parameter name="clone"><shortdesc lang="en">Clone whose running instances are the pool</shortdesc><content type="string"/></parameter>
    <parameter name="backend_port"><shortdesc lang="en">Backends' port (default: port)</shortdesc><content type="integer"/></parameter>
    <parameter name="mode"><shortdesc lang="en">roundrobin or sourcehash</shortdesc><content type="string" default="roundrobin"/></parameter>
    <parameter name="protocol"><shortdesc lang="en">tcp or udp</shortdesc><content type="string" default="tcp"/></parameter>
    <parameter name="removed"><shortdesc lang="en">flush or drain: the connections of backends that left</shortdesc><content type="string" default="flush"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s" depth="0"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>
`;

export interface BalancerParams {
  config: BalancerConfig;
  /** The fixed pool (`backends=`); undefined when the pool follows a clone. */
  backends: Backend[] | undefined;
  clone: string | undefined;
  backendPort: number;
}

function intParam(params: Readonly<Record<string, string>>, name: string): number | undefined {
  const text = params[name];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text)) throw new TandemError("LB_BAD_BALANCER", `${name}='${text}' is not a number`);
  return Number(text);
}

/** Reads the agent's parameters; LB_BAD_BALANCER names the bad one. */
export function parseBalancerParams(resourceId: string, params: Readonly<Record<string, string>>): BalancerParams {
  const vip = params["vip"];
  if (vip === undefined || vip === "") throw new TandemError("LB_BAD_BALANCER", "parameter vip is required");
  const port = intParam(params, "port");
  if (port === undefined) throw new TandemError("LB_BAD_BALANCER", "parameter port is required");
  const mode = params["mode"] ?? "roundrobin";
  if (mode !== "roundrobin" && mode !== "sourcehash") throw new TandemError("LB_BAD_BALANCER", `mode '${mode}' is not roundrobin or sourcehash`);
  const protocol = params["protocol"] ?? "tcp";
  if (protocol !== "tcp" && protocol !== "udp") throw new TandemError("LB_BAD_BALANCER", `protocol '${protocol}' is not tcp or udp`);
  const backendPort = intParam(params, "backend_port") ?? port;
  const list = params["backends"];
  const clone = params["clone"];
  if ((list === undefined || list === "") && (clone === undefined || clone === "")) throw new TandemError("LB_BAD_BALANCER", "one of backends or clone is required");
  if (list !== undefined && list !== "" && clone !== undefined && clone !== "") throw new TandemError("LB_BAD_BALANCER", "backends and clone exclude each other");
  const name = resourceId.replace(/:\d+$/, "");
  const config: BalancerConfig = { name, vip, port, mode, protocol };
  return {
    config,
    backends: list === undefined || list === "" ? undefined : parseBackends(list, backendPort),
    clone: clone === undefined || clone === "" ? undefined : clone,
    backendPort,
  };
}

function result(rc: number, started: number, reason = "", stdout = ""): AgentResult {
  return { rc, exitCode: null, exitReason: reason, stdoutTail: stdout, stderrTail: "", durationMs: Math.round(performance.now() - started), timedOut: false, cancelled: false };
}

export class BalancerAgent implements AgentRunner {
  readonly name = "ocf:tandem:balancer";

  async run(request: AgentRequest): Promise<AgentResult> {
    const started = performance.now();
    if (request.action === "meta-data") return result(0, started, "", BALANCER_METADATA);
    let parsed: BalancerParams;
    try {
      parsed = parseBalancerParams(request.resourceId, request.params);
    } catch (error) {
      return result(request.action === "stop" ? 0 : 6, started, describeError(error));
    }
    try {
      switch (request.action) {
        case "validate-all":
          return result(0, started);
        case "start": {
          // A pool that follows a clone starts with what is applied already (a restart keeps it), else empty.
          const pool = parsed.backends ?? (await appliedPool(parsed.config.name)) ?? [];
          const report = await applyBalancer(parsed.config, pool, { removed: request.params["removed"] === "drain" ? "drain" : "flush" });
          return result(0, started, "", `${JSON.stringify(report)}\n`);
        }
        case "stop": {
          const flushed = await removeBalancer(parsed.config);
          return result(0, started, "", `${JSON.stringify({ flushed })}\n`);
        }
        case "monitor":
        case "status":
          return result((await appliedPool(parsed.config.name)) === undefined ? 7 : 0, started);
        default:
          return result(3, started, `action '${request.action}' is not implemented`);
      }
    } catch (error) {
      return result(isTandemError(error) && error.code === "LB_BAD_BALANCER" ? 6 : 1, started, describeError(error));
    }
  }
}

/** Makes `ocf:tandem:balancer` known to the CLI's parameter validation (`resource create`). */
export function registerBalancerMetadata(): void {
  registerBuiltinMetadata("balancer", BALANCER_METADATA);
}

/** Adds `ocf:tandem:balancer` to a registry. */
export function registerBalancer(registry: AgentRegistry): void {
  registry.registerBuiltin("tandem", "balancer", () => new BalancerAgent());
}

/**
 * The daemon's port for a balancer running on this node, called when placement changes:
 * recomputes the pool (the clone's running instances, or the fixed `backends=`) and applies
 * it atomically, flushing the connections of backends that left.
 */
export async function balancerPlacementChanged(resourceId: string, params: Readonly<Record<string, string>>, placement: Placement, options: ApplyOptions = {}): Promise<ApplyReport> {
  const parsed = parseBalancerParams(resourceId, params);
  const pool = parsed.clone === undefined ? parsed.backends ?? [] : poolFromPlacement(parsed.clone, placement, parsed.backendPort);
  return applyBalancer(parsed.config, pool, options);
}
