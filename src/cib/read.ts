/**
 * Builds the typed `CibModel` from a CIB's XML tree. Tolerant, like Pacemaker's unpacking:
 * a missing optional section is empty, unknown elements are ignored here (they stay in
 * the tree). Validation with messages is in validate.ts.
 */

import { parseDurationMs, parseScore, type Score } from "../core/index.js";
import { childElements, firstChild, getAttr, type XmlDocument, type XmlElement } from "../xml/index.js";
import type {
  AttributeSet,
  AttributeSetKind,
  Bundle,
  CibModel,
  Clone,
  ClusterNode,
  ColocationConstraint,
  Constraint,
  DateSpec,
  Group,
  LocationConstraint,
  LrmResource,
  LrmRscOp,
  NodeState,
  Nvpair,
  Operation,
  OrderConstraint,
  OrderKind,
  Primitive,
  Resource,
  ResourceSet,
  Rule,
  RuleCondition,
  Tag,
  Template,
  TicketConstraint,
} from "./model.js";

const TRUE_WORDS = new Set(["true", "on", "yes", "y", "1"]);

/** Pacemaker's boolean parsing (crm_is_true). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_WORDS.has(value.trim().toLowerCase());
}

function optionalBool(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : isTrue(value);
}

function optionalScore(value: string | undefined): Score | undefined {
  if (value === undefined) return undefined;
  const parsed = parseScore(value);
  return parsed.ok ? parsed.score : undefined;
}

function intAttr(el: XmlElement, name: string): number | undefined {
  const v = getAttr(el, name);
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

function rawAttrs(el: XmlElement): Record<string, string> {
  return { ...el.attrs };
}

/** Adds a key only when the value is defined (keeps models free of `undefined` fields). */
function put<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

class Reader {
  private readonly byId = new Map<string, XmlElement>();

  constructor(private readonly root: XmlElement) {
    const configuration = firstChild(root, "configuration");
    if (configuration !== undefined) this.indexIds(configuration);
  }

  private indexIds(el: XmlElement): void {
    for (const child of el.children) {
      if (child.kind !== "element") continue;
      const id = getAttr(child, "id");
      if (id !== undefined && getAttr(child, "id-ref") === undefined && !this.byId.has(id)) this.byId.set(id, child);
      this.indexIds(child);
    }
  }

  /** Follows an element's `id-ref` to the element it names (same tag), else the element. */
  private deref(el: XmlElement): XmlElement {
    const ref = getAttr(el, "id-ref");
    if (ref === undefined) return el;
    const target = this.byId.get(ref);
    return target !== undefined && target.name === el.name ? target : el;
  }

  read(): CibModel {
    const root = this.root;
    const config = firstChild(root, "configuration");
    const section = (name: string): XmlElement | undefined =>
      config === undefined ? undefined : firstChild(config, name);
    const crmConfig = section("crm_config");
    const rscDefaults = section("rsc_defaults");
    const opDefaults = section("op_defaults");
    const nodes = section("nodes");
    const resources = section("resources");
    const constraints = section("constraints");
    const tags = section("tags");
    const status = firstChild(root, "status");
    const templates = resources === undefined ? [] : childElements(resources, "template").map((t) => this.template(t));
    const templateById = new Map(templates.map((t) => [t.id, t]));
    return {
      cib: rawAttrs(root),
      adminEpoch: intAttr(root, "admin_epoch") ?? 0,
      epoch: intAttr(root, "epoch") ?? 0,
      numUpdates: intAttr(root, "num_updates") ?? 0,
      properties: crmConfig === undefined ? [] : this.sets(crmConfig, "cluster_property_set"),
      rscDefaults: rscDefaults === undefined ? [] : this.sets(rscDefaults, "meta_attributes"),
      opDefaults: opDefaults === undefined ? [] : this.sets(opDefaults, "meta_attributes"),
      nodes: nodes === undefined ? [] : childElements(nodes, "node").map((n) => this.node(n)),
      resources:
        resources === undefined
          ? []
          : childElements(resources, "primitive", "group", "clone", "master", "bundle").map((r) =>
              this.resource(r, templateById),
            ),
      templates,
      constraints: constraints === undefined ? [] : this.constraints(constraints),
      tags:
        tags === undefined
          ? []
          : childElements(tags, "tag").map(
              (t): Tag => ({
                id: getAttr(t, "id") ?? "",
                refs: childElements(t, "obj_ref").map((r) => getAttr(r, "id") ?? ""),
              }),
            ),
      status: status === undefined ? [] : childElements(status, "node_state").map((s) => this.nodeState(s)),
    };
  }

