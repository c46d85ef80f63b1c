/**
 * Cluster membership: a node is a member while it holds a lease and its key
 * `/tandem/<cluster>/nodes/<name>` bound to that lease. The key's presence is membership
 * for everyone else (MembershipView); the lease's local deadline is membership for the
 * node itself (LeaseKeeper): when it passes, `onLost` fires and the daemon stops all its
 * resources, before etcd can expire the lease and the DC can recover them elsewhere.
 * Rejoining is `join()` again: a new lease, the key rewritten.
 */
import { hostname } from "node:os";
import { type Clock, systemClock, TandemError } from "../core/index.js";
import type { KeyValue, Store } from "../store/index.js";
import { nodeKey, nodesPrefix } from "./keys.js";
import { LeaseKeeper, type LeaseLoss } from "./lease-keeper.js";
import { Listeners } from "./listeners.js";
import { PrefixMirror } from "./prefix-mirror.js";
import type { Timers } from "./timers.js";

/** What a node publishes about itself (JSON in its key). */
export interface NodeRecord {
  readonly name: string;
  /** Unique per daemon start: tells a restarted daemon from a second one with the same name. */
  readonly incarnation: string;
  readonly joinedAtMs: number;
  readonly info: Readonly<Record<string, string>>;
}

export interface MembershipOptions {
  readonly store: Store;
  readonly cluster: string;
  readonly node: string;
  readonly incarnation: string;
  readonly info?: Readonly<Record<string, string>>;
  /** Lease TTL in whole seconds (default 5). */
  readonly ttlSec?: number;
  readonly renewIntervalMs?: number;
  readonly safetyMarginMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export type MembershipState = "out" | "joined" | "lost" | "left";

/** The default node name: the host name, as Pacemaker uses `uname -n`. */
export function defaultNodeName(): string {
  return hostname();
}

export function checkNodeName(name: string): { ok: true } | { ok: false; reason: string } {
  if (name.length === 0) return { ok: false, reason: "a node name cannot be empty" };
  if (name.length > 253) return { ok: false, reason: `node name '${name.slice(0, 20)}…' is longer than 253 characters` };
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    return { ok: false, reason: `invalid node name '${name}': use letters, digits, '_', '.', '-' (a host name)` };
  }
  return { ok: true };
}

export function parseNodeRecord(kv: KeyValue): NodeRecord | undefined {
  try {
    const v = JSON.parse(kv.value) as Partial<NodeRecord>;
    if (typeof v.name !== "string" || typeof v.incarnation !== "string") return undefined;
    const info: Record<string, string> = {};
    if (v.info !== undefined && v.info !== null && typeof v.info === "object") {
      for (const [k, x] of Object.entries(v.info)) if (typeof x === "string") info[k] = x;
    }
    return { name: v.name, incarnation: v.incarnation, joinedAtMs: typeof v.joinedAtMs === "number" ? v.joinedAtMs : 0, info };
  } catch {
    return undefined;
  }
}

export class Membership {
  private keeper: LeaseKeeper | undefined;
  private currentState: MembershipState = "out";
  private readonly lostListeners = new Listeners<LeaseLoss>();
  private readonly clock: Clock;

  constructor(private readonly options: MembershipOptions) {
    const check = checkNodeName(options.node);
    if (!check.ok) throw new TandemError("CLUSTER_BAD_NODE_NAME", check.reason);
    this.clock = options.clock ?? systemClock;
  }

  get state(): MembershipState {
    return this.currentState;
  }

  /** The lease while joined (shared with the election, so losing one loses both). */
  get lease(): LeaseKeeper | undefined {
    return this.currentState === "joined" ? this.keeper : undefined;
  }

  get key(): string {
    return nodeKey(this.options.cluster, this.options.node);
  }

  /** Fires each time membership is lost (every join has at most one loss). */
  onLost(fn: (loss: LeaseLoss) => void): () => void {
    return this.lostListeners.add(fn);
  }

