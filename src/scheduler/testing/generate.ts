/**
 * Seeded random CIBs for differential testing against Pacemaker's crm_simulate and for
 * the benchmark. Pure: the same seed gives the same XML text on every machine.
 *
 * Differential CIBs mix primitives, groups, anonymous and globally-unique clones (with
 * clone-max / clone-node-max), cloned groups, location / colocation / order constraints
 * with finite and infinite scores, stickiness (defaults and per resource), priorities,
 * target-role=Stopped, standby and offline nodes, and a status section with probes,
 * running resources, failed monitors with fail counts and migration-threshold. As the
 * corpus README advises, fencing is disabled and every node has a node_state, so
 * Pacemaker 2.1.5 manages every resource.
 */

import { SeededRandom } from "../../core/index.js";

/** The digest Pacemaker computes for an operation of a resource without parameters. */
const EMPTY_PARAMS_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";
const EXECUTION_DATE = 1_700_000_000;
const UUID = "3d7a0f2e-0000-4000-8000-000000000000";

export interface GeneratedNode {
  id: string;
  uname: string;
  state: "online" | "standby" | "offline";
}

interface PrimSpec {
  id: string;
  meta: [string, string][];
  /** Configured with a 10 s monitor whose status records a failure when running. */
  failMonitor?: boolean;
}

type TopSpec =
  | { kind: "primitive"; prim: PrimSpec }
  | { kind: "group"; id: string; meta: [string, string][]; members: PrimSpec[] }
  | { kind: "clone"; id: string; meta: [string, string][]; unique: boolean; child: PrimSpec | { group: string; members: PrimSpec[] } };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function metaXml(id: string, meta: readonly [string, string][], indent: string): string {
  if (meta.length === 0) return "";
  const pairs = meta.map(([n, v]) => `${indent}  <nvpair id="${id}-meta-${n}" name="${n}" value="${esc(v)}"/>`).join("\n");
  return `\n${indent}<meta_attributes id="${id}-meta">\n${pairs}\n${indent}</meta_attributes>`;
}

/** Digest of a 10 s monitor of a resource without parameters (as in the corpus). */
const MONITOR_10S_DIGEST = "4811cef7f7f94e3a35a70be7916cb2fd";

function primitiveXml(p: PrimSpec, indent: string): string {
  let meta = metaXml(p.id, p.meta, indent + "  ");
  if (p.failMonitor === true) {
    meta += `\n${indent}  <operations>\n${indent}    <op id="${p.id}-monitor-10s" name="monitor" interval="10s"/>\n${indent}  </operations>`;
  }
  return meta === ""
    ? `${indent}<primitive id="${p.id}" class="ocf" provider="pacemaker" type="Dummy"/>`
    : `${indent}<primitive id="${p.id}" class="ocf" provider="pacemaker" type="Dummy">${meta}\n${indent}</primitive>`;
}

interface OpSpec {
  rsc: string;
  key: string;
  op: string;
  intervalMs: number;
  rc: number;
  callId: number;
  node: string;
  idSuffix: string;
}

function opXml(o: OpSpec, indent: string): string {
  const tk = `${o.callId}:1:0:${UUID}`;
  return (
    `${indent}<lrm_rsc_op id="${o.rsc}_${o.idSuffix}" operation_key="${o.key}" operation="${o.op}" crm-debug-origin="tandem-generate" ` +
    `crm_feature_set="3.16.1" transition-key="${tk}" transition-magic="0:${o.rc};${tk}" exit-reason="" on_node="${o.node}" ` +
    `call-id="${o.callId}" rc-code="${o.rc}" op-status="0" interval="${o.intervalMs}" last-rc-change="${EXECUTION_DATE - 600 + o.callId}" ` +
    `exec-time="10" queue-time="0" op-digest="${o.intervalMs > 0 ? MONITOR_10S_DIGEST : EMPTY_PARAMS_DIGEST}"/>`
  );
}

const LOCATION_SCORES = ["-INFINITY", "-500", "-10", "0", "10", "100", "500", "INFINITY"];
const COLOCATION_SCORES = ["-INFINITY", "-100", "-10", "10", "100", "INFINITY", "INFINITY"];

