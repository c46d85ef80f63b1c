/**
 * A client for HAProxy's runtime API (the `stats socket`, a unix socket), HAProxy 2.6.
 * One command per connection (the socket's non-interactive mode: HAProxy answers and
 * closes). Never reloads anything: server states change in the running process.
 *
 * Every failure is a TandemError with a stable code: the socket is missing or refuses
 * (LB_SOCKET_UNREACHABLE), it did not answer in time (LB_SOCKET_TIMEOUT), HAProxy refused
 * the command (LB_SOCKET_PERMISSION for a socket below `level admin`, LB_COMMAND_REJECTED
 * otherwise), or the answer could not be read (LB_BAD_REPLY).
 */

import { createConnection } from "node:net";
import { TandemError } from "../core/index.js";

export type ServerAdminState = "ready" | "drain" | "maint";

/** One line of `show servers state` (format 1), the fields Tandem uses. */
export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state bit field (0x01 forced maint, 0x08 forced drain, 0x02/0x04/0x10/0x20/0x40 inherited or resolver maint). */
  adminBits: number;
  /** ready, drain or maint as `set server … state` would have set it. */
  admin: ServerAdminState;
  weight: number;
}

/** One row of `show stat` as field name → value (CSV header names, `# ` stripped). */
export type StatRow = Readonly<Record<string, string>>;

export interface RuntimeOptions {
  /** Per command, connection included; default 2000 ms. */
  timeoutMs?: number;
}

const ADMF_FMAINT = 0x01;
const ADMF_FDRAIN = 0x08;
const ADMF_ANY_MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const ADMF_ANY_DRAIN = 0x08 | 0x10;

/** Reads the admin state as one of the three `set server` states. */
export function adminStateOf(bits: number): ServerAdminState {
  if ((bits & ADMF_ANY_MAINT) !== 0) return "maint";
  if ((bits & ADMF_ANY_DRAIN) !== 0) return "drain";
  return "ready";
}

/** Whether a state was forced from the runtime API (what `set server … ready` clears). */
export function isForced(bits: number): boolean {
  return (bits & (ADMF_FMAINT | ADMF_FDRAIN)) !== 0;
}

const NAME = /^[A-Za-z0-9_.:-]+$/;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new TandemError("LB_BAD_NAME", `'${name}' is not a valid HAProxy ${kind} name`);
}

/** Sends one command and resolves with HAProxy's whole answer. */
export function runtimeCommand(socketPath: string, command: string, options: RuntimeOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: TandemError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const timer = setTimeout(() => {
      finish(new TandemError("LB_SOCKET_TIMEOUT", `HAProxy at ${socketPath} did not answer '${command}' within ${timeoutMs} ms`, { retryable: true }));
    }, timeoutMs);
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => finish(undefined));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      finish(new TandemError("LB_SOCKET_UNREACHABLE", `cannot reach HAProxy's runtime socket ${socketPath}: ${error.code ?? error.message}`, { retryable: true, cause: error }));
    });
  });
}

/** Throws the coded error for an answer that is a refusal; returns the answer otherwise. */
function checkReply(socketPath: string, command: string, reply: string): string {
  const text = reply.trim();
  if (/^Permission denied/.test(text)) {
    throw new TandemError("LB_SOCKET_PERMISSION", `HAProxy at ${socketPath} refused '${command}': the stats socket needs 'level admin'`);
  }
  if (/^(Unknown command|No such (server|backend)|Require |'set server' |Invalid |.*expects )/.test(text)) {
    throw new TandemError("LB_COMMAND_REJECTED", `HAProxy at ${socketPath} rejected '${command}': ${text.split("\n")[0] ?? ""}`);
  }
  return reply;
}

