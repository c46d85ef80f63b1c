/**
 * Metadata Tandem knows without running a script: its own agents (provider `tandem`) and
 * fallbacks for the heartbeat agents the tutorials name, used when resource-agents is not
 * installed on this machine. Written as OCF 1.0 XML so they go through the same parser
 * as real agents' output.
 */
import { DUMMY_METADATA } from "../builtin/dummy.js";
import { WEBSERVER_METADATA } from "../builtin/webserver.js";

/** Same parameters and actions as resource-agents' IPaddr2 (4.12). */
const HEARTBEAT_IPADDR2 = `<resource-agent name="IPaddr2" version="1.0">
  <version>1.0</version>
  <parameters>
    <parameter name="ip" unique="1" required="1"><content type="string" default=""/></parameter>
    <parameter name="nic" unique="0"><content type="string"/></parameter>
    <parameter name="cidr_netmask"><content type="string" default=""/></parameter>
    <parameter name="broadcast"><content type="string" default=""/></parameter>
    <parameter name="iflabel"><content type="string" default=""/></parameter>
    <parameter name="lvs_support"><content type="boolean" default="false"/></parameter>
    <parameter name="lvs_ipv6_addrlabel"><content type="boolean" default="false"/></parameter>
    <parameter name="lvs_ipv6_addrlabel_value"><content type="integer" default="99"/></parameter>
    <parameter name="mac"><content type="string" default=""/></parameter>
    <parameter name="clusterip_hash"><content type="string" default="sourceip-sourceport"/></parameter>
    <parameter name="unique_clone_address"><content type="boolean" default="false"/></parameter>
    <parameter name="arp_interval"><content type="integer" default="200"/></parameter>
    <parameter name="arp_count"><content type="integer" default="5"/></parameter>
    <parameter name="arp_count_refresh"><content type="integer" default="0"/></parameter>
    <parameter name="arp_bg"><content type="string" default=""/></parameter>
    <parameter name="arp_sender"><content type="string" default=""/></parameter>
    <parameter name="send_arp_opts"><content type="string" default=""/></parameter>
    <parameter name="flush_routes"><content type="boolean" default="false"/></parameter>
    <parameter name="run_arping"><content type="string" default="false"/></parameter>
    <parameter name="nodad"><content type="string" default="false"/></parameter>
    <parameter name="noprefixroute"><content type="string" default="false"/></parameter>
    <parameter name="preferred_lft"><content type="string" default="forever"/></parameter>
    <parameter name="network_namespace"><content type="string" default=""/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="status" depth="0" timeout="20s" interval="10s"/>
    <action name="monitor" depth="0" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>`;

/** Same parameters and actions as resource-agents' apache (4.12). */
const HEARTBEAT_APACHE = `<resource-agent name="apache" version="1.0">
  <version>1.0</version>
  <parameters>
    <parameter name="configfile" required="0" unique="1"><content type="string" default="/etc/httpd/conf/httpd.conf"/></parameter>
    <parameter name="httpd"><content type="string" default="/usr/sbin/httpd"/></parameter>
    <parameter name="port"><content type="integer"/></parameter>
    <parameter name="statusurl"><content type="string"/></parameter>
    <parameter name="testregex"><content type="string"/></parameter>
    <parameter name="client"><content type="string" default=""/></parameter>
    <parameter name="testurl"><content type="string"/></parameter>
    <parameter name="testregex10"><content type="string"/></parameter>
    <parameter name="testconffile"><content type="string"/></parameter>
    <parameter name="testname"><content type="string"/></parameter>
    <parameter name="options"><content type="string"/></parameter>
    <parameter name="envfiles"><content type="string" default="/etc/apache2/envvars"/></parameter>
    <parameter name="use_ipv6"><content type="boolean" default="false"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="40s"/>
    <action name="stop" timeout="60s"/>
    <action name="status" timeout="30s"/>
    <action name="monitor" depth="0" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="5s"/>
  </actions>
</resource-agent>`;

const builtinAgents = new Map<string, string>([
  ["Dummy", DUMMY_METADATA],
  ["webserver", WEBSERVER_METADATA],
]);

/** Built-in agents of provider `tandem`, by type: their metadata, the one their `meta-data` prints. */
export const BUILTIN_AGENTS: ReadonlyMap<string, string> = builtinAgents;

/**
 * Adds a built-in agent that lives in another module (e.g. `ocf:tandem:balancer` in lb) to
 * what the CLI validates against; the daemon registers the runner itself with AgentRegistry.
 */
export function registerBuiltinMetadata(type: string, xml: string): void {
  builtinAgents.set(type, xml);
}

/** Fallback metadata of heartbeat agents, by type, used only when the script is missing. */
export const HEARTBEAT_FALLBACKS: ReadonlyMap<string, string> = new Map([
  ["IPaddr2", HEARTBEAT_IPADDR2],
  ["apache", HEARTBEAT_APACHE],
]);
