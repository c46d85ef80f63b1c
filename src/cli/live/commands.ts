/**
 * The live-cluster commands: `cluster setup|start|stop|status` (added to the `cluster`
 * group, whose other subcommands stay as they are) and `status [--full]`.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { TandemError } from "../../core/index.js";
import { element, firstChild, type XmlElement } from "../../xml/index.js";
import { configuration, emptyCib, parseCib, readCib, serializeCib, type Resource } from "../../cib/index.js";
import { buildLiveCib, cibKey, nodeRequestsPrefix, planTransition, type NodeRequest } from "../../controller/index.js";
import { schedule } from "../../scheduler/index.js";
import { checkNodeName } from "../../cluster/index.js";
import { buildConfig, configPath, formatConfig, parseConfigText, type DaemonConfig } from "../../daemon/index.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { findGroup, registerGroup } from "../registry.js";
import "../commands/cluster.js";
import "../commands/resource.js";
import "../commands/constraint.js";
import "../commands/property.js";
import "../commands/node.js";
import "../commands/stonith.js";
import { labConfigPath, runningPid, startDaemon, stopDaemon, targetFor, type NodeTarget } from "./daemon-control.js";
import { liveSnapshot, localConfig, withStore } from "./live-source.js";
import { liveStatus, renderStatusJson, renderStatusText } from "./status-render.js";

const LIVE_USAGE = `
    setup <cluster name> <node name> [addr=<address>]... [--etcd=<urls>]
            [--local] [--state-dir=<dir>] [--start] [--force]
        Create a cluster: write this host's configuration (${"$"}TANDEM_CONFIG or
        /etc/tandem/tandem.conf) and an initial CIB listing the nodes into etcd.
        --local also writes one configuration per node beside it, so every node
        runs on this host (a lab, tests), each with its own state dir.

    start [--all | <node>...] [--wait[=<n>]]
        Start tandemd on the local node, the given nodes, or all nodes.

    stop [--all | <node>...]
        Stop tandemd: the node stops its resources and leaves the cluster.

    status
        View current cluster status (an alias of 'tandem status').
`;

function requireConfig(): { path: string; config: DaemonConfig } {
  const path = configPath();
  const config = localConfig();
  if (config === undefined) {
    throw new TandemError("LIVE_NOT_CONFIGURED", `no cluster is configured on this host (no ${path}); run 'tandem cluster setup' first`);
  }
  return { path, config };
}

function initialCib(cluster: string, nodes: readonly string[]): string {
  const doc = emptyCib();
  const config = configuration(doc);
  const crm = firstChild(config, "crm_config") as XmlElement;
  crm.children.push(
    element("cluster_property_set", { id: "cib-bootstrap-options" }, [
      element("nvpair", { id: "cib-bootstrap-options-cluster-infrastructure", name: "cluster-infrastructure", value: "etcd" }),
      element("nvpair", { id: "cib-bootstrap-options-cluster-name", name: "cluster-name", value: cluster }),
    ]),
  );
  const nodesEl = firstChild(config, "nodes") as XmlElement;
  nodes.forEach((n, i) => nodesEl.children.push(element("node", { id: String(i + 1), uname: n })));
  return serializeCib(doc);
}

async function setup(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["etcd", "local", "state-dir", "start", "force", "wait"], LIVE_USAGE);
  const words = [...args];
  let etcd = ctx.options.flags.get("etcd");
  if (etcd === true) {
    const i = words.findIndex((w) => /^https?:\/\//.test(w));
    if (i < 0) throw new UsageError("--etcd requires a comma-separated list of URLs", LIVE_USAGE);
    etcd = words.splice(i, 1)[0];
  }
  const [name, ...rest] = words;
  if (name === undefined) throw new UsageError("missing cluster name", LIVE_USAGE);
  const nodes: { name: string; addr?: string }[] = [];
  for (const w of rest) {
    if (w.startsWith("addr=")) {
      const last = nodes[nodes.length - 1];
      if (last === undefined) throw new UsageError(`'${w}' must follow a node name`, LIVE_USAGE);
      last.addr = w.slice("addr=".length);
    } else nodes.push({ name: w });
  }
  if (nodes.length === 0) throw new UsageError("at least one node must be specified", LIVE_USAGE);
  for (const n of nodes) {
    const check = checkNodeName(n.name);
    if (!check.ok) throw new TandemError("LIVE_BAD_NODE", `invalid node name '${n.name}': ${check.reason}`);
  }
  const dup = nodes.find((n, i) => nodes.findIndex((m) => m.name === n.name) !== i);
  if (dup !== undefined) throw new TandemError("LIVE_BAD_NODE", `node '${dup.name}' is specified more than once`);
  const local = ctx.options.flags.has("local");
  const force = ctx.options.force || ctx.options.flags.has("force");
  const path = configPath();
  if (existsSync(path) && !force) {
    throw new TandemError("LIVE_ALREADY_SET_UP", `${path} already exists: this host is part of a cluster (use --force to overwrite)`);
  }
  const stateFlag = ctx.options.flags.get("state-dir");
  const stateDir = typeof stateFlag === "string" ? stateFlag : "/var/lib/tandem";
  const values = (node: string, addr: string | undefined, perNodeState: boolean): Record<string, string | number | undefined> => ({
    cluster_name: name,
    node_name: node,
    etcd_endpoints: typeof etcd === "string" ? etcd : undefined,
    state_dir: perNodeState ? join(stateDir, node) : stateDir,
    heartbeat_address: addr ?? (local ? "127.0.0.1" : undefined),
    heartbeat_port: local ? 0 : undefined,
  });
  // Validate everything before writing anything.
  // This host's own configuration: the node whose name is this host's, else (a lab) the first.
  const me = hostname().split(".")[0] ?? "";
  const own = local ? nodes[0] : nodes.find((n) => n.name === me);
  if (own === undefined) ctx.output.err(`Warning: this host ('${me}') is not one of the nodes; set node_name in ${path} before starting tandemd here\n`);
  const mainValues = own === undefined ? { ...values(me, undefined, false), node_name: undefined } : values(own.name, own.addr, local);
  const mainConfig = buildConfig(parseConfigText(formatConfig(mainValues), "the new configuration"));
  const created = await withStore(mainConfig, async (store) => {
    const text = initialCib(name, nodes.map((n) => n.name));
    const existing = await store.get(cibKey(name));
    if (existing.kv !== undefined && !force) return false;
    const r = await store.compareAndSwap(cibKey(name), existing.kv?.modRevision ?? 0, text);
    if (!r.ok) throw new TandemError("STORE_REVISION_CONFLICT", "the cluster's CIB was created concurrently by someone else; nothing was changed");
    return true;
  });
  if (!created) throw new TandemError("LIVE_ALREADY_SET_UP", `cluster '${name}' already has a CIB in etcd (use --force to replace it)`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatConfig(mainValues));
  if (local) for (const n of nodes) writeFileSync(labConfigPath(path, n.name), formatConfig(values(n.name, n.addr, true)));
  ctx.output.out("Cluster has been successfully set up.\n");
  if (ctx.options.flags.has("start")) return start(ctx, ["--all"]);
  return 0;
}

async function allNodeNames(config: DaemonConfig): Promise<string[]> {
  const snap = await liveSnapshot(config);
  if (snap.cibText === undefined) throw new TandemError("LIVE_NO_CIB", `cluster '${config.clusterName}' has no CIB in etcd yet; run 'tandem cluster setup'`);
  return [...snap.cibText.matchAll(/<node\b[^>]*\buname="([^"]+)"/g)].map((m) => m[1] as string);
}

async function resolveTargets(ctx: CommandContext, args: string[]): Promise<NodeTarget[]> {
  const all = ctx.options.flags.has("all");
  if (all && args.length > 0) throw new UsageError("Cannot specify both --all and a list of nodes.", LIVE_USAGE);
  const { path, config } = requireConfig();
  if (!all) return (args.length > 0 ? args : [config.nodeName]).map((n) => targetFor(path, config, n));
  return (await allNodeNames(config)).map((n) => targetFor(path, config, n));
}

async function waitMember(config: DaemonConfig, node: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const snap = await liveSnapshot(config).catch(() => undefined);
    if (snap?.members.has(node) === true) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function start(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["all", "wait", "etcd", "local", "state-dir", "start", "force"], LIVE_USAGE);
  const list = await resolveTargets(ctx, args.filter((a) => a !== "--all"));
  const wait = ctx.options.wait;
  const timeoutMs = (typeof wait === "number" ? wait : 30) * 1000;
  for (const t of list) {
    ctx.output.out(`${t.node}: Starting Cluster...\n`);
    startDaemon(t);
  }
  let ok = true;
  for (const t of list) {
    if (!(await waitMember(t.config, t.node, timeoutMs))) {
      ok = false;
      ctx.output.err(`Error: ${t.node}: tandemd did not join the cluster within ${timeoutMs / 1000} s; see ${join(t.config.stateDir, "tandemd.log")} [LIVE_START_FAILED]\n`);
    }
  }
  return ok ? 0 : 1;
}

async function stop(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["all", "wait", "force"], LIVE_USAGE);
  const list = await resolveTargets(ctx, args);
  let ok = true;
  await Promise.all(
    list.map(async (t) => {
      ctx.output.out(`${t.node}: Stopping Cluster (tandemd)...\n`);
      if (!(await stopDaemon(t, 120_000))) {
        ok = false;
        ctx.output.err(`Error: ${t.node}: tandemd did not stop within 120 s [LIVE_STOP_FAILED]\n`);
      }
    }),
  );
  return ok ? 0 : 1;
}

async function status(ctx: CommandContext, args: string[], pcsClusterStatus: boolean): Promise<number> {
  checkFlags(ctx, ["full"], STATUS_USAGE);
  if (args.length > 0 && !(args.length === 1 && (args[0] === "status" || args[0] === "cluster"))) {
    throw new UsageError(`unknown status command '${args.join(" ")}'`, STATUS_USAGE);
  }
  const { config } = requireConfig();
  const snap = await liveSnapshot(config);
  if (snap.cibText === undefined) throw new TandemError("LIVE_NO_CIB", `cluster '${config.clusterName}' has no CIB in etcd yet; run 'tandem cluster setup'`);
  const daemon = { node: config.nodeName, active: runningPid(config) !== undefined || snap.members.has(config.nodeName) };
  const s = liveStatus(config.clusterName, snap, true, daemon);
  if (ctx.options.outputFormat === "json") ctx.output.out(renderStatusJson(s));
  else {
    const text = renderStatusText(s, ctx.options.full || ctx.options.flags.has("full"));
    ctx.output.out(pcsClusterStatus ? `Cluster Status:\n${text}` : text);
  }
  return 0;
}

const STATUS_USAGE = `Usage: tandem status [commands]...
View current cluster and resource status

Commands:
    [status] [--full] [--output-format=text|json]
        View all information about the cluster and resources.
`;

// The `cluster` group keeps its own subcommands; the live ones are added in front.
const cluster = findGroup("cluster");
if (cluster !== undefined) {
  const offline = cluster.run;
  cluster.usage = cluster.usage.replace(/\n$/, "") + "\n" + LIVE_USAGE;
  cluster.run = async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case "setup":
        return setup(ctx, rest);
      case "start":
        return start(ctx, rest);
      case "stop":
        return stop(ctx, rest);
      case "status":
        return status(ctx, rest, true);
      default:
        return offline(ctx, args);
    }
  };
}

registerGroup({ name: "status", summary: "View cluster status.", usage: STATUS_USAGE, run: (ctx, args) => status(ctx, args, false) });

const CLEANUP_USAGE = `
    cleanup [<resource id>] [node=<node>]
        Make the cluster forget failed operations and failcounts of the resource
        (or of all resources) on the node (or on all nodes), and probe it again.
        'refresh' does the same.
`;

function resourceIds(cibText: string): Set<string> {
  const ids = new Set<string>();
  const visit = (r: Resource): void => {
    ids.add(r.id);
    if (r.kind === "group") r.children.forEach(visit);
    else if (r.kind === "clone") visit(r.child);
  };
  readCib(parseCib(cibText)).resources.forEach(visit);
  return ids;
}

async function cleanup(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["strict", "force"], CLEANUP_USAGE);
  let node: string | undefined;
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith("node=")) node = a.slice("node=".length);
    else if (a.startsWith("operation=") || a.startsWith("interval=")) continue; // whole history is forgotten
    else words.push(a);
  }
  if (words.length > 1) throw new UsageError("cleanup takes at most one resource", CLEANUP_USAGE);
  const resource = words[0];
  const { config } = requireConfig();
  const snap = await liveSnapshot(config);
  if (snap.cibText === undefined) throw new TandemError("LIVE_NO_CIB", `cluster '${config.clusterName}' has no CIB in etcd yet; run 'tandem cluster setup'`);
  if (resource !== undefined && !resourceIds(snap.cibText).has(resource)) {
    throw new TandemError("LIVE_UNKNOWN_RESOURCE", `Resource '${resource}' does not exist.`);
  }
  const nodes = node === undefined ? [...snap.members.keys()].sort() : [node];
  if (node !== undefined && !snap.members.has(node)) throw new TandemError("LIVE_UNKNOWN_NODE", `Node '${node}' is not online in the cluster`);
  const request: NodeRequest = resource === undefined ? { kind: "cleanup" } : { kind: "cleanup", resource };
  const keys = nodes.map((n) => `${nodeRequestsPrefix(config.clusterName, n)}cleanup-${Date.now()}-${process.pid}`);
  await withStore(config, async (store) => {
    await store.txn({ compare: [], success: keys.map((key) => ({ type: "put" as const, key, value: JSON.stringify(request) })) });
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const left = await Promise.all(keys.map((k) => store.get(k)));
      if (left.every((r) => r.kv === undefined)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new TandemError("LIVE_CLEANUP_TIMEOUT", `not every node answered the cleanup within 10 s (${nodes.join(", ")})`);
  });
  for (const n of nodes) ctx.output.out(`Cleaned up ${resource ?? "all resources"} on ${n}\n`);
  return 0;
}

const resourceGroup = findGroup("resource");
if (resourceGroup !== undefined) {
  const offline = resourceGroup.run;
  resourceGroup.usage = resourceGroup.usage.replace(/\n$/, "") + "\n" + CLEANUP_USAGE;
  resourceGroup.run = async (ctx, args) => {
    const [sub, ...rest] = args;
    if ((sub === "cleanup" || sub === "refresh") && ctx.options.file === undefined) return cleanup(ctx, rest);
    return offline(ctx, args);
  };
}

/** The cluster has settled: no pending actions and the scheduler, run on one snapshot, has nothing to do. */
export async function waitSettled(config: DaemonConfig, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  // Give the DC a moment to see the change before the first check.
  await new Promise((r) => setTimeout(r, 200));
  while (Date.now() < end) {
    const snap = await liveSnapshot(config);
    if (snap.cibText !== undefined && snap.actions.size === 0) {
      const online = new Set(snap.members.keys());
      const model = readCib(buildLiveCib({ cibText: snap.cibText, online, reports: snap.reports, dc: snap.dc?.name, quorum: true }));
      const result = schedule({ cib: model, nowSec: Math.floor(Date.now() / 1000) });
      if (planTransition({ model, result, online, reports: snap.reports }).actions.length === 0) return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * `--wait[=SECONDS]` on live configuration commands: after the change, wait until the
 * cluster has carried it out (default 60 s), as pcs waits for the transition to finish.
 */
for (const name of ["resource", "constraint", "node", "property", "stonith"]) {
  const group = findGroup(name);
  if (group === undefined) continue;
  const run = group.run;
  group.run = async (ctx, args) => {
    const code = await run(ctx, args);
    const wait = ctx.options.wait;
    if (code !== 0 || wait === undefined || ctx.options.file !== undefined) return code;
    const config = localConfig();
    if (config === undefined) return code;
    const seconds = typeof wait === "number" ? wait : 60;
    if (!(await waitSettled(config, seconds * 1000))) {
      ctx.output.err(`Error: waiting timeout: the cluster did not settle within ${seconds} s [LIVE_WAIT_TIMEOUT]\n`);
      return 1;
    }
    return code;
  };
}
