/**
 * Builds the CIB the scheduler reads: the stored configuration plus a status section made
 * from live facts (membership, failure detector, what each node reported). Pure: the
 * caller passes one consistent snapshot (all of it read at ONE store revision), so the
 * scheduler never sees a CIB from one moment and a status from another.
 *
 * Why offline nodes get no lrm history: a node leaves the online set only when its lease
 * is gone or the failure detector declared it dead; a node that cannot renew its lease
 * stops its resources before the lease can expire (self-fencing, DESIGN.md), and a node
 * that rejoins clears its own history and is probed again. So a clean offline node runs
 * nothing, as Pacemaker assumes of a node that left cleanly.
 */

import { emptyCib, parseCib, statusSection, type CibDocument } from "../cib/index.js";
import { childElements, element, firstChild, getAttr, setAttr, type XmlElement } from "../xml/index.js";
import type { OpRecord } from "../executor/index.js";

/** What one node reported: its op history (lrm_rsc_op-like records) and node attributes. */
export interface NodeReport {
  readonly ops: readonly OpRecord[];
  readonly attrs: Readonly<Record<string, string>>;
}

export interface LiveFacts {
  /** The stored configuration XML; undefined before `cluster setup` wrote one. */
  readonly cibText: string | undefined;
  /** Node names that are members and not declared dead by the failure detector. */
  readonly online: ReadonlySet<string>;
  readonly reports: ReadonlyMap<string, NodeReport>;
  /** The DC's node name, if one is elected. */
  readonly dc: string | undefined;
  /** Whether the store answered with quorum (a snapshot read succeeded). */
  readonly quorum: boolean;
}

/** "ocf:heartbeat:Dummy" → class/provider/type as lrm_resource carries them. */
export function splitAgent(agent: string): { class: string; provider?: string; type: string } {
  const parts = agent.split(":");
  if (parts.length >= 3 && parts[0] === "ocf") return { class: "ocf", provider: parts[1] ?? "", type: parts.slice(2).join(":") };
  if (parts.length >= 2) return { class: parts[0] ?? "", type: parts.slice(1).join(":") };
  return { class: "ocf", type: agent };
}

/** The configured cluster nodes (`<node>` under `<nodes>`): id and uname. */
export function configuredNodes(doc: CibDocument): { id: string; uname: string }[] {
  const config = firstChild(doc.root, "configuration");
  const nodes = config === undefined ? undefined : firstChild(config, "nodes");
  if (nodes === undefined) return [];
  return childElements(nodes, "node").map((n) => {
    const uname = getAttr(n, "uname") ?? getAttr(n, "id") ?? "";
    return { id: getAttr(n, "id") ?? uname, uname };
  });
}

function opElement(op: OpRecord): XmlElement {
  const key = op.transitionKey;
  return element("lrm_rsc_op", {
    id: op.id,
    operation_key: op.operationKey,
    operation: op.operation,
    "transition-key": key,
    "transition-magic": key === undefined ? undefined : `${op.opStatus}:${op.rcCode};${key}`,
    "exit-reason": op.exitReason,
    on_node: op.onNode,
    "call-id": String(op.callId),
    "rc-code": String(op.rcCode),
    "op-status": String(op.opStatus),
    interval: String(op.intervalMs),
    "last-rc-change": String(op.lastRcChange),
    "last-run": String(op.lastRun),
    "exec-time": String(op.execTime),
    "queue-time": String(op.queueTime),
    "op-digest": op.opDigest,
  });
}

function lrmElement(ops: readonly OpRecord[]): XmlElement {
  const byResource = new Map<string, OpRecord[]>();
  for (const op of ops) {
    const list = byResource.get(op.resourceId) ?? [];
    list.push(op);
    byResource.set(op.resourceId, list);
  }
  const resources = [...byResource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, list]) => {
      const agent = splitAgent(list[0]?.agent ?? "");
      const sorted = [...list].sort((a, b) => a.callId - b.callId);
      return element("lrm_resource", { id, type: agent.type, class: agent.class, provider: agent.provider }, sorted.map(opElement));
    });
  return element("lrm", {}, [element("lrm_resources", {}, resources)]);
}

/**
 * The CIB with a fresh status section. `have-quorum` and `dc-uuid` are set from the facts;
 * the configuration is left exactly as stored.
 */
export function buildLiveCib(facts: LiveFacts): CibDocument {
  const doc = facts.cibText === undefined ? emptyCib() : parseCib(facts.cibText);
  const nodes = configuredNodes(doc);
  setAttr(doc.root, "have-quorum", facts.quorum ? "1" : "0");
  const dcNode = nodes.find((n) => n.uname === facts.dc);
  if (dcNode !== undefined) setAttr(doc.root, "dc-uuid", dcNode.id);
  const status = statusSection(doc);
  status.children = [];
  for (const node of nodes) {
    const online = facts.online.has(node.uname);
    const report = facts.reports.get(node.uname);
    const state = element("node_state", {
      id: node.id,
      uname: node.uname,
      in_ccm: online ? "true" : "false",
      crmd: online ? "online" : "offline",
      join: online ? "member" : "down",
      expected: online ? "member" : "down",
    });
    if (online && report !== undefined) {
      const attrs = Object.entries(report.attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (attrs.length > 0) {
        const nvpairs = attrs.map(([name, value]) => element("nvpair", { id: `status-${node.id}-${name}`, name, value }));
        state.children.push(element("transient_attributes", { id: node.id }, [element("instance_attributes", { id: `status-${node.id}` }, nvpairs)]));
      }
      state.children.push(lrmElement(report.ops));
    }
    status.children.push(state);
  }
  return doc;
}