/** Parses `show servers state` format 1 (pure). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  if (lines[0] !== "1") throw new TandemError("LB_BAD_REPLY", `unexpected 'show servers state' format '${lines[0] ?? ""}' (Tandem reads format 1)`);
  const header = lines[1]?.replace(/^#\s*/, "").split(/\s+/) ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new TandemError("LB_BAD_REPLY", `'show servers state' has no column ${name}`);
    return i;
  };
  const [be, srv, addr, op, admin, weight, port] = ["be_name", "srv_name", "srv_addr", "srv_op_state", "srv_admin_state", "srv_uweight", "srv_port"].map(col) as [number, number, number, number, number, number, number];
  return lines.slice(2).filter((l) => !l.startsWith("#")).map((line) => {
    const f = line.split(/\s+/);
    const adminBits = Number.parseInt(f[admin] ?? "0", 10);
    return {
      backend: f[be] ?? "", server: f[srv] ?? "", address: f[addr] ?? "", port: Number.parseInt(f[port] ?? "0", 10),
      opState: Number.parseInt(f[op] ?? "0", 10), adminBits, admin: adminStateOf(adminBits), weight: Number.parseInt(f[weight] ?? "0", 10),
    };
  });
}

/** Parses `show stat` CSV (pure): one record per proxy/server row. */
export function parseShowStat(text: string): StatRow[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const head = lines[0];
  if (head === undefined || !head.startsWith("# ")) throw new TandemError("LB_BAD_REPLY", "'show stat' answer has no CSV header");
  const names = head.slice(2).split(",");
  return lines.slice(1).map((line) => {
    const values = line.split(",");
    const row: Record<string, string> = {};
    names.forEach((n, i) => {
      if (n !== "") row[n] = values[i] ?? "";
    });
    return row;
  });
}

/** The runtime API of one HAProxy process. */
export class HaproxyRuntime {
  constructor(readonly socketPath: string, private readonly options: RuntimeOptions = {}) {}

  async command(command: string): Promise<string> {
    return checkReply(this.socketPath, command, await runtimeCommand(this.socketPath, command, this.options));
  }

  async serversState(backend?: string): Promise<ServerState[]> {
    if (backend !== undefined) checkName("backend", backend);
    return parseServersState(await this.command(backend === undefined ? "show servers state" : `show servers state ${backend}`));
  }

  async stat(): Promise<StatRow[]> {
    return parseShowStat(await this.command("show stat"));
  }

  /** `set server B/S state ready|drain|maint`: takes effect at once, no reload. */
  async setServerState(backend: string, server: string, state: ServerAdminState): Promise<void> {
    checkName("backend", backend);
    checkName("server", server);
    const reply = await this.command(`set server ${backend}/${server} state ${state}`);
    if (reply.trim() !== "") throw new TandemError("LB_COMMAND_REJECTED", `HAProxy at ${this.socketPath} answered 'set server ${backend}/${server} state ${state}' with: ${reply.trim()}`);
  }

  /** `get weight B/S`: the current and the initial weight. */
  async getWeight(backend: string, server: string): Promise<{ current: number; initial: number }> {
    checkName("backend", backend);
    checkName("server", server);
    const reply = (await this.command(`get weight ${backend}/${server}`)).trim();
    const m = /^(\d+) \(initial (\d+)\)$/.exec(reply);
    if (m === null) throw new TandemError("LB_COMMAND_REJECTED", `HAProxy at ${this.socketPath} answered 'get weight ${backend}/${server}' with: ${reply}`);
    return { current: Number(m[1]), initial: Number(m[2]) };
  }
}

/**
 * An extra configuration file for `haproxy -f haproxy.cfg -f <this>`: a second `global`
 * section declaring an admin-level socket for Tandem, so the operator's haproxy.cfg (the
 * tutorial's `stats socket /var/lib/haproxy/stats` is user level) stays unchanged.
 */
export function runtimeSocketConfig(socketPath: string): string {
  if (/\s/.test(socketPath)) throw new TandemError("LB_BAD_NAME", `socket path '${socketPath}' contains white space`);
  return `# written by Tandem: its runtime API socket\nglobal\n    stats socket ${socketPath} mode 600 level admin\n`;
}
