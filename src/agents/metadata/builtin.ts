/**
 * Metadata Tandem knows without running a script: its own agents (provider `tandem`) and
 * fallbacks for the heartbeat agents the tutorials name, used when resource-agents is not
 * installed on this machine. Written as OCF 1.0 XML so they go through the same parser
 * as real agents' output.
 */

const TANDEM_DUMMY = `<resource-agent name="Dummy" version="1.0">
  <version>1.0</version>
  <parameters>
    <parameter name="state" unique="1"><content type="string" default="/run/tandem/Dummy-RESOURCE_ID.state"/></parameter>
    <parameter name="fake" unique="0"><content type="string" default="dummy"/></parameter>
    <parameter name="op_sleep" unique="0"><content type="string" default="0"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s" depth="0"/>
    <action name="reload" timeout="20s"/>
    <action name="migrate_to" timeout="20s"/>
    <action name="migrate_from" timeout="20s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>`;

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

/** Built-in agents of provider `tandem`, by type. */
export const BUILTIN_AGENTS: ReadonlyMap<string, string> = new Map([["Dummy", TANDEM_DUMMY]]);

/** Fallback metadata of heartbeat agents, by type, used only when the script is missing. */
export const HEARTBEAT_FALLBACKS: ReadonlyMap<string, string> = new Map([
  ["IPaddr2", HEARTBEAT_IPADDR2],
  ["apache", HEARTBEAT_APACHE],
]);
