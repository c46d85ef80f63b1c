/**
 * `tandem constraint …` with pcs 0.11.5's grammar: order, colocation add, location
 * prefers/avoids/rule, remove, ref, and the listings (`constraint [config]`, per type),
 * which also speak JSON (`--output-format=json`, docs/cli-json.md).
 */

import {
  addColocationConstraint,
  addSetConstraint,
  splitOption,
  addLocationConstraint,
  addLocationPreferences,
  addLocationRule,
  addOrderConstraint,
  colocationLines,
  constraintLines,
  constraintsJson,
  constraintsReferencing,
  isPcsScore,
  locationLines,
  orderLines,
  parseResourceSpec,
  removeColocationBetween,
  removeConstraints,
  removeLocationById,
  removeLocationRule,
  removeOrderReferences,
  ticketLines,
  ACTIONS,
  type ConstraintEdit,
} from "../../cib/edit/index.js";
import { hasErrors } from "../reports.js";
import { checkFlags, printReports, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";

const USAGE_LOCATION = `    location <resource> prefers <node>[=<score>] [<node>[=<score>]]...
        Create a location constraint on a resource to prefer the specified node
        with score (default score: INFINITY). Resource may be either a resource
        id <resource_id> or %<resource_id> or resource%<resource_id>, or a
        resource name regular expression regexp%<resource_pattern>.

    location <resource> avoids <node>[=<score>] [<node>[=<score>]]...
        Create a location constraint on a resource to avoid the specified node
        with score (default score: INFINITY).

    location <resource> rule [id=<rule id>] [resource-discovery=<option>]
             [role=Promoted|Unpromoted] [constraint-id=<id>]
             [score=<score> | score-attribute=<attribute>] <expression>
        Creates a location constraint with a rule on the specified resource
        where expression looks like one of the following:
          defined|not_defined <node attribute>
          <node attribute> lt|gt|lte|gte|eq|ne [string|integer|number|version]
              <value>
          date gt|lt <date>
          date in_range <date> to <date>
          date in_range <date> to duration <duration options>...
          date-spec <date spec options>...
          <expression> and|or <expression>
          ( <expression> )
        where duration options and date spec options are: hours, monthdays,
        weekdays, yeardays, months, weeks, years, weekyears, moon.

    location [config [resources [<resource>...]] | [nodes [<node>...]]]
            [--all] [--full]
        List location constraints per resource (default) or per node,
        optionally only for the given resources or nodes.

    location add <id> <resource> <node> <score> [resource-discovery=<option>]
        Add a location constraint with the appropriate id for the specified
        resource, node name and score.

    location remove <id>
        Remove a location constraint with the appropriate id.
`;

const USAGE_ORDER = `    order [config] [--full]
        List all current ordering constraints (if --full is specified show
        the internal constraint id's as well).

    order [action] <resource id> then [action] <resource id> [options]
        Add an ordering constraint specifying actions (start, stop, promote,
        demote) and if no action is specified the default action will be
        start.
        Available options are kind=Optional/Mandatory/Serialize,
        symmetrical=true/false, require-all=true/false and id=<constraint-id>.

    order set <resource1> [resourceN]... [options] [set
              <resourceX> ... [options]]
              [setoptions [constraint_options]]
        Create an ordered set of resources. Available options are
        sequential=true/false, require-all=true/false and
        action=start/promote/demote/stop. Available constraint_options are
        id=<constraint-id>, kind=Optional/Mandatory/Serialize and
        symmetrical=true/false.

    order remove <resource1> [resourceN]...
        Remove resource from any ordering constraint
`;

const USAGE_COLOCATION = `    colocation [config] [--full]
        List all current colocation constraints (if --full is specified show
        the internal constraint id's as well).

    colocation add [<role>] <source resource id> with [<role>]
                   <target resource id> [score] [options] [id=constraint-id]
        Request <source resource> to run on the same node where pacemaker has
        determined <target resource> should run.  Positive values of score
        mean the resources should be run on the same node, negative values
        mean the resources should not be run on the same node.  Specifying
        'INFINITY' (or '-INFINITY') for the score forces <source resource> to
        run (or not run) with <target resource> (score defaults to "INFINITY").
        A role can be: 'Promoted', 'Unpromoted', 'Started', 'Stopped' (if no
        role is specified, it defaults to 'Started').

    colocation set <resource1> [resourceN]... [options]
               [set <resourceX> ... [options]]
               [setoptions [constraint_options]]
        Create a colocation constraint with a resource set. Available options
        are sequential=true/false and role=Stopped/Started/Promoted/Unpromoted.
        Available constraint_options are id and score.

    colocation remove <source resource id> <target resource id>
        Remove colocation constraints with specified resources.
`;

const USAGE_COMMON = `    [config] [--full] [--all] [--output-format=text|json]
        List all current constraints that are not expired. If --all is
        specified also show expired constraints. If --full is specified also
        list the constraint ids.

    remove <constraint id>...
        Remove constraint(s) or constraint rules with the specified id(s).

    ref <resource>...
        List constraints referencing specified resource.

    ticket [config] [--full]
        List all current ticket constraints.

    rule add <constraint id> [id=<rule id>] [role=Promoted|Unpromoted]
             [score=<score>|score-attribute=<attribute>] <expression>
        Add a rule to a location constraint (see 'location … rule').

    rule remove <rule id>
        Remove a rule from its location constraint (the constraint too if it
        was its only rule).
`;

const HEAD = "Usage: tandem constraint [constraints]...\nManage resource constraints\n\nCommands:\n";
const USAGE = HEAD + USAGE_COMMON + "\n" + USAGE_LOCATION + "\n" + USAGE_ORDER + "\n" + USAGE_COLOCATION;
const usageFor = (part: string): string => HEAD + part;

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** Prints a listing as text or JSON; JSON lists every constraint type. */
async function listing(ctx: CommandContext, args: string[], usage: string, text: (ctx: CommandContext) => Promise<string[]>): Promise<number> {
  checkFlags(ctx, ["all"], usage);
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0] ?? ""}'`, usage);
  if (ctx.options.outputFormat === "json") {
    const doc = await ctx.cib.load();
    ctx.output.out(JSON.stringify(constraintsJson(doc), null, 2) + "\n");
    return 0;
  }
  if (ctx.options.outputFormat === "cmd") {
    throw new UsageError("--output-format=cmd is not supported by constraint listings; use text or json", usage);
  }
  ctx.output.out((await text(ctx)).join("\n") + "\n");
  return 0;
}

