/**
 * A Tandem cluster in a lab, as the tutorials have it: etcd in the arbiter, every node
 * configured (its own /etc/tandem/tandem.conf, the tutorial's httpd unit and HAProxy
 * configuration in its private /etc), and in every node a small control agent on port 2224
 * (pcsd's port, and its role): `tandem cluster start|stop` run inside a node reaches the
 * other nodes through it, so `cluster start --all` starts tandemd in every node.
 *
 *   lab up ──▶ node hook: /etc files, agent (pid recorded) ──▶ arbiter hook: etcd (pid
 *   recorded), wait healthy, `cluster setup` in the first node (the CIB, nodes listed)
 *   node: tandem cluster start --all ──HTTP──▶ every node's agent ──▶ `cluster start` there
 *
 * Every process lives in a host's namespaces: `lab kill` and `lab down` end them all.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TandemError } from "../core/index.js";
import { runInHost, spawnInHost, type LabHooks } from "./lab.js";
import { hostDir, writeLabState, type HostState, type LabState } from "./state.js";

export const DEFAULT_LAB_CLUSTER = "mycluster";
/** The lab agent's TCP port on each node's own address (pcsd listens on 2224). */
export const LAB_AGENT_PORT = 2224;
export const ETCD_CLIENT_PORT = 2379;
/** Inside the arbiter, /var/lib is its private directory in the lab state. */
const ETCD_DATA_DIR = "/var/lib/tandem-etcd";
const ETCD_READY_TIMEOUT_MS = 20_000;
const AGENT_READY_TIMEOUT_MS = 10_000;
/** Where each node lists the lab's nodes for `cluster start|stop` (name address lines). */
export const LAB_NODES_FILE = "/etc/tandem/lab-nodes";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const TANDEM_BIN = join(ROOT, "bin", "tandem.js");
const AGENT_MAIN = join(ROOT, "dist", "src", "lab", "agent-main.js");
const WEBSERVER_MAIN = join(ROOT, "dist", "src", "agents", "builtin", "webserver-main.js");

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function nodesOf(lab: LabState): HostState[] {
  return lab.hosts.filter((h) => h.role === "node");
}

function arbiterOf(lab: LabState): HostState {
  const arbiter = lab.hosts.find((h) => h.role === "arbiter");
  if (arbiter === undefined) throw new TandemError("LAB_HOST_NOT_FOUND", `lab '${lab.name}' has no arbiter`);
  return arbiter;
}

export function etcdEndpoint(lab: LabState): string {
  return `http://${arbiterOf(lab).address}:${ETCD_CLIENT_PORT}`;
}

/** HAProxy's configuration from the seed-000 tutorial; servers are the lab's nodes (holly .22, benji .24 there). */
export function haproxyConfig(lab: LabState): string {
  const servers = [...nodesOf(lab)]
    .sort((a, b) => a.address.localeCompare(b.address, "en", { numeric: true }))
    .map((n) => `    server ${n.name} ${n.address}:80 check`);
  return `#---------------------------------------------------------------------
# Global settings
#---------------------------------------------------------------------
global
    log         127.0.0.1 local2
    chroot      /var/lib/haproxy
    pidfile     /var/run/haproxy.pid
    maxconn     4000
    user        haproxy
    group       haproxy
    daemon
    # turn on stats unix socket
    stats socket /var/lib/haproxy/stats
#---------------------------------------------------------------------
# Common defaults
#---------------------------------------------------------------------
defaults
    mode                    http
    log                     global
    option                  httplog
    option                  dontlognull
    option http-server-close
    option forwardfor       except 127.0.0.0/8
    option                  redispatch
    retries                 3
    timeout http-request    10s
    timeout queue           1m
    timeout connect         10s
    timeout client          1m
    timeout server          1m
    timeout http-keep-alive 10s
    timeout check           10s
    maxconn                 3000
#---------------------------------------------------------------------
# Listen configuration
#---------------------------------------------------------------------
listen apache
    bind ${lab.suggestedVip}:80 transparent #bind to the Virtual IP
    mode http
    option http-server-close
    option forwardfor
    balance roundrobin
${servers.join("\n")}
`;
}

/** The lab's `httpd` unit: Tandem's demo web server answering `Hello <Node>` on the node's own address:80. */
export function httpdUnit(host: HostState): string {
  return `[Unit]
Description=The lab's web server (answers "Hello ${capitalize(host.name)}"; stands in for Apache httpd)

[Service]
Type=simple
ExecStart=${process.execPath} ${WEBSERVER_MAIN} ${host.address} 80 "Hello ${capitalize(host.name)}"
KillMode=mixed

[Install]
WantedBy=multi-user.target
`;
}

function nodeConfig(lab: LabState, host: HostState, clusterName: string): string {
  return [
    `# written by 'tandem lab up' for node ${host.name} of lab ${lab.name}`,
    `cluster_name = ${clusterName}`,
    `node_name = ${host.name}`,
    `etcd_endpoints = ${etcdEndpoint(lab)}`,
    `state_dir = /var/lib/tandem`,
    `heartbeat_address = ${host.address}`,
    "",
  ].join("\n");
}

