/**
 * What crm_simulate prints for a cluster view, as data: one item per printed line of the
 * resource list. The text renderer prints these items; the pcmk-placement/1 JSON folds
 * them exactly as oracle/pcmkcorpus.py folds the printed lines, so both outputs agree by
 * construction without the JSON ever being parsed back from text.
 *
 * Display rules follow Pacemaker 2.1's `pe__clone_default`, `pe__group_default` and
 * `pcmk__native_output_string`: unique clones print every instance; anonymous clones
 * print the unusual instances (failed, orphaned, unmanaged, pending, multiply active,
 * partially active groups) one by one and summarize the others as
 * `Promoted: [ … ]`, `Unpromoted|Started: [ … ]` and `Stopped: [ … ]` lists.
 */

import type { CloneView, GroupView, PrimitiveView, ResourceView } from "../index.js";
import { compareNatural } from "./natural-sort.js";

export interface PrimitiveLine {
  kind: "primitive";
  depth: number;
  /** Id as printed: instances of anonymous clones lose their ":N". */
  displayId: string;
  agent: string;
  role: string;
  nodes: string[];
  orphaned: boolean;
  failed: boolean;
  /** Result of a failed probe shown after the role ("Not installed"), if any. */
  probe?: string;
  /** Parenthesized qualifiers, in display order. */
  flags: string[];
  /** Inside a promotable clone (a FAILED instance without a printed role is Unpromoted). */
  promotableContext: boolean;
}

export interface GroupLine {
  kind: "group";
  depth: number;
  id: string;
  flags: string[];
}

export interface CloneLine {
  kind: "clone";
  depth: number;
  id: string;
  child: string;
  unique: boolean;
  promotable: boolean;
  flags: string[];
  /** Bare ids of every primitive of the clone (what a summary list applies to). */
  members: string[];
}

/** `Started: [ n1 n2 ]`, `Stopped (disabled): [ … ]` under an anonymous clone. */
export interface CloneListLine {
  kind: "clone-list";
  depth: number;
  role: string;
  flags: string[];
  nodes: string[];
  members: string[];
}

export type ResourceLine = PrimitiveLine | GroupLine | CloneLine | CloneListLine;

/** Failed-probe results Pacemaker prints right after "Stopped" instead of as a flag. */
const PROBE_RESULTS = new Set([
  "Not installed",
  "Not configured",
  "Insufficient privileges",
  "Not running",
  "Error",
  "Invalid parameter",
  "Unimplemented feature",
]);

/** Flags rendered as words before the role rather than in parentheses. */
const WORD_FLAGS = new Set(["failed", "orphaned"]);

const INSTANCE_SUFFIX = /:\d+$/;

export function bareId(id: string): string {
  return id.replace(INSTANCE_SUFFIX, "");
}

function primitiveLine(p: PrimitiveView, depth: number, anonymous: boolean, promotableContext: boolean): PrimitiveLine {
  const probe = p.flags.find((f) => PROBE_RESULTS.has(f));
  const line: PrimitiveLine = {
    kind: "primitive",
    depth,
    displayId: anonymous ? bareId(p.id) : p.id,
    agent: p.agent,
    role: p.role,
    nodes: [...p.nodes],
    orphaned: p.flags.includes("orphaned"),
    failed: p.flags.includes("failed"),
    flags: p.flags.filter((f) => !WORD_FLAGS.has(f) && !PROBE_RESULTS.has(f)),
    promotableContext,
  };
  if (probe !== undefined) line.probe = probe;
  return line;
}

function isActive(p: PrimitiveView): boolean {
  return p.role !== "Stopped" && p.nodes.length > 0;
}

function primitivesOf(r: PrimitiveView | GroupView): PrimitiveView[] {
  return r.kind === "primitive" ? [r] : r.members;
}

/** Flags that make Pacemaker print an anonymous instance on its own line. */
function needsFullLine(members: PrimitiveView[]): boolean {
  const active = members.filter(isActive);
  if (members.some((m) => m.flags.includes("orphaned") || m.flags.includes("failed"))) return true;
  if (active.length === 0) return false;
  if (active.length !== members.length) return true; // partially active group
  for (const m of members) {
    if (m.nodes.length > 1) return true;
    if (m.flags.some((f) => f === "unmanaged" || f === "blocked" || f === "maintenance")) return true;
    if (!["Started", "Promoted", "Unpromoted"].includes(m.role)) return true;
  }
  const node = members[0]?.nodes[0];
  return members.some((m) => m.nodes[0] !== node);
}

