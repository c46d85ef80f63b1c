/**
 * `tandem resource …`: pcs 0.11.5's resource commands on a CIB. Parsing and printing
 * only; the edits are the pure commands of cib/edit and agent metadata comes from
 * agents/metadata (real OCF scripts, built-in agents).
 */

import { OcfScriptRunner, DEFAULT_OCF_ROOT, resolveAgent, loadAgentMetadata, parseAgentName, type AgentScripts, type AgentMetadata } from "../../agents/metadata/index.js";
import type { CibDocument } from "../../cib/index.js";
import {
  addResourceOperation,
  cloneResource,
  createDefaultsSet,
  createResource,
  defaultsJson,
  defaultsLines,
  deleteResource,
  findResource,
  groupAdd,
  groupRemove,
  hasErrors,
  removeDefaultsSets,
  removeResourceOperation,
  setResourceMeta,
  setResourcesEnabled,
  uncloneResource,
  updateDefaults,
  updateResource,
  deprecation,
  type DefaultsKind,
  type EditResult,
  type Report,
} from "../../cib/edit/index.js";
import { getAttr } from "../../xml/index.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";
import { renderReport } from "../reports.js";
import { buildOperations, flat, groupByKeywords, inputError, prepareOptions, splitOption, type Pairs } from "./resource-args.js";
import { resourceConfigJson, resourceConfigLines, selectResources } from "./resource-config.js";
import { resourceStatusJson, resourceStatusLines } from "./resource-status.js";

/** Where agent metadata comes from; TANDEM_OCF_ROOT points tests at another OCF tree. */
function agentScripts(): AgentScripts {
  return new OcfScriptRunner(process.env.TANDEM_OCF_ROOT ?? DEFAULT_OCF_ROOT);
}

const CREATE_USAGE = `Usage: tandem resource create...
    create <resource id> [<standard>:[<provider>:]]<type> [resource options]
           [op <operation action> <operation options> [<operation action>
           <operation options>]...] [meta <meta options>...]
           [clone [<clone id>] [<clone options>] |
           promotable [<clone id>] [<promotable options>] |
           --group <group id> [--before <resource id> | --after <resource id>]
           ] [--disabled] [--no-default-ops] [--force]
        Create specified resource.
`;

const USAGE = `Usage: tandem resource [commands]...
Manage pacemaker resources

Commands:
    [status [<resource id>]]
        Show status of all currently configured resources.

    config [<resource id>]... [--output-format text|json]
        Show options of all currently configured resources or if resource ids
        are specified show the options for the specified resource ids.

${CREATE_USAGE.split("\n").slice(1).join("\n")}
    delete <resource id|group id|clone id>
        Deletes the resource, group or clone (and all resources within the
        group/clone).

    remove <resource id|group id|clone id>
        Deletes the resource, group or clone (and all resources within the
        group/clone).

    enable <resource id>...
        Allow the cluster to start the resources.

    disable <resource id>...
        Attempt to stop the resources if they are running and forbid the
        cluster from starting them again.

    update <resource id> [resource options] [op [<operation action>
            <operation options>]...] [meta <meta operations>...]
        Add, remove or change options of specified resource, clone or
        multi-state resource.

    op add <resource id> <operation action> [operation properties]
        Add operation for specified resource.

    op delete <resource id> <operation action> [<operation properties>...]
    op remove <resource id> <operation action> [<operation properties>...]
        Remove specified operation.

    op delete <operation id>
    op remove <operation id>
        Remove the specified operation id.

    op defaults [config] | op defaults update <name>=<value>...
        Show or set default values for operations.

    meta <resource id | group id | clone id> <meta options>
        Add specified options to the specified resource, group or clone.

    group add <group id> <resource id> [resource id] ... [resource id]
              [--before <resource id> | --after <resource id>]
        Add the specified resource to the group, creating the group if it does
        not exist.

    group delete <group id> [<resource id>]...
    group remove <group id> [<resource id>]...
    ungroup <group id> [<resource id>]...
        Remove the group (note: this does not remove any resources from the
        cluster) or if resources are specified, remove the specified resources
        from the group.

    clone <resource id | group id> [<clone id>] [meta <clone options>]
        Set up the specified resource or group as a clone.

    promotable <resource id | group id> [<clone id>] [meta <clone options>]
        Set up the specified resource or group as a promotable clone.

    unclone <clone id | resource id | group id>
        Remove the specified clone or the clone which contains the specified
        group or resource (the resource or group will not be removed).

    defaults [config] | defaults update <name>=<value>... |
    defaults set create [id=<set id>] [score=<score>] meta <name>=<value>... |
    defaults set delete <set id>...
        Show or set default values for resources.
`;

