/**
 * Building, inspecting and tearing down a lab: real network namespaces on a Linux bridge.
 *
 *   switch ns (tdmlab-<lab>-sw): bridge br0, one port s-<host> per host
 *        │ veth
 *   host ns (tdmlab-<lab>-<host>): eth0 with the host's address, lo; no default route
 *        └─ init: PID 1 of the host's own PID namespace, in its own mount namespace
 *           (private /run, /var/lib, /var/log, /etc/hostname, /etc/hosts) and UTS
 *           namespace (host name = node name). Commands join it with nsenter.
 *
 * Nodes, the client and the arbiter are all hosts built the same way; they differ only in
 * role. What a host runs besides init comes from hooks (tandemd will be one).
 */

import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { TandemError } from "../core/index.js";
import { hasTool, runChecked, runCommand } from "../net/index.js";
import { labPrefix, NETNS_PREFIX, planLab, type HostPlan, type LabPlan, type PlanRequest } from "./plan.js";
import { findHost, hostDir, labDir, labNamesOnDisk, readLabState, requireLabState, writeLabState, type HostState, type LabState } from "./state.js";

/**
 * Extension points: what to start in a host once its init runs. tandemd plugs in here: a
 * hook that, for `host.role === "node"`, calls spawnInHost(lab.name, host.name, [tandemd…])
 * (and etcd for the arbiter) runs at `lab up` and again at `lab revive`.
 */
export interface LabHooks {
  hostStarted?: (lab: LabState, host: HostState) => Promise<void>;
}

let defaultHooks: LabHooks = {};

/** Hooks used when a caller (the CLI) passes none; the daemon module registers its own. */
export function setDefaultLabHooks(hooks: LabHooks): void {
  defaultHooks = hooks;
}

export function getDefaultLabHooks(): LabHooks {
  return defaultHooks;
}

const REQUIRED_TOOLS = ["ip", "nft", "nsenter", "unshare", "bash", "mount"] as const;
const INIT_READY_FILE = ".tandem-lab-ready";
const INIT_READY_TIMEOUT_MS = 5_000;
const KILL_WAIT_MS = 5_000;

/** The lab changes the machine's namespaces: root and the tools must be there, or nothing is done. */
export async function checkLabPrerequisites(): Promise<void> {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new TandemError("LAB_NOT_ROOT", "tandem lab creates network namespaces and must run as root (try sudo)");
  }
  const missing: string[] = [];
  for (const tool of REQUIRED_TOOLS) if (!(await hasTool(tool))) missing.push(tool);
  if (missing.length > 0) {
    throw new TandemError("LAB_TOOL_MISSING", `tandem lab needs ${missing.join(", ")} (Debian: iproute2, nftables, util-linux, mount); not found on PATH`);
  }
}

// ---------------------------------------------------------------- namespaces and processes

export async function listNetns(): Promise<string[]> {
  const out = await runChecked(["ip", "-j", "netns", "list"]);
  if (out.trim() === "") return [];
  const parsed = JSON.parse(out) as { name: string }[];
  return parsed.map((e) => e.name).sort();
}

function netnsInode(netns: string): number | undefined {
  try {
    return statSync(`/run/netns/${netns}`).ino;
  } catch {
    return undefined;
  }
}

/** Whether pid is alive and lives in that network namespace (guards against PID reuse). */
function pidInNetns(pid: number, netns: string): boolean {
  const ino = netnsInode(netns);
  if (ino === undefined) return false;
  try {
    return statSync(`/proc/${pid}/ns/net`).ino === ino;
  } catch {
    return false;
  }
}

