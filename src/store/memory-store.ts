/**
 * The in-memory `Store`, for unit tests of logic that uses the store. It keeps etcd's
 * semantics that callers can observe: one revision per write, create/mod revisions and
 * versions, history for reads at an old revision and for watches from an old revision,
 * compaction, leases that expire on a manual clock (`clock.advance()` then any call, or
 * `expireLeases()`), and ordered watch delivery (asynchronous, as a real store's is).
 *
 * Limits (deliberate): one process, no network, no quorum loss except `setAvailable(false)`.
 */
import type { Clock } from "../core/index.js";
import { storeError } from "./errors.js";
import type {
  CasResult,
  Compare,
  DeleteResult,
  GetResult,
  KeyValue,
  LeaseGrant,
  LeaseId,
  LeaseTimeToLive,
  PutOptions,
  RangeResult,
  ReadOptions,
  Store,
  StoreStatus,
  TxnOp,
  TxnOpResult,
  TxnRequest,
  TxnResult,
  Watch,
  WatchEvent,
  WatchOptions,
  WriteResult,
} from "./store.js";
import { NO_LEASE } from "./store.js";

interface Lease {
  readonly id: LeaseId;
  readonly ttlSec: number;
  expiresAtMs: number;
  readonly keys: Set<string>;
}

interface MemoryWatcher {
  readonly prefix: string;
  readonly options: WatchOptions;
  nextRevision: number;
  closed: boolean;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function compareValues<T extends number | string>(actual: T, op: Compare["op"], expected: T): boolean {
  switch (op) {
    case "=":
      return actual === expected;
    case "!=":
      return actual !== expected;
    case "<":
      return typeof actual === "string" ? compareBytes(actual, expected as string) < 0 : actual < expected;
    case ">":
      return typeof actual === "string" ? compareBytes(actual, expected as string) > 0 : actual > expected;
  }
}

function compareLeases(actual: LeaseId, op: Compare["op"], expected: LeaseId): boolean {
  const a = BigInt(actual);
  const b = BigInt(expected);
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case ">":
      return a > b;
  }
}

/** etcd refuses a branch that puts one key twice, or puts a key it also deletes. */
function checkNoDuplicateWrites(ops: readonly TxnOp[]): void {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.type !== "put") continue;
    if (puts.has(op.key)) throw storeError("STORE_BAD_REQUEST", "etcd: etcdserver: duplicate key given in txn request", { key: op.key });
    puts.add(op.key);
  }
  for (const op of ops) {
    if (op.type !== "delete") continue;
    for (const key of puts) {
      if (op.prefix === true ? key.startsWith(op.key) : key === op.key) {
        throw storeError("STORE_BAD_REQUEST", "etcd: etcdserver: duplicate key given in txn request", { key });
      }
    }
  }
}

export class MemoryStore implements Store {
  private revision = 1; // etcd starts at revision 1 with an empty keyspace
  private compactedRevision = 0;
  private readonly live = new Map<string, KeyValue>();
  /** Every event ever, in order, for reads at old revisions and watches from the past. */
  private readonly history: WatchEvent[] = [];
  private readonly leases = new Map<LeaseId, Lease>();
  private nextLeaseId = 0x1000;
  private readonly watchers = new Set<MemoryWatcher>();
  private available = true;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  // ---- test controls ------------------------------------------------------------------

  /** Simulates losing (false) or regaining quorum: calls fail with STORE_UNAVAILABLE. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** Forgets history before `revision`: reads and watches from older revisions fail. */
  compact(revision: number): void {
    if (revision > this.revision) throw storeError("STORE_FUTURE_REVISION", `cannot compact to future revision ${revision}`);
    this.compactedRevision = Math.max(this.compactedRevision, revision);
    while (this.history.length > 0 && (this.history[0] as WatchEvent).kv.modRevision < this.compactedRevision) this.history.shift();
    for (const w of this.watchers) {
      if (!w.closed && w.nextRevision < this.compactedRevision) this.failWatcher(w, revision);
    }
  }

  /** Deletes the keys of every lease whose time is up on the clock. */
  expireLeases(): void {
    const now = this.clock.monotonicMs();
    for (const lease of [...this.leases.values()]) {
      if (lease.expiresAtMs <= now) this.dropLease(lease);
    }
  }

  // ---- reads --------------------------------------------------------------------------