function listingOptions(ctx: CommandContext): { full: boolean; all: boolean; nowSec: number } {
  return { full: ctx.options.full, all: ctx.options.flags.has("all"), nowSec: nowSec() };
}

/** Runs an edit: reports first; on success the notes (stderr) and the save. */
async function applyEdit(ctx: CommandContext, edit: (doc: Awaited<ReturnType<CommandContext["cib"]["load"]>>) => ConstraintEdit): Promise<number> {
  const base = await ctx.cib.load();
  const result = edit(base);
  printReports(ctx, result.reports);
  if (hasErrors(result.reports)) return 1;
  for (const note of result.notes) ctx.output.err(note + "\n");
  if (result.doc !== base) await ctx.cib.save(result.doc, base);
  return 0;
}

function noFlags(ctx: CommandContext, usage: string, allowForce: boolean): void {
  checkFlags(ctx, [], usage);
  if (!allowForce && ctx.options.force) throw new UsageError("Specified option '--force' is not supported in this command", usage);
}

async function order(ctx: CommandContext, args: string[]): Promise<number> {
  const usage = usageFor(USAGE_ORDER);
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "config" || sub === "show") return listing(ctx, rest, usage, async (c) => orderLines(await c.cib.load(), c.options.full));
  if (sub === "remove" || sub === "delete") return orderRemove(ctx, rest, usage);
  if (sub === "set") return setConstraint(ctx, "order", rest, usage);
  noFlags(ctx, usage, true);
  const words = [...args];
  if (words.length < 3) throw new UsageError("order needs '<resource> then <resource>'", usage);
  let firstAction = "start";
  let thenAction = "start";
  if ((ACTIONS as readonly string[]).includes(words[0] as string)) firstAction = words.shift() as string;
  const first = words.shift() as string;
  if (words.shift() !== "then") throw new UsageError("expected 'then' after the first resource", usage);
  if (words.length === 0) throw new UsageError("missing the second resource", usage);
  if ((ACTIONS as readonly string[]).includes(words[0] as string)) thenAction = words.shift() as string;
  const then = words.shift();
  if (then === undefined) throw new UsageError("missing the second resource", usage);
  if (words.includes("then")) {
    throw new UsageError(
      "Multiple 'then's cannot be specified.\nHint: Use the 'tandem constraint order set' command if you want to create a constraint for more than two resources.",
      usage,
    );
  }
  return applyEdit(ctx, (doc) => addOrderConstraint(doc, { first, then, firstAction, thenAction, options: words, force: ctx.options.force }));
}

