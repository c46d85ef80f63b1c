/**
 * The typed view of a CIB. `readCib` builds it from the XML tree (the source of truth,
 * see cib/README.md); nothing here is ever written back. Attribute sets keep their rules
 * and scores unevaluated: which value applies depends on the node and the time, so the
 * scheduler evaluates them (cib/attributes.ts has the evaluator).
 *
 * Field names follow Pacemaker's XML names in camelCase; `raw` keeps every XML attribute
 * of an object for the rare consumer that needs one Tandem does not model.
 */

import type { Score } from "../core/index.js";

export type Role = "Stopped" | "Started" | "Unpromoted" | "Promoted";

export interface Nvpair {
  id: string;
  name: string;
  /** Absent for an nvpair that only names an attribute (rare; Pacemaker treats it as unset). */
  value?: string;
}

export type AttributeSetKind =
  | "instance_attributes"
  | "meta_attributes"
  | "utilization"
  | "cluster_property_set";

/** An attribute block with its optional rule and precedence score. id-refs are resolved. */
export interface AttributeSet {
  kind: AttributeSetKind;
  id: string;
  /** Set when this block was an `id-ref` to another block (its content is copied in). */
  idRef?: string;
  /** Higher scores win when several blocks set the same name (Pacemaker's precedence). */
  score?: Score;
  rule?: Rule;
  nvpairs: Nvpair[];
}

export type ExpressionOperation = "lt" | "gt" | "lte" | "gte" | "eq" | "ne" | "defined" | "not_defined";
export type ExpressionType = "string" | "integer" | "number" | "version";

export interface DateSpec {
  id: string;
  /** Range fields as written (e.g. hours="9-16", weekdays="1-5", years="2005"). */
  fields: Record<string, string>;
}

export type RuleCondition =
  | {
      kind: "expression";
      id: string;
      attribute: string;
      /** An ExpressionOperation when valid; kept as written so validation can report it. */
      operation: string;
      value?: string;
      /** An ExpressionType when valid. */
      type?: string;
      /** literal (default), param or meta. */
      valueSource?: string;
    }
  | {
      kind: "date_expression";
      id: string;
      /** in_range (default), gt, lt or date_spec. */
      operation: string;
      start?: string;
      end?: string;
      /** A duration for in_range with a start and no end. */
      duration?: DateSpec;
      dateSpec?: DateSpec;
    }
  | { kind: "rsc_expression"; id: string; class?: string; provider?: string; type?: string }
  | { kind: "op_expression"; id: string; name: string; interval?: string }
  | { kind: "rule"; rule: Rule };

export interface Rule {
  id: string;
  idRef?: string;
  booleanOp: "and" | "or";
  score?: Score;
  scoreAttribute?: string;
  role?: string;
  conditions: RuleCondition[];
}

export interface Operation {
  id: string;
  name: string;
  /** The interval as written ("30s", "0", "P1D"…) and in milliseconds (0 when not recurring). */
  interval: string;
  intervalMs: number;
  role?: string;
  timeout?: string;
  onFail?: string;
  /** `enabled="false"` disables a recurring monitor. */
  enabled: boolean;
  startDelay?: string;
  intervalOrigin?: string;
  recordPending?: string;
  description?: string;
  meta: AttributeSet[];
  instance: AttributeSet[];
  raw: Record<string, string>;
}

interface ResourceCommon {
  id: string;
  description?: string;
  meta: AttributeSet[];
  raw: Record<string, string>;
}

export interface Primitive extends ResourceCommon {
  kind: "primitive";
  /** Resolved agent: from the primitive, else from its template. */
  class: string;
  provider?: string;
  type: string;
  template?: string;
  instance: AttributeSet[];
  utilization: AttributeSet[];
  /** Own operations followed by the template's ones that the primitive does not override. */
  operations: Operation[];
}

export interface Group extends ResourceCommon {
  kind: "group";
  children: Primitive[];
}

export interface Clone extends ResourceCommon {
  kind: "clone";
  /** `clone`, or the legacy `master` element (always promotable). */
  element: "clone" | "master";
  /** True for `master` and for `promotable=true` in the clone's own meta attributes. */
  promotable: boolean;
  child: Primitive | Group;
}

/** Bundles are kept but not modelled beyond their id (outside Tandem's scheduler tiers). */
export interface Bundle extends ResourceCommon {
  kind: "bundle";
  primitive?: Primitive;
}

