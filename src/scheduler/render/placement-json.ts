/**
 * The pcmk-placement/1 format of the corpus's cases/*.expected.json (described in
 * oracle/pcmkcorpus.py), built from a ScheduleResult. It folds the same display items the
 * text renderer prints, with pcmkcorpus.py's rules: anonymous clone instances are merged
 * under the bare primitive id, unique ones keep ":N"; a summary list such as
 * `Started: [ n1 n2 ]` applies to every primitive of its clone; a FAILED instance
 * without a printed role is Started (Unpromoted in a promotable clone).
 */

import type { ClusterView, ScheduleResult, SummaryAction } from "../index.js";
import { bareId, cloneHints, layoutResources, type CloneHint, type ResourceLine } from "./layout.js";
import { compareBytes } from "./natural-sort.js";
import { bareReason } from "./text.js";

export const PLACEMENT_FORMAT = "pcmk-placement/1";

export interface PlacementAction {
  action: string;
  rsc?: string;
  node?: string;
  role?: string;
  from?: string;
  to?: string;
  from_role?: string;
  to_role?: string;
  type?: string;
  blocked?: boolean;
  reason?: string;
}

export interface PlacementJson {
  format: string;
  nodes: Record<string, string>;
  placement: Record<string, Record<string, string[]>>;
  flags: Record<string, string[]>;
  actions: PlacementAction[];
}

const ROLE_ALIASES: Record<string, string> = { Master: "Promoted", Slave: "Unpromoted" };

function role(name: string): string {
  return ROLE_ALIASES[name] ?? name;
}

class Collector {
  readonly placement = new Map<string, Map<string, string[]>>();
  readonly flags = new Map<string, string[]>();

  add(key: string, roleName: string, nodes: readonly string[], flags: readonly string[]): void {
    let byRole = this.placement.get(key);
    if (byRole === undefined) {
      byRole = new Map();
      this.placement.set(key, byRole);
    }
    if (roleName !== "Stopped") {
      for (const n of nodes) {
        const list = byRole.get(roleName) ?? [];
        list.push(n);
        byRole.set(roleName, list);
      }
    }
    this.addFlags(key, flags);
  }

  addFlags(key: string, flags: readonly string[]): void {
    if (flags.length === 0) return;
    const list = this.flags.get(key) ?? [];
    for (const f of flags) if (!list.includes(f)) list.push(f);
    this.flags.set(key, list);
  }
}

/** Primitive ids of anonymous clones: their ":N" instances are keyed by the bare id. */
function anonymousPrimitives(lines: readonly ResourceLine[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) if (l.kind === "clone" && !l.unique) for (const m of l.members) out.add(m);
  return out;
}

function keyFor(id: string, anonymous: ReadonlySet<string>): string {
  const base = bareId(id);
  return base !== id && anonymous.has(base) ? base : id;
}

function foldLines(lines: readonly ResourceLine[], col: Collector, anonymous: ReadonlySet<string>): void {
  for (const line of lines) {
    switch (line.kind) {
      case "primitive": {
        const flags = [...(line.probe !== undefined ? [line.probe] : []), ...line.flags];
        if (line.orphaned) flags.push("orphaned");
        let r = role(line.role);
        if (line.failed) {
          flags.push("failed");
          if (r === "Started" || r === "Unpromoted" || r === "Stopped") r = line.promotableContext ? "Unpromoted" : "Started";
        }
        col.add(keyFor(line.displayId, anonymous), r, line.nodes, flags);
        break;
      }
      case "group":
        col.addFlags(keyFor(line.id, anonymous), line.flags);
        break;
      case "clone":
        col.addFlags(line.id, line.flags);
        break;
      case "clone-list":
        for (const m of line.members) col.add(m, role(line.role), line.nodes, line.flags);
        break;
    }
  }
}