/** `order|colocation set R… [opts] [set R… [opts]]… [setoptions opts]` (pcs's prepare_set_args). */
async function setConstraint(ctx: CommandContext, type: "order" | "colocation", args: string[], usage: string): Promise<number> {
  noFlags(ctx, usage, true);
  if (args.filter((a) => a === "setoptions").length > 1) throw new UsageError("Keyword 'setoptions' may be mentioned at most once", usage);
  const at = args.indexOf("setoptions");
  const setWords = at < 0 ? args : args.slice(0, at);
  const optionWords = at < 0 ? [] : args.slice(at + 1);
  const groups: string[][] = [[]];
  for (const word of setWords) {
    if (word === "set") groups.push([]);
    else (groups[groups.length - 1] as string[]).push(word);
  }
  const toPairs = (words: string[]): [string, string][] =>
    words.map((w) => {
      const split = splitOption(w);
      if (!split.ok) throw new UsageError(split.report.message, usage);
      return [split.name, split.value];
    });
  const sets = groups.map((g) => ({ ids: g.filter((w) => !w.includes("=")), options: toPairs(g.filter((w) => w.includes("="))) }));
  if (setWords.length === 0 || sets.some((s) => s.ids.length === 0)) throw new UsageError(`${type} set needs at least one resource in every set`, usage);
  const options = toPairs(optionWords);
  return applyEdit(ctx, (doc) => addSetConstraint(doc, { type, sets, options, force: ctx.options.force }));
}

async function orderRemove(ctx: CommandContext, resources: string[], usage: string): Promise<number> {
  noFlags(ctx, usage, false);
  if (resources.length === 0) throw new UsageError("order remove needs at least one resource", usage);
  return applyEdit(ctx, (doc) => removeOrderReferences(doc, resources));
}

/** pcs's is_score_or_opt: a score or a name=value word. */
function isScoreOrOption(word: string): boolean {
  return isPcsScore(word) || word.includes("=");
}

async function colocation(ctx: CommandContext, args: string[]): Promise<number> {
  const usage = usageFor(USAGE_COLOCATION);
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "config" || sub === "show") {
    return listing(ctx, rest, usage, async (c) => colocationLines(await c.cib.load(), c.options.full));
  }
  if (sub === "remove" || sub === "delete") {
    noFlags(ctx, usage, false);
    if (rest.length < 2) throw new UsageError("colocation remove needs two resources", usage);
    return applyEdit(ctx, (doc) => removeColocationBetween(doc, rest[0] as string, rest[1] as string));
  }
  if (sub === "set") return setConstraint(ctx, "colocation", rest, usage);
  if (sub !== "add") throw new UsageError(`unknown colocation command '${sub}'`, usage);
  noFlags(ctx, usage, true);
  const words = [...rest];
  if (words.length < 3) throw new UsageError("colocation add needs '<resource> with <resource>'", usage);
  let rscRole: string | undefined;
  let rsc: string;
  if (words[2] === "with") {
    rscRole = words.shift();
    rsc = words.shift() as string;
  } else if (words[1] === "with") {
    rsc = words.shift() as string;
  } else throw new UsageError("expected 'with' between the resources", usage);
  words.shift();
  if (words.includes("with")) {
    throw new UsageError(
      "Multiple 'with's cannot be specified.\nHint: Use the 'tandem constraint colocation set' command if you want to create a constraint for more than two resources.",
      usage,
    );
  }
  if (words.length === 0) throw new UsageError("missing the target resource", usage);
  let withRscRole: string | undefined;
  let withRsc: string;
  if (words.length === 1 || isScoreOrOption(words[1] as string)) withRsc = words.shift() as string;
  else {
    withRscRole = words.shift();
    withRsc = words.shift() as string;
  }
  let score: string | undefined;
  if (words.length > 0 && !(words[0] as string).includes("=")) score = words.shift();
  const request = { rsc, withRsc, options: words, force: ctx.options.force };
  return applyEdit(ctx, (doc) =>
    addColocationConstraint(doc, {
      ...request,
      ...(rscRole !== undefined ? { rscRole } : {}),
      ...(withRscRole !== undefined ? { withRscRole } : {}),
      ...(score !== undefined ? { score } : {}),
    }),
  );
}

