/**
 * `tandem cluster …`. Offline (`-f FILE`), `cluster cib [FILE]` prints or writes the CIB
 * and `cluster cib-push FILE` replaces the source's CIB with FILE's.
 */

import { TandemError } from "../../core/index.js";
import { parseCib, serializeCib } from "../../cib/index.js";
import { readFileSync, existsSync } from "node:fs";
import { writeFileAtomic } from "../cib-source.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";

const USAGE = `Usage: tandem cluster [commands]...
Configure cluster for use with Tandem

Commands:
    cib [filename] [scope=<scope> | --config]
        Get the raw xml from the CIB. If a filename is provided, we save the
        CIB to that file, otherwise the CIB is printed.

    cib-push <filename> [--config]
        Push the raw xml from <filename> to the CIB.
`;

async function cib(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["config"], USAGE);
  if (args.length > 1) throw new UsageError("cluster cib takes at most one file name", USAGE);
  const doc = await ctx.cib.load();
  const text = serializeCib(doc);
  const target = args[0];
  if (target === undefined) ctx.output.out(text);
  else writeFileAtomic(target, text);
  return 0;
}

async function cibPush(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["config"], USAGE);
  const [path, ...extra] = args;
  if (path === undefined || extra.length > 0) throw new UsageError("cluster cib-push takes one file name", USAGE);
  if (!existsSync(path)) throw new TandemError("CIB_FILE_UNREADABLE", `Unable to read file '${path}'`);
  const pushed = parseCib(readFileSync(path, "utf8"));
  const base = await ctx.cib.load();
  await ctx.cib.save(pushed, base);
  ctx.output.out("CIB updated\n");
  return 0;
}

registerGroup({
  name: "cluster",
  summary: "Configure cluster options and nodes.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case "cib":
        return cib(ctx, rest);
      case "cib-push":
        return cibPush(ctx, rest);
      default:
        throw new UsageError(sub === undefined ? "missing cluster command" : `unknown cluster command '${sub}'`, USAGE);
    }
  },
});
