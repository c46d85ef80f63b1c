#!/usr/bin/env bash
# `npm start`: replay both seed tutorials offline with
# `tandem -f` on CIB files in a temp folder and print the resulting listings.
# The same steps are checked against pcs 0.11.5 by test/golden/cli/tutorials.test.ts.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$here/dist/src/cli/index.js" ] || (cd "$here" && npx tsc -p tsconfig.json)
tandem() { node "$here/bin/tandem.js" "$@"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

heading() { printf '\n=== %s ===\n' "$1"; }

heading "Tutorial 000: active/active HAProxy + httpd (file: $work/active-active.xml)"
f=active-active.xml
# "Cluster Basics", the state the tutorial starts from
tandem -f $f resource create VIP-10.10.10.23 ocf:heartbeat:IPaddr2 ip=10.10.10.23 cidr_netmask=24 op monitor interval=30s
tandem -f $f resource create HTTPServer ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://127.0.0.1/server-status op monitor interval=1min
# the tutorial, verbatim
tandem -f $f resource delete HTTPServer
tandem -f $f resource create httpd systemd:httpd configfile=/etc/httpd/conf/httpd.conf op monitor interval=30s clone
tandem -f $f resource create haproxy systemd:haproxy op monitor interval=15s clone
tandem -f $f constraint order VIP-10.10.10.23 then haproxy-clone
tandem -f $f constraint order httpd-clone then haproxy-clone
tandem -f $f constraint colocation add VIP-10.10.10.23 with haproxy-clone
heading "tandem resource"
tandem -f $f resource
heading "tandem constraint"
tandem -f $f constraint

heading "Tutorial 003: cloned VIP with clusterip_hash (file: $work/live.xml)"
f=live.xml
tandem -f $f resource create VIP ocf:heartbeat:IPaddr2 ip=192.168.110.120 cidr_netmask=24 op monitor interval=30s
tandem -f $f resource create webserver ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://localhost/server-status op monitor interval=1min
tandem -f $f constraint colocation add webserver with VIP INFINITY
tandem -f $f constraint order VIP then webserver
tandem -f $f cluster cib loadbalance_cfg
tandem -f loadbalance_cfg resource clone VIP clone-max=4 clone-node-max=4 globally-unique=true
tandem -f loadbalance_cfg resource update VIP clusterip_hash=sourceip
tandem -f $f cluster cib-push loadbalance_cfg
tandem -f $f cluster cib active_cfg
tandem -f active_cfg resource clone webserver
tandem -f active_cfg constraint
tandem -f $f cluster cib-push active_cfg
heading "tandem resource"
tandem -f $f resource
heading "tandem constraint"
tandem -f $f constraint
