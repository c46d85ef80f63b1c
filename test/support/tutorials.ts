/**
 * The two seed tutorials as command sequences (argv after `tandem`/`pcs`; steps without
 * -f work on cib.xml, see test/support/pcs.ts). scripts/tutorials.sh runs the same steps.
 *
 * - 000 "Active/Active" (kalise's Linux-Tutorial): needs the "Cluster Basics" state
 *   first (VIP-10.10.10.23 and HTTPServer), then its commands verbatim.
 * - 003 "Active/Active setup - VIP" (clone the IP address): VIP and webserver created
 *   first, then its commands verbatim, with `cluster cib`/`cib-push` on files.
 */

export interface Tutorial {
  name: string;
  steps: string[][];
  /** What the last step (a `constraint` listing) prints. */
  finalListing: string;
}

const w = (line: string): string[] => line.split(" ");

export const TUTORIAL_ACTIVE_ACTIVE: Tutorial = {
  name: "000 active/active HAProxy + httpd",
  steps: [
    // "Cluster Basics", the state the tutorial starts from.
    w("resource create VIP-10.10.10.23 ocf:heartbeat:IPaddr2 ip=10.10.10.23 cidr_netmask=24 op monitor interval=30s"),
    w("resource create HTTPServer ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://127.0.0.1/server-status op monitor interval=1min"),
    // The tutorial, verbatim.
    w("resource delete HTTPServer"),
    w("resource create httpd systemd:httpd configfile=/etc/httpd/conf/httpd.conf op monitor interval=30s clone"),
    w("resource create haproxy systemd:haproxy op monitor interval=15s clone"),
    w("constraint order VIP-10.10.10.23 then haproxy-clone"),
    w("constraint order httpd-clone then haproxy-clone"),
    w("constraint colocation add VIP-10.10.10.23 with haproxy-clone"),
    w("constraint"),
  ],
  finalListing: [
    "Location Constraints:",
    "Ordering Constraints:",
    "  start VIP-10.10.10.23 then start haproxy-clone (kind:Mandatory)",
    "  start httpd-clone then start haproxy-clone (kind:Mandatory)",
    "Colocation Constraints:",
    "  VIP-10.10.10.23 with haproxy-clone (score:INFINITY)",
    "Ticket Constraints:",
    "",
  ].join("\n"),
};

export const TUTORIAL_CLONED_VIP: Tutorial = {
  name: "003 cloned VIP with clusterip_hash",
  steps: [
    w("resource create VIP ocf:heartbeat:IPaddr2 ip=192.168.110.120 cidr_netmask=24 op monitor interval=30s"),
    w("resource create webserver ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://localhost/server-status op monitor interval=1min"),
    w("constraint colocation add webserver with VIP INFINITY"),
    w("constraint order VIP then webserver"),
    w("cluster cib loadbalance_cfg"),
    w("-f loadbalance_cfg resource clone VIP clone-max=4 clone-node-max=4 globally-unique=true"),
    w("-f loadbalance_cfg resource update VIP clusterip_hash=sourceip"),
    w("cluster cib-push loadbalance_cfg"),
    w("cluster cib active_cfg"),
    w("-f active_cfg resource clone webserver"),
    w("-f active_cfg constraint"),
    w("cluster cib-push active_cfg"),
    w("resource"),
    w("constraint"),
  ],
  finalListing: [
    "Location Constraints:",
    "Ordering Constraints:",
    "  start VIP-clone then start webserver-clone (kind:Mandatory)",
    "Colocation Constraints:",
    "  webserver-clone with VIP-clone (score:INFINITY)",
    "Ticket Constraints:",
    "",
  ].join("\n"),
};