export function placementOf(
  view: ClusterView,
  hints: ReadonlyMap<string, CloneHint> = cloneHints(view),
): Pick<PlacementJson, "nodes" | "placement" | "flags"> {
  const lines = layoutResources(view.resources, hints);
  const col = new Collector();
  foldLines(lines, col, anonymousPrimitives(lines));
  const nodes: Record<string, string> = {};
  for (const n of [...view.nodes].sort((a, b) => compareBytes(a.name, b.name))) nodes[n.name] = n.state;
  const placement: Record<string, Record<string, string[]>> = {};
  for (const key of [...col.placement.keys()].sort(compareBytes)) {
    const byRole = col.placement.get(key) ?? new Map<string, string[]>();
    const roles: Record<string, string[]> = {};
    for (const r of [...byRole.keys()].sort(compareBytes)) roles[r] = [...(byRole.get(r) ?? [])].sort(compareBytes);
    placement[key] = roles;
  }
  const flags: Record<string, string[]> = {};
  for (const key of [...col.flags.keys()].sort(compareBytes)) {
    const list = col.flags.get(key) ?? [];
    if (list.length > 0) flags[key] = [...new Set(list)].sort(compareBytes);
  }
  return { nodes, placement, flags };
}

/** One Transition Summary action in pcmk-placement/1 form (what pcmkcorpus.py parses). */
export function placementAction(a: SummaryAction, anonymous: ReadonlySet<string>): PlacementAction {
  if (a.action === "Fence") return { action: "Fence", type: a.fenceType ?? "reboot", node: a.node ?? "" };
  if (a.action === "Shutdown") return { action: "Shutdown", node: a.node ?? "" };
  const out: PlacementAction = { action: a.action, rsc: keyFor(a.rsc ?? "", anonymous) };
  if (a.from !== undefined && a.to !== undefined) {
    out.from = a.from;
    out.to = a.to;
    // "( n1 -> n2 Role )" carries no parsable role; "( R1 n1 -> R2 n2 )" carries both.
    if (a.fromRole !== undefined && a.toRole !== undefined) {
      out.from_role = role(a.fromRole);
      out.to_role = role(a.toRole);
    }
  } else {
    out.node = a.node ?? a.from ?? a.to ?? "";
    if (a.fromRole !== undefined && a.toRole !== undefined) {
      out.from_role = role(a.fromRole);
      out.to_role = role(a.toRole);
    } else if (a.role !== undefined) {
      out.role = role(a.role);
    }
  }
  // pcmkcorpus.py only recognizes a bare trailing "blocked"; "due to X (blocked)" stays
  // part of the reason and sets no flag.
  const reason = bareReason(a.reason);
  if (reason !== undefined) out.reason = a.blocked === true ? `due to ${reason} (blocked)` : `due to ${reason}`;
  else if (a.blocked === true) out.blocked = true;
  return out;
}

/** Python's str(sorted(dict.items())) for the final tie-break, approximated stably. */
function itemsKey(a: PlacementAction): string {
  return JSON.stringify(Object.entries(a).sort(([x], [y]) => compareBytes(x, y)));
}

export function sortPlacementActions(actions: PlacementAction[]): PlacementAction[] {
  const key = (a: PlacementAction): string[] => [a.rsc ?? "", a.action, a.node ?? "", a.from ?? "", a.to ?? "", itemsKey(a)];
  return actions.sort((x, y) => {
    const kx = key(x);
    const ky = key(y);
    for (let i = 0; i < kx.length; i++) {
      const c = compareBytes(kx[i] ?? "", ky[i] ?? "");
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The whole pcmk-placement/1 document of a schedule. */
export function renderPlacementJson(result: ScheduleResult): PlacementJson {
  const hints = cloneHints(result.current, result.revised);
  const revised = placementOf(result.revised, hints);
  const anonymous = new Set<string>([
    ...anonymousPrimitives(layoutResources(result.current.resources, hints)),
    ...anonymousPrimitives(layoutResources(result.revised.resources, hints)),
  ]);
  const actions = sortPlacementActions(result.summary.map((a) => placementAction(a, anonymous)));
  return { format: PLACEMENT_FORMAT, ...revised, actions };
}
