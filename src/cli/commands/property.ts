/**
 * `tandem property [config|set|unset]`, pcs 0.11.5's grammar and output.
 */

import { listProperties, setProperties } from "../../cib/edit/index.js";
import { hasErrors } from "../reports.js";
import { checkFlags, printReports, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";

const USAGE = `Usage: tandem property [commands]...
Configure pacemaker properties

Commands:
    [config [<property> | --all | --defaults]] [--output-format=text|json]
        List property settings (default: lists configured properties).
        If --defaults or --all is specified, all properties with their default
        values are listed as well.

    set <property>=[<value>] ... [--force]
        Set specific pacemaker properties (if the value is blank then the
        property is removed from the configuration).  If a property is not
        recognized the property will not be created unless --force is used.
        Tandem also accepts fencing-enabled, the newer name of stonith-enabled.

    unset <property> ... [--force]
        Remove property from configuration.
`;

async function config(ctx: CommandContext, names: string[]): Promise<number> {
  checkFlags(ctx, ["all", "defaults"], USAGE);
  const mode = ctx.options.flags.has("all") ? "all" : ctx.options.flags.has("defaults") ? "defaults" : "configured";
  if ((mode !== "configured" && names.length > 0) || names.length > 1) throw new UsageError("property config takes at most one property name, and none with --all or --defaults", USAGE);
  const listing = listProperties(await ctx.cib.load(), mode, names[0]);
  if (ctx.options.outputFormat === "json") {
    ctx.output.out(JSON.stringify({ id: listing.setId ?? null, properties: Object.fromEntries(listing.properties) }, null, 2) + "\n");
    return 0;
  }
  if (ctx.options.outputFormat === "cmd") {
    const words = listing.properties.map(([n, v]) => `${n}=${v}`);
    ctx.output.out(words.length === 0 ? "" : `tandem property set --force -- ${words.join(" ")}\n`);
    return 0;
  }
  ctx.output.out(["Cluster Properties:", ...listing.properties.map(([n, v]) => ` ${n}: ${v}`)].join("\n") + "\n");
  return 0;
}

async function set(ctx: CommandContext, pairs: [string, string][]): Promise<number> {
  const base = await ctx.cib.load();
  const result = setProperties(base, pairs, ctx.options.force);
  printReports(ctx, result.reports);
  if (hasErrors(result.reports)) return 1;
  await ctx.cib.save(result.doc, base);
  return 0;
}

registerGroup({
  name: "property",
  summary: "Manage pacemaker properties.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case undefined:
      case "config":
        return config(ctx, rest);
      case "list":
      case "show":
        ctx.output.err(`Deprecation Warning: This command is deprecated and will be removed. Please use 'tandem property config' instead.\n`);
        return config(ctx, rest);
      case "set": {
        checkFlags(ctx, [], USAGE);
        if (rest.length === 0) throw new UsageError("property set needs at least one <property>=<value>", USAGE);
        const pairs: [string, string][] = [];
        for (const word of rest) {
          const eq = word.indexOf("=");
          if (eq <= 0) throw new UsageError(eq < 0 ? `missing value of '${word}' option` : `missing key in '${word}' option`, USAGE);
          pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
        }
        return set(ctx, pairs);
      }
      case "unset":
        checkFlags(ctx, [], USAGE);
        if (rest.length === 0) throw new UsageError("property unset needs at least one property name", USAGE);
        return set(ctx, rest.map((n) => [n, ""]));
      default:
        throw new UsageError(`unknown property command '${sub}'`, USAGE);
    }
  },
});