  // ---- attribute sets and rules ----

  sets(parent: XmlElement, kind: AttributeSetKind): AttributeSet[] {
    return childElements(parent, kind).map((el) => this.attributeSet(el, kind));
  }

  private attributeSet(el: XmlElement, kind: AttributeSetKind): AttributeSet {
    const target = this.deref(el);
    const set: AttributeSet = { kind, id: getAttr(el, "id") ?? getAttr(el, "id-ref") ?? "", nvpairs: [] };
    put(set, "idRef", getAttr(el, "id-ref"));
    put(set, "score", optionalScore(getAttr(target, "score")));
    const ruleEl = firstChild(target, "rule");
    if (ruleEl !== undefined) set.rule = this.rule(ruleEl);
    for (const nv of childElements(target, "nvpair")) {
      const resolved = this.deref(nv);
      const pair: Nvpair = { id: getAttr(nv, "id") ?? getAttr(nv, "id-ref") ?? "", name: getAttr(resolved, "name") ?? "" };
      put(pair, "value", getAttr(resolved, "value"));
      set.nvpairs.push(pair);
    }
    return set;
  }

  rule(el: XmlElement): Rule {
    const target = this.deref(el);
    const op = (getAttr(target, "boolean-op") ?? "and").toLowerCase();
    const rule: Rule = {
      id: getAttr(el, "id") ?? getAttr(el, "id-ref") ?? "",
      booleanOp: op === "or" ? "or" : "and",
      conditions: [],
    };
    put(rule, "idRef", getAttr(el, "id-ref"));
    put(rule, "score", optionalScore(getAttr(target, "score")));
    put(rule, "scoreAttribute", getAttr(target, "score-attribute"));
    put(rule, "role", getAttr(target, "role"));
    for (const child of childElements(target)) {
      const condition = this.condition(child);
      if (condition !== undefined) rule.conditions.push(condition);
    }
    return rule;
  }

  private condition(el: XmlElement): RuleCondition | undefined {
    const id = getAttr(el, "id") ?? "";
    switch (el.name) {
      case "rule":
        return { kind: "rule", rule: this.rule(el) };
      case "expression": {
        const c: RuleCondition = {
          kind: "expression",
          id,
          attribute: getAttr(el, "attribute") ?? "",
          operation: getAttr(el, "operation") ?? "",
        };
        put(c, "value", getAttr(el, "value"));
        put(c, "type", getAttr(el, "type"));
        put(c, "valueSource", getAttr(el, "value-source"));
        return c;
      }
      case "date_expression": {
        const c: RuleCondition = { kind: "date_expression", id, operation: getAttr(el, "operation") ?? "in_range" };
        put(c, "start", getAttr(el, "start"));
        put(c, "end", getAttr(el, "end"));
        const duration = firstChild(el, "duration");
        if (duration !== undefined) c.duration = this.dateSpec(duration);
        const spec = firstChild(el, "date_spec");
        if (spec !== undefined) c.dateSpec = this.dateSpec(spec);
        return c;
      }
      case "rsc_expression": {
        const c: RuleCondition = { kind: "rsc_expression", id };
        put(c, "class", getAttr(el, "class"));
        put(c, "provider", getAttr(el, "provider"));
        put(c, "type", getAttr(el, "type"));
        return c;
      }
      case "op_expression": {
        const c: RuleCondition = { kind: "op_expression", id, name: getAttr(el, "name") ?? "" };
        put(c, "interval", getAttr(el, "interval"));
        return c;
      }
      default:
        return undefined;
    }
  }