function instanceRole(members: PrimitiveView[]): string {
  if (members.some((m) => m.role === "Promoted")) return "Promoted";
  if (members.some((m) => m.role === "Unpromoted")) return "Unpromoted";
  return "Started";
}

function cloneMembers(c: CloneView): string[] {
  const out: string[] = [];
  for (const inst of c.instances) for (const p of primitivesOf(inst)) {
    const id = bareId(p.id);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** What a clone's instances tell about it: its child's id and its primitives' bare ids. */
export interface CloneHint {
  child: string;
  members: string[];
}

/**
 * Clone hints from every view of a result: a clone with no listed instance in one view
 * (nothing running) may list some in the other, which names its child and primitives.
 */
export function cloneHints(...views: readonly { resources: readonly ResourceView[] }[]): Map<string, CloneHint> {
  const hints = new Map<string, CloneHint>();
  for (const v of views) {
    for (const r of v.resources) {
      if (r.kind !== "clone" || hints.has(r.id)) continue;
      const first = r.instances[0];
      if (first !== undefined) hints.set(r.id, { child: bareId(first.id), members: cloneMembers(r) });
    }
  }
  return hints;
}

/** The child's id as printed in `Clone Set: ID [CHILD]`. */
function cloneChild(c: CloneView, hint: CloneHint | undefined): string {
  // The scheduler lists every instance of a clone (inactive anonymous ones included, which
  // this layout skips); the other view's hint only matters for a clone with none at all.
  const first = c.instances[0];
  return first !== undefined ? bareId(first.id) : (hint?.child ?? c.id);
}

function layoutClone(c: CloneView, depth: number, out: ResourceLine[], hint: CloneHint | undefined): void {
  const own = cloneMembers(c);
  const members = own.length > 0 ? own : (hint?.members ?? []);
  out.push({
    kind: "clone",
    depth,
    id: c.id,
    child: cloneChild(c, hint),
    unique: c.unique,
    promotable: c.promotable,
    flags: [...c.flags],
    members,
  });
  const anonymous = !c.unique;
  const promoted: string[] = [];
  const started: string[] = [];
  for (const inst of c.instances) {
    const prims = primitivesOf(inst);
    if (!anonymous || needsFullLine(prims)) {
      layoutInstance(inst, depth + 1, anonymous, c.promotable, out);
      continue;
    }
    if (!prims.some(isActive)) continue;
    const node = prims[0]?.nodes[0];
    if (node === undefined) continue;
    if (instanceRole(prims) === "Promoted") promoted.push(node);
    else started.push(node);
  }
  if (!anonymous) return;
  if (promoted.length > 0) {
    out.push({ kind: "clone-list", depth: depth + 1, role: "Promoted", flags: [], nodes: promoted.sort(compareNatural), members });
  }
  if (started.length > 0) {
    out.push({
      kind: "clone-list",
      depth: depth + 1,
      role: c.promotable ? "Unpromoted" : "Started",
      flags: [],
      nodes: started.sort(compareNatural),
      members,
    });
  }
  if (c.stoppedNodes.length > 0) {
    // NEEDS(core): a per-node stopped state (failed probe: "Stopped (Not installed)").
    out.push({
      kind: "clone-list",
      depth: depth + 1,
      role: "Stopped",
      flags: c.flags.includes("disabled") ? ["disabled"] : [],
      nodes: [...c.stoppedNodes].sort(compareNatural),
      members,
    });
  }
}

function layoutInstance(
  inst: PrimitiveView | GroupView,
  depth: number,
  anonymous: boolean,
  promotable: boolean,
  out: ResourceLine[],
): void {
  if (inst.kind === "primitive") {
    out.push(primitiveLine(inst, depth, anonymous, promotable));
    return;
  }
  out.push({ kind: "group", depth, id: inst.id, flags: [...inst.flags] });
  for (const m of inst.members) out.push(primitiveLine(m, depth + 1, anonymous, promotable));
}

/** The printed lines of "Full List of Resources", top level at depth 0. */
export function layoutResources(resources: readonly ResourceView[], hints: ReadonlyMap<string, CloneHint> = new Map()): ResourceLine[] {
  const out: ResourceLine[] = [];
  for (const r of resources) {
    switch (r.kind) {
      case "primitive":
        out.push(primitiveLine(r, 0, false, false));
        break;
      case "group":
        layoutInstance(r, 0, false, false, out);
        break;
      case "clone":
        layoutClone(r, 0, out, hints.get(r.id));
        break;
    }
  }
  return out;
}