  private enter(): void {
    if (this.closed) throw storeError("STORE_CLOSED", "the store client is closed");
    if (!this.available) throw storeError("STORE_UNAVAILABLE", "the store has no quorum (simulated)");
    this.expireLeases();
  }

  private checkReadRevision(revision: number | undefined): void {
    if (revision === undefined || revision <= 0) return;
    if (revision < this.compactedRevision) {
      throw storeError("STORE_COMPACTED", `revision ${revision} was compacted (compacted up to ${this.compactedRevision})`, {
        compactRevision: this.compactedRevision,
      });
    }
    if (revision > this.revision) throw storeError("STORE_FUTURE_REVISION", `revision ${revision} is in the future (current ${this.revision})`);
  }

  /** The keyspace as of `revision`, rebuilt from history (only keys matching `match`). */
  private snapshotAt(revision: number, match: (key: string) => boolean): Map<string, KeyValue> {
    const out = new Map<string, KeyValue>();
    for (const kv of this.live.values()) if (match(kv.key) && kv.modRevision <= revision) out.set(kv.key, kv);
    // Undo events newer than `revision`, newest first.
    for (let i = this.history.length - 1; i >= 0; i--) {
      const ev = this.history[i] as WatchEvent;
      if (ev.kv.modRevision <= revision) break;
      if (!match(ev.kv.key)) continue;
      if (ev.prevKv !== undefined) out.set(ev.kv.key, ev.prevKv);
      else out.delete(ev.kv.key);
    }
    return out;
  }

  private read(match: (key: string) => boolean, options: ReadOptions | undefined): KeyValue[] {
    const at = options?.revision;
    this.checkReadRevision(at);
    const kvs =
      at === undefined || at <= 0 || at === this.revision
        ? [...this.live.values()].filter((kv) => match(kv.key))
        : [...this.snapshotAt(at, match).values()];
    return kvs.sort((a, b) => compareBytes(a.key, b.key));
  }

  get(key: string, options?: ReadOptions): Promise<GetResult> {
    return this.run(() => ({ kv: this.read((k) => k === key, options)[0], revision: this.revision }));
  }

  range(prefix: string, options?: ReadOptions): Promise<RangeResult> {
    return this.run(() => ({ kvs: this.read((k) => k.startsWith(prefix), options), revision: this.revision }));
  }

  // ---- writes -------------------------------------------------------------------------