/**
 * pcs prints library reports on stderr. Its closing "Errors have occurred" line is left
 * out: Tandem's error lines carry their codes instead (as the other command groups do).
 */
function printReports(ctx: CommandContext, reports: readonly Report[]): void {
  for (const r of reports) ctx.output.err(renderReport(r) + "\n");
}

async function apply(ctx: CommandContext, base: CibDocument, result: EditResult, leading: readonly Report[] = []): Promise<number> {
  printReports(ctx, [...leading, ...result.reports]);
  if (hasErrors(result.reports) || hasErrors(leading)) return 1;
  if (result.changed) await ctx.cib.save(result.doc, base);
  return 0;
}

function flagValue(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** pcs's _check_is_not_stonith: resource commands still take fence devices, with a deprecation. */
function stonithDeprecation(ctx: CommandContext, doc: CibDocument, ids: readonly string[], instead?: string): void {
  const any = ids.some((id) => {
    const found = findResource(doc, id);
    return found !== undefined && found.kind === "primitive" && getAttr(found.element, "class") === "stonith";
  });
  if (!any) return;
  const hint = instead === undefined ? "" : ` Please use '${instead}' instead.`;
  ctx.output.err(`Deprecation Warning: Ability of this command to accept stonith resources is deprecated and will be removed in a future release.${hint}\n`);
}

// ---- create ----

async function create(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["group", "before", "after", "disabled", "no-default-ops", "agent-validation"], CREATE_USAGE);
  if (args.length < 2) throw new UsageError("resource create needs a resource id and an agent", CREATE_USAGE);
  const [id, agentText, ...rest] = args as [string, string, ...string[]];
  const groups = groupByKeywords(rest, ["op", "meta", "clone", "promotable", "bundle"]);
  let instance: Pairs;
  let meta: Pairs;
  let ops: Pairs[];
  try {
    meta = prepareOptions(flat(groups, "meta") ?? []);
    instance = prepareOptions(groups.options);
    ops = buildOperations(groups.groups.get("op") ?? []);
  } catch (err) {
    if (err instanceof Error && err.message === "missing value of 'master' option") {
      throw inputError(
        "missing value of 'master' option\nHint: Master/Slave resources have been renamed to promotable clones, please use the 'promotable' keyword instead of 'master'. See 'man pcs' -> Changes in pcs-0.10.",
      );
    }
    throw err;
  }
  const group = flagValue(ctx, "group");
  const sections = ["clone", "promotable", "bundle"].filter((k) => groups.groups.has(k));
  if (sections.length + (group !== undefined ? 1 : 0) > 1) throw inputError("you can specify only one of clone, promotable, bundle or --group");
  if (groups.groups.has("bundle")) throw inputError("bundles are not supported by Tandem yet");
  const before = flagValue(ctx, "before");
  const after = flagValue(ctx, "after");
  if (before !== undefined && after !== undefined) {
    throw inputError(`you cannot specify both --before and --after${group !== undefined ? "" : " and you have to specify --group"}`);
  }
  if (group === undefined && before !== undefined) throw inputError("you cannot use --before without --group");
  if (group === undefined && after !== undefined) throw inputError("you cannot use --after without --group");
  let clone: { id?: string; meta: Pairs; promotable: boolean } | undefined;
  for (const kind of ["clone", "promotable"] as const) {
    const list = flat(groups, kind);
    if (list === undefined) continue;
    const first = list[0];
    const cloneId = first !== undefined && !first.includes("=") ? first : undefined;
    const cloneMeta = prepareOptions(cloneId === undefined ? list : list.slice(1));
    if (kind === "promotable" && cloneMeta.some(([n]) => n === "promotable")) {
      throw inputError("you cannot specify both promotable option and promotable keyword");
    }
    clone = { meta: cloneMeta, promotable: kind === "promotable" };
    if (cloneId !== undefined) clone.id = cloneId;
  }

  const resolved = await resolveAgent(agentScripts(), agentText, ctx.options.force);
  const leading = resolved.reports;
  if (resolved.metadata === undefined) {
    printReports(ctx, leading);
    return 1;
  }
  if (resolved.metadata.name.standard === "stonith") {
    leading.push(deprecation("RESOURCE_STONITH_MISMATCH", "Ability of this command to accept fence agents is deprecated and will be removed in a future release. Please use 'tandem stonith create' instead."));
  }
  const base = await ctx.cib.load();
  const request: Parameters<typeof createResource>[1] = {
    id,
    agent: resolved.metadata,
    instanceAttributes: instance,
    metaAttributes: meta,
    operations: ops,
    disabled: ctx.options.flags.has("disabled"),
    noDefaultOps: ctx.options.flags.has("no-default-ops"),
    force: ctx.options.force,
  };
  if (clone !== undefined) request.clone = clone;
  if (group !== undefined) {
    request.group = { id: group };
    if (before !== undefined) request.group.adjacent = { id: before, after: false };
    if (after !== undefined) request.group.adjacent = { id: after, after: true };
  }
  return apply(ctx, base, createResource(base, request), leading);
}

