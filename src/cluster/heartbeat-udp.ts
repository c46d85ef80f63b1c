/**
 * The UDP side of fast failure detection: sends a heartbeat to every peer each
 * `intervalMs`, feeds received heartbeats to a FailureDetector, and runs its check
 * exactly at the next possible timeout. Defaults: 100 ms interval, 400 ms timeout.
 * Datagrams from another cluster name are ignored.
 */
import { createSocket, type Socket } from "node:dgram";
import { type Clock, systemClock, TandemError } from "../core/index.js";
import { decodeHeartbeat, type DetectorEvent, encodeHeartbeat, FailureDetector } from "./heartbeat-detector.js";
import { systemTimers, type TimerHandle, type Timers } from "./timers.js";

export interface PeerAddress {
  readonly address: string;
  readonly port: number;
}

export interface UdpHeartbeatOptions {
  readonly cluster: string;
  readonly node: string;
  readonly incarnation: string;
  /** Address to bind (e.g. the node's cluster address; 127.0.0.1 in tests). */
  readonly bindAddress: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly onEvent: (event: DetectorEvent) => void;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export class UdpHeartbeat {
  readonly detector: FailureDetector;
  readonly intervalMs: number;
  private readonly peers = new Map<string, PeerAddress>();
  private seq = 0;
  private sending = true;
  private sendTimer: TimerHandle | undefined;
  private checkTimer: TimerHandle | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly timers: Timers;
  /** Send errors (e.g. no route) are counted, not thrown: a lost heartbeat is what we detect. */
  sendErrors = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly options: UdpHeartbeatOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    const timeoutMs = options.timeoutMs ?? 400;
    if (!(this.intervalMs > 0 && timeoutMs > this.intervalMs)) {
      throw new TandemError("CLUSTER_BAD_TIMING", `the heartbeat timeout (${timeoutMs} ms) must be longer than the interval (${this.intervalMs} ms)`);
    }
    this.detector = new FailureDetector({ timeoutMs });
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
  }

  static async open(options: UdpHeartbeatOptions): Promise<UdpHeartbeat> {
    const socket = createSocket({ type: options.bindAddress.includes(":") ? "udp6" : "udp4" });
    const hb = new UdpHeartbeat(socket, options);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port, options.bindAddress, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("message", (data) => hb.receive(data));
    socket.on("error", () => hb.sendErrors++);
    hb.scheduleSend(0);
    return hb;
  }

  address(): PeerAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** Sets who we send to and watch (the online members other than us). */
  setPeers(peers: ReadonlyMap<string, PeerAddress>): void {
    const now = this.clock.monotonicMs();
    for (const node of this.peers.keys()) if (!peers.has(node)) this.detector.unwatch(node);
    this.peers.clear();
    for (const [node, addr] of peers) {
      if (node === this.options.node) continue;
      this.peers.set(node, addr);
      this.detector.watch(node, now);
    }
    this.armCheck();
  }

  /** Stops (false) or resumes (true) sending, keeps receiving: simulates a hung sender. */
  setSending(on: boolean): void {
    this.sending = on;
  }

  private scheduleSend(delayMs: number): void {
    if (this.closed) return;
    this.sendTimer = this.timers.setTimeout(() => {
      this.sendAll();
      this.scheduleSend(this.intervalMs);
    }, delayMs);
  }

  private sendAll(): void {
    if (!this.sending || this.closed) return;
    const data = encodeHeartbeat({ cluster: this.options.cluster, node: this.options.node, incarnation: this.options.incarnation, seq: this.seq++ });
    for (const peer of this.peers.values()) {
      this.socket.send(data, peer.port, peer.address, (error) => {
        if (error !== null && error !== undefined) this.sendErrors++;
      });
    }
  }

  private receive(data: Buffer): void {
    const hb = decodeHeartbeat(data);
    if (hb === undefined || hb.cluster !== this.options.cluster || hb.node === this.options.node) return;
    for (const e of this.detector.heard(hb, this.clock.monotonicMs())) this.options.onEvent(e);
    this.armCheck();
  }

  private armCheck(): void {
    if (this.closed) return;
    this.timers.clearTimeout(this.checkTimer);
    const next = this.detector.nextCheckMs();
    if (next === undefined) return;
    this.checkTimer = this.timers.setTimeout(() => {
      this.checkTimer = undefined;
      for (const e of this.detector.tick(this.clock.monotonicMs())) this.options.onEvent(e);
      this.armCheck();
    }, Math.max(0, next - this.clock.monotonicMs()));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.timers.clearTimeout(this.sendTimer);
    this.timers.clearTimeout(this.checkTimer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The member-info key under which a node publishes its heartbeat address ("host:port"). */
export const HEARTBEAT_INFO_KEY = "heartbeat";

/** Parses "10.0.0.1:5405" or "[fd00::1]:5405"; undefined if malformed. */
export function parsePeerAddress(text: string): PeerAddress | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { address: m[1] ?? m[2] ?? "", port };
}

/** Heartbeat peers from the membership view: every online node that published an address. */
export function heartbeatPeers(
  nodes: ReadonlyMap<string, { readonly info: Readonly<Record<string, string>> }>,
  self: string,
): Map<string, PeerAddress> {
  const out = new Map<string, PeerAddress>();
  for (const [name, record] of nodes) {
    if (name === self) continue;
    const text = record.info[HEARTBEAT_INFO_KEY];
    const addr = text === undefined ? undefined : parsePeerAddress(text);
    if (addr !== undefined) out.set(name, addr);
  }
  return out;
}