async function pidsInNetns(netns: string): Promise<number[]> {
  const result = await runCommand(["ip", "netns", "pids", netns]);
  if (result.code !== 0) return [];
  return result.stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map((s) => Number.parseInt(s, 10));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGKILLs every process in the namespace (they are the lab's own) and waits until none is left. */
async function killNetnsProcesses(netns: string): Promise<void> {
  const deadline = Date.now() + KILL_WAIT_MS;
  const signalled = new Set<number>();
  while (true) {
    const pids = (await pidsInNetns(netns)).filter((p) => p !== process.pid);
    if (pids.length === 0) {
      // A dying PID-namespace init leaves its network namespace before it exits: it waits
      // for the rest of its namespace to be reaped. Wait for every process signalled here.
      while ([...signalled].some(processRunning) && Date.now() < deadline) await sleep(10);
      return;
    }
    for (const pid of pids) {
      signalled.add(pid);
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (Date.now() > deadline) {
      throw new TandemError("LAB_CLEANUP_FAILED", `processes ${pids.join(", ")} in namespace ${netns} did not die`, { retryable: true });
    }
    await sleep(20);
  }
}

async function deleteNetns(netns: string): Promise<void> {
  if (netnsInode(netns) === undefined && !(await listNetns()).includes(netns)) return;
  await killNetnsProcesses(netns);
  await runChecked(["ip", "netns", "del", netns]);
}

// ---------------------------------------------------------------- building

async function inNetns(netns: string, argv: readonly string[]): Promise<string> {
  return runChecked(["nsenter", `--net=/run/netns/${netns}`, ...argv]);
}

async function createNetns(netns: string): Promise<void> {
  await runChecked(["ip", "netns", "add", netns]);
  await runChecked(["ip", "-n", netns, "link", "set", "lo", "up"]);
  // Only IPv4 in the lab: no router solicitations or DAD noise, nothing to route out.
  await inNetns(netns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
}

async function buildSwitch(plan: LabPlan): Promise<void> {
  await createNetns(plan.switchNetns);
  await runChecked(["ip", "-n", plan.switchNetns, "link", "add", plan.bridge, "type", "bridge"]);
  // Without snooping the bridge floods frames sent to a multicast MAC to every port:
  // that is how every node of a shared cluster IP sees each packet.
  await runChecked(["ip", "-n", plan.switchNetns, "link", "set", plan.bridge, "type", "bridge", "mcast_snooping", "0"]);
  await runChecked(["ip", "-n", plan.switchNetns, "link", "set", plan.bridge, "up"]);
}

/** Machine-level directories a host must not even see empty copies of. */
const SKIPPED_MIRRORS = new Set(["netns", "tandem-lab"]);

/** Empty copies of the top-level directories of `source` (same mode and owner), so programs find e.g. /var/lib/haproxy. */
function mirrorDirectories(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  let entries;
  try {
    entries = readdirSync(source, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || SKIPPED_MIRRORS.has(entry.name)) continue;
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    try {
      const st = statSync(from);
      mkdirSync(to, { recursive: true });
      chmodSync(to, st.mode & 0o7777);
      chownSync(to, st.uid, st.gid);
    } catch {
      // a directory that vanished or cannot be copied is not needed by the lab
    }
  }
}

function prepareHostDirs(lab: LabPlan, host: HostPlan): string {
  const dir = hostDir(lab.name, host.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mirrorDirectories("/var/lib", join(dir, "var-lib"));
  mirrorDirectories("/var/log", join(dir, "var-log"));
  mirrorDirectories("/run", join(dir, "run"));
  // The lab's state lives under /run: hide it inside hosts, they get an empty directory.
  chmodSync(join(dir, "run"), 0o755);
  writeFileSync(join(dir, "hostname"), `${host.name}\n`);
  // /etc becomes an overlay: the machine's /etc below, this host's changes in etc-upper.
  mkdirSync(join(dir, "etc-upper"));
  mkdirSync(join(dir, "etc-work"));
  return dir;
}

function hostsFileText(lab: LabPlan): string {
  const lines = ["127.0.0.1\tlocalhost", `# tandem lab ${lab.name} (${lab.subnet})`];
  for (const h of lab.hosts) lines.push(`${h.address}\t${h.name}`);
  return lines.join("\n") + "\n";
}

/**
 * PID 1 of a host. Mounts the private directories (before /run, whose bind hides the lab
 * state they come from), then stays as a reaper: daemons that detach are reparented to it.
 * When it dies the kernel kills every process of the PID namespace: that is node death.
 */
const INIT_SCRIPT = `
set -e
hostname "$1"
d="$2"
umount -l /sys 2>/dev/null || true
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
mount --bind "$d/var-lib" /var/lib
mount --bind "$d/var-log" /var/log
if mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc-upper,workdir=$d/etc-work" /etc 2>>"$d/init.log"; then
  echo private > "$d/etc-mode"
else
  echo shared > "$d/etc-mode"
fi
if [ -e /etc/hostname ]; then mount --bind "$d/hostname" /etc/hostname; fi
mount --bind "$3" /etc/hosts
mount --bind "$d/run" /run
: > /run/${INIT_READY_FILE}
exec -a "tandem-lab-init $1" bash -c 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'
`;

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(/\s+/)
      .filter((s) => s !== "")
      .map((s) => Number.parseInt(s, 10));
  } catch {
    return [];
  }
}

/** Alive and not a zombie. */
function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function startInit(lab: LabState, host: HostState): Promise<void> {
  const dir = hostDir(lab.name, host.name);
  const log = openSync(join(dir, "init.log"), "a");
  let launcherPid: number | undefined;
  try {
    const child = spawn(
      "nsenter",
      [
        `--net=/run/netns/${host.netns}`,
        "unshare", "--pid", "--fork", "--mount", "--uts", "--mount-proc", "--propagation", "private",
        "bash", "-c", INIT_SCRIPT, "init", host.name, dir, join(labDir(lab.name), "etc-hosts"),
      ],
      { detached: true, stdio: ["ignore", log, log] },
    );
    child.on("error", () => undefined);
    child.unref();
    launcherPid = child.pid;
  } finally {
    closeSync(log);
  }
  if (launcherPid === undefined) throw new TandemError("LAB_HOST_START_FAILED", `could not start the init of ${host.name}`);
  const ready = join(dir, "run", INIT_READY_FILE);
  const deadline = Date.now() + INIT_READY_TIMEOUT_MS;
  let initPid: number | undefined;
  while (Date.now() < deadline) {
    initPid = childPids(launcherPid)[0];
    if (initPid !== undefined && existsSync(ready)) break;
    if (!processRunning(launcherPid)) break;
    await sleep(5);
  }
  if (initPid === undefined || !existsSync(ready)) {
    const logText = existsSync(join(dir, "init.log")) ? readFileSync(join(dir, "init.log"), "utf8").trim() : "";
    throw new TandemError("LAB_HOST_START_FAILED", `the init of ${host.name} did not come up within ${INIT_READY_TIMEOUT_MS} ms${logText === "" ? "" : `: ${logText}`}`);
  }
  host.launcherPid = launcherPid;
  host.initPid = initPid;
}

export function hostMac(address: string): string {
  const octets = address.split(".").map((o) => Number.parseInt(o, 10).toString(16).padStart(2, "0"));
  return ["02", "00", ...octets].join(":");
}

async function buildHost(lab: LabState, host: HostState, hooks: LabHooks): Promise<void> {
  prepareHostDirs(lab, host);
  await createNetns(host.netns);
  if (host.role === "node") {
    // HAProxy's `bind VIP:80 transparent` (the tutorial) must start on nodes that do not
    // hold the VIP yet; non-local bind lets a socket bind an address the node does not have.
    await inNetns(host.netns, ["sysctl", "-q", "-w", "net.ipv4.ip_nonlocal_bind=1"]);
  }
  // A killed node's veth may outlive its namespace for a while (the kernel frees a deleted
  // namespace asynchronously): remove the old switch port, or the revival collides with it.
  await runCommand(["ip", "-n", lab.switchNetns, "link", "del", host.port]);
  // A fixed MAC per address, as a real machine keeps its MAC across reboots (a revived node
  // must not leave stale neighbour entries behind it). 02: = locally administered.
  await runChecked(["ip", "-n", lab.switchNetns, "link", "add", host.port, "type", "veth", "peer", "name", host.iface, "address", hostMac(host.address), "netns", host.netns]);
  await runChecked(["ip", "-n", lab.switchNetns, "link", "set", host.port, "master", lab.bridge, "up"]);
  await runChecked(["ip", "-n", host.netns, "addr", "add", `${host.address}/${lab.prefixLength}`, "brd", lab.broadcast, "dev", host.iface]);
  await runChecked(["ip", "-n", host.netns, "link", "set", host.iface, "up"]);
  await startInit(lab, host);
  host.state = "up";
  writeLabState(lab);
  await hooks.hostStarted?.(lab, host);
}

export interface LabUpResult {
  lab: LabState;
  /** True when leftovers of a lab with the same name were removed first. */
  cleanedStale: boolean;
}

/** Builds a lab; leftovers of a crashed lab of the same name are removed first, a live one is refused. */
export async function labUp(request: PlanRequest, hooks: LabHooks = defaultHooks): Promise<LabUpResult> {
  const plan = planLab(request);
  await checkLabPrerequisites();
  let cleanedStale = false;
  if (await labExists(plan.name)) {
    const health = await labHealth(plan.name);
    if (health !== undefined && health.healthy) {
      throw new TandemError("LAB_EXISTS", `lab '${plan.name}' is already up; run 'tandem lab down --name ${plan.name}' first or pick another --name`);
    }
    await labDown(plan.name);
    cleanedStale = true;
  }
  const lab: LabState = {
    ...plan,
    version: 1,
    createdAt: new Date().toISOString(),
    hosts: plan.hosts.map((h) => ({ ...h, state: "dead" })),
  };
  try {
    mkdirSync(labDir(lab.name), { recursive: true });
    writeFileSync(join(labDir(lab.name), "etc-hosts"), hostsFileText(plan));
    writeLabState(lab);
    await buildSwitch(plan);
    for (const host of lab.hosts) await buildHost(lab, host, hooks);
  } catch (error) {
    await labDown(lab.name).catch(() => undefined);
    throw error;
  }
  return { lab, cleanedStale };
}

// ---------------------------------------------------------------- tearing down

async function labExists(name: string): Promise<boolean> {
  if (existsSync(labDir(name))) return true;
  const prefix = labPrefix(name);
  return (await listNetns()).some((n) => n.startsWith(prefix));
}

/** Removes everything of lab `name`: its namespaces (killing what runs in them) and its state. Idempotent. */
export async function labDown(name: string): Promise<{ removedNetns: string[] }> {
  const prefix = labPrefix(name);
  const all = (await listNetns()).filter((n) => n.startsWith(prefix));
  // Hosts first, the switch last: a host's veth dies with its namespace.
  const ordered = [...all.filter((n) => n !== `${prefix}sw`), ...all.filter((n) => n === `${prefix}sw`)];
  // Every process of a lab lives in one of its network namespaces (launchers join the
  // host's namespace before anything else), so deleting them ends everything.
  for (const netns of ordered) await deleteNetns(netns);
  rmSync(labDir(name), { recursive: true, force: true });
  return { removedNetns: ordered };
}

/** Every lab on this machine: with a state directory or only leftover namespaces. */
export async function allLabNames(): Promise<string[]> {
  const names = new Set(labNamesOnDisk());
  for (const netns of await listNetns()) {
    if (!netns.startsWith(NETNS_PREFIX)) continue;
    const rest = netns.slice(NETNS_PREFIX.length);
    const dash = rest.indexOf("-");
    if (dash > 0) names.add(rest.slice(0, dash));
  }
  return [...names].sort();
}

// ---------------------------------------------------------------- node death and revival

/** Node death: its link is cut first (no goodbye packets), then every process in it is killed. */
export async function killHost(name: string, hostName: string): Promise<HostState> {
  await checkLabPrerequisites();
  const lab = requireLabState(name);
  const host = findHost(lab, hostName);
  if (host.state === "dead") throw new TandemError("LAB_HOST_DEAD", `${host.name} is already dead; 'tandem lab revive ${host.name}' brings it back`);
  await runCommand(["ip", "-n", lab.switchNetns, "link", "set", host.port, "down"]);
  if (host.initPid !== undefined && pidInNetns(host.initPid, host.netns)) {
    try {
      process.kill(host.initPid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  // Its network namespace goes too: a rebooted machine keeps no addresses, rules or sockets.
  await deleteNetns(host.netns);
  host.state = "dead";
  delete host.initPid;
  delete host.launcherPid;
  writeLabState(lab);
  return host;
}

/** Boots a dead host again: fresh namespaces, its base address, a new init, then the hooks. */
export async function reviveHost(name: string, hostName: string, hooks: LabHooks = defaultHooks): Promise<HostState> {
  await checkLabPrerequisites();
  const lab = requireLabState(name);
  const host = findHost(lab, hostName);
  if (host.state === "up") throw new TandemError("LAB_HOST_UP", `${host.name} is running; 'tandem lab kill ${host.name}' first`);
  await deleteNetns(host.netns);
  await buildHost(lab, host, hooks);
  return host;
}

// ---------------------------------------------------------------- status

export interface HostHealth {
  name: string;
  role: HostState["role"];
  address: string;
  netns: string;
  recorded: HostState["state"];
  /** Seen now: init alive in its namespace and its switch port up. */
  running: boolean;
  link: "up" | "down" | "absent";
  initPid?: number;
}

export interface LabHealth {
  name: string;
  subnet: string;
  suggestedVip: string;
  createdAt?: string;
  hosts: HostHealth[];
  /** Namespaces with the lab's prefix that its state does not know (left by a crash). */
  strayNetns: string[];
  /** Everything recorded is present and every host is as recorded. */
  healthy: boolean;
}

async function portStates(switchNetns: string): Promise<Map<string, "up" | "down">> {
  const result = await runCommand(["ip", "-j", "-n", switchNetns, "link", "show"]);
  const states = new Map<string, "up" | "down">();
  if (result.code !== 0 || result.stdout.trim() === "") return states;
  for (const link of JSON.parse(result.stdout) as { ifname: string; flags?: string[] }[]) {
    states.set(link.ifname, (link.flags ?? []).includes("UP") ? "up" : "down");
  }
  return states;
}

/** What is really there now for lab `name`; undefined when it has no state at all. */
export async function labHealth(name: string): Promise<LabHealth | undefined> {
  const state = readLabState(name);
  const netns = (await listNetns()).filter((n) => n.startsWith(labPrefix(name)));
  if (state === undefined) {
    if (netns.length === 0) return undefined;
    return { name, subnet: "?", suggestedVip: "?", hosts: [], strayNetns: netns, healthy: false };
  }
  const ports = netns.includes(state.switchNetns) ? await portStates(state.switchNetns) : new Map<string, "up" | "down">();
  const hosts: HostHealth[] = state.hosts.map((h) => {
    const alive = h.initPid !== undefined && pidInNetns(h.initPid, h.netns);
    const link = ports.get(h.port) ?? "absent";
    const health: HostHealth = { name: h.name, role: h.role, address: h.address, netns: h.netns, recorded: h.state, running: alive && link === "up", link };
    if (h.initPid !== undefined) health.initPid = h.initPid;
    return health;
  });
  const known = new Set([state.switchNetns, ...state.hosts.filter((h) => h.state === "up").map((h) => h.netns)]);
  const strayNetns = netns.filter((n) => !known.has(n));
  const healthy = netns.includes(state.switchNetns) && strayNetns.length === 0 && hosts.every((h) => h.running === (h.recorded === "up"));
  return { name, subnet: state.subnet, suggestedVip: state.suggestedVip, createdAt: state.createdAt, hosts, strayNetns, healthy };
}

// ---------------------------------------------------------------- running commands in hosts

/** The argv that runs `command` inside a live host (all its namespaces). */
export function hostCommand(lab: LabState, hostName: string, command: readonly string[]): string[] {
  const host = findHost(lab, hostName);
  if (host.state !== "up" || host.initPid === undefined || !pidInNetns(host.initPid, host.netns)) {
    throw new TandemError("LAB_HOST_DEAD", `${host.name} is not running in lab '${lab.name}'`);
  }
  // Keep the caller's working directory unless the host's private mounts hide it.
  const cwd = process.cwd();
  const hidden = ["/run", "/var/lib", "/var/log"].some((d) => cwd === d || cwd.startsWith(`${d}/`));
  return ["nsenter", `--target=${host.initPid}`, "--mount", "--uts", "--net", "--pid", `--wd=${hidden ? "/" : cwd}`, "--", ...command];
}

/** Environment for commands run in a host, so programs (tandemd) know where they are. */
export function hostEnv(lab: LabState, hostName: string): NodeJS.ProcessEnv {
  return { ...process.env, TANDEM_LAB: lab.name, TANDEM_LAB_HOST: hostName };
}

/** Runs a command inside a host and collects its output. */
export async function runInHost(name: string, hostName: string, command: readonly string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const lab = requireLabState(name);
  return runCommand(hostCommand(lab, hostName, command), { timeoutMs, env: hostEnv(lab, hostName) });
}

/**
 * Starts a long-running program inside a host, detached, output appended to `logFile` (a
 * path as the host sees it is not needed: the file is opened here). It lives until it
 * exits, the host is killed or the lab goes down. Returns the program's PID on the machine.
 */
export function spawnInHost(name: string, hostName: string, command: readonly string[], logFile: string): number {
  const lab = requireLabState(name);
  const argv = hostCommand(lab, hostName, command);
  const log = openSync(logFile, "a");
  try {
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: ["ignore", log, log], env: hostEnv(lab, hostName) });
    child.on("error", () => undefined);
    child.unref();
    if (child.pid === undefined) throw new TandemError("LAB_HOST_START_FAILED", `could not start '${command.join(" ")}' in ${hostName}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}