  private dateSpec(el: XmlElement): DateSpec {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(el.attrs)) if (k !== "id") fields[k] = v;
    return { id: getAttr(el, "id") ?? "", fields };
  }

  // ---- nodes ----

  private node(el: XmlElement): ClusterNode {
    const node: ClusterNode = {
      id: getAttr(el, "id") ?? "",
      uname: getAttr(el, "uname") ?? getAttr(el, "id") ?? "",
      type: getAttr(el, "type") ?? "member",
      attributes: this.sets(el, "instance_attributes"),
      utilization: this.sets(el, "utilization"),
      raw: rawAttrs(el),
    };
    put(node, "score", optionalScore(getAttr(el, "score")));
    return node;
  }

  // ---- resources ----

  private operations(parent: XmlElement): Operation[] {
    const ops = firstChild(parent, "operations");
    if (ops === undefined) return [];
    return childElements(this.deref(ops), "op").map((op) => this.operation(op));
  }

  private operation(el: XmlElement): Operation {
    const interval = getAttr(el, "interval") ?? "0";
    const op: Operation = {
      id: getAttr(el, "id") ?? "",
      name: getAttr(el, "name") ?? "",
      interval,
      intervalMs: parseDurationMs(interval) ?? 0,
      enabled: getAttr(el, "enabled") === undefined ? true : isTrue(getAttr(el, "enabled")),
      meta: this.sets(el, "meta_attributes"),
      instance: this.sets(el, "instance_attributes"),
      raw: rawAttrs(el),
    };
    put(op, "role", getAttr(el, "role"));
    put(op, "timeout", getAttr(el, "timeout"));
    put(op, "onFail", getAttr(el, "on-fail"));
    put(op, "startDelay", getAttr(el, "start-delay"));
    put(op, "intervalOrigin", getAttr(el, "interval-origin"));
    put(op, "recordPending", getAttr(el, "record-pending"));
    put(op, "description", getAttr(el, "description"));
    return op;
  }

  private template(el: XmlElement): Template {
    const t: Template = {
      id: getAttr(el, "id") ?? "",
      class: getAttr(el, "class") ?? "",
      type: getAttr(el, "type") ?? "",
      meta: this.sets(el, "meta_attributes"),
      instance: this.sets(el, "instance_attributes"),
      utilization: this.sets(el, "utilization"),
      operations: this.operations(el),
    };
    put(t, "provider", getAttr(el, "provider"));
    return t;
  }

  private primitive(el: XmlElement, templates: ReadonlyMap<string, Template>): Primitive {
    const templateId = getAttr(el, "template");
    const template = templateId === undefined ? undefined : templates.get(templateId);
    const ownOps = this.operations(el);
    // A template's operation applies unless the primitive defines the same name+interval+role.
    const key = (o: Operation): string => `${o.name}:${o.intervalMs}:${o.role ?? ""}`;
    const ownKeys = new Set(ownOps.map(key));
    const inheritedOps = template === undefined ? [] : template.operations.filter((o) => !ownKeys.has(key(o)));
    const p: Primitive = {
      kind: "primitive",
      id: getAttr(el, "id") ?? "",
      class: getAttr(el, "class") ?? template?.class ?? "",
      type: getAttr(el, "type") ?? template?.type ?? "",
      // Own blocks first; the template's blocks follow so own values take precedence.
      meta: [...this.sets(el, "meta_attributes"), ...(template?.meta ?? [])],
      instance: [...this.sets(el, "instance_attributes"), ...(template?.instance ?? [])],
      utilization: [...this.sets(el, "utilization"), ...(template?.utilization ?? [])],
      operations: [...ownOps, ...inheritedOps],
      raw: rawAttrs(el),
    };
    put(p, "provider", getAttr(el, "provider") ?? template?.provider);
    put(p, "template", templateId);
    put(p, "description", getAttr(el, "description"));
    return p;
  }

  private resource(el: XmlElement, templates: ReadonlyMap<string, Template>): Resource {
    const id = getAttr(el, "id") ?? "";
    const meta = this.sets(el, "meta_attributes");
    switch (el.name) {
      case "primitive":
        return this.primitive(el, templates);
      case "group": {
        const g: Group = {
          kind: "group",
          id,
          meta,
          children: childElements(el, "primitive").map((p) => this.primitive(p, templates)),
          raw: rawAttrs(el),
        };
        put(g, "description", getAttr(el, "description"));
        return g;
      }
      case "clone":
      case "master": {
        const childEl = childElements(el, "primitive", "group")[0];
        const child =
          childEl === undefined
            ? undefined
            : (this.resource(childEl, templates) as Primitive | Group);
        const promotableMeta = meta.some((s) => s.rule === undefined && s.nvpairs.some((nv) => nv.name === "promotable" && isTrue(nv.value)));
        const c: Clone = {
          kind: "clone",
          id,
          element: el.name,
          promotable: el.name === "master" || promotableMeta,
          meta,
          // A clone without a child is invalid; give it an empty group so consumers need no checks.
          child: child ?? { kind: "group", id: `${id}-empty`, meta: [], children: [], raw: {} },
          raw: rawAttrs(el),
        };
        put(c, "description", getAttr(el, "description"));
        return c;
      }
      default: {
        const prim = firstChild(el, "primitive");
        const b: Bundle = { kind: "bundle", id, meta, raw: rawAttrs(el) };
        if (prim !== undefined) b.primitive = this.primitive(prim, templates);
        return b;
      }
    }
  }

  // ---- constraints ----

  private resourceSets(el: XmlElement): ResourceSet[] {
    return childElements(el, "resource_set").map((raw) => {
      const s = this.deref(raw);
      const set: ResourceSet = {
        id: getAttr(raw, "id") ?? getAttr(raw, "id-ref") ?? "",
        resources: childElements(s, "resource_ref").map((r) => getAttr(r, "id") ?? ""),
      };
      put(set, "idRef", getAttr(raw, "id-ref"));
      put(set, "sequential", optionalBool(getAttr(s, "sequential")));
      put(set, "requireAll", optionalBool(getAttr(s, "require-all")));
      put(set, "ordering", getAttr(s, "ordering"));
      put(set, "action", getAttr(s, "action"));
      put(set, "role", getAttr(s, "role"));
      put(set, "score", optionalScore(getAttr(s, "score")));
      put(set, "kind", getAttr(s, "kind"));
      return set;
    });
  }

  private constraints(parent: XmlElement): Constraint[] {
    const out: Constraint[] = [];
    for (const el of childElements(parent)) {
      const id = getAttr(el, "id") ?? "";
      const a = (name: string): string | undefined => getAttr(el, name);
      switch (el.name) {
        case "rsc_location": {
          const c: LocationConstraint = {
            kind: "location",
            id,
            sets: this.resourceSets(el),
            rules: childElements(el, "rule").map((r) => this.rule(r)),
            raw: rawAttrs(el),
          };
          put(c, "rsc", a("rsc"));
          put(c, "rscPattern", a("rsc-pattern"));
          put(c, "node", a("node"));
          put(c, "score", optionalScore(a("score")));
          put(c, "role", a("role"));
          put(c, "resourceDiscovery", a("resource-discovery"));
          out.push(c);
          break;
        }
        case "rsc_colocation": {
          const c: ColocationConstraint = {
            kind: "colocation",
            id,
            score: optionalScore(a("score")) ?? 0,
            sets: this.resourceSets(el),
            raw: rawAttrs(el),
          };
          put(c, "rsc", a("rsc"));
          put(c, "withRsc", a("with-rsc"));
          put(c, "rscRole", a("rsc-role"));
          put(c, "withRscRole", a("with-rsc-role"));
          put(c, "rscInstance", a("rsc-instance"));
          put(c, "withRscInstance", a("with-rsc-instance"));
          put(c, "scoreText", a("score"));
          put(c, "nodeAttribute", a("node-attribute"));
          put(c, "influence", optionalBool(a("influence")));
          out.push(c);
          break;
        }
        case "rsc_order": {
          const score = optionalScore(a("score"));
          const kindText = a("kind");
          const orderKind: OrderKind =
            kindText === "Optional" || kindText === "Serialize" || kindText === "Mandatory"
              ? kindText
              : score === 0
                ? "Optional"
                : "Mandatory";
          const c: OrderConstraint = {
            kind: "order",
            id,
            orderKind,
            kindExplicit: kindText !== undefined,
            sets: this.resourceSets(el),
            raw: rawAttrs(el),
          };
          put(c, "first", a("first"));
          put(c, "then", a("then"));
          put(c, "firstAction", a("first-action"));
          put(c, "thenAction", a("then-action"));
          put(c, "firstInstance", a("first-instance"));
          put(c, "thenInstance", a("then-instance"));
          put(c, "score", score);
          put(c, "symmetrical", optionalBool(a("symmetrical")));
          put(c, "requireAll", optionalBool(a("require-all")));
          out.push(c);
          break;
        }
        case "rsc_ticket": {
          const c: TicketConstraint = {
            kind: "ticket",
            id,
            ticket: a("ticket") ?? "",
            sets: this.resourceSets(el),
            raw: rawAttrs(el),
          };
          put(c, "rsc", a("rsc"));
          put(c, "rscRole", a("rsc-role"));
          put(c, "lossPolicy", a("loss-policy"));
          out.push(c);
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  // ---- status ----

  private nodeState(el: XmlElement): NodeState {
    const transient = firstChild(el, "transient_attributes");
    const lrm = firstChild(el, "lrm");
    const lrmResources = lrm === undefined ? undefined : firstChild(lrm, "lrm_resources");
    const state: NodeState = {
      id: getAttr(el, "id") ?? "",
      transient: transient === undefined ? [] : this.sets(transient, "instance_attributes"),
      lrm: lrmResources === undefined ? [] : childElements(lrmResources, "lrm_resource").map((r) => this.lrmResource(r)),
      raw: rawAttrs(el),
    };
    put(state, "uname", getAttr(el, "uname"));
    put(state, "inCcm", getAttr(el, "in_ccm"));
    put(state, "crmd", getAttr(el, "crmd"));
    put(state, "join", getAttr(el, "join"));
    put(state, "expected", getAttr(el, "expected"));
    put(state, "shutdown", getAttr(el, "shutdown"));
    return state;
  }

  private lrmResource(el: XmlElement): LrmResource {
    const r: LrmResource = {
      id: getAttr(el, "id") ?? "",
      ops: childElements(el, "lrm_rsc_op").map((op) => lrmRscOp(op)),
    };
    put(r, "class", getAttr(el, "class"));
    put(r, "provider", getAttr(el, "provider"));
    put(r, "type", getAttr(el, "type"));
    put(r, "container", getAttr(el, "container"));
    return r;
  }
}

function lrmRscOp(el: XmlElement): LrmRscOp {
  const a = (name: string): string | undefined => getAttr(el, name);
  const op: LrmRscOp = {
    id: a("id") ?? "",
    operation: a("operation") ?? "",
    intervalMs: intAttr(el, "interval") ?? 0,
    callId: intAttr(el, "call-id") ?? -1,
    rcCode: intAttr(el, "rc-code") ?? 0,
    opStatus: intAttr(el, "op-status") ?? 0,
    raw: rawAttrs(el),
  };
  put(op, "operationKey", a("operation_key"));
  put(op, "lastRun", intAttr(el, "last-run"));
  put(op, "lastRcChange", intAttr(el, "last-rc-change"));
  put(op, "execTime", intAttr(el, "exec-time"));
  put(op, "queueTime", intAttr(el, "queue-time"));
  put(op, "transitionKey", a("transition-key"));
  put(op, "transitionMagic", a("transition-magic"));
  put(op, "opDigest", a("op-digest"));
  put(op, "opRestartDigest", a("op-restart-digest"));
  put(op, "opForceRestart", a("op-force-restart"));
  put(op, "opSecureDigest", a("op-secure-digest"));
  put(op, "opSecureParams", a("op-secure-params"));
  put(op, "exitReason", a("exit-reason"));
  put(op, "onNode", a("on_node"));
  put(op, "migrateSource", a("migrate_source"));
  put(op, "migrateTarget", a("migrate_target"));
  return op;
}

/** The typed model of a CIB document. Pure; never throws on unexpected content. */
export function readCib(doc: XmlDocument): CibModel {
  return new Reader(doc.root).read();
}
