/**
 * The scheduler's working set: nodes and a resource tree unpacked from the CIB, each
 * resource with its allowed-node scores. Only the scheduler's own phases mutate it, in
 * order (unpack → constraints → assign → actions); nothing outside sees it.
 */

import type { ScoreContribution } from "./types.js";

export type Role = "Unknown" | "Stopped" | "Started" | "Unpromoted" | "Promoted";

const ROLE_RANK: Record<Role, number> = { Unknown: 0, Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

export function roleRank(role: Role): number {
  return ROLE_RANK[role];
}

export function parseRole(text: string | undefined): Role | undefined {
  switch ((text ?? "").toLowerCase()) {
    case "stopped":
      return "Stopped";
    case "started":
      return "Started";
    case "unpromoted":
    case "slave":
      return "Unpromoted";
    case "promoted":
    case "master":
      return "Promoted";
    default:
      return undefined;
  }
}

export interface WNode {
  name: string;
  id: string;
  /** Position in the configuration (stable tie-breaks). */
  index: number;
  online: boolean;
  standby: boolean;
  maintenance: boolean;
  shutdown: boolean;
  unclean: boolean;
  pending: boolean;
  /** Whether the status section has a node_state for it. */
  hasState: boolean;
  /** Node attributes (configured, then transient), plus #uname, #id, #kind. */
  attrs: Map<string, string>;
  /** Resources assigned to this node in this run (tie-break). */
  numResources: number;
  /** Utilization capacity and what remains of it. */
  capacity: Map<string, number>;
  remaining: Map<string, number>;
}

export type Variant = "primitive" | "group" | "clone";

export interface Colocation {
  id: string;
  dependent: WRsc;
  primary: WRsc;
  score: number;
  /** Role filters; "Unknown" = any role. */
  dependentRole: Role;
  primaryRole: Role;
  nodeAttribute: string;
  influence: boolean;
  /** Configured by the user (not implied by a group). */
  explicit: boolean;
}

export interface OpHistory {
  task: string;
  intervalMs: number;
  rc: number;
  expectedRc: number;
  opStatus: number;
  callId: number;
  lastRcChange: number;
  migrateSource?: string;
  migrateTarget?: string;
}

export interface WRsc {
  /** Display id: "rsc", "rsc:0" for clone instances. */
  id: string;
  /** The configured id (without ":N"). */
  baseId: string;
  variant: Variant;
  parent: WRsc | undefined;
  children: WRsc[];
  /** "ocf:heartbeat:Dummy". */
  agent: string;
  className: string;
  meta: Map<string, string>;
  /** Utilization this primitive needs on its node (placement strategies). */
  utilization: Map<string, number>;
  priority: number;
  stickiness: number;
  migrationThreshold: number;
  failureTimeoutSec: number;
  managed: boolean;
  maintenance: boolean;
  allowMigrate: boolean;
  multipleActive: string;
  requires: string;
  /** target-role as configured (undefined = no limit). */
  targetRole: Role | undefined;
  // clones
  /** Configured id of a clone's child (primitive or group). */
  childId?: string;
  unique: boolean;
  promotable: boolean;
  cloneMax: number;
  cloneNodeMax: number;
  promotedMax: number;
  promotedNodeMax: number;
  interleave: boolean;
  ordered: boolean;
  notify: boolean;
  /** Instance number for clone instances, else -1. */
  instance: number;
  // groups
  groupOrdered: boolean;
  groupColocated: boolean;
  // state from the status section
  role: Role;
  nextRole: Role;
  nextRoleReason: string;
  runningOn: WNode[];
  failed: boolean;
  failureIgnored: boolean;
  /** Failed with on-fail=demote: demote in place instead of recovering. */
  demoteOnFail: boolean;
  blocked: boolean;
  orphan: boolean;
  notInstalled: boolean;
  /** The id the status section knows this resource by ("rsc:1" for an anonymous instance). */
  historyId?: string;
  /** Pending operation in flight ("start", "stop", …). */
  pendingTask: string | undefined;
  /** Nodes with an in-flight start (its record outlives a simulated stop). */
  pendingStartOn: Set<string>;
  /** Nodes where history says this resource's state is known (no probe needed). */
  knownOn: Set<string>;
  /** Nodes where a failed stop left the resource in an unknown state. */
  stopFailedOn: Set<string>;
  /** Last recurring monitors seen per node (to reschedule). */
  history: Map<string, OpHistory[]>;
  partialMigration: { source: string; target: string } | undefined;
  // assignment
  allowed: Map<string, number>;
  assigned: WNode | undefined;
  unassigned: boolean;
  assigning: boolean;
  updatingNodes: boolean;
  thisWith: Colocation[];
  withThis: Colocation[];
  contributions: ScoreContribution[];
  /** For promotable instances: the promotion priority computed at promotion time. */
  promotionPriority: number;
  /** Why it cannot run (for the explanation). */
  reasons: string[];
  /** Index in unpack order (stable sorting). */
  seq: number;
}

export interface Options {
  symmetric: boolean;
  stonithEnabled: boolean;
  haveFencing: boolean;
  noQuorumPolicy: string;
  haveQuorum: boolean;
  stopOrphanResources: boolean;
  stopOrphanActions: boolean;
  startFailureIsFatal: boolean;
  maintenanceMode: boolean;
  stopAllResources: boolean;
  placementStrategy: string;
  nodeHealthStrategy: string;
  defaultStickiness: number;
}

export interface WorkingSet {
  nowSec: number;
  options: Options;
  nodes: WNode[];
  nodeByName: Map<string, WNode>;
  nodeById: Map<string, WNode>;
  /** Top-level resources, sorted by priority (stable, document order among equals). */
  resources: WRsc[];
  /** Top-level resources in document order (display). */
  resourcesInOrder: WRsc[];
  /** Every resource by display id and by configured id (first instance for clones). */
  byId: Map<string, WRsc>;
  /** All primitives (instances included), unpack order. */
  primitives: WRsc[];
  colocations: Colocation[];
  /** Primitives created from each resource template (constraints may name a template). */
  byTemplate: Map<string, WRsc[]>;
  /** Clone of each configured child primitive id (also for clones with no instance). */
  cloneByChildId: Map<string, WRsc>;
  /** Promotion scores as crm_simulate -s prints them (kind "promotion", node "" = inactive). */
  promotionScores: { kind: string; rsc: string; node: string; score: number }[];
  /** History entries for resources no longer configured. */
  orphans: WRsc[];
  /** Bans found while unpacking (on-fail=ban, not installed), applied with the constraints. */
  bans: { rsc: WRsc; node: WNode; source: string }[];
}

export function isAvailable(node: WNode): boolean {
  return node.online && !node.standby && !node.maintenance && !node.shutdown && !node.unclean && !node.pending;
}

export function topParent(rsc: WRsc): WRsc {
  let r = rsc;
  while (r.parent !== undefined) r = r.parent;
  return r;
}

export function cloneOf(rsc: WRsc): WRsc | undefined {
  let r: WRsc | undefined = rsc.parent;
  while (r !== undefined) {
    if (r.variant === "clone") return r;
    r = r.parent;
  }
  return undefined;
}

/** All primitives under a resource, document order. */
export function primitivesOf(rsc: WRsc): WRsc[] {
  if (rsc.variant === "primitive") return [rsc];
  return rsc.children.flatMap(primitivesOf);
}
