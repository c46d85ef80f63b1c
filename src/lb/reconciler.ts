/**
 * Brings every running HAProxy in line with the placement: reads each one's server states
 * over its runtime socket and sends only the `set server` commands that differ, to all
 * HAProxies at once (in parallel). One HAProxy failing does not stop the others; its error
 * is in the report. No reload ever.
 */

import { describeError, isTandemError } from "../core/index.js";
import type { DesiredServerState, ServerChange } from "./haproxy-map.js";
import { planServerChanges } from "./haproxy-map.js";
import { HaproxyRuntime, type RuntimeOptions } from "./haproxy-runtime.js";

export interface HaproxyEndpoint {
  /** Where it runs (a node name), for the report. */
  node: string;
  socketPath: string;
}

export interface EndpointReport {
  node: string;
  socketPath: string;
  changes: ServerChange[];
  /** Desired servers this HAProxy does not declare (its haproxy.cfg differs). */
  missing: string[];
  /** Set when the socket could not be read or a command failed; changes lists what was done before. */
  error?: { code: string; message: string };
}

async function reconcileOne(endpoint: HaproxyEndpoint, desired: readonly DesiredServerState[], options: RuntimeOptions): Promise<EndpointReport> {
  const report: EndpointReport = { node: endpoint.node, socketPath: endpoint.socketPath, changes: [], missing: [] };
  const runtime = new HaproxyRuntime(endpoint.socketPath, options);
  try {
    const current = await runtime.serversState();
    report.missing = desired.filter((d) => !current.some((c) => c.backend === d.backend && c.server === d.server)).map((d) => `${d.backend}/${d.server}`);
    // Servers of one HAProxy in parallel too: each is its own connection.
    const planned = planServerChanges(desired, current);
    const results = await Promise.allSettled(planned.map(async (change) => {
      await runtime.setServerState(change.backend, change.server, change.to);
      return change;
    }));
    for (const r of results) {
      if (r.status === "fulfilled") report.changes.push(r.value);
      else if (report.error === undefined) report.error = errorOf(r.reason);
    }
  } catch (error) {
    report.error = errorOf(error);
  }
  return report;
}

function errorOf(error: unknown): { code: string; message: string } {
  return { code: isTandemError(error) ? error.code : "LB_INTERNAL", message: describeError(error) };
}

/** The port the daemon calls on "placement changed": applies `desired` to every HAProxy at once. */
export async function reconcileHaproxies(endpoints: readonly HaproxyEndpoint[], desired: readonly DesiredServerState[], options: RuntimeOptions = {}): Promise<EndpointReport[]> {
  return Promise.all(endpoints.map((e) => reconcileOne(e, desired, options)));
}
