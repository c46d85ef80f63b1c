/**
 * crm_simulate's text layout (Pacemaker 2.1+ list format): "Current cluster status:",
 * "Transition Summary:" and "Revised Cluster Status:", byte-compatible with the corpus's
 * cases/*.summary files (apart from the "Executing Cluster Transition" section, which
 * Tandem does not print).
 */

import { formatScore } from "../../core/index.js";
import type { ClusterView, NodeView, ScheduleResult, ScoreLine, SummaryAction } from "../index.js";
import { cloneHints, layoutResources, type CloneHint, type ResourceLine } from "./layout.js";
import { compareBytes, compareNatural } from "./natural-sort.js";

function bullet(depth: number, text: string): string {
  return `${" ".repeat(4 + 2 * depth)}* ${text}`;
}

function parens(flags: readonly string[]): string {
  return flags.length > 0 ? ` (${flags.join(", ")})` : "";
}

/** "standby" → "standby (with active resources)", "offline+standby" → "OFFLINE (standby)". */
function nodeStateText(node: NodeView): string {
  const parts = node.state.split("+");
  const [first, ...rest] = parts;
  const word = (p: string): string => {
    if (p === "offline") return "OFFLINE";
    if (p === "unclean") return "UNCLEAN";
    const health = /^health-(\w+)$/.exec(p);
    if (health?.[1] !== undefined) return `(health is ${health[1].toUpperCase()})`;
    return p;
  };
  let text: string;
  if (first === "unclean" && rest.length > 0) text = `UNCLEAN (${rest.join(", ")})`;
  else if (rest.length > 0 && !rest[0]?.startsWith("health-")) text = `${word(first ?? "")} (${rest.join(", ")})`;
  else text = [first ?? "", ...rest].map(word).join(" ");
  if (node.state === "standby" && node.standbyWithResources === true) text += " (with active resources)";
  return text;
}

export function renderNodeList(nodes: readonly NodeView[]): string[] {
  const sorted = [...nodes].sort((a, b) => compareNatural(a.name, b.name));
  const lines: string[] = [];
  const online: string[] = [];
  const offline: string[] = [];
  for (const n of sorted) {
    if (n.state === "online") online.push(n.name);
    else if (n.state === "offline") offline.push(n.name);
    else lines.push(bullet(0, `Node ${n.name}: ${nodeStateText(n)}`));
  }
  if (online.length > 0) lines.push(bullet(0, `Online: [ ${online.join(" ")} ]`));
  if (offline.length > 0) lines.push(bullet(0, `OFFLINE: [ ${offline.join(" ")} ]`));
  return lines;
}

function resourceLineText(line: ResourceLine): string {
  switch (line.kind) {
    case "primitive": {
      const words: string[] = [];
      if (line.orphaned) words.push("ORPHANED");
      if (line.failed) {
        words.push("FAILED");
        if (!["Started", "Unpromoted", "Stopped"].includes(line.role)) words.push(line.role);
      } else {
        words.push(line.role);
      }
      const [only] = line.nodes;
      if (line.nodes.length === 1 && only !== undefined) words.push(only);
      let state = words.join(" ");
      if (line.probe !== undefined) state += ` (${line.probe}) `;
      state += parens(line.flags);
      if (line.nodes.length > 1) state += ` [ ${line.nodes.join(" ")} ]`;
      return bullet(line.depth, `${line.displayId}\t(${line.agent}):\t ${state}`);
    }
    case "group":
      return bullet(line.depth, `Resource Group: ${line.id}${parens(line.flags)}:`);
    case "clone": {
      const qualifiers = [...(line.promotable ? ["promotable"] : []), ...(line.unique ? ["unique"] : []), ...line.flags];
      return bullet(line.depth, `Clone Set: ${line.id} [${line.child}]${parens(qualifiers)}:`);
    }
    case "clone-list":
      return bullet(line.depth, `${line.role}${parens(line.flags)}: [ ${line.nodes.join(" ")} ]`);
  }
}

/** The body of "Current cluster status:" / "Revised Cluster Status:". */
export function renderClusterStatus(view: ClusterView, hints: ReadonlyMap<string, CloneHint> = cloneHints(view)): string[] {
  const lines = ["  * Node List:", ...renderNodeList(view.nodes), "", "  * Full List of Resources:"];
  const resources = layoutResources(view.resources, hints);
  if (resources.length === 0) lines.push("    * No resources");
  for (const r of resources) lines.push(resourceLineText(r));
  return lines;
}

