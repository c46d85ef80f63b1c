/**
 * `tandem cluster …`, offline parts, as pcs 0.11.5 does them with `-f`:
 * `cluster cib [FILE] [scope=SCOPE | --config]` prints or saves the CIB (or one section),
 * `cluster cib-push FILE [--config | scope=SCOPE | diff-against=ORIG]` replaces the CIB.
 * A whole-CIB push must be newer than the target (admin_epoch, epoch, num_updates), as
 * Pacemaker's CIB manager requires; `--config` replaces only the configuration.
 */

import { readFileSync } from "node:fs";
import { TandemError, describeError } from "../../core/index.js";
import { bumpEpoch, cibVersion, compareVersions, configuration, parseCib, serializeCib, type CibDocument } from "../../cib/index.js";
import { cloneDocument, firstChild, serializeElement, type XmlElement } from "../../xml/index.js";
import { writeFileAtomic } from "../cib-source.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";

const USAGE = `Usage: tandem cluster [commands]...
Configure cluster for use with Tandem

Commands:
    cib [filename] [scope=<scope> | --config]
        Get the raw xml from the CIB. If a filename is provided, we save the
        CIB to that file, otherwise the CIB is printed. Specify scope to get a
        specific section of the CIB. Valid values of the scope are:
        acls, alerts, configuration, constraints, crm_config, fencing-topology,
        nodes, op_defaults, resources, rsc_defaults, tags. --config is the same
        as scope=configuration. Do not specify a scope if you want to edit
        the saved CIB using tandem (tandem -f <command>).

    cib-push <filename> [--wait[=<n>]]
            [diff-against=<filename_original> | scope=<scope> | --config]
        Push the raw xml from <filename> to the CIB. The pushed CIB must be
        newer than the current one (its epoch greater), unless only the
        configuration is pushed (--config or scope=configuration).
        If diff-against is specified, the changes between <filename_original>
        and <filename> are pushed, provided the current configuration still
        equals <filename_original>'s.
`;

const SCOPES = ["acls", "alerts", "configuration", "constraints", "crm_config", "fencing-topology", "nodes", "op_defaults", "resources", "rsc_defaults", "tags"];

function scopeOption(ctx: CommandContext, args: string[], usage: string): { scope?: string; rest: string[] } {
  let scope: string | undefined;
  const rest: string[] = [];
  for (const arg of args) {
    if (arg.startsWith("scope=")) scope = arg.slice("scope=".length);
    else rest.push(arg);
  }
  if (ctx.options.flags.has("config")) {
    if (scope !== undefined) throw new UsageError("Cannot use both scope and --config", usage);
    scope = "configuration";
  }
  if (scope !== undefined && !SCOPES.includes(scope)) throw new UsageError(`invalid scope '${scope}'`, usage);
  return scope === undefined ? { rest } : { scope, rest };
}

function sectionOf(doc: CibDocument, scope: string): XmlElement | undefined {
  const config = configuration(doc);
  return scope === "configuration" ? config : firstChild(config, scope);
}

async function cib(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["config"], USAGE);
  const { scope, rest } = scopeOption(ctx, args, USAGE);
  if (rest.length > 1) throw new UsageError("cluster cib takes at most one file name", USAGE);
  const doc = await ctx.cib.load();
  let text: string;
  if (scope === undefined) text = serializeCib(doc);
  else {
    const section = sectionOf(doc, scope);
    if (section === undefined) throw new TandemError("CIB_SCOPE_MISSING", `unable to get cib, scope '${scope}' not present in cib`);
    text = serializeElement(section);
  }
  const target = rest[0];
  if (target === undefined) ctx.output.out(text);
  else writeFileAtomic(target, text);
  return 0;
}

function readPushed(path: string): CibDocument {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new TandemError("CIB_PUSH_UNREADABLE", `unable to parse new cib: ${describeError(cause)}`, { cause });
  }
  try {
    return parseCib(text);
  } catch (cause) {
    throw new TandemError("CIB_PUSH_UNREADABLE", `unable to parse new cib: ${describeError(cause)}`, { cause });
  }
}

function sameConfiguration(a: CibDocument, b: CibDocument): boolean {
  return serializeElement(configuration(a)) === serializeElement(configuration(b));
}

/** Replaces base's configuration with pushed's; the epoch moves on only when it changed. */
function replaceConfiguration(base: CibDocument, pushed: CibDocument): CibDocument {
  const doc = cloneDocument(base);
  const index = doc.root.children.findIndex((c) => c.kind === "element" && c.name === "configuration");
  doc.root.children[index] = cloneDocument(pushed).root.children.find((c) => c.kind === "element" && c.name === "configuration") as XmlElement;
  if (!sameConfiguration(doc, base)) bumpEpoch(doc);
  return doc;
}

async function cibPush(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["config"], USAGE);
  let diffAgainst: string | undefined;
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith("diff-against=")) diffAgainst = arg.slice("diff-against=".length);
    else words.push(arg);
  }
  const { scope, rest } = scopeOption(ctx, words, USAGE);
  const [path, ...extra] = rest;
  if (path === undefined || extra.length > 0) throw new UsageError("cluster cib-push takes one file name", USAGE);
  if (diffAgainst !== undefined && scope !== undefined) throw new UsageError("Cannot use diff-against together with scope or --config", USAGE);
  const pushed = readPushed(path);
  const base = await ctx.cib.load();

  let result: CibDocument;
  if (diffAgainst !== undefined) {
    const original = readPushed(diffAgainst);
    if (!sameConfiguration(original, base)) {
      throw new TandemError("CIB_PUSH_DIFF_FAILED", "unable to push cib\nCall failed: Application of update diff failed (the CIB changed since the original was taken)");
    }
    result = replaceConfiguration(base, pushed);
  } else if (scope === "configuration") {
    result = replaceConfiguration(base, pushed);
  } else if (scope !== undefined) {
    const from = sectionOf(pushed, scope);
    if (from === undefined) throw new TandemError("CIB_SCOPE_MISSING", `unable to push cib, scope '${scope}' not present in new cib`);
    result = cloneDocument(base);
    const config = configuration(result);
    const index = config.children.findIndex((c) => c.kind === "element" && c.name === scope);
    if (index < 0) config.children.push(cloneDocument({ prolog: [], root: from, epilog: [] }).root);
    else config.children[index] = cloneDocument({ prolog: [], root: from, epilog: [] }).root;
    if (!sameConfiguration(result, base)) bumpEpoch(result);
  } else {
    if (compareVersions(cibVersion(pushed), cibVersion(base)) < 0) {
      throw new TandemError(
        "CIB_PUSH_OLDER",
        "Unable to push to the CIB because pushed configuration is older than existing one. If you are sure you want to push this configuration, try to use --config to replace only configuration part instead of whole CIB. Otherwise get current configuration by running command 'tandem cluster cib' and update that.",
      );
    }
    // Pacemaker accepts an equal version; a changed configuration then moves the epoch on.
    result = sameConfiguration(pushed, base) ? pushed : cloneDocument(pushed);
    if (result !== pushed) bumpEpoch(result);
  }
  await ctx.cib.save(result, base);
  ctx.output.err("CIB updated\n");
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
