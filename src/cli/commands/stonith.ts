/**
 * `tandem stonith create NAME AGENT [k=v…] [op …] [meta …] [--group G] [--disabled]`.
 * The fence agent's metadata comes from running it (`AGENT -o metadata`, where fence
 * agents live); an agent that is not installed is an error, or with --force a warning
 * and the device is stored unchecked, as pcs does. `stonith` alone lists the devices.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseOcfMetadata, type AgentMetadata } from "../../agents/metadata/index.js";
import { createStonith, forceable, stonithAgentInfo, type Report } from "../../cib/edit/index.js";
import { hasErrors } from "../reports.js";
import { checkFlags, printReports, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";
import { buildOperations, groupByKeywords, flat, prepareOptions } from "./resource-args.js";

const USAGE = `Usage: tandem stonith [commands]...
Configure fence devices for use with pacemaker

Commands:
    create <stonith id> <stonith device type> [stonith device options]
           [op <operation action> <operation options> [<operation action>
           <operation options>]...] [meta <meta options>...]
           [--group <group id>] [--disabled] [--force]
        Create stonith device with specified type and options. If --group is
        specified the stonith device is added to the group named. If
        --disabled is specified the stonith device is not used. The device is
        stored in the configuration; fencing itself comes in a later release.
`;

const FENCE_AGENT_DIRS = (process.env["TANDEM_FENCE_AGENT_DIR"] ?? "/usr/sbin").split(":");

function runMetadata(command: string, args: string[]): { ok: true; xml: string } | { ok: false; reason: string } {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
  if (r.error !== undefined) return { ok: false, reason: r.error.message };
  if (r.status !== 0) return { ok: false, reason: `${command} exited with ${String(r.status)}` };
  return { ok: true, xml: r.stdout };
}

/** The fencer's own device options (pcmk_host_list, …), from pacemaker-fenced's metadata. */
function fencerParameters(): string[] {
  const r = runMetadata("/usr/lib/pacemaker/pacemaker-fenced", ["metadata"]);
  if (!r.ok) return [];
  return [...r.xml.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1] as string);
}

function loadFenceAgent(type: string, force: boolean): { metadata?: AgentMetadata; reports: Report[] } {
  const name = { standard: "stonith" as const, type };
  const notLoaded = (reason: string): { metadata?: AgentMetadata; reports: Report[] } => {
    const report = forceable("AGENT_NOT_INSTALLED", `Agent 'stonith:${type}' is not installed or does not provide valid metadata: ${reason}`, force);
    return force ? { metadata: { name, exists: false, parameters: [], actions: [], source: "none" }, reports: [report] } : { reports: [report] };
  };
  if (!/^fence_[A-Za-z0-9_.-]+$/.test(type)) return notLoaded("fence agent names start with 'fence_'");
  const path = FENCE_AGENT_DIRS.map((d) => join(d, type)).find((p) => existsSync(p));
  if (path === undefined) return notLoaded(`'${type}' was not found in ${FENCE_AGENT_DIRS.join(", ")}`);
  const out = runMetadata(path, ["-o", "metadata"]);
  if (!out.ok) return notLoaded(out.reason);
  const parsed = parseOcfMetadata(name, out.xml);
  if (!parsed.ok) return notLoaded(parsed.reason);
  return { metadata: parsed.metadata, reports: [] };
}

async function create(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["group", "disabled"], USAGE);
  const [id, agentText, ...rest] = args;
  if (id === undefined || agentText === undefined) throw new UsageError("stonith create needs a name and a fence agent", USAGE);
  const type = agentText.startsWith("stonith:") ? agentText.slice("stonith:".length) : agentText;
  if (type.includes(":")) throw new UsageError(`invalid fence agent '${agentText}'; use e.g. fence_xvm or stonith:fence_xvm`, USAGE);
  const groups = groupByKeywords(rest, ["op", "meta"]);
  const instance = prepareOptions(groups.options);
  const meta = prepareOptions(flat(groups, "meta") ?? []);
  const ops = buildOperations(groups.groups.get("op") ?? []);
  const loaded = loadFenceAgent(type, ctx.options.force);
  if (loaded.metadata === undefined) {
    printReports(ctx, loaded.reports);
    return 1;
  }
  const agent = stonithAgentInfo(loaded.metadata, loaded.metadata.exists ? fencerParameters() : []);
  const base = await ctx.cib.load();
  const group = ctx.options.flags.get("group");
  const result = createStonith(base, {
    id,
    agent,
    instanceAttributes: instance,
    metaAttributes: meta,
    operations: ops,
    disabled: ctx.options.flags.has("disabled"),
    force: ctx.options.force,
    ...(typeof group === "string" ? { group } : {}),
  });
  const reports = [...loaded.reports, ...result.reports];
  printReports(ctx, reports);
  if (hasErrors(reports)) return 1;
  if (result.changed) await ctx.cib.save(result.doc, base);
  return 0;
}

registerGroup({
  name: "stonith",
  summary: "Manage fence devices.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case "create":
        return create(ctx, rest);
      default:
        throw new UsageError(sub === undefined ? "missing stonith command (only 'stonith create' is available yet)" : `unknown stonith command '${sub}'`, USAGE);
    }
  },
});
