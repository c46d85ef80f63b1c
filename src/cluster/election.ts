/**
 * DC election through etcd, as etcd's own concurrency/election does it: each candidate
 * creates `/tandem/<cluster>/election/<leaseId>` bound to its lease; the key with the
 * lowest create revision leads. Candidates mirror the (small) election prefix and check
 * again on every change: clusters have a handful of nodes, so the herd is small.
 *
 * The leader's **epoch** is the create revision of its key: unique and strictly
 * increasing from one leader to the next (revisions only grow), so it works as a fencing
 * token. `leadership.guard()` gives the compare that makes a store write succeed only
 * while this leadership still exists; executors compare epochs carried by actions.
 *
 * Leadership ends, at once and exactly once (`onLost`), when the lease is declared lost
 * locally (self-fencing deadline), when the key disappears (expired on the server,
 * deleted by an operator), or on `resign()`.
 */
import { TandemError } from "../core/index.js";
import { type Compare, type KeyValue, type Store, type TxnOp, type TxnResult } from "../store/index.js";
import { dcKey, electionPrefix } from "./keys.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import { Listeners } from "./listeners.js";
import { PrefixMirror } from "./prefix-mirror.js";

export type LeadershipEnd = "lease-lost" | "key-deleted" | "resigned";

export interface LeaderInfo {
  readonly name: string;
  readonly epoch: number;
}

export interface ElectionOptions {
  readonly store: Store;
  readonly cluster: string;
  /** This candidate's node name (the value of its election key). */
  readonly candidate: string;
  /** The lease the candidacy is bound to (usually the membership's). */
  readonly lease: LeaseKeeper;
}

export class Leadership {
  private ended: LeadershipEnd | undefined;
  private readonly endListeners = new Listeners<LeadershipEnd>();
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    readonly cluster: string,
    readonly name: string,
    /** The election key's create revision: the fencing token. */
    readonly epoch: number,
    readonly key: string,
  ) {}

  get isLeader(): boolean {
    return this.ended === undefined;
  }

  get endReason(): LeadershipEnd | undefined {
    return this.ended;
  }

  /** Called once when leadership ends (at once if it already has). */
  onLost(fn: (reason: LeadershipEnd) => void): () => void {
    if (this.ended !== undefined) {
      fn(this.ended);
      return () => undefined;
    }
    return this.endListeners.add(fn);
  }

  /** @internal */
  addCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** @internal */
  end(reason: LeadershipEnd): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    for (const c of this.cleanups.splice(0)) c();
    this.endListeners.emit(reason);
    this.endListeners.clear();
  }

  /** The compare that holds only while this leadership exists in the store. */
  guard(): Compare {
    return { key: this.key, target: "create", op: "=", value: this.epoch };
  }

  /**
   * A write that succeeds only while this leadership holds (the fencing check is done by
   * etcd, atomically with the write). A refused write is a value: `succeeded: false`.
   */
  async fencedTxn(compare: readonly Compare[], ops: readonly TxnOp[]): Promise<TxnResult> {
    if (this.ended !== undefined) {
      throw new TandemError("CLUSTER_NOT_LEADER", `not the DC any more (${this.ended}); epoch ${this.epoch} is stale`, {
        details: { epoch: this.epoch },
      });
    }
    return this.store.txn({ compare: [this.guard(), ...compare], success: ops });
  }

  /** Gives leadership up: deletes the election key so the next candidate leads at once. */
  async resign(): Promise<void> {
    if (this.ended !== undefined) return;
    this.end("resigned");
    // The key is named by our lease id: nobody else writes it, a plain delete is safe.
    await this.store.delete(this.key);
  }
}

/** The current leader according to the store, or undefined if nobody campaigns. */
export async function currentLeader(store: Store, cluster: string): Promise<LeaderInfo | undefined> {
  const r = await store.range(electionPrefix(cluster));
  const first = [...r.kvs].sort((a, b) => a.createRevision - b.createRevision)[0];
  return first === undefined ? undefined : { name: first.value, epoch: first.createRevision };
}

/**
 * Campaigns and resolves with the Leadership once this candidate leads. Rejects with
 * CLUSTER_NOT_LEADER if the lease is lost or `abort` fires first (the candidacy key is
 * then withdrawn).
 */
