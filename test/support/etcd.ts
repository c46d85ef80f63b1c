/**
 * Real etcd for tests: one member or a three-member cluster on loopback, each member with
 * free ports and its own temporary data dir. Members can be stopped, killed, paused and
 * restarted. Everything is cleaned up by `close()` (call it from t.after or finally), and
 * as a last resort when the test process exits: children killed by PID, dirs removed.
 *
 * Tests never assume an etcd is already running. ETCD_BIN overrides the binary.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import https from "node:https";

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** PID of the running process, undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** Client URLs of all members (running or not), in member order. */
  readonly endpoints: readonly string[];
  /** SIGTERM, then wait for the exit. */
  stop(index: number): Promise<void>;
  /** SIGKILL, then wait for the exit. */
  kill(index: number): Promise<void>;
  /** SIGSTOP: the process stays but answers nothing (a hung or partitioned member). */
  pause(index: number): void;
  /** SIGCONT. */
  resume(index: number): void;
  /** Starts a stopped member again on the same ports and data dir. */
  restart(index: number): Promise<void>;
  /** Waits until every running member reports healthy (a leader and quorum). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Kills every member and removes every directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartEtcdOptions {
  readonly members?: 1 | 3;
  /** Raft heartbeat; small values make elections fast in tests (etcd default 100). */
  readonly heartbeatMs?: number;
  /** Raft election timeout (etcd default 1000). */
  readonly electionMs?: number;
  readonly extraArgs?: readonly string[];
  readonly startTimeoutMs?: number;
  /** Serve clients over TLS with these PEM files (peers stay on plain loopback HTTP). */
  readonly tls?: EtcdTestTls;
}

export interface EtcdTestTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** Require client certificates signed by the CA. */
  readonly clientCertAuth: boolean;
  /** A client certificate for the harness's own health checks (needed with clientCertAuth). */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
}

/**
 * Makes a throwaway CA, a server certificate for 127.0.0.1 and a client certificate with
 * openssl, in `dir`. Returns the file paths.
 */
export function makeTestCertificates(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const run = (args: string[]): void => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ""} failed: ${r.stderr}`);
  };
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=tandem-test-ca", "-keyout", "ca.key", "-out", "ca.pem"]);
  for (const name of ["server", "client"]) {
    run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=tandem-test-${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`]);
    run(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", `${name}.pem`]);
  }
  return {
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server.key"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client.key"),
  };
}

const etcdBin = process.env["ETCD_BIN"] ?? "/usr/bin/etcd";

