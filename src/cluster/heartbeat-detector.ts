/**
 * Fast failure detection, pure logic (no I/O, time passed in). etcd leases are whole
 * seconds; nodes therefore also send each other small heartbeats many times a second,
 * and a node silent for `timeoutMs` is declared dead. The DC acts on "dead" at once for
 * resources that do not need fencing (DESIGN.md, "Failure detection").
 *
 * A heartbeat carries the sender's incarnation (one per daemon start) and a sequence
 * number: a datagram older than the last one heard from the same incarnation is ignored
 * (UDP may reorder), and a new incarnation is reported as a restart, because a
 * restarted daemon no longer runs what the old one ran.
 */

export interface Heartbeat {
  readonly cluster: string;
  readonly node: string;
  readonly incarnation: string;
  readonly seq: number;
}

export type DetectorEvent =
  | { readonly type: "dead"; readonly node: string; readonly atMs: number; readonly silentMs: number }
  | { readonly type: "alive"; readonly node: string; readonly atMs: number; readonly silentMs: number }
  | { readonly type: "restarted"; readonly node: string; readonly atMs: number; readonly incarnation: string };

export type PeerState = "alive" | "dead";

interface Peer {
  state: PeerState;
  lastHeardMs: number;
  incarnation: string | undefined;
  seq: number;
}

export interface FailureDetectorOptions {
  /** Silence after which a peer is declared dead. */
  readonly timeoutMs: number;
}

export class FailureDetector {
  private readonly peers = new Map<string, Peer>();
  readonly timeoutMs: number;
  /** Heartbeats dropped as stale/reordered or from peers not watched (for metrics). */
  ignored = 0;

  constructor(options: FailureDetectorOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`heartbeat timeout must be positive, not ${options.timeoutMs}`);
    this.timeoutMs = options.timeoutMs;
  }

  /** Starts expecting heartbeats from `node`; it gets a full timeout of grace from now. */
  watch(node: string, nowMs: number): void {
    if (!this.peers.has(node)) this.peers.set(node, { state: "alive", lastHeardMs: nowMs, incarnation: undefined, seq: -1 });
  }

  unwatch(node: string): void {
    this.peers.delete(node);
  }

  watched(): string[] {
    return [...this.peers.keys()].sort();
  }

  state(node: string): PeerState | undefined {
    return this.peers.get(node)?.state;
  }

  /** Records a heartbeat; returns the transitions it causes (alive again, restarted). */
  heard(hb: Heartbeat, nowMs: number): DetectorEvent[] {
    const peer = this.peers.get(hb.node);
    if (peer === undefined) {
      this.ignored++;
      return [];
    }
    const events: DetectorEvent[] = [];
    if (peer.incarnation !== undefined && peer.incarnation !== hb.incarnation) {
      events.push({ type: "restarted", node: hb.node, atMs: nowMs, incarnation: hb.incarnation });
      peer.seq = -1;
    } else if (hb.seq <= peer.seq) {
      this.ignored++;
      return [];
    }
    peer.incarnation = hb.incarnation;
    peer.seq = hb.seq;
    if (peer.state === "dead") events.push({ type: "alive", node: hb.node, atMs: nowMs, silentMs: nowMs - peer.lastHeardMs });
    peer.state = "alive";
    peer.lastHeardMs = nowMs;
    return events;
  }

  /** Declares dead every alive peer silent for the timeout or longer. */
  tick(nowMs: number): DetectorEvent[] {
    const events: DetectorEvent[] = [];
    for (const [node, peer] of [...this.peers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const silentMs = nowMs - peer.lastHeardMs;
      if (peer.state === "alive" && silentMs >= this.timeoutMs) {
        peer.state = "dead";
        events.push({ type: "dead", node, atMs: nowMs, silentMs });
      }
    }
    return events;
  }

  /** When `tick` should next run: the earliest moment an alive peer can time out. */
  nextCheckMs(): number | undefined {
    let next: number | undefined;
    for (const peer of this.peers.values()) {
      if (peer.state !== "alive") continue;
      const at = peer.lastHeardMs + this.timeoutMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }
}

/** Wire format: small JSON, versioned. Anything else decodes to undefined. */
export function encodeHeartbeat(hb: Heartbeat): Buffer {
  return Buffer.from(JSON.stringify({ t: "tandem-hb", v: 1, c: hb.cluster, n: hb.node, i: hb.incarnation, s: hb.seq }), "utf8");
}

export function decodeHeartbeat(data: Buffer): Heartbeat | undefined {
  if (data.length > 1024) return undefined;
  try {
    const v = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
    if (v["t"] !== "tandem-hb" || v["v"] !== 1) return undefined;
    const c = v["c"];
    const n = v["n"];
    const i = v["i"];
    const s = v["s"];
    if (typeof c !== "string" || typeof n !== "string" || typeof i !== "string" || typeof s !== "number" || !Number.isSafeInteger(s)) return undefined;
    return { cluster: c, node: n, incarnation: i, seq: s };
  } catch {
    return undefined;
  }
}