function writeEtc(lab: LabState, host: HostState, path: string, text: string): void {
  const file = join(hostDir(lab.name, host.name), "etc-upper", path.replace(/^\/etc\//, ""));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function recordProcess(lab: LabState, host: HostState, name: string, pid: number): void {
  host.processes = { ...(host.processes ?? {}), [name]: pid };
  writeLabState(lab);
}

async function waitEtcd(lab: LabState, arbiter: HostState): Promise<void> {
  const deadline = Date.now() + ETCD_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const r = await runInHost(lab.name, arbiter.name, ["curl", "-s", "-m", "1", `http://127.0.0.1:${ETCD_CLIENT_PORT}/health`], 3_000);
    if (r.code === 0 && /"health":\s*"true"/.test(r.stdout)) return;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new TandemError("LAB_HOST_START_FAILED", `etcd in the arbiter of lab '${lab.name}' did not become healthy within ${ETCD_READY_TIMEOUT_MS / 1000} s; see ${join(hostDir(lab.name, arbiter.name), "etcd.log")}`);
}

async function startNode(lab: LabState, host: HostState, clusterName: string): Promise<void> {
  lab.cluster = clusterName;
  writeEtc(lab, host, "/etc/tandem/tandem.conf", nodeConfig(lab, host, clusterName));
  writeEtc(lab, host, LAB_NODES_FILE, nodesOf(lab).map((n) => `${n.name} ${n.address}`).join("\n") + "\n");
  writeEtc(lab, host, "/etc/systemd/system/httpd.service", httpdUnit(host));
  writeEtc(lab, host, "/etc/httpd/conf/httpd.conf", `# The lab's httpd unit serves "Hello ${capitalize(host.name)}" here (the tutorial's line):\nListen ${host.address}:80\n`);
  writeEtc(lab, host, "/etc/haproxy/haproxy.cfg", haproxyConfig(lab));
  const dir = hostDir(lab.name, host.name);
  const log = join(dir, "agent.log");
  const pid = spawnInHost(lab.name, host.name, [process.execPath, AGENT_MAIN, host.address, String(LAB_AGENT_PORT), TANDEM_BIN], log);
  recordProcess(lab, host, "agent", pid);
  // Ready when it says it listens (so `cluster start` right after `lab up`/`revive` reaches it).
  const deadline = Date.now() + AGENT_READY_TIMEOUT_MS;
  while (!(existsSync(log) && readFileSync(log, "utf8").includes(`listening on ${host.address}:${LAB_AGENT_PORT}`))) {
    if (Date.now() > deadline) throw new TandemError("LAB_HOST_START_FAILED", `the lab agent of ${host.name} did not start within ${AGENT_READY_TIMEOUT_MS / 1000} s; see ${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startArbiter(lab: LabState, host: HostState, clusterName: string): Promise<void> {
  const dir = hostDir(lab.name, host.name);
  const client = `http://${host.address}:${ETCD_CLIENT_PORT}`;
  // Peers only on the arbiter's loopback: one member, nothing to reach but its clients.
  const pid = spawnInHost(
    lab.name,
    host.name,
    [
      "etcd", "--name", "arbiter", "--data-dir", ETCD_DATA_DIR,
      "--listen-client-urls", `${client},http://127.0.0.1:${ETCD_CLIENT_PORT}`, "--advertise-client-urls", client,
      "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
      "--initial-cluster", "arbiter=http://127.0.0.1:2380", "--log-level", "warn",
    ],
    join(dir, "etcd.log"),
  );
  recordProcess(lab, host, "etcd", pid);
  await waitEtcd(lab, host);
  // The CIB with the nodes, as `cluster setup` makes it (a revived arbiter has an empty etcd again).
  const nodes = nodesOf(lab);
  const first = nodes.find((n) => n.state === "up");
  if (first === undefined) return;
  const words = nodes.flatMap((n) => [n.name, `addr=${n.address}`]);
  const r = await runInHost(lab.name, first.name, [process.execPath, TANDEM_BIN, "cluster", "setup", clusterName, ...words, `--etcd=${etcdEndpoint(lab)}`, "--force"]);
  if (r.code !== 0) throw new TandemError("LAB_HOST_START_FAILED", `'tandem cluster setup' in ${first.name} failed: ${r.stderr.trim()}`);
  // setup wrote the first node's configuration; keep the lab's (same values, its heartbeat address).
  writeEtc(lab, first, "/etc/tandem/tandem.conf", nodeConfig(lab, first, clusterName));
}

/**
 * Hooks that make a lab run a Tandem cluster named `clusterName`: etcd in the arbiter, each
 * node configured and reachable by `tandem cluster start|stop` (tandemd itself is started
 * by `tandem cluster start`, as in the tutorial).
 */
export function labClusterHooks(clusterName: string = DEFAULT_LAB_CLUSTER): LabHooks {
  return {
    hostStarted: async (lab, host) => {
      switch (host.role) {
        case "node":
          return startNode(lab, host, clusterName);
        case "arbiter":
          return startArbiter(lab, host, clusterName);
        case "client":
          return;
      }
    },
  };
}