export type Resource = Primitive | Group | Clone | Bundle;

export interface Template {
  id: string;
  class: string;
  provider?: string;
  type: string;
  meta: AttributeSet[];
  instance: AttributeSet[];
  utilization: AttributeSet[];
  operations: Operation[];
}

export interface ResourceSet {
  id: string;
  idRef?: string;
  sequential?: boolean;
  requireAll?: boolean;
  ordering?: string;
  action?: string;
  role?: string;
  score?: Score;
  kind?: string;
  resources: string[];
}

export interface LocationConstraint {
  kind: "location";
  id: string;
  rsc?: string;
  rscPattern?: string;
  sets: ResourceSet[];
  node?: string;
  score?: Score;
  role?: string;
  resourceDiscovery?: string;
  rules: Rule[];
  raw: Record<string, string>;
}

export interface ColocationConstraint {
  kind: "colocation";
  id: string;
  rsc?: string;
  withRsc?: string;
  rscRole?: string;
  withRscRole?: string;
  rscInstance?: string;
  withRscInstance?: string;
  score: Score;
  /** The raw score text, for listings ("INFINITY", "-100", …). */
  scoreText?: string;
  nodeAttribute?: string;
  influence?: boolean;
  sets: ResourceSet[];
  raw: Record<string, string>;
}

export type OrderKind = "Mandatory" | "Optional" | "Serialize";

export interface OrderConstraint {
  kind: "order";
  id: string;
  first?: string;
  then?: string;
  firstAction?: string;
  thenAction?: string;
  firstInstance?: string;
  thenInstance?: string;
  /** Explicit kind, or derived from the deprecated score (0 → Optional, else Mandatory). */
  orderKind: OrderKind;
  /** Whether kind was written explicitly. */
  kindExplicit: boolean;
  score?: Score;
  symmetrical?: boolean;
  requireAll?: boolean;
  sets: ResourceSet[];
  raw: Record<string, string>;
}

export interface TicketConstraint {
  kind: "ticket";
  id: string;
  ticket: string;
  rsc?: string;
  rscRole?: string;
  lossPolicy?: string;
  sets: ResourceSet[];
  raw: Record<string, string>;
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint;

export interface ClusterNode {
  id: string;
  uname: string;
  /** member (default), remote, ping. */
  type: string;
  score?: Score;
  attributes: AttributeSet[];
  utilization: AttributeSet[];
  raw: Record<string, string>;
}

export interface Tag {
  id: string;
  refs: string[];
}

export interface LrmRscOp {
  id: string;
  operation: string;
  operationKey?: string;
  intervalMs: number;
  callId: number;
  rcCode: number;
  opStatus: number;
  lastRun?: number;
  lastRcChange?: number;
  execTime?: number;
  queueTime?: number;
  transitionKey?: string;
  transitionMagic?: string;
  opDigest?: string;
  opRestartDigest?: string;
  opForceRestart?: string;
  opSecureDigest?: string;
  opSecureParams?: string;
  exitReason?: string;
  onNode?: string;
  migrateSource?: string;
  migrateTarget?: string;
  raw: Record<string, string>;
}

export interface LrmResource {
  id: string;
  class?: string;
  provider?: string;
  type?: string;
  container?: string;
  ops: LrmRscOp[];
}

export interface NodeState {
  id: string;
  uname?: string;
  /** `in_ccm`: "true"/"false" in old CIBs, a timestamp (membership since) in new ones. */
  inCcm?: string;
  /** `crmd`: "online"/"offline" in old CIBs, a timestamp in new ones. */
  crmd?: string;
  join?: string;
  expected?: string;
  shutdown?: string;
  transient: AttributeSet[];
  lrm: LrmResource[];
  raw: Record<string, string>;
}

export interface CibModel {
  /** Attributes of the `<cib>` element (epoch, admin_epoch, num_updates, have-quorum, dc-uuid, …). */
  cib: Record<string, string>;
  adminEpoch: number;
  epoch: number;
  numUpdates: number;
  properties: AttributeSet[];
  rscDefaults: AttributeSet[];
  opDefaults: AttributeSet[];
  nodes: ClusterNode[];
  /** Top-level resources in document order. */
  resources: Resource[];
  templates: Template[];
  constraints: Constraint[];
  tags: Tag[];
  status: NodeState[];
}
