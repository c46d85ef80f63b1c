/**
 * `tandem lab …`: a cluster of network namespaces on this machine (see docs/net.md).
 * Needs root. Nothing in the lab has a route out of its subnet.
 */

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { TandemError } from "../../core/index.js";
import {
  LAB_AGENT_PORT,
  LAB_NODES_FILE,
  labClusterHooks,
  allLabNames,
  checkLabPrerequisites,
  DEFAULT_LAB_NAME,
  hostCommand,
  hostEnv,
  killHost,
  labDown,
  labHealth,
  labNamesOnDisk,
  labUp,
  requireLabState,
  reviveHost,
  type LabHealth,
} from "../../lab/index.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { processOutput } from "../io.js";
import { findGroup, registerGroup } from "../registry.js";

const USAGE = `Usage: tandem lab [commands]...
Run a cluster of network namespaces on this machine (root only)

Commands:
    up --nodes <node[,node[=address]]...> | --nodes <count> [--name <lab>]
            [--subnet <A.B.C.D/N>] [--cluster <name>] [--bare]
        Build a lab: a switch, the nodes (--nodes 4 names them a1...a4), a
        client and an arbiter. Default subnet 10.10.10.0/24: arbiter .2,
        client .10, nodes .22, .24, .25, ... (.23 is left for the virtual IP;
        holly and benji get the tutorial's .22 and .24). Unless --bare, the
        lab runs a Tandem cluster (default name mycluster): etcd in the
        arbiter, every node configured, so that inside a node
        'tandem cluster start --all' starts tandemd in every node.

    status [--name <lab>] [--all] [--output-format=text|json]
        Show the lab's hosts, addresses and whether each one is running.

    exec [--name <lab>] <node> -- <command>...
        Run a command inside a node (its network, mount, host name and PID
        namespaces).

    client [--name <lab>] -- <command>...
        Run a command on the lab's client host.

    kill [--name <lab>] <node>
        Node death: cut the node's link, then kill every process in it.

    revive [--name <lab>] <node>
        Boot a killed node again.

    down [--name <lab>] | --all
        Remove the lab (or every Tandem lab on this machine), also after a crash.

Without --name: the only lab on this machine, otherwise '${DEFAULT_LAB_NAME}'.
`;

function flagValue(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options.flags.get(name);
  if (value === true) throw new UsageError(`option --${name} requires a value`, USAGE);
  return value;
}

function labName(ctx: CommandContext): string {
  const given = flagValue(ctx, "name");
  if (given !== undefined) return given;
  const labs = labNamesOnDisk();
  return labs.length === 1 ? (labs[0] as string) : DEFAULT_LAB_NAME;
}

function renderHealth(health: LabHealth): string {
  const lines = [`Lab: ${health.name}  subnet ${health.subnet}  (virtual IP suggestion: ${health.suggestedVip})`];
  const nodes = health.hosts.filter((h) => h.role === "node");
  const running = nodes.filter((h) => h.running).map((h) => h.name);
  const dead = nodes.filter((h) => !h.running).map((h) => h.name);
  lines.push(`Nodes online: [ ${running.join(" ")} ]${dead.length > 0 ? `  offline: [ ${dead.join(" ")} ]` : ""}`);
  lines.push("");
  lines.push(`  ${"HOST".padEnd(14)}${"ROLE".padEnd(9)}${"ADDRESS".padEnd(17)}${"STATE".padEnd(9)}${"LINK".padEnd(8)}INIT PID`);
  for (const h of health.hosts) {
    const state = h.running ? "running" : h.recorded === "dead" ? "killed" : "broken";
    lines.push(`  ${h.name.padEnd(14)}${h.role.padEnd(9)}${h.address.padEnd(17)}${state.padEnd(9)}${h.link.padEnd(8)}${h.initPid ?? "-"}`);
  }
  lines.push("");
  lines.push("The arbiter is the third etcd member: with it a two-node cluster keeps quorum when one node dies.");
  if (health.strayNetns.length > 0) lines.push(`Stray namespaces (a crash?): ${health.strayNetns.join(", ")}; 'tandem lab down --name ${health.name}' removes them.`);
  if (!health.healthy) lines.push("This lab is not as recorded: 'tandem lab down' and 'lab up' again to rebuild it.");
  return lines.join("\n") + "\n";
}

