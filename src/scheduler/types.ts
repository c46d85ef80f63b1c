/**
 * The scheduler's contract: `schedule(input)` → placements, graph, summary, scores and
 * explanation. Pure: same input, byte-identical output. Renderers (render/) and the CLI
 * build on these types only.
 */

import type { CibModel } from "../cib/index.js";

export interface ScheduleInput {
  cib: CibModel;
  /** Seconds since the epoch: the CIB's execution-date, `-t DATE`, or the caller's clock. */
  nowSec: number;
}

export interface ScheduleResult {
  /** State unpacked from the status section ("Current cluster status"). */
  current: ClusterView;
  /** State after applying the transition ("Revised Cluster Status"). */
  revised: ClusterView;
  /** Transition Summary, in Pacemaker's order. */
  summary: SummaryAction[];
  graph: { actions: GraphAction[]; edges: [before: number, after: number][] };
  /** Allocation (and promotion) scores, as crm_simulate -s prints them. */
  scores: ScoreLine[];
  explanation: Explanation;
}

export interface ClusterView {
  nodes: NodeView[];
  /** Top-level resources, document order. */
  resources: ResourceView[];
}

export interface NodeView {
  name: string;
  id: string;
  /** "online" | "offline" | "standby" | "maintenance" | "pending" | "unclean+offline" | "online+standby"… as pcmkcorpus.py normalizes. */
  state: string;
  standbyWithResources?: boolean;
}

export type ResourceView = PrimitiveView | GroupView | CloneView;

export interface PrimitiveView {
  kind: "primitive";
  /** Display id: "rsc", or "rsc:N" for clone instances. */
  id: string;
  /** "ocf:heartbeat:Dummy", "stonith:fence_xvm". */
  agent: string;
  /** Started | Stopped | Promoted | Unpromoted | pending roles. */
  role: string;
  nodes: string[];
  /** failed, unmanaged, disabled, blocked, orphaned, maintenance, "failure ignored"… */
  flags: string[];
}

export interface GroupView {
  kind: "group";
  id: string;
  members: PrimitiveView[];
  flags: string[];
}

export interface CloneView {
  kind: "clone";
  id: string;
  unique: boolean;
  promotable: boolean;
  /** Active instances and the stopped ones Pacemaker would print. */
  instances: (PrimitiveView | GroupView)[];
  /** Anonymous clones: the nodes crm_mon lists as "Stopped: [ … ]". */
  stoppedNodes: string[];
  flags: string[];
  /** Configured id of the clone's child (primitive or group), for "Clone Set: id [child]". */
  child?: string;
}

export interface SummaryAction {
  /** Start Stop Restart Recover Reload Move Migrate Promote Demote Re-promote Fence Shutdown. */
  action: string;
  /** Display id including ":N". */
  rsc?: string;
  node?: string;
  from?: string;
  to?: string;
  fromRole?: string;
  toRole?: string;
  role?: string;
  /** "due to …" */
  reason?: string;
  blocked?: boolean;
  fenceType?: string;
}

export interface GraphAction {
  id: number;
  rsc?: string;
  /** start stop monitor promote demote migrate_to migrate_from notify … or a pseudo action. */
  task: string;
  node?: string;
  intervalMs?: number;
  pseudo?: boolean;
  optional?: boolean;
  runnable: boolean;
}

export interface ScoreLine {
  /** "pcmk__primitive_assign", "pcmk__clone_assign", "pcmk__group_assign", promotion kinds. */
  kind: string;
  rsc: string;
  node: string;
  score: number;
}

export interface ScoreContribution {
  node: string;
  delta: number;
  /** "location constraint loc1", "stickiness", "colocation with X (through Y)", … */
  source: string;
}

export interface Explanation {
  resources: Record<string, { contributions: ScoreContribution[]; decision: string }>;
}