// ---- status / config ----

async function status(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["hide-inactive"], USAGE);
  const doc = await ctx.cib.load();
  if (ctx.options.outputFormat === "json") {
    // Tandem's own schema (pcs has no JSON here): the whole configured resource tree.
    ctx.output.out(JSON.stringify(resourceStatusJson(doc), null, 2) + "\n");
    return 0;
  }
  const ids = args.filter((a) => !a.startsWith("node="));
  if (ids.length > 1) throw new UsageError("resource status takes at most one resource id", USAGE);
  const only = ids[0];
  if (only !== undefined && findResource(doc, only) === undefined) {
    ctx.output.err(`Error: resource or tag id '${only}' not found [CIB_RESOURCE_NOT_FOUND]\n`);
    return 1;
  }
  const lines = resourceStatusLines(doc, only);
  if (lines.length === 0) ctx.output.out(only === undefined ? "NO resources configured\n" : "\n");
  else ctx.output.out(lines.join("\n") + "\n");
  return 0;
}

async function config(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, [], USAGE);
  const doc = await ctx.cib.load();
  const sets = selectResources(doc, args);
  for (const id of sets.missing) ctx.output.err(`Warning: Unable to find resource '${id}'\n`);
  if (args.length > 0 && sets.missing.length === new Set(args).size) {
    ctx.output.err("Error: No resource found [CIB_RESOURCE_NOT_FOUND]\n");
    return 1;
  }
  if (ctx.options.outputFormat === "json") {
    ctx.output.out(resourceConfigJson(sets) + "\n");
    return 0;
  }
  if (ctx.options.outputFormat === "cmd") throw inputError("--output-format=cmd is not supported by Tandem yet");
  const lines = resourceConfigLines(doc, sets);
  if (lines.length > 0) ctx.output.out(lines.join("\n") + "\n");
  return 0;
}

// ---- delete ----

async function remove(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, [], USAGE);
  if (args.length !== 1) throw new UsageError("resource delete takes exactly one resource id", USAGE);
  const base = await ctx.cib.load();
  stonithDeprecation(ctx, base, args, "tandem stonith delete");
  const result = deleteResource(base, args[0] as string);
  // pcs prints its progress messages and the error as plain lines, without a summary.
  for (const r of result.reports) ctx.output.err(renderReport(r) + "\n");
  if (hasErrors(result.reports)) return 1;
  if (result.changed) await ctx.cib.save(result.doc, base);
  return 0;
}

// ---- update / meta ----

/** pcs's parse_resource_options (legacy): options, op groups, meta; words without '=' in meta are dropped. */
function parseResourceOptions(args: readonly string[]): { ra: string[]; ops: string[][]; meta: string[] } {
  const ra: string[] = [];
  const ops: string[][] = [];
  const meta: string[] = [];
  let mode: "ra" | "op" | "meta" = "ra";
  for (const arg of args) {
    if (arg === "op") {
      mode = "op";
      ops.push([]);
    } else if (arg === "meta") {
      mode = "meta";
    } else if (mode === "op") {
      const current = ops[ops.length - 1] as string[];
      if (!arg.includes("=") && current.length > 0) ops.push([arg]);
      else current.push(arg);
    } else if (mode === "meta") {
      if (arg.includes("=")) meta.push(arg);
    } else {
      ra.push(arg);
    }
  }
  return { ra, ops, meta };
}