/** The "( … )" part of a summary line, worded as Pacemaker's rsc_action_item. */
export function actionDetails(a: SummaryAction): string {
  if (a.from !== undefined && a.to !== undefined) {
    if (a.fromRole !== undefined && a.toRole !== undefined) return `${a.fromRole} ${a.from} -> ${a.toRole} ${a.to}`;
    if (a.role !== undefined) return `${a.from} -> ${a.to} ${a.role}`;
    return `${a.from} -> ${a.to}`;
  }
  const node = a.node ?? a.from ?? a.to ?? "";
  if (a.fromRole !== undefined && a.toRole !== undefined) return `${a.fromRole} -> ${a.toRole} ${node}`;
  if (a.role !== undefined) return `${a.role} ${node}`;
  return node;
}

/** The reason without its "due to " prefix (the core may give either form). */
export function bareReason(reason: string | undefined): string | undefined {
  if (reason === undefined || reason.length === 0) return undefined;
  return reason.startsWith("due to ") ? reason.slice("due to ".length) : reason;
}

/**
 * Transition Summary lines. Pacemaker pads the resource and details columns with widths
 * kept in static variables that start at 5 and grow while it prints (the resource width
 * jumps to length + 2 when exceeded). The summary is formatted twice (once for the log),
 * so the printed lines all use the widths reached after a full pass; this reproduces
 * every summary of the corpus byte for byte.
 */
export function renderSummaryLines(actions: readonly SummaryAction[]): string[] {
  let rscWidth = 5;
  let detailWidth = 5;
  for (const a of actions) {
    if (a.action === "Fence" || a.action === "Shutdown") continue;
    const rsc = a.rsc ?? "";
    if (rsc.length > rscWidth) rscWidth = rsc.length + 2;
    const details = actionDetails(a);
    if (details.length > detailWidth) detailWidth = details.length;
  }
  const lines: string[] = [];
  for (const a of actions) {
    if (a.action === "Fence") {
      lines.push(`  * Fence (${a.fenceType ?? "reboot"}) ${a.node ?? ""} '${bareReason(a.reason) ?? ""}'`);
      continue;
    }
    if (a.action === "Shutdown") {
      lines.push(`  * Shutdown ${a.node ?? ""}`);
      continue;
    }
    const reason = bareReason(a.reason);
    let tail = "";
    if (reason !== undefined && a.blocked === true) tail = `  due to ${reason} (blocked)`;
    else if (reason !== undefined) tail = `  due to ${reason}`;
    else if (a.blocked === true) tail = "  blocked";
    lines.push(`  * ${a.action.padEnd(8)}   ${(a.rsc ?? "").padEnd(rscWidth)}   ( ${actionDetails(a).padStart(detailWidth)} )${tail}`);
  }
  return lines;
}

/**
 * One allocation or promotion score as crm_simulate -s prints it. Promotion scores use
 * kind "promotion": `RSC promotion score on NODE: S`, or with node "" the inactive form
 * `RSC promotion score (inactive): S`.
 */
export function scoreLineText(s: ScoreLine): string {
  if (s.kind === "promotion") {
    return s.node === "" ? `${s.rsc} promotion score (inactive): ${formatScore(s.score)}` : `${s.rsc} promotion score on ${s.node}: ${formatScore(s.score)}`;
  }
  return `${s.kind}: ${s.rsc} allocation score on ${s.node}: ${formatScore(s.score)}`;
}

/** Score lines sorted as cases/*.scores are (byte order). */
export function renderScoreLines(scores: readonly ScoreLine[]): string[] {
  return scores.map(scoreLineText).sort(compareBytes);
}

export interface SimulateTextOptions {
  showScores?: boolean;
  /** Lines printed first (crm_simulate's "Using the original execution date of: …"). */
  preamble?: readonly string[];
}

/** The whole `tandem simulate` text output. */
export function renderSimulateText(result: ScheduleResult, options: SimulateTextOptions = {}): string {
  const hints = cloneHints(result.current, result.revised);
  const lines = [...(options.preamble ?? []), "Current cluster status:", ...renderClusterStatus(result.current, hints), ""];
  if (options.showScores === true) lines.push("Allocation Scores:", ...renderScoreLines(result.scores), "");
  lines.push("Transition Summary:", ...renderSummaryLines(result.summary), "");
  lines.push("Revised Cluster Status:", ...renderClusterStatus(result.revised, hints));
  return lines.join("\n") + "\n";
}