  /**
   * Joins: grants a lease, then creates the node key bound to it. Refused with
   * CLUSTER_NODE_NAME_IN_USE (retryable: the holder's lease will expire if it is dead)
   * when another incarnation holds the name.
   */
  async join(): Promise<LeaseKeeper> {
    if (this.currentState === "joined" && this.keeper !== undefined) return this.keeper;
    const o = this.options;
    const keeper = await LeaseKeeper.grant({
      store: o.store,
      ttlSec: o.ttlSec ?? 5,
      ...(o.renewIntervalMs === undefined ? {} : { renewIntervalMs: o.renewIntervalMs }),
      ...(o.safetyMarginMs === undefined ? {} : { safetyMarginMs: o.safetyMarginMs }),
      clock: this.clock,
      ...(o.timers === undefined ? {} : { timers: o.timers }),
    });
    const record: NodeRecord = { name: o.node, incarnation: o.incarnation, joinedAtMs: this.clock.nowMs(), info: o.info ?? {} };
    const value = JSON.stringify(record);
    try {
      const created = await o.store.txn({
        compare: [{ key: this.key, target: "create", op: "=", value: 0 }],
        success: [{ type: "put", key: this.key, value, lease: keeper.id }],
        failure: [{ type: "get", key: this.key }],
      });
      if (!created.succeeded) {
        const got = created.results[0];
        const existing = got?.type === "get" ? got.kvs[0] : undefined;
        const holder = existing === undefined ? undefined : parseNodeRecord(existing);
        if (existing !== undefined && holder?.incarnation !== o.incarnation) {
          throw new TandemError(
            "CLUSTER_NODE_NAME_IN_USE",
            `node name '${o.node}' is held by another daemon (incarnation ${holder?.incarnation ?? "unknown"}); it is free once that daemon's lease expires`,
            { retryable: true, details: { node: o.node, holder: holder?.incarnation ?? null } },
          );
        }
        // Our own key from an earlier lease of this daemon (or it just vanished): take it
        // over only if it is still the one we saw, so a racing joiner cannot be overwritten.
        const again = await o.store.txn({
          compare: [{ key: this.key, target: "mod", op: "=", value: existing?.modRevision ?? 0 }],
          success: [{ type: "put", key: this.key, value, lease: keeper.id }],
        });
        if (!again.succeeded) {
          throw new TandemError("CLUSTER_NODE_NAME_IN_USE", `node name '${o.node}' changed hands while joining; try again`, {
            retryable: true,
            details: { node: o.node },
          });
        }
      }
    } catch (error) {
      await keeper.release().catch(() => undefined);
      throw error;
    }
    const previous = this.keeper;
    this.keeper = keeper;
    this.currentState = "joined";
    if (previous !== undefined && previous.id !== keeper.id) {
      // The old lease was declared lost and everything it covered was stopped: revoke it
      // so what is still bound to it (an election key) goes now rather than at expiry.
      await o.store.revokeLease(previous.id).catch(() => undefined);
    }
    keeper.onLost((loss) => {
      if (this.keeper !== keeper) return;
      this.currentState = "lost";
      this.lostListeners.emit(loss);
    });
    return keeper;
  }

  /** Leaves cleanly: revokes the lease, so the node key disappears at once. */
  async leave(): Promise<void> {
    const keeper = this.keeper;
    this.keeper = undefined;
    this.currentState = "left";
    await keeper?.release();
  }

  /** Stops renewing without revoking (a hung or killed daemon, for tests). */
  abandon(): void {
    this.keeper?.abandon();
    this.keeper = undefined;
    this.currentState = "left";
  }
}

export interface MembershipChange {
  readonly joined: readonly NodeRecord[];
  readonly left: readonly string[];
  /** Every online node after the change, sorted by name. */
  readonly online: readonly string[];
  readonly revision: number;
}

/** Everyone's view of membership: the set of node keys, i.e. the online nodes. */
export class MembershipView {
  private constructor(
    private readonly mirror: PrefixMirror,
    private readonly prefix: string,
  ) {}

  static async open(store: Store, cluster: string): Promise<MembershipView> {
    const prefix = nodesPrefix(cluster);
    return new MembershipView(await PrefixMirror.open(store, prefix), prefix);
  }

  /** Online nodes by name. */
  nodes(): Map<string, NodeRecord> {
    const out = new Map<string, NodeRecord>();
    for (const kv of this.mirror.values()) {
      const r = parseNodeRecord(kv);
      if (r !== undefined) out.set(r.name, r);
    }
    return out;
  }

  online(): string[] {
    return [...this.nodes().keys()].sort();
  }

  get revision(): number {
    return this.mirror.revision;
  }

  /** The view could not stay in sync (e.g. auth refused): it is stale until reopened. */
  onError(fn: (error: Error) => void): () => void {
    return this.mirror.onError(fn);
  }

  onChange(fn: (change: MembershipChange) => void): () => void {
    return this.mirror.onChange((c) => {
      const joined = c.put.map(parseNodeRecord).filter((r): r is NodeRecord => r !== undefined);
      const left = c.deleted.map((kv) => kv.key.slice(this.prefix.length));
      fn({ joined, left, online: this.online(), revision: c.revision });
    });
  }

  close(): void {
    this.mirror.close();
  }
}
