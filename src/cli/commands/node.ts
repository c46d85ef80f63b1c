/**
 * `tandem node standby|unstandby|attribute|utilization` on a CIB, as `pcs -f` does them.
 */

import { nodeValues, setNodeAttributes, setNodeUtilization, setStandby, type NodeEdit } from "../../cib/edit/index.js";
import { hasErrors } from "../reports.js";
import { checkFlags, printReports, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";

const USAGE = `Usage: tandem node <command>
Manage cluster nodes

Commands:
    attribute [[<node>] [--name <name>] | <node> <name>=<value> ...]
        Manage node attributes. If no parameters are specified, show
        attributes of all nodes. If one parameter is specified, show
        attributes of specified node. If --name is specified, show specified
        attribute's value from all nodes. If more parameters are specified,
        set attributes of specified node. Attributes can be removed by setting
        an attribute without a value.

    standby [<node>]... | --all
        Put specified nodes into standby mode (the nodes specified will no
        longer be able to host resources). With -f, nodes must be given.

    unstandby [<node>]... | --all
        Remove nodes from standby mode.

    utilization [[<node>] [--name <name>] | <node> <name>=<value> ...]
        Add specified utilization options to specified node. If no parameters
        are specified, show utilization of all nodes. Utilization option can
        be removed by setting an option without a value.
`;

function pairsOf(words: string[]): [string, string][] {
  return words.map((w) => {
    const eq = w.indexOf("=");
    if (eq < 0) throw new UsageError(`missing value of '${w}' option`, USAGE);
    if (eq === 0) throw new UsageError(`missing key in '${w}' option`, USAGE);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

async function apply(ctx: CommandContext, edit: (doc: Awaited<ReturnType<CommandContext["cib"]["load"]>>) => NodeEdit): Promise<number> {
  const base = await ctx.cib.load();
  const result = edit(base);
  printReports(ctx, result.reports);
  if (hasErrors(result.reports)) return result.exitCode ?? 1;
  if (result.doc !== base) await ctx.cib.save(result.doc, base);
  return 0;
}

async function values(ctx: CommandContext, args: string[], tag: "instance_attributes" | "utilization", caption: string): Promise<number> {
  const nameFlag = ctx.options.flags.get("name");
  const name = typeof nameFlag === "string" ? nameFlag : undefined;
  if (args.length > 1) {
    if (name !== undefined) throw new UsageError("--name cannot be used when setting values", USAGE);
    const [node, ...words] = args as [string, ...string[]];
    const pairs = pairsOf(words);
    return apply(ctx, (doc) => (tag === "utilization" ? setNodeUtilization(doc, node, pairs) : setNodeAttributes(doc, node, pairs)));
  }
  const rows = nodeValues(await ctx.cib.load(), tag, args[0], name);
  if (ctx.options.outputFormat === "json") {
    ctx.output.out(JSON.stringify(Object.fromEntries(rows.map(([n, pairs]) => [n, Object.fromEntries(pairs)])), null, 2) + "\n");
    return 0;
  }
  const lines = [caption, ...rows.map(([n, pairs]) => ` ${n}: ${pairs.map(([k, v]) => `${k}=${v}`).join(" ")}`)];
  ctx.output.out(lines.join("\n") + "\n");
  return 0;
}

registerGroup({
  name: "node",
  summary: "Manage cluster nodes.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case "standby":
      case "unstandby": {
        checkFlags(ctx, ["all"], USAGE);
        const all = ctx.options.flags.has("all");
        if (all && rest.length > 0) throw new UsageError("Cannot specify both --all and a list of nodes.", USAGE);
        if (!all && rest.length === 0) {
          ctx.output.err("Error: Node(s) must be specified if -f is used [CLI_USAGE]\n");
          return 1;
        }
        return apply(ctx, (doc) => setStandby(doc, rest, all, sub === "standby"));
      }
      case "attribute":
        checkFlags(ctx, ["name"], USAGE);
        return values(ctx, rest, "instance_attributes", "Node Attributes:");
      case "utilization":
        checkFlags(ctx, ["name"], USAGE);
        return values(ctx, rest, "utilization", "Node Utilization:");
      default:
        throw new UsageError(sub === undefined ? "missing node command" : `unknown node command '${sub}'`, USAGE);
    }
  },
});