export async function campaign(options: ElectionOptions, abort?: AbortSignal): Promise<Leadership> {
  const { store, cluster, candidate, lease } = options;
  lease.assertHeld();
  const prefix = electionPrefix(cluster);
  const key = `${prefix}${lease.id}`;
  const created = await store.txn({
    compare: [{ key, target: "create", op: "=", value: 0 }],
    success: [{ type: "put", key, value: candidate, lease: lease.id }],
    failure: [{ type: "get", key }],
  });
  let epoch: number;
  if (created.succeeded) {
    epoch = created.revision;
  } else {
    const got = created.results[0];
    const existing = got?.type === "get" ? got.kvs[0] : undefined;
    if (existing === undefined) throw new TandemError("CLUSTER_NOT_LEADER", "the candidacy key vanished while campaigning", { retryable: true });
    epoch = existing.createRevision;
  }

  const mirror = await PrefixMirror.open(store, prefix);
  return new Promise<Leadership>((resolve, reject) => {
    let settled = false;
    let leadership: Leadership | undefined;
    const stopLease = lease.onLost(() => finish("lease-lost"));
    const onAbort = (): void => finish("resigned");
    abort?.addEventListener("abort", onAbort, { once: true });
    const stopMirror = mirror.onChange(() => evaluate());
    const stopErrors = mirror.onError(() => finish("key-deleted"));

    function cleanup(): void {
      stopLease();
      stopMirror();
      stopErrors();
      abort?.removeEventListener("abort", onAbort);
      mirror.close();
    }

    function finish(reason: LeadershipEnd): void {
      if (leadership !== undefined) {
        leadership.end(reason);
        return;
      }
      if (settled) return;
      settled = true;
      cleanup();
      // Withdraw the candidacy so it cannot win later without anyone listening.
      void store.compareAndDelete(key, mirror.get(key)?.modRevision ?? -1).catch(() => undefined);
      reject(new TandemError("CLUSTER_NOT_LEADER", `campaign of '${candidate}' ended: ${reason}`, { details: { reason } }));
    }

    function evaluate(): void {
      if (settled) {
        // Already leader: the only thing to watch is our own key.
        if (leadership !== undefined && mirror.get(key) === undefined) leadership.end("key-deleted");
        return;
      }
      const mine = mirror.get(key);
      if (mine === undefined) {
        finish("key-deleted");
        return;
      }
      const ahead = mirror.values().filter((kv: KeyValue) => kv.createRevision < epoch);
      if (ahead.length > 0) return; // wait: a delete of one of them re-runs evaluate()
      settled = true;
      leadership = new Leadership(store, cluster, candidate, epoch, key);
      leadership.addCleanup(cleanup);
      resolve(leadership);
    }

    evaluate();
  });
}

/** Publishes the DC record `{name, epoch}` under the leadership's guard. */
export async function publishDc(leadership: Leadership): Promise<boolean> {
  const r = await leadership.fencedTxn(
    [],
    [{ type: "put", key: dcKey(leadership.cluster), value: JSON.stringify({ name: leadership.name, epoch: leadership.epoch }) }],
  );
  return r.succeeded;
}

export function isNotLeader(error: unknown): boolean {
  return error instanceof TandemError && error.code === "CLUSTER_NOT_LEADER";
}

/**
 * Everyone's view of who is DC: the election prefix mirrored, leader = the lowest create
 * revision. Executors use `epoch` to refuse actions from an older DC (`admits`).
 */
export class LeaderView {
  private constructor(private readonly mirror: PrefixMirror) {}

  static async open(store: Store, cluster: string): Promise<LeaderView> {
    return new LeaderView(await PrefixMirror.open(store, electionPrefix(cluster)));
  }

  current(): LeaderInfo | undefined {
    const first = this.mirror.values().sort((a, b) => a.createRevision - b.createRevision)[0];
    return first === undefined ? undefined : { name: first.value, epoch: first.createRevision };
  }

  /**
   * Whether an action stamped with `epoch` may run: only the current DC's epoch. (A newer
   * epoch than we know means our view lags; the action is refused until we catch up, and
   * the DC retries, since acting on an unverified epoch is what fencing exists to prevent.)
   */
  admits(epoch: number): boolean {
    return this.current()?.epoch === epoch;
  }

  /** Called with the new leader (or undefined) whenever it changes. */
  onChange(fn: (leader: LeaderInfo | undefined) => void): () => void {
    let last = this.current();
    return this.mirror.onChange(() => {
      const now = this.current();
      if (now?.epoch !== last?.epoch) {
        last = now;
        fn(now);
      }
    });
  }

  onError(fn: (error: Error) => void): () => void {
    return this.mirror.onError(fn);
  }

  close(): void {
    this.mirror.close();
  }
}