async function up(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["name", "nodes", "subnet", "cluster", "bare"], USAGE);
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0] ?? ""}'`, USAGE);
  const nodes = flagValue(ctx, "nodes");
  if (nodes === undefined) throw new UsageError("lab up needs --nodes (e.g. --nodes benji,holly or --nodes 4)", USAGE);
  const subnet = flagValue(ctx, "subnet");
  const clusterName = flagValue(ctx, "cluster");
  const bare = ctx.options.flags.has("bare");
  if (bare && clusterName !== undefined) throw new UsageError("give either --bare or --cluster", USAGE);
  const hooks = bare ? {} : labClusterHooks(clusterName);
  const { lab, cleanedStale } = await labUp({ name: flagValue(ctx, "name") ?? DEFAULT_LAB_NAME, nodes, ...(subnet === undefined ? {} : { subnet }) }, hooks);
  if (cleanedStale) ctx.output.err(`Warning: removed the leftovers of an earlier lab '${lab.name}'\n`);
  const nodeList = lab.hosts.filter((h) => h.role === "node").map((h) => `${h.name} ${h.address}`);
  ctx.output.out(`Lab '${lab.name}' is up on ${lab.subnet}: ${nodeList.join(", ")}; client ${lab.hosts.find((h) => h.role === "client")?.address ?? "?"}\n`);
  if (!bare) {
    const arbiter = lab.hosts.find((h) => h.role === "arbiter")?.address ?? "?";
    ctx.output.out(`Cluster '${clusterName ?? "mycluster"}' is set up (etcd on the arbiter ${arbiter}); start it inside a node: tandem lab exec ${lab.hosts[0]?.name ?? "NODE"} -- tandem cluster start --all\n`);
  }
  return 0;
}

async function status(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["name", "all"], USAGE);
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0] ?? ""}'`, USAGE);
  await checkLabPrerequisites();
  const names = ctx.options.flags.has("all") ? await allLabNames() : [labName(ctx)];
  const healths: LabHealth[] = [];
  for (const name of names) {
    const health = await labHealth(name);
    if (health !== undefined) healths.push(health);
    else if (!ctx.options.flags.has("all")) throw new TandemError("LAB_NOT_FOUND", `there is no lab named '${name}'`);
  }
  if (ctx.options.outputFormat === "json") {
    ctx.output.out(JSON.stringify(ctx.options.flags.has("all") ? healths : healths[0], null, 2) + "\n");
  } else {
    if (healths.length === 0) ctx.output.out("No labs.\n");
    ctx.output.out(healths.map(renderHealth).join("\n"));
  }
  return healths.every((h) => h.healthy) ? 0 : 1;
}

/** Runs argv with this process's stdin; output goes to the CLI's output port. */
function runAttached(ctx: CommandContext, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const attached = ctx.output === processOutput;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: attached ? "inherit" : ["inherit", "pipe", "pipe"], env });
    child.stdout?.on("data", (chunk: Buffer) => ctx.output.out(chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => ctx.output.err(chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : 9)));
  });
}

async function execIn(ctx: CommandContext, host: string, command: string[]): Promise<number> {
  if (command.length === 0) throw new UsageError("give the command to run after '--'", USAGE);
  await checkLabPrerequisites();
  const lab = requireLabState(labName(ctx));
  return runAttached(ctx, hostCommand(lab, host, command), hostEnv(lab, host));
}

async function nodeAction(ctx: CommandContext, args: string[], what: "kill" | "revive"): Promise<number> {
  checkFlags(ctx, ["name"], USAGE);
  const [node, ...extra] = args;
  if (node === undefined || extra.length > 0) throw new UsageError(`lab ${what} takes one node name`, USAGE);
  const name = labName(ctx);
  if (what === "kill") {
    await killHost(name, node);
    ctx.output.out(`${node}: killed (link cut, all its processes ended)\n`);
  } else {
    const cluster = requireLabState(name).cluster;
    await reviveHost(name, node, cluster === undefined ? {} : labClusterHooks(cluster));
    ctx.output.out(`${node}: running again\n`);
  }
  return 0;
}