function tuples(args: readonly string[]): Pairs {
  return args.filter((a) => a.includes("=")).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] as [string, string]);
}

async function agentFor(ctx: CommandContext, doc: CibDocument, id: string): Promise<{ agent?: AgentMetadata; reports: Report[] }> {
  const found = findResource(doc, id);
  if (found === undefined || found.kind !== "primitive") return { reports: [] };
  const el = found.element;
  const provider = getAttr(el, "provider");
  const name = parseAgentName(`${getAttr(el, "class") ?? ""}${provider === undefined ? "" : ":" + provider}:${getAttr(el, "type") ?? ""}`);
  if (name === undefined) return { reports: [] };
  const loaded = await loadAgentMetadata(agentScripts(), name, ctx.options.force);
  return loaded.metadata === undefined ? { reports: loaded.reports } : { agent: loaded.metadata, reports: loaded.reports };
}

async function update(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["agent-validation"], USAGE);
  if (args.length < 2) throw new UsageError("resource update needs a resource id and options", USAGE);
  const [id, ...rest] = args as [string, ...string[]];
  const { ra, ops, meta } = parseResourceOptions(rest);
  const base = await ctx.cib.load();
  const { agent, reports } = await agentFor(ctx, base, id);
  if (hasErrors(reports)) {
    printReports(ctx, reports);
    return 1;
  }
  const found = findResource(base, id);
  // A clone (or master) is updated from the whole argument list, as pcs's clone parser sees it.
  const instance = found !== undefined && (found.kind === "clone" || found.kind === "master") ? prepareOptions(rest.filter((a) => a !== "meta")) : tuples(ra);
  const result = updateResource(
    base,
    { resourceId: id, instance, meta: tuples(meta), operations: ops.filter((o) => o.length > 0).map((o) => ({ name: o[0] as string, options: tuples(o.slice(1)) })), force: ctx.options.force },
    agent,
  );
  return apply(ctx, base, result, reports);
}

async function metaCmd(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, [], USAGE);
  if (args.length < 2) throw new UsageError("resource meta needs a resource id and meta options", USAGE);
  const [id, ...rest] = args as [string, ...string[]];
  prepareOptions(rest);
  const base = await ctx.cib.load();
  stonithDeprecation(ctx, base, [id], "tandem stonith meta");
  return apply(ctx, base, setResourceMeta(base, id, tuples(rest)));
}

// ---- op ----

async function op(ctx: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "add": {
      checkFlags(ctx, [], USAGE);
      if (rest.length < 2) throw new UsageError("resource op add needs a resource id and an operation", USAGE);
      const [id, name, ...props] = rest as [string, string, ...string[]];
      const base = await ctx.cib.load();
      stonithDeprecation(ctx, base, [id], "tandem stonith op add");
      const { agent } = await agentFor(ctx, base, id);
      return apply(ctx, base, addResourceOperation(base, { resourceId: id, name, options: tuples(props), force: ctx.options.force }, agent));
    }
    case "delete":
    case "remove": {
      checkFlags(ctx, [], USAGE);
      if (rest.length < 1) throw new UsageError(`resource op ${sub} needs an operation id or a resource id and an operation`, USAGE);
      const [id, ...props] = rest as [string, ...string[]];
      const base = await ctx.cib.load();
      stonithDeprecation(ctx, base, [id], "tandem stonith op delete");
      const result = removeResourceOperation(base, id, props);
      for (const r of result.reports) ctx.output.err(renderReport(r) + "\n");
      if (hasErrors(result.reports)) return 1;
      await ctx.cib.save(result.doc, base);
      return 0;
    }
    case "defaults":
      return defaults(ctx, rest, "op_defaults");
    default:
      throw new UsageError(sub === undefined ? "missing resource op command" : `unknown resource op command '${sub}'`, USAGE);
  }
}

// ---- defaults ----