  /** Runs `fn` as one atomic step and settles asynchronously, as a networked store would. */
  private run<T>(fn: () => T): Promise<T> {
    try {
      this.enter();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Applies writes as ONE revision. Returns the new revision (unchanged if no effect). */
  private applyWrites(writes: readonly ({ type: "put"; key: string; value: string; lease: LeaseId } | { type: "delete"; key: string })[]): number {
    const effective = writes.filter((w) => w.type === "put" || this.live.has(w.key));
    if (effective.length === 0) return this.revision;
    for (const w of effective) {
      if (w.type === "put" && w.lease !== NO_LEASE && !this.leases.has(w.lease)) {
        throw storeError("STORE_LEASE_NOT_FOUND", `lease ${w.lease} not found`, { lease: w.lease });
      }
    }
    const rev = this.revision + 1;
    const events: WatchEvent[] = [];
    for (const w of effective) {
      const prev = this.live.get(w.key);
      if (prev !== undefined && prev.lease !== NO_LEASE) this.leases.get(prev.lease)?.keys.delete(w.key);
      if (w.type === "put") {
        const kv: KeyValue = {
          key: w.key,
          value: w.value,
          createRevision: prev?.createRevision ?? rev,
          modRevision: rev,
          version: (prev?.version ?? 0) + 1,
          lease: w.lease,
        };
        this.live.set(w.key, kv);
        if (w.lease !== NO_LEASE) this.leases.get(w.lease)?.keys.add(w.key);
        events.push(prev === undefined ? { type: "put", kv } : { type: "put", kv, prevKv: prev });
      } else if (prev !== undefined) {
        this.live.delete(w.key);
        const kv: KeyValue = { key: w.key, value: "", createRevision: 0, modRevision: rev, version: 0, lease: NO_LEASE };
        events.push({ type: "delete", kv, prevKv: prev });
      }
    }
    this.revision = rev;
    this.history.push(...events);
    this.notify();
    return rev;
  }

  put(key: string, value: string, options?: PutOptions): Promise<WriteResult> {
    return this.run(() => ({ revision: this.applyWrites([{ type: "put", key, value, lease: options?.lease ?? NO_LEASE }]) }));
  }

  delete(key: string): Promise<DeleteResult> {
    return this.run(() => {
      const deleted = this.live.has(key) ? 1 : 0;
      return { revision: this.applyWrites([{ type: "delete", key }]), deleted };
    });
  }

  deletePrefix(prefix: string): Promise<DeleteResult> {
    return this.run(() => {
      // etcd deletes a range in key order: its watch events come in that order too.
      const keys = [...this.live.keys()].filter((k) => k.startsWith(prefix)).sort(compareBytes);
      return { revision: this.applyWrites(keys.map((key) => ({ type: "delete" as const, key }))), deleted: keys.length };
    });
  }

  private evalCompare(c: Compare): boolean {
    const kv = this.live.get(c.key);
    switch (c.target) {
      case "mod":
        return compareValues(kv?.modRevision ?? 0, c.op, c.value);
      case "create":
        return compareValues(kv?.createRevision ?? 0, c.op, c.value);
      case "version":
        return compareValues(kv?.version ?? 0, c.op, c.value);
      case "value":
        return kv !== undefined && compareValues(kv.value, c.op, c.value);
      case "lease":
        return compareLeases(kv?.lease ?? NO_LEASE, c.op, c.value);
    }
  }

  txn(request: TxnRequest): Promise<TxnResult> {
    return this.run(() => this.txnNow(request));
  }

  private txnNow(request: TxnRequest): TxnResult {
    checkNoDuplicateWrites(request.success);
    checkNoDuplicateWrites(request.failure ?? []);
    const succeeded = request.compare.every((c) => this.evalCompare(c));
    const ops = succeeded ? request.success : (request.failure ?? []);
    // Reads in a transaction see the state before its writes, as in etcd when reads come
    // first; Tandem never mixes a read after a write of the same key in one transaction.
    const results: TxnOpResult[] = [];
    const writes: ({ type: "put"; key: string; value: string; lease: LeaseId } | { type: "delete"; key: string })[] = [];
    for (const op of ops) results.push(this.planOp(op, writes));
    const revision = this.applyWrites(writes);
    return { succeeded, revision, results };
  }

  private planOp(
    op: TxnOp,
    writes: ({ type: "put"; key: string; value: string; lease: LeaseId } | { type: "delete"; key: string })[],
  ): TxnOpResult {
    const matches = (prefix: boolean | undefined, key: string) => (k: string) => (prefix === true ? k.startsWith(key) : k === key);
    switch (op.type) {
      case "put":
        writes.push({ type: "put", key: op.key, value: op.value, lease: op.lease ?? NO_LEASE });
        return { type: "put" };
      case "delete": {
        const keys = [...this.live.keys()].filter(matches(op.prefix, op.key)).sort(compareBytes);
        for (const key of keys) writes.push({ type: "delete", key });
        return { type: "delete", deleted: keys.length };
      }
      case "get":
        return { type: "get", kvs: this.read(matches(op.prefix, op.key), undefined) };
    }
  }

  compareAndSwap(key: string, expectedModRevision: number, value: string, options?: PutOptions): Promise<CasResult> {
    return this.run(() => {
      const r = this.txnNow({
        compare: [{ key, target: "mod", op: "=", value: expectedModRevision }],
        success: [{ type: "put", key, value, ...(options?.lease === undefined ? {} : { lease: options.lease }) }],
      });
      return r.succeeded ? { ok: true, revision: r.revision } : { ok: false, revision: r.revision, current: this.live.get(key) };
    });
  }

  compareAndDelete(key: string, expectedModRevision: number): Promise<CasResult> {
    return this.run(() => {
      const r = this.txnNow({ compare: [{ key, target: "mod", op: "=", value: expectedModRevision }], success: [{ type: "delete", key }] });
      return r.succeeded ? { ok: true, revision: r.revision } : { ok: false, revision: r.revision, current: this.live.get(key) };
    });
  }

  // ---- leases -------------------------------------------------------------------------

  private dropLease(lease: Lease): void {
    this.leases.delete(lease.id);
    this.applyWrites([...lease.keys].sort(compareBytes).map((key) => ({ type: "delete" as const, key })));
  }

  private liveLease(id: LeaseId): Lease {
    const lease = this.leases.get(id);
    if (lease === undefined) throw storeError("STORE_LEASE_NOT_FOUND", `lease ${id} not found (expired or revoked)`, { lease: id });
    return lease;
  }

  grantLease(ttlSec: number): Promise<LeaseGrant> {
    return this.run(() => {
      if (!Number.isInteger(ttlSec) || ttlSec <= 0) throw storeError("STORE_BAD_REQUEST", `lease TTL must be a positive whole number of seconds, not ${ttlSec}`);
      const id = String(this.nextLeaseId++);
      this.leases.set(id, { id, ttlSec, expiresAtMs: this.clock.monotonicMs() + ttlSec * 1000, keys: new Set() });
      return { id, ttlSec };
    });
  }

  keepAlive(id: LeaseId): Promise<number> {
    return this.run(() => {
      const lease = this.liveLease(id);
      lease.expiresAtMs = this.clock.monotonicMs() + lease.ttlSec * 1000;
      return lease.ttlSec;
    });
  }

  revokeLease(id: LeaseId): Promise<void> {
    return this.run(() => this.dropLease(this.liveLease(id)));
  }

  leaseTimeToLive(id: LeaseId): Promise<LeaseTimeToLive | undefined> {
    return this.run(() => {
      const lease = this.leases.get(id);
      if (lease === undefined) return undefined;
      const remainingSec = Math.max(0, Math.ceil((lease.expiresAtMs - this.clock.monotonicMs()) / 1000));
      return { id, remainingSec, grantedTtlSec: lease.ttlSec, keys: [...lease.keys].sort(compareBytes) };
    });
  }

  // ---- watches ------------------------------------------------------------------------

  watch(prefix: string, options: WatchOptions): Watch {
    if (this.closed) throw storeError("STORE_CLOSED", "the store client is closed");
    const w: MemoryWatcher = { prefix, options, nextRevision: Math.max(1, options.fromRevision), closed: false };
    this.watchers.add(w);
    if (w.nextRevision < this.compactedRevision) {
      const compacted = this.compactedRevision;
      queueMicrotask(() => this.failWatcher(w, compacted));
    } else {
      this.notify();
    }
    const watchers = this.watchers;
    return {
      get nextRevision() {
        return w.nextRevision;
      },
      close() {
        w.closed = true;
        watchers.delete(w);
      },
    };
  }

  private failWatcher(w: MemoryWatcher, compactRevision: number): void {
    if (w.closed) return;
    w.closed = true;
    this.watchers.delete(w);
    w.options.onError(
      storeError("STORE_COMPACTED", `watch from revision ${w.nextRevision} cannot resume: compacted up to ${compactRevision}`, {
        compactRevision,
      }),
    );
  }

  private deliveryScheduled = false;

  /** Delivers pending history to every watcher, one batch per revision, in order. */
  private notify(): void {
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => {
      this.deliveryScheduled = false;
      for (const w of [...this.watchers]) this.deliver(w);
    });
  }

  private deliver(w: MemoryWatcher): void {
    while (!w.closed && w.nextRevision <= this.revision) {
      const rev = w.nextRevision;
      const events = this.history.filter((e) => e.kv.modRevision === rev && e.kv.key.startsWith(w.prefix));
      w.nextRevision = rev + 1;
      if (events.length === 0) continue;
      const out = w.options.prevKv === true ? events : events.map(({ type, kv }) => ({ type, kv }));
      w.options.onEvents({ events: out, revision: rev });
    }
  }

  // ---- status -------------------------------------------------------------------------

  status(): Promise<StoreStatus> {
    if (this.closed) return Promise.resolve({ quorum: false, reason: "the store client is closed", code: "STORE_CLOSED" });
    if (!this.available) return Promise.resolve({ quorum: false, reason: "no quorum (simulated)", code: "STORE_UNAVAILABLE" });
    this.expireLeases();
    return Promise.resolve({ quorum: true, endpoint: "memory", revision: this.revision, latencyMs: 0 });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.closed = true;
    this.watchers.clear();
    return Promise.resolve();
  }

  /** The current revision (test helper). */
  currentRevision(): number {
    return this.revision;
  }
}