// Last-resort cleanup: if a test crashes before close(), nothing is left behind.
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
function killAllNow(): void {
  for (const c of liveChildren) {
    if (c.pid === undefined || c.exitCode !== null) continue;
    try {
      process.kill(c.pid, "SIGCONT");
      process.kill(c.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
}
process.on("exit", killAllNow);
// The test runner stops a file that times out with a signal: clean up, then die of it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAllNow();
    process.kill(process.pid, signal);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function getJson(url: string, timeoutMs: number, tls?: EtcdTestTls): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? https.get : http.get;
    const tlsOptions =
      tls === undefined
        ? {}
        : {
            ca: readFileSync(tls.caFile),
            ...(tls.clientCertFile === undefined ? {} : { cert: readFileSync(tls.clientCertFile) }),
            ...(tls.clientKeyFile === undefined ? {} : { key: readFileSync(tls.clientKeyFile) }),
          };
    const req = get(url, { timeout: timeoutMs, agent: false, ...tlsOptions }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

interface MemberState {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  logFile: string;
  child: ChildProcess | undefined;
}

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdCluster> {
  if (!existsSync(etcdBin)) throw new Error(`etcd not found at ${etcdBin}: install etcd-server (scripts/setup.sh) or set ETCD_BIN`);
  const count = options.members ?? 1;
  const heartbeatMs = options.heartbeatMs ?? 50;
  const electionMs = options.electionMs ?? 500;
  const base = mkdtempSync(join(tmpdir(), `tandem-etcd-${process.pid}-`));
  liveDirs.add(base);
  const members: MemberState[] = [];
  for (let i = 0; i < count; i++) {
    const name = `m${i}`;
    members.push({
      name,
      clientUrl: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${await freePort()}`,
      peerUrl: `http://127.0.0.1:${await freePort()}`,
      dataDir: join(base, `${name}.etcd`),
      logFile: join(base, `${name}.log`),
      child: undefined,
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
  const token = `tandem-test-${process.pid}-${Date.now()}`;

  const launch = (m: MemberState): void => {
    const log = openSync(m.logFile, "a");
    const args = [
      "--name", m.name,
      "--data-dir", m.dataDir,
      "--listen-client-urls", m.clientUrl,
      "--advertise-client-urls", m.clientUrl,
      "--listen-peer-urls", m.peerUrl,
      "--initial-advertise-peer-urls", m.peerUrl,
      "--initial-cluster", initialCluster,
      "--initial-cluster-token", token,
      "--initial-cluster-state", "new",
      "--heartbeat-interval", String(heartbeatMs),
      "--election-timeout", String(electionMs),
      "--logger", "zap",
      "--log-level", "warn",
      ...(options.tls === undefined
        ? []
        : [
            "--cert-file", options.tls.certFile,
            "--key-file", options.tls.keyFile,
            "--trusted-ca-file", options.tls.caFile,
            ...(options.tls.clientCertAuth ? ["--client-cert-auth"] : []),
          ]),
      ...(options.extraArgs ?? []),
    ];
    const child = spawn(etcdBin, args, { stdio: ["ignore", log, log] });
    closeSync(log);
    liveChildren.add(child);
    child.once("exit", () => liveChildren.delete(child));
    m.child = child;
  };

  const running = (m: MemberState): boolean => m.child !== undefined && m.child.exitCode === null && m.child.signalCode === null;

  const waitExit = async (m: MemberState, signal: NodeJS.Signals): Promise<void> => {
    const child = m.child;
    if (child === undefined || !running(m)) {
      m.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGCONT"); // a paused member must be able to die
        process.kill(child.pid, signal);
      } catch {
        /* already gone */
      }
    }
    await exited;
    m.child = undefined;
  };

  const waitHealthy = async (timeoutMs = options.startTimeoutMs ?? 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (const m of members) {
      if (!running(m)) continue;
      for (;;) {
        if (!running(m)) throw new Error(`etcd member ${m.name} exited during start:\n${tail(m.logFile)}`);
        try {
          const health = (await getJson(`${m.clientUrl}/health`, 1000, options.tls)) as { health?: unknown };
          if (health.health === "true" || health.health === true) break;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > deadline) throw new Error(`etcd member ${m.name} not healthy within ${timeoutMs} ms:\n${tail(m.logFile)}`);
        await sleep(50);
      }
    }
  };

  let closed = false;
  const cluster: EtcdCluster = {
    get members(): readonly EtcdMember[] {
      return members.map((m) => ({
        name: m.name,
        clientUrl: m.clientUrl,
        peerUrl: m.peerUrl,
        dataDir: m.dataDir,
        logFile: m.logFile,
        pid: running(m) ? m.child?.pid : undefined,
        running: running(m),
      }));
    },
    endpoints: members.map((m) => m.clientUrl),
    stop: (i) => waitExit(member(i), "SIGTERM"),
    kill: (i) => waitExit(member(i), "SIGKILL"),
    pause(i) {
      const pid = member(i).child?.pid;
      if (pid !== undefined) process.kill(pid, "SIGSTOP");
    },
    resume(i) {
      const pid = member(i).child?.pid;
      if (pid !== undefined) process.kill(pid, "SIGCONT");
    },
    async restart(i) {
      const m = member(i);
      if (running(m)) await waitExit(m, "SIGTERM");
      launch(m);
      await waitHealthy();
    },
    waitHealthy,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(members.map((m) => waitExit(m, "SIGKILL")));
      rmSync(base, { recursive: true, force: true });
      liveDirs.delete(base);
    },
  };

  function member(i: number): MemberState {
    const m = members[i];
    if (m === undefined) throw new RangeError(`no etcd member ${i}`);
    return m;
  }

  try {
    for (const m of members) launch(m);
    await waitHealthy();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}