async function defaults(ctx: CommandContext, args: string[], kind: DefaultsKind): Promise<number> {
  const [sub, ...rest] = args;
  const cmd = kind === "rsc_defaults" ? "resource defaults" : "resource op defaults";
  if (sub === undefined || sub === "config") {
    checkFlags(ctx, ["all", "full", "no-expire-check"], USAGE);
    const doc = await ctx.cib.load();
    if (ctx.options.outputFormat === "json") ctx.output.out(JSON.stringify(defaultsJson(doc, kind), null, 2) + "\n");
    else ctx.output.out(defaultsLines(doc, kind).join("\n") + "\n");
    return 0;
  }
  checkFlags(ctx, [], USAGE);
  const base = await ctx.cib.load();
  if (sub === "update") return apply(ctx, base, updateDefaults(base, kind, prepareOptions(rest)));
  if (sub === "set") {
    const [action, ...more] = rest;
    switch (action) {
      case "create": {
        const groups = groupByKeywords(more, ["meta", "rule"]);
        if (groups.groups.has("rule")) throw inputError("rules in defaults sets are not supported by Tandem yet");
        return apply(ctx, base, createDefaultsSet(base, kind, prepareOptions(groups.options), prepareOptions(flat(groups, "meta") ?? [])));
      }
      case "delete":
      case "remove":
        if (more.length === 0) throw new UsageError(`${cmd} set ${action} needs set ids`, USAGE);
        return apply(ctx, base, removeDefaultsSets(base, kind, more));
      case "update": {
        const [setId, ...tail] = more;
        if (setId === undefined) throw new UsageError(`${cmd} set update needs a set id`, USAGE);
        const groups = groupByKeywords(tail, ["meta"]);
        return apply(ctx, base, updateDefaults(base, kind, prepareOptions(flat(groups, "meta") ?? []), setId));
      }
      default:
        throw new UsageError(`unknown ${cmd} set command '${action ?? ""}'`, USAGE);
    }
  }
  // The deprecated form: defaults NAME=VALUE…
  for (const a of args) splitOption(a);
  const warning = deprecation("DEFAULTS_DEPRECATED_FORM", `This command is deprecated and will be removed. Please use 'tandem ${cmd} update' instead.`);
  return apply(ctx, base, updateDefaults(base, kind, prepareOptions(args)), [warning]);
}

// ---- clone / unclone / group / enable / disable ----

function parseClone(args: readonly string[], promotable: boolean): { cloneId?: string; meta: Pairs } {
  const list = [...args];
  let cloneId: string | undefined;
  const first = list[0];
  if (first !== undefined && first !== "op" && first !== "meta" && !first.includes("=")) {
    cloneId = first;
    list.shift();
  }
  const groups = groupByKeywords(list, ["op", "meta"]);
  if (groups.groups.has("op")) throw inputError("op settings must be changed on base resource, not the clone");
  const meta = prepareOptions([...groups.options, ...(flat(groups, "meta") ?? [])]);
  if (promotable && meta.some(([n]) => n === "promotable")) throw inputError("you cannot specify both promotable option and promotable keyword");
  return cloneId === undefined ? { meta } : { cloneId, meta };
}

async function clone(ctx: CommandContext, args: string[], promotable: boolean): Promise<number> {
  checkFlags(ctx, [], USAGE);
  const [id, ...rest] = args;
  if (id === undefined) throw new UsageError(`resource ${promotable ? "promotable" : "clone"} needs a resource id`, USAGE);
  const parsed = parseClone(rest, promotable);
  const base = await ctx.cib.load();
  stonithDeprecation(ctx, base, [id]);
  const request: Parameters<typeof cloneResource>[1] = { resourceId: id, meta: parsed.meta, promotable, force: ctx.options.force };
  if (parsed.cloneId !== undefined) request.cloneId = parsed.cloneId;
  const result = cloneResource(base, request);
  for (const r of result.reports) ctx.output.err(renderReport(r) + "\n");
  if (hasErrors(result.reports)) return 1;
  await ctx.cib.save(result.doc, base);
  return 0;
}

async function simple(ctx: CommandContext, run: (base: CibDocument) => EditResult): Promise<number> {
  const base = await ctx.cib.load();
  const result = run(base);
  for (const r of result.reports) ctx.output.err(renderReport(r) + "\n");
  if (hasErrors(result.reports)) return 1;
  if (result.changed) await ctx.cib.save(result.doc, base);
  return 0;
}

