/**
 * Tandem's built-in `ocf:heartbeat:IPaddr2`: the same parameters and exit codes as the real
 * script, for hosts where resource-agents is not installed and for cloned (shared cluster)
 * IPs, which the real script builds on the iptables CLUSTERIP target that Linux 6.3 removed.
 * The executor calls `runIpaddr2(action, env)`; ipaddr2-main.ts makes it a script.
 */

import { existsSync } from "node:fs";
import { OCF_ERR_UNIMPLEMENTED, OCF_SUCCESS, type AgentResult } from "./ocf.js";
import { monitorVip, parseVipParams, startVip, stopVip } from "./vip.js";

export const REAL_IPADDR2 = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2";

/** OCF_RESKEY_<name> variables as the agent's parameters, keyed by <name>. */
export function ocfParams(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith("OCF_RESKEY_") && value !== undefined) params[key.slice("OCF_RESKEY_".length)] = value;
  }
  return params;
}

/**
 * Which IPaddr2 to run: the real script when it is installed (it is the reference), except
 * for a cloned IP (clone-max > 1), which needs the nftables cluster IP.
 */
export function chooseIpaddr2(env: Readonly<Record<string, string | undefined>>, realInstalled = existsSync(REAL_IPADDR2)): "real" | "builtin" {
  const cloneMax = Number.parseInt(env["OCF_RESKEY_CRM_meta_clone_max"] ?? "1", 10);
  if (Number.isFinite(cloneMax) && cloneMax > 1) return "builtin";
  return realInstalled ? "real" : "builtin";
}

export async function runIpaddr2(action: string, env: Readonly<Record<string, string | undefined>>): Promise<AgentResult & { stdout?: string }> {
  if (action === "meta-data") return { rc: OCF_SUCCESS, message: "meta-data", stdout: IPADDR2_METADATA };
  const parsed = parseVipParams(ocfParams(env));
  if (!parsed.ok) return parsed.result;
  switch (action) {
    case "start":
      return startVip(parsed.params);
    case "stop":
      return stopVip(parsed.params);
    case "monitor":
    case "status":
      return monitorVip(parsed.params);
    case "validate-all":
      return { rc: OCF_SUCCESS, message: "parameters are valid" };
    default:
      return { rc: OCF_ERR_UNIMPLEMENTED, message: `action '${action}' is not implemented` };
  }
}

export const IPADDR2_METADATA = `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="IPaddr2" version="tandem-1">
<version>1.0</version>
<longdesc lang="en">
Manages a virtual IPv4 address (Tandem's built-in IPaddr2). Added to the interface on its
subnet and announced with gratuitous ARP. Cloned with clone-max greater than 1 it becomes a
shared cluster IP: every node holds it behind one multicast MAC and answers only the source
hash buckets of the instances it runs (nftables jhash; replaces iptables CLUSTERIP).
</longdesc>
<shortdesc lang="en">Manages virtual IPv4 addresses (built-in)</shortdesc>
<parameters>
<parameter name="ip" unique="1" required="1"><shortdesc lang="en">IPv4 address</shortdesc><content type="string"/></parameter>
<parameter name="nic"><shortdesc lang="en">Network interface (default: the one routing to ip)</shortdesc><content type="string"/></parameter>
<parameter name="cidr_netmask"><shortdesc lang="en">Prefix length or netmask (default: the route's)</shortdesc><content type="string"/></parameter>
<parameter name="broadcast"><shortdesc lang="en">Broadcast address (default: computed)</shortdesc><content type="string"/></parameter>
<parameter name="iflabel"><shortdesc lang="en">Interface label suffix</shortdesc><content type="string"/></parameter>
<parameter name="mac"><shortdesc lang="en">Cluster IP multicast MAC (default: 01:00:5e + low 23 bits of ip)</shortdesc><content type="string"/></parameter>
<parameter name="clusterip_hash"><shortdesc lang="en">Cluster IP hash: sourceip, sourceip-sourceport, sourceip-sourceport-destport</shortdesc><content type="string" default="sourceip-sourceport"/></parameter>
<parameter name="clusterip_seed"><shortdesc lang="en">Cluster IP jhash seed, same on every node (default: derived from ip)</shortdesc><content type="integer"/></parameter>
<parameter name="arp_interval"><shortdesc lang="en">Milliseconds between gratuitous ARP packets</shortdesc><content type="integer" default="200"/></parameter>
<parameter name="arp_count"><shortdesc lang="en">Number of gratuitous ARP packets</shortdesc><content type="integer" default="5"/></parameter>
<parameter name="arp_bg"><shortdesc lang="en">Send ARP packets in the background</shortdesc><content type="boolean" default="true"/></parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="stop" timeout="20s"/>
<action name="status" depth="0" timeout="20s" interval="10s"/>
<action name="monitor" depth="0" timeout="20s" interval="10s"/>
<action name="meta-data" timeout="5s"/>
<action name="validate-all" timeout="20s"/>
</actions>
</resource-agent>
`;
