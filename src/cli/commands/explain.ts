/**
 * `tandem explain RESOURCE [-x FILE] [--node NODE] [--output-format=json]`: why a resource
 * runs where it runs, or why it cannot run: its score on every node with each named
 * contribution (constraint, stickiness, failcount, colocation …) and the decision, from
 * the scheduler's explanation.
 */

import { formatScore, INFINITY, TandemError } from "../../core/index.js";
import type { ClusterView, PrimitiveView, ScheduleResult, ScoreContribution, SummaryAction } from "../../scheduler/index.js";
import { compareNatural } from "../../scheduler/render/index.js";
import { checkFlags, UsageError, type CommandContext } from "../context.js";
import { registerGroup } from "../registry.js";
import { runSimulation } from "./simulate.js";

const USAGE = `Usage: tandem explain RESOURCE [-x FILE] [-t DATE] [--node NODE] [--output-format=text|json]
Explain where the scheduler places a resource and why

    Prints the resource's score on every node with each contribution named (location
    and colocation constraints, stickiness, failures, clone and group rules), where it
    will run or why it cannot.

Options:
    -x, --xml-file FILE   the CIB to explain (an XML file)
    -t, --date DATE       the time to schedule at (as for simulate)
    --node NODE           only this node's score and contributions
`;

interface NodeExplanation {
  node: string;
  score: number | null;
  contributions: ScoreContribution[];
}

interface ResourceExplanation {
  resource: string;
  /** Whose scores are shown: the resource, or its first clone instance. */
  scoresOf: string;
  current: string;
  revised: string;
  decision: string;
  /** The transition's summary actions for the resource (or its instances), as sentences. */
  actions: string[];
  nodes: NodeExplanation[];
}

/** "Move from node1 to node2 because of node availability (blocked)". */
function actionSentence(a: SummaryAction): string {
  const who = a.rsc ?? "";
  let what: string;
  if (a.from !== undefined && a.to !== undefined) what = `${a.action} ${who} from ${a.from} to ${a.to}`;
  else if (a.fromRole !== undefined && a.toRole !== undefined) what = `${a.action} ${who} on ${a.node ?? ""} (${a.fromRole} to ${a.toRole})`;
  else what = `${a.action} ${who} on ${a.node ?? ""}${a.role !== undefined ? ` (${a.role})` : ""}`;
  const reason = a.reason?.replace(/^due to /, "");
  if (reason !== undefined && reason.length > 0) what += ` because of ${reason}`;
  if (a.blocked === true) what += ", but it is blocked";
  return what;
}

/** Every primitive view of a cluster view, flattened (instances keep ":N"). */
function primitives(view: ClusterView): PrimitiveView[] {
  const out: PrimitiveView[] = [];
  for (const r of view.resources) {
    if (r.kind === "primitive") out.push(r);
    else if (r.kind === "group") out.push(...r.members);
    else for (const inst of r.instances) out.push(...(inst.kind === "primitive" ? [inst] : inst.members));
  }
  return out;
}

function knownIds(view: ClusterView): Set<string> {
  const ids = new Set<string>();
  for (const r of view.resources) {
    ids.add(r.id);
    if (r.kind === "group") for (const m of r.members) ids.add(m.id);
    if (r.kind === "clone") {
      for (const inst of r.instances) {
        ids.add(inst.id);
        ids.add(inst.id.replace(/:\d+$/, ""));
        if (inst.kind === "group") for (const m of inst.members) ids.add(m.id.replace(/:\d+$/, ""));
      }
    }
  }
  for (const p of primitives(view)) ids.add(p.id);
  return ids;
}

/** The primitives a resource id stands for: itself, its instances, or a group's / clone's members. */
function primitivesFor(view: ClusterView, id: string): PrimitiveView[] {
  for (const r of view.resources) {
    if (r.id !== id) continue;
    if (r.kind === "group") return r.members;
    if (r.kind === "clone") return primitives({ nodes: [], resources: [r] });
  }
  return primitives(view).filter((p) => p.id === id || p.id.replace(/:\d+$/, "") === id);
}

function stateOf(view: ClusterView, id: string): string {
  const matches = primitivesFor(view, id);
  const active = matches.filter((p) => p.role !== "Stopped" && p.nodes.length > 0);
  if (active.length === 0) return "Stopped";
  return active.map((p) => `${matches.length > 1 ? `${p.id}: ` : ""}${p.role} on ${p.nodes.join(", ")}`).join("; ");
}