/** One random CIB for differential testing. */
export function generateDifferentialCib(seed: number): string {
  const r = new SeededRandom(seed);
  const nodeCount = r.int(2, r.bool(0.15) ? 11 : 5);
  const nodes: GeneratedNode[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    const x = r.next();
    nodes.push({ id: String(i), uname: `node${i}`, state: x < 0.1 ? "offline" : x < 0.2 ? "standby" : "online" });
  }
  if (!nodes.some((n) => n.state === "online")) (nodes[0] as GeneratedNode).state = "online";

  let counter = 0;
  const newPrim = (prefix: string): PrimSpec => {
    counter++;
    const meta: [string, string][] = [];
    if (r.bool(0.15)) meta.push(["resource-stickiness", r.pick(["0", "50", "100", "200", "INFINITY"])]);
    if (r.bool(0.1)) meta.push(["migration-threshold", String(r.int(1, 3))]);
    return { id: `${prefix}${counter}`, meta, failMonitor: r.bool(0.12) };
  };
  const topMeta = (): [string, string][] => {
    const meta: [string, string][] = [];
    if (r.bool(0.2)) meta.push(["priority", String(r.int(1, 10))]);
    if (r.bool(0.05)) meta.push(["target-role", "Stopped"]);
    return meta;
  };

  const tops: TopSpec[] = [];
  const topCount = r.int(1, 8);
  for (let i = 0; i < topCount; i++) {
    const x = r.next();
    if (x < 0.55) {
      const prim = newPrim("rsc");
      prim.meta.push(...topMeta());
      tops.push({ kind: "primitive", prim });
    } else if (x < 0.7) {
      const id = `grp${++counter}`;
      const members = Array.from({ length: r.int(2, 3) }, () => newPrim("member"));
      tops.push({ kind: "group", id, meta: topMeta(), members });
    } else {
      const unique = x >= 0.88;
      const id = `clone${++counter}`;
      const meta = topMeta();
      if (r.bool(0.4)) meta.push(["clone-max", String(r.int(1, nodeCount + 1))]);
      if (unique) {
        meta.push(["globally-unique", "true"]);
        if (r.bool(0.5)) meta.push(["clone-node-max", String(r.int(1, 2))]);
      } else if (r.bool(0.3)) {
        meta.push(["interleave", "true"]);
      }
      const cloneGroup = !unique && r.bool(0.2);
      const child = cloneGroup
        ? { group: `cgrp${++counter}`, members: Array.from({ length: 2 }, () => ({ id: `cmember${++counter}`, meta: [] as [string, string][] })) }
        : { id: `child${++counter}`, meta: [] as [string, string][] };
      tops.push({ kind: "clone", id, meta, unique, child });
    }
  }

  // Constraints between top-level resources.
  const ids = tops.map((t) => (t.kind === "primitive" ? t.prim.id : t.id));
  const constraints: string[] = [];
  const constraintCount = r.int(0, Math.ceil(ids.length * 1.5));
  const pairs = new Set<string>();
  for (let i = 0; i < constraintCount; i++) {
    const x = r.next();
    const a = r.pick(ids);
    if (x < 0.45) {
      const node = r.pick(nodes).uname;
      constraints.push(`      <rsc_location id="loc-${i}" rsc="${a}" node="${node}" score="${r.pick(LOCATION_SCORES)}"/>`);
      continue;
    }
    const b = r.pick(ids);
    if (a === b || pairs.has(`${a} ${b}`) || pairs.has(`${b} ${a}`)) continue;
    pairs.add(`${a} ${b}`);
    if (x < 0.75) {
      constraints.push(`      <rsc_colocation id="col-${i}" rsc="${a}" with-rsc="${b}" score="${r.pick(COLOCATION_SCORES)}"/>`);
    } else {
      const kind = r.pick(["Mandatory", "Mandatory", "Optional", "Serialize"]);
      const sym = kind !== "Serialize" && r.bool(0.2) ? ` symmetrical="false"` : "";
      constraints.push(`      <rsc_order id="ord-${i}" first="${a}" then="${b}" kind="${kind}"${sym}/>`);
    }
  }

  // Status: probes, running instances, failures.
  const live = nodes.filter((n) => n.state !== "offline");
  const lrm = new Map<string, string[]>(nodes.map((n) => [n.uname, []]));
  const transient = new Map<string, string[]>(nodes.map((n) => [n.uname, []]));
  let call = 10;
  const failing = new Set<string>();
  for (const t of tops) {
    const prims = t.kind === "primitive" ? [t.prim] : t.kind === "group" ? t.members : "group" in t.child ? t.child.members : [t.child];
    for (const p of prims) if (p.failMonitor === true) failing.add(p.id);
  }
  const record = (rscId: string, node: string, running: boolean): void => {
    const ops: OpSpec[] = [];
    const base = { rsc: rscId, node };
    if (!running) {
      ops.push({ ...base, key: `${rscId}_monitor_0`, op: "monitor", intervalMs: 0, rc: 7, callId: ++call, idSuffix: "last_0" });
    } else {
      ops.push({ ...base, key: `${rscId}_start_0`, op: "start", intervalMs: 0, rc: 0, callId: ++call, idSuffix: "last_0" });
      if (failing.has(rscId.replace(/:\d+$/, "")) && r.bool(0.7)) {
        const failed = { ...base, key: `${rscId}_monitor_10000`, op: "monitor", intervalMs: 10000, rc: 1, callId: ++call };
        ops.push({ ...failed, idSuffix: "monitor_10000" }, { ...failed, idSuffix: "last_failure_0" });
        const attrs = transient.get(node) ?? [];
        const count = r.pick(["1", "2", "3", "INFINITY"]);
        const attrId = `status-${node}-fail-count-${rscId}`;
        attrs.push(`<nvpair id="${attrId}" name="fail-count-${rscId}#monitor_10000" value="${count}"/>`);
        attrs.push(`<nvpair id="${attrId}-last" name="last-failure-${rscId}#monitor_10000" value="${EXECUTION_DATE - 300}"/>`);
        transient.set(node, attrs);
      }
    }
    const body = ops.map((o) => opXml(o, "            ")).join("\n");
    lrm.get(node)?.push(`          <lrm_resource id="${rscId}" class="ocf" provider="pacemaker" type="Dummy">\n${body}\n          </lrm_resource>`);
  };
  const probeAll = (rscId: string, runningOn: ReadonlySet<string>): void => {
    for (const n of live) {
      if (runningOn.has(n.uname)) record(rscId, n.uname, true);
      else if (r.bool(0.6)) record(rscId, n.uname, false);
    }
  };
  for (const t of tops) {
    if (t.kind === "primitive" || t.kind === "group") {
      const prims = t.kind === "primitive" ? [t.prim] : t.members;
      const where = live.length > 0 && r.bool(0.45) ? r.pick(live).uname : undefined;
      for (const p of prims) probeAll(p.id, new Set(where !== undefined && r.bool(0.9) ? [where] : []));
      continue;
    }
    const prims = "group" in t.child ? t.child.members : [t.child];
    if (!t.unique) {
      const max = Number(t.meta.find(([n]) => n === "clone-max")?.[1] ?? nodeCount);
      const running = new Set(live.filter(() => r.bool(0.4)).slice(0, max).map((n) => n.uname));
      for (const p of prims) probeAll(p.id, running);
    } else {
      const max = Number(t.meta.find(([n]) => n === "clone-max")?.[1] ?? nodeCount);
      for (let i = 0; i < max; i++) {
        const id = `${prims[0]?.id ?? "x"}:${i}`;
        const where = live.length > 0 && r.bool(0.4) ? r.pick(live).uname : undefined;
        probeAll(id, new Set(where !== undefined ? [where] : []));
      }
    }
  }

  const resourcesXml = tops
    .map((t) => {
      switch (t.kind) {
        case "primitive":
          return primitiveXml(t.prim, "      ");
        case "group":
          return `      <group id="${t.id}">${metaXml(t.id, t.meta, "        ")}\n${t.members.map((m) => primitiveXml(m, "        ")).join("\n")}\n      </group>`;
        case "clone": {
          const child =
            "group" in t.child
              ? `        <group id="${t.child.group}">\n${t.child.members.map((m) => primitiveXml(m, "          ")).join("\n")}\n        </group>`
              : primitiveXml(t.child, "        ");
          return `      <clone id="${t.id}">${metaXml(t.id, t.meta, "        ")}\n${child}\n      </clone>`;
        }
      }
    })
    .join("\n");

  const defaults = r.bool(0.3)
    ? `\n    <rsc_defaults>\n      <meta_attributes id="rsc-options">\n        <nvpair id="rsc-options-stickiness" name="resource-stickiness" value="${r.pick(["0", "1", "50", "100"])}"/>\n      </meta_attributes>\n    </rsc_defaults>`
    : "";
  const nodesXml = nodes
    .map((n) =>
      n.state === "standby"
        ? `      <node id="${n.id}" uname="${n.uname}">\n        <instance_attributes id="nodes-${n.id}">\n          <nvpair id="nodes-${n.id}-standby" name="standby" value="on"/>\n        </instance_attributes>\n      </node>`
        : `      <node id="${n.id}" uname="${n.uname}"/>`,
    )
    .join("\n");
  const statusXml = nodes
    .map((n) => {
      if (n.state === "offline") {
        return `    <node_state id="${n.id}" uname="${n.uname}" in_ccm="false" crmd="offline" crm-debug-origin="tandem-generate" join="down" expected="down"/>`;
      }
      const attrs = transient.get(n.uname) ?? [];
      const ta =
        attrs.length > 0
          ? `\n      <transient_attributes id="${n.id}">\n        <instance_attributes id="status-${n.id}">\n${attrs.map((a) => `          ${a}`).join("\n")}\n        </instance_attributes>\n      </transient_attributes>`
          : "";
      const rscs = lrm.get(n.uname) ?? [];
      return (
        `    <node_state id="${n.id}" uname="${n.uname}" in_ccm="true" crmd="online" crm-debug-origin="tandem-generate" join="member" expected="member">${ta}\n` +
        `      <lrm id="${n.id}">\n        <lrm_resources>${rscs.length > 0 ? "\n" + rscs.join("\n") : ""}\n        </lrm_resources>\n      </lrm>\n    </node_state>`
      );
    })
    .join("\n");

  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1" execution-date="${EXECUTION_DATE}">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="opt-no-quorum-policy" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
${nodesXml}
    </nodes>
    <resources>
${resourcesXml}
    </resources>
    <constraints>${constraints.length > 0 ? "\n" + constraints.join("\n") : ""}
    </constraints>${defaults}
  </configuration>
  <status>
${statusXml}
  </status>
</cib>
`;
}
