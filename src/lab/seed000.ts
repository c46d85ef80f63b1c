/**
 * The seed-000 tutorial ("Advanced Clustering", active/active) in a lab: nodes benji and
 * holly at the tutorial's addresses, its `pcs` commands replayed verbatim with `tandem`
 * inside benji. Used by the README's first command, the end-to-end test and
 * `npm run bench:failover`.
 *
 * The tutorial starts from the end of "Cluster Basics": a running cluster with the VIP and
 * an `HTTPServer` resource (`ocf:heartbeat:apache`). Apache is not installed here, so that
 * resource fails to start ('not installed'); the tutorial deletes it first thing and
 * replaces it with the `httpd` clone (the lab's httpd unit), so nothing depends on it.
 */

import { TandemError } from "../core/index.js";
import { TANDEM_BIN, labClusterHooks } from "./cluster.js";
import { labUp, runInHost } from "./lab.js";

export const SEED000_VIP = "10.10.10.23";
export const SEED000_NODES = "benji,holly";

/** Where the tutorial ran the commands, and the command (words after `pcs`). */
export interface TutorialStep {
  host: string;
  args: string[];
}

/** The state at the end of "Cluster Basics" (the seed's starting point). */
export const CLUSTER_BASICS: readonly TutorialStep[] = [
  { host: "benji", args: ["cluster", "start", "--all"] },
  { host: "benji", args: ["property", "set", "stonith-enabled=false"] },
  { host: "benji", args: ["resource", "create", "VIP-10.10.10.23", "ocf:heartbeat:IPaddr2", "ip=10.10.10.23", "cidr_netmask=24", "op", "monitor", "interval=30s"] },
  { host: "benji", args: ["resource", "create", "HTTPServer", "ocf:heartbeat:apache", "configfile=/etc/httpd/conf/httpd.conf", "statusurl=http://localhost/server-status", "op", "monitor", "interval=1min"] },
  { host: "benji", args: ["constraint", "colocation", "add", "HTTPServer", "with", "VIP-10.10.10.23", "INFINITY"] },
  { host: "benji", args: ["constraint", "order", "VIP-10.10.10.23", "then", "HTTPServer"] },
];

/** Seed 000's commands, verbatim (`pcs` → `tandem`), in its order. */
export const SEED000: readonly TutorialStep[] = [
  { host: "benji", args: ["resource", "delete", "HTTPServer"] },
  { host: "benji", args: ["resource", "create", "httpd", "systemd:httpd", "configfile=/etc/httpd/conf/httpd.conf", "op", "monitor", "interval=30s", "clone"] },
  { host: "benji", args: ["resource", "create", "haproxy", "systemd:haproxy", "op", "monitor", "interval=15s", "clone"] },
  { host: "benji", args: ["cluster", "start", "--all"] },
  { host: "benji", args: ["constraint", "order", "VIP-10.10.10.23", "then", "haproxy-clone"] },
  { host: "benji", args: ["constraint", "order", "httpd-clone", "then", "haproxy-clone"] },
  { host: "benji", args: ["constraint", "colocation", "add", "VIP-10.10.10.23", "with", "haproxy-clone"] },
  { host: "benji", args: ["constraint"] },
];

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tandem ARGS` inside a lab host. */
export function tandemIn(lab: string, host: string, args: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  return runInHost(lab, host, [process.execPath, TANDEM_BIN, ...args], timeoutMs);
}

/** Runs the steps in order; the first failure stops it. `echo` sees each prompt and output. */
export async function replay(lab: string, steps: readonly TutorialStep[], echo: (text: string) => void = () => undefined): Promise<void> {
  for (const step of steps) {
    echo(`[root@${step.host} ~]# tandem ${step.args.join(" ")}\n`);
    const r = await tandemIn(lab, step.host, step.args);
    echo(r.stdout + r.stderr);
    if (r.code !== 0) throw new TandemError("LAB_TUTORIAL_FAILED", `'tandem ${step.args.join(" ")}' on ${step.host} exited ${r.code}: ${r.stderr.trim()}`);
  }
}

/** The tutorial's layout: the VIP started on one node, both clones started on both. */
export function seed000Converged(status: string): string | undefined {
  const vip = /VIP-10\.10\.10\.23\s+\(ocf:heartbeat:IPaddr2\):\s+Started (benji|holly)\b/.exec(status);
  if (vip === null) return undefined;
  if (!/Online: \[ benji holly \]/.test(status)) return undefined;
  const clones = status.match(/Clone Set: (httpd|haproxy)-clone \[\1\]:\n\s+\* Started: \[ benji holly \]/g) ?? [];
  return clones.length === 2 ? vip[1] : undefined;
}

/** One `curl` from the lab's client; the body, or undefined on failure. */
export async function curlFromClient(lab: string, url: string, maxSeconds = 2): Promise<string | undefined> {
  const r = await runInHost(lab, "client", ["curl", "-s", "-m", String(maxSeconds), url], (maxSeconds + 3) * 1000);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `tandem status` in `host` until the tutorial's layout shows; the VIP holder. */
export async function waitSeed000(lab: string, host = "benji", timeoutMs = 60_000): Promise<{ vipNode: string; status: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await tandemIn(lab, host, ["status"]);
    last = r.stdout;
    const vipNode = seed000Converged(last);
    if (vipNode !== undefined) return { vipNode, status: last };
    await sleep(200);
  }
  throw new TandemError("LAB_TUTORIAL_FAILED", `the cluster did not reach the tutorial's layout within ${timeoutMs / 1000} s; last status:\n${last}`);
}

/** Builds the seed-000 lab and configures it with the tutorial; returns the VIP holder. */
export async function upSeed000(lab: string, echo: (text: string) => void = () => undefined): Promise<{ vipNode: string; status: string }> {
  const { lab: state } = await labUp({ name: lab, nodes: SEED000_NODES }, labClusterHooks());
  echo(`Lab '${lab}': ${state.hosts.map((h) => `${h.name} ${h.address}`).join(", ")}\n`);
  await replay(lab, CLUSTER_BASICS, echo);
  await replay(lab, SEED000, echo);
  return waitSeed000(lab);
}