export function explainResource(result: ScheduleResult, id: string, onlyNode?: string): ResourceExplanation {
  const scored = new Set(result.scores.flatMap((s) => [s.rsc, s.rsc.replace(/:\d+$/, "")]));
  if (!knownIds(result.current).has(id) && !knownIds(result.revised).has(id) && result.explanation.resources[id] === undefined && !scored.has(id)) {
    throw new TandemError("EXPLAIN_UNKNOWN_RESOURCE", `resource '${id}' does not exist`);
  }
  // A clone's primitive is explained per instance ("rsc:0", "rsc:1"): show the first
  // instance's scores and every instance's decision.
  const instances = Object.keys(result.explanation.resources)
    .filter((k) => k !== id && k.replace(/:\d+$/, "") === id)
    .sort((a, b) => Number(a.slice(a.lastIndexOf(":") + 1)) - Number(b.slice(b.lastIndexOf(":") + 1)));
  const shownId = result.explanation.resources[id] !== undefined ? id : (instances[0] ?? id);
  const own = result.explanation.resources[shownId];
  const entry =
    own === undefined || shownId === id
      ? own
      : { contributions: own.contributions, decision: instances.map((k) => result.explanation.resources[k]?.decision ?? "").join(" ") };
  const finalScores = new Map<string, number>();
  for (const s of result.scores) if (s.rsc === shownId && s.kind === "pcmk__primitive_assign") finalScores.set(s.node, s.score);
  const nodes = new Map<string, NodeExplanation>();
  for (const n of result.current.nodes) nodes.set(n.name, { node: n.name, score: finalScores.get(n.name) ?? null, contributions: [] });
  for (const c of entry?.contributions ?? []) {
    const e = nodes.get(c.node) ?? { node: c.node, score: finalScores.get(c.node) ?? null, contributions: [] };
    e.contributions.push(c);
    nodes.set(c.node, e);
  }
  for (const e of nodes.values()) {
    if (e.score === null && e.contributions.length > 0) {
      // No score line: the sum of the contributions, clamped as Pacemaker adds scores.
      let sum = 0;
      for (const c of e.contributions) sum = Math.max(-INFINITY, Math.min(INFINITY, sum + c.delta));
      e.score = sum;
    }
  }
  let list = [...nodes.values()].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || compareNatural(a.node, b.node));
  if (onlyNode !== undefined) {
    if (!nodes.has(onlyNode)) throw new TandemError("EXPLAIN_UNKNOWN_NODE", `node '${onlyNode}' is not in the cluster`);
    list = list.filter((e) => e.node === onlyNode);
  }
  return {
    resource: id,
    scoresOf: shownId,
    current: stateOf(result.current, id),
    revised: stateOf(result.revised, id),
    decision: entry?.decision ?? "The scheduler recorded no explanation for this resource.",
    actions: result.summary.filter((a) => a.rsc !== undefined && (a.rsc === id || a.rsc.replace(/:\d+$/, "") === id)).map(actionSentence),
    nodes: list,
  };
}

function signed(delta: number): string {
  const s = formatScore(delta);
  return delta > 0 ? `+${s}` : s;
}

export function renderExplanationText(e: ResourceExplanation): string {
  const lines = [`Resource ${e.resource}`, `  Now:      ${e.current}`, `  Planned:  ${e.revised}`, `  Decision: ${e.decision}`];
  if (e.actions.length > 0) lines.push("  Actions:", ...e.actions.map((a) => `    ${a}`));
  else lines.push("  Actions:  none");
  lines.push("", e.scoresOf === e.resource ? "Scores by node:" : `Scores by node (instance ${e.scoresOf}):`);
  for (const n of e.nodes) {
    lines.push(`  ${n.node}: ${n.score === null ? "no score" : formatScore(n.score)}`);
    for (const c of n.contributions) lines.push(`    ${signed(c.delta).padStart(10)}  ${c.source}`);
  }
  return lines.join("\n") + "\n";
}

async function explain(ctx: CommandContext, args: string[]): Promise<number> {
  checkFlags(ctx, ["xml-file", "date", "node"], USAGE);
  const [id, ...extra] = args;
  if (id === undefined) throw new UsageError("missing resource id", USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0] ?? ""}'`, USAGE);
  const node = ctx.options.flags.get("node");
  if (node === true) throw new UsageError("option --node requires a node name", USAGE);
  const { result } = await runSimulation(ctx, USAGE);
  const e = explainResource(result, id, node);
  switch (ctx.options.outputFormat) {
    case "json":
      ctx.output.out(JSON.stringify(e, null, 1) + "\n");
      return 0;
    case "text":
      ctx.output.out(renderExplanationText(e));
      return 0;
    case "cmd":
      throw new UsageError("--output-format=cmd is not supported by explain", USAGE);
  }
}

registerGroup({
  name: "explain",
  summary: "Explain where the scheduler places a resource and why.",
  usage: USAGE,
  run: explain,
});