async function group(ctx: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "add": {
      checkFlags(ctx, ["before", "after"], USAGE);
      if (rest.length < 2) throw new UsageError("resource group add needs a group id and resource ids", USAGE);
      const [groupId, ...ids] = rest as [string, ...string[]];
      const before = flagValue(ctx, "before");
      const after = flagValue(ctx, "after");
      if (before !== undefined && after !== undefined) throw inputError("you cannot specify both --before and --after");
      const request: Parameters<typeof groupAdd>[1] = { groupId, resourceIds: ids };
      if (after !== undefined) request.adjacent = { id: after, after: true };
      else if (before !== undefined) request.adjacent = { id: before, after: false };
      const base = await ctx.cib.load();
      return apply(ctx, base, groupAdd(base, request));
    }
    case "remove":
    case "delete":
      return ungroup(ctx, rest);
    case "list": {
      checkFlags(ctx, [], USAGE);
      const doc = await ctx.cib.load();
      const lines: string[] = [];
      const sets = selectResources(doc, []);
      for (const g of sets.groups) {
        const members = g.children.filter((c) => c.kind === "element" && c.name === "primitive").map((c) => (c.kind === "element" ? (getAttr(c, "id") ?? "") : ""));
        lines.push(`${getAttr(g, "id") ?? ""}: ${members.join(" ")}`);
      }
      if (lines.length > 0) ctx.output.out(lines.join("\n") + "\n");
      return 0;
    }
    default:
      throw new UsageError(sub === undefined ? "missing resource group command" : `unknown resource group command '${sub}'`, USAGE);
  }
}

async function ungroup(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, [], USAGE);
  const [groupId, ...ids] = args;
  if (groupId === undefined) throw new UsageError("resource group remove needs a group id", USAGE);
  return simple(ctx, (base) => groupRemove(base, groupId, ids));
}

async function enableDisable(ctx: CommandContext, args: string[], enabled: boolean): Promise<number> {
  checkFlags(ctx, enabled ? [] : ["simulate", "safe", "no-strict", "brief"], USAGE);
  if (args.length === 0) throw inputError("You must specify resource(s) to " + (enabled ? "enable" : "disable"));
  for (const flag of ["simulate", "safe"]) if (ctx.options.flags.has(flag)) throw inputError(`--${flag} needs a live cluster`);
  const base = await ctx.cib.load();
  return apply(ctx, base, setResourcesEnabled(base, args, enabled));
}

registerGroup({
  name: "resource",
  summary: "Manage cluster resources.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    // Waiting for the cluster to settle makes no sense on a file (pcs refuses it too).
    if (ctx.options.wait !== undefined && ctx.options.file !== undefined) throw inputError("Cannot use '-f' together with '--wait'");
    switch (sub) {
      case undefined:
      case "status":
        return status(ctx, rest);
      case "show":
        // pcs 0.11 removed it (pcs 0.9 tutorials use `resource` or `resource show`).
        throw inputError("This command has been replaced with 'tandem resource status'. See 'man pcs' -> Changes in pcs-0.11.");
      case "config":
        return config(ctx, rest);
      case "create":
        return create(ctx, rest);
      case "delete":
      case "remove":
        return remove(ctx, rest);
      case "update":
        return update(ctx, rest);
      case "meta":
        return metaCmd(ctx, rest);
      case "op":
        return op(ctx, rest);
      case "defaults":
        return defaults(ctx, rest, "rsc_defaults");
      case "clone":
        return clone(ctx, rest, false);
      case "promotable":
        return clone(ctx, rest, true);
      case "unclone":
        checkFlags(ctx, [], USAGE);
        if (rest.length !== 1) throw new UsageError("resource unclone takes exactly one id", USAGE);
        return simple(ctx, (base) => uncloneResource(base, rest[0] as string));
      case "group":
        return group(ctx, rest);
      case "ungroup":
        return ungroup(ctx, rest);
      case "enable":
        return enableDisable(ctx, rest, true);
      case "disable":
        return enableDisable(ctx, rest, false);
      default:
        throw new UsageError(`unknown resource command '${sub}'`, USAGE);
    }
  },
});