async function location(ctx: CommandContext, args: string[]): Promise<number> {
  const usage = usageFor(USAGE_LOCATION);
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "config" || sub === "show") {
    // pcs: `location config [resources [R…] | nodes [N…]]`; the first word picks the view.
    const byNode = rest[0] === "nodes";
    const only = rest.slice(1);
    for (const r of byNode ? [] : only) {
      const spec = parseResourceSpec(r);
      if (!spec.ok) throw new UsageError(spec.report.message, usage);
    }
    return listing(ctx, [], usage, async (c) => locationLines(await c.cib.load(), { ...listingOptions(c), byNode, only }));
  }
  if (sub === "add") {
    noFlags(ctx, usage, true);
    const [id, rsc, node, score, ...options] = rest;
    if (id === undefined || rsc === undefined || node === undefined || score === undefined) {
      throw new UsageError("location add needs <id> <resource> <node> <score>", usage);
    }
    const spec = parseResourceSpec(rsc);
    if (!spec.ok) throw new UsageError(spec.report.message, usage);
    // pcs checks the options before it warns about skipping the node check.
    const optionsOk = options.every((o) => o.includes("=") && (o.startsWith("resource-discovery=") || ctx.options.force));
    if (optionsOk) ctx.output.err("Warning: Validation for node existence in the cluster will be skipped\n");
    return applyEdit(ctx, (doc) => addLocationConstraint(doc, { id, resource: spec.spec, node, score, options, force: ctx.options.force }));
  }
  if (sub === "remove" || sub === "delete") {
    noFlags(ctx, usage, false);
    if (rest.length !== 1) throw new UsageError("location remove takes one constraint id", usage);
    return applyEdit(ctx, (doc) => removeLocationById(doc, rest[0] as string));
  }
  if (rest.length < 2) throw new UsageError("location needs '<resource> prefers|avoids|rule …'", usage);
  noFlags(ctx, usage, true);
  const spec = parseResourceSpec(sub);
  if (!spec.ok) throw new UsageError(spec.report.message, usage);
  const [verb, ...more] = rest;
  if (verb === "rule") {
    return applyEdit(ctx, (doc) => addLocationRule(doc, { resource: spec.spec, words: more, force: ctx.options.force }));
  }
  if (verb !== "prefers" && verb !== "avoids") throw new UsageError(`expected 'prefers', 'avoids' or 'rule' after '${sub}'`, usage);
  ctx.output.err("Warning: Validation for node existence in the cluster will be skipped\n");
  return applyEdit(ctx, (doc) => addLocationPreferences(doc, { resource: spec.spec, prefers: verb === "prefers", nodes: more, force: ctx.options.force }));
}

async function remove(ctx: CommandContext, ids: string[]): Promise<number> {
  noFlags(ctx, USAGE, false);
  if (ids.length === 0) throw new UsageError("constraint remove needs at least one constraint id", USAGE);
  return applyEdit(ctx, (doc) => removeConstraints(doc, ids));
}

async function ref(ctx: CommandContext, resources: string[]): Promise<number> {
  noFlags(ctx, USAGE, false);
  if (resources.length === 0) throw new UsageError("constraint ref needs at least one resource", USAGE);
  const doc = await ctx.cib.load();
  const lines: string[] = [];
  for (const id of resources) {
    lines.push(`Resource: ${id}`);
    const found = constraintsReferencing(doc, id);
    if (found.plain.length === 0 && found.sets.length === 0) lines.push("  No Matches.");
    else lines.push(...found.plain.map((c) => `  ${c}`), ...found.sets.map((c) => `  ${c}`));
  }
  ctx.output.out(lines.join("\n") + "\n");
  return 0;
}

async function rule(ctx: CommandContext, args: string[]): Promise<number> {
  const [sub, target, ...words] = args;
  if (sub === "add" && target !== undefined) {
    noFlags(ctx, USAGE, true);
    return applyEdit(ctx, (doc) => addLocationRule(doc, { resource: { type: "resource", value: "" }, addTo: target, words, force: ctx.options.force }));
  }
  if ((sub === "remove" || sub === "delete") && target !== undefined && words.length === 0) {
    noFlags(ctx, USAGE, false);
    return applyEdit(ctx, (doc) => removeLocationRule(doc, target));
  }
  throw new UsageError("use 'constraint rule add <constraint id> …' or 'constraint rule remove <rule id>'", USAGE);
}

registerGroup({
  name: "constraint",
  summary: "Manage resource constraints.",
  usage: USAGE,
  run: async (ctx, args) => {
    const [sub, ...rest] = args;
    switch (sub) {
      case undefined:
      case "config":
        return listing(ctx, rest, USAGE, async (c) => constraintLines(await c.cib.load(), listingOptions(c)));
      case "show":
      case "list":
        ctx.output.err("Deprecation Warning: This command is deprecated and will be removed. Please use 'tandem constraint config' instead.\n");
        return listing(ctx, rest, USAGE, async (c) => constraintLines(await c.cib.load(), listingOptions(c)));
      case "order":
        return order(ctx, rest);
      case "colocation":
        return colocation(ctx, rest);
      case "location":
        return location(ctx, rest);
      case "ticket":
        if (rest.length === 0 || rest[0] === "config" || rest[0] === "show") {
          return listing(ctx, rest.slice(1), USAGE, async (c) => ticketLines(await c.cib.load(), c.options.full));
        }
        throw new UsageError("ticket constraints can only be listed ('constraint ticket config')", USAGE);
      case "remove":
      case "delete":
        return remove(ctx, rest);
      case "ref":
        return ref(ctx, rest);
      case "rule":
        return rule(ctx, rest);
      default:
        throw new UsageError(`unknown constraint command '${sub}'`, USAGE);
    }
  },
});
