/**
 * Benchmark CIBs: N nodes × P primitives (ocf:pacemaker:Dummy), one constraint per
 * resource (mostly a location preference, some colocations and orders with the previous
 * resource) and a full probe history in the status section (every resource probed on
 * every node; about half of them running on one node). Pure and seeded.
 */

import { SeededRandom } from "../../core/index.js";

const DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";
const EXECUTION_DATE = 1_700_000_000;
const UUID = "3d7a0f2e-0000-4000-8000-000000000000";

export function generateBenchCib(nodeCount: number, primitiveCount: number, seed = 1): string {
  const r = new SeededRandom(seed);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node${i + 1}`);
  const out: string[] = [];
  out.push(
    `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1" execution-date="${EXECUTION_DATE}">`,
    "  <configuration>",
    "    <crm_config>",
    '      <cluster_property_set id="cib-bootstrap-options">',
    '        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>',
    '        <nvpair id="opt-no-quorum-policy" name="no-quorum-policy" value="ignore"/>',
    "      </cluster_property_set>",
    "    </crm_config>",
    "    <nodes>",
  );
  nodes.forEach((n, i) => out.push(`      <node id="${i + 1}" uname="${n}"/>`));
  out.push("    </nodes>", "    <resources>");
  for (let p = 1; p <= primitiveCount; p++) out.push(`      <primitive id="rsc${p}" class="ocf" provider="pacemaker" type="Dummy"/>`);
  out.push("    </resources>", "    <constraints>");
  const scores = ["-INFINITY", "-100", "50", "100", "200", "INFINITY"];
  for (let p = 1; p <= primitiveCount; p++) {
    const x = r.next();
    if (x < 0.7 || p === 1) {
      out.push(`      <rsc_location id="loc-rsc${p}" rsc="rsc${p}" node="${r.pick(nodes)}" score="${r.pick(scores)}"/>`);
    } else if (x < 0.85) {
      out.push(`      <rsc_colocation id="col-rsc${p}" rsc="rsc${p}" with-rsc="rsc${p - 1}" score="${r.pick(["-100", "100", "INFINITY"])}"/>`);
    } else {
      out.push(`      <rsc_order id="ord-rsc${p}" first="rsc${p - 1}" then="rsc${p}" kind="${r.pick(["Mandatory", "Optional"])}"/>`);
    }
  }
  out.push("    </constraints>", "  </configuration>", "  <status>");
  const runningOn = Array.from({ length: primitiveCount }, () => (r.bool(0.5) ? r.int(0, nodeCount - 1) : -1));
  nodes.forEach((n, i) => {
    out.push(
      `    <node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" crm-debug-origin="tandem-bench" join="member" expected="member">`,
      `      <lrm id="${i + 1}">`,
      "        <lrm_resources>",
    );
    for (let p = 1; p <= primitiveCount; p++) {
      const running = runningOn[p - 1] === i;
      const op = running ? "start" : "monitor";
      const rc = running ? 0 : 7;
      const call = p + 1;
      const tk = `${call}:1:0:${UUID}`;
      out.push(
        `          <lrm_resource id="rsc${p}" class="ocf" provider="pacemaker" type="Dummy">`,
        `            <lrm_rsc_op id="rsc${p}_last_0" operation_key="rsc${p}_${op}_0" operation="${op}" crm-debug-origin="tandem-bench" crm_feature_set="3.16.1" transition-key="${tk}" transition-magic="0:${rc};${tk}" exit-reason="" on_node="${n}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" last-rc-change="${EXECUTION_DATE - 600}" exec-time="10" queue-time="0" op-digest="${DIGEST}"/>`,
        "          </lrm_resource>",
      );
    }
    out.push("        </lrm_resources>", "      </lrm>", "    </node_state>");
  });
  out.push("  </status>", "</cib>", "");
  return out.join("\n");
}