async function down(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["name", "all"], USAGE);
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0] ?? ""}'`, USAGE);
  const all = ctx.options.flags.has("all");
  if (all && ctx.options.flags.has("name")) throw new UsageError("give either --name or --all", USAGE);
  await checkLabPrerequisites();
  const names = all ? await allLabNames() : [labName(ctx)];
  for (const name of names) {
    const { removedNetns } = await labDown(name);
    ctx.output.out(`Lab '${name}' removed (${removedNetns.length} namespaces)\n`);
  }
  if (names.length === 0) ctx.output.out("No labs.\n");
  return 0;
}

registerGroup({
  name: "lab",
  summary: "Run a cluster of network namespaces on this machine.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case "up":
        return up(ctx, rest);
      case "status":
        return status(ctx, rest);
      case "exec": {
        checkFlags(ctx, ["name"], USAGE);
        const [host, ...command] = rest;
        if (host === undefined) throw new UsageError("lab exec needs a node name", USAGE);
        return execIn(ctx, host, command);
      }
      case "client":
        checkFlags(ctx, ["name"], USAGE);
        return execIn(ctx, "client", rest);
      case "kill":
        return nodeAction(ctx, rest, "kill");
      case "revive":
        return nodeAction(ctx, rest, "revive");
      case "down":
        return down(ctx, rest);
      default:
        throw new UsageError(sub === undefined ? "missing lab command" : `unknown lab command '${sub}'`, USAGE);
    }
  },
});

// ---------------------------------------------------------------- cluster start|stop inside a lab node

interface AgentAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

function labNodes(): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const line of readFileSync(LAB_NODES_FILE, "utf8").split("\n")) {
    const [name, address] = line.trim().split(/\s+/);
    if (name !== undefined && name !== "" && address !== undefined) nodes.set(name, address);
  }
  return nodes;
}

async function askAgent(node: string, address: string, action: "start" | "stop"): Promise<AgentAnswer> {
  try {
    const response = await fetch(`http://${address}:${LAB_AGENT_PORT}/cluster/${action}`, { method: "POST", signal: AbortSignal.timeout(160_000) });
    return (await response.json()) as AgentAnswer;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { code: 1, stdout: "", stderr: `Error: ${node}: unable to reach the node's lab agent at ${address}:${LAB_AGENT_PORT} (${reason}) [LAB_AGENT_UNREACHABLE]\n` };
  }
}

/** `cluster start|stop [--all | NODE...]` in a lab node: each node runs it itself, through its agent (pcs does it through pcsd). */
async function labClusterControl(ctx: CommandContext, action: "start" | "stop", args: string[]): Promise<number> {
  checkFlags(ctx, ["all", "wait", "force"], USAGE);
  const nodes = labNodes();
  const names = args.filter((a) => a !== "--all");
  const all = ctx.options.flags.has("all") || args.includes("--all");
  if (all && names.length > 0) throw new UsageError("Cannot specify both --all and a list of nodes.", USAGE);
  const targets = all ? [...nodes.keys()] : names.length > 0 ? names : [process.env["TANDEM_LAB_HOST"] ?? hostname()];
  for (const name of targets) {
    if (!nodes.has(name)) throw new TandemError("LAB_HOST_NOT_FOUND", `'${name}' is not a node of this lab (nodes: ${[...nodes.keys()].join(", ")})`);
  }
  const answers = await Promise.all(targets.map((name) => askAgent(name, nodes.get(name) as string, action)));
  for (const answer of answers) {
    ctx.output.out(answer.stdout);
    ctx.output.err(answer.stderr);
  }
  return answers.every((a) => a.code === 0) ? 0 : 1;
}

/**
 * Inside a lab node (TANDEM_LAB set, the lab's node list present), `cluster start|stop`
 * reaches every node it names through the lab agents. Call after the live cluster commands
 * are registered, so this wraps them.
 */
export function registerLabCluster(): void {
  const group = findGroup("cluster");
  if (group === undefined) return;
  const inner = group.run;
  group.run = async (ctx, args) => {
    const [sub, ...rest] = args;
    const lab = process.env["TANDEM_LAB"];
    const inLab = lab !== undefined && lab !== "" && ctx.options.file === undefined && existsSync(LAB_NODES_FILE);
    if (inLab && (sub === "start" || sub === "stop")) return labClusterControl(ctx, sub, rest);
    return inner(ctx, args);
  };
}
