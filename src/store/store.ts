/**
 * The `Store` port: what Tandem needs from a consistent key-value store. The shape follows
 * etcd's v3 model, because etcd is the store and its semantics are what we rely on:
 *
 * - One global, strictly increasing **revision**: every write (put, delete, transaction,
 *   lease expiry) creates exactly one new revision. Every key remembers the revision that
 *   created it (`createRevision`) and the one that last changed it (`modRevision`).
 * - A read returns the revision it was served at, and a read can be pinned to a revision,
 *   so a snapshot of several prefixes (CIB + status) can be taken at ONE revision.
 * - Compare-and-swap is a transaction comparing `modRevision`; `0` means "absent", so
 *   create-if-absent is CAS with expected revision 0.
 * - Leases have a TTL in whole seconds; keys bound to a lease are deleted when it expires
 *   or is revoked (one revision for all of them).
 * - A watch on a prefix delivers every change after a revision, in revision order, with
 *   no gaps. An adapter that reconnects resumes from the next undelivered revision; if
 *   that revision was compacted away the watch ends with STORE_COMPACTED and the caller
 *   must read again (a range gives a fresh snapshot and the revision to watch from).
 *
 * Keys and values are strings (UTF-8). Lease ids are decimal strings: etcd's ids are
 * 64-bit and do not fit in a JS number.
 */

export type LeaseId = string;

/** The lease id meaning "no lease". */
export const NO_LEASE: LeaseId = "0";

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  /** Number of writes since the key was (re)created; 1 after creation. */
  readonly version: number;
  /** The lease the key is bound to, or NO_LEASE. */
  readonly lease: LeaseId;
}

export interface GetResult {
  readonly kv: KeyValue | undefined;
  /** The store revision the read was served at. */
  readonly revision: number;
}

export interface RangeResult {
  /** Sorted by key (byte order). */
  readonly kvs: readonly KeyValue[];
  readonly revision: number;
}

export interface ReadOptions {
  /** Read as of this revision (a snapshot); omitted = the latest. */
  readonly revision?: number;
}

export interface PutOptions {
  readonly lease?: LeaseId;
}

export interface WriteResult {
  readonly revision: number;
}

export interface DeleteResult {
  readonly revision: number;
  readonly deleted: number;
}

/** The outcome of a compare-and-swap: losing the race is an expected outcome, a value. */
export type CasResult =
  | { readonly ok: true; readonly revision: number }
  | { readonly ok: false; readonly revision: number; readonly current: KeyValue | undefined };

export type CompareOp = "=" | "!=" | "<" | ">";

/**
 * One condition of a transaction. Revision targets on an absent key compare as 0, as in
 * etcd; a value comparison on an absent key is false.
 */
export type Compare =
  | { readonly key: string; readonly target: "mod" | "create" | "version"; readonly op: CompareOp; readonly value: number }
  | { readonly key: string; readonly target: "value"; readonly op: CompareOp; readonly value: string }
  | { readonly key: string; readonly target: "lease"; readonly op: CompareOp; readonly value: LeaseId };

export type TxnOp =
  | { readonly type: "put"; readonly key: string; readonly value: string; readonly lease?: LeaseId }
  | { readonly type: "delete"; readonly key: string; readonly prefix?: boolean }
  | { readonly type: "get"; readonly key: string; readonly prefix?: boolean };

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly TxnOp[];
  readonly failure?: readonly TxnOp[];
}

/** One result per op of the branch that ran: for a get its kvs, for a delete the count. */
export type TxnOpResult =
  | { readonly type: "put" }
  | { readonly type: "delete"; readonly deleted: number }
  | { readonly type: "get"; readonly kvs: readonly KeyValue[] };

export interface TxnResult {
  readonly succeeded: boolean;
  readonly revision: number;
  readonly results: readonly TxnOpResult[];
}

export interface LeaseGrant {
  readonly id: LeaseId;
  readonly ttlSec: number;
}

export interface LeaseTimeToLive {
  readonly id: LeaseId;
  /** Seconds left (etcd rounds); the lease is gone when the call returns undefined. */
  readonly remainingSec: number;
  readonly grantedTtlSec: number;
  readonly keys: readonly string[];
}

export type WatchEventType = "put" | "delete";

export interface WatchEvent {
  readonly type: WatchEventType;
  /** For a delete: the key, empty value, modRevision = the revision of the delete. */
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface WatchBatch {
  /** In revision order; never empty. */
  readonly events: readonly WatchEvent[];
  /** The highest revision this batch covers. */
  readonly revision: number;
}

export interface WatchOptions {
  /** Deliver every change with revision >= fromRevision (usually a read's revision + 1). */
  readonly fromRevision: number;
  readonly prevKv?: boolean;
  /** Batches, in order; the next batch is not delivered before this returns. */
  readonly onEvents: (batch: WatchBatch) => void;
  /**
   * The watch ended for good: STORE_COMPACTED (re-read and watch again) or another
   * non-retryable error. Transient disconnections are retried inside the adapter.
   */
  readonly onError: (error: Error) => void;
}

export interface Watch {
  /** The next revision the watch will deliver from (resume point). */
  readonly nextRevision: number;
  close(): void;
}

/** "Partition with quorum" = the store answered a linearizable read. */
export type StoreStatus =
  | { readonly quorum: true; readonly endpoint: string; readonly revision: number; readonly latencyMs: number }
  | { readonly quorum: false; readonly reason: string; readonly code: string };

/** A per-call time budget (adapters without a network ignore it). */
export interface CallTimeout {
  readonly timeoutMs?: number;
}

export interface Store {
  get(key: string, options?: ReadOptions): Promise<GetResult>;
  /** Every key starting with prefix (the empty prefix = all keys). */
  range(prefix: string, options?: ReadOptions): Promise<RangeResult>;
  put(key: string, value: string, options?: PutOptions): Promise<WriteResult>;
  delete(key: string): Promise<DeleteResult>;
  deletePrefix(prefix: string): Promise<DeleteResult>;
  /** Writes only if the key's modRevision is `expectedModRevision` (0 = absent). */
  compareAndSwap(key: string, expectedModRevision: number, value: string, options?: PutOptions): Promise<CasResult>;
  /** Deletes only if the key's modRevision is `expectedModRevision`. */
  compareAndDelete(key: string, expectedModRevision: number): Promise<CasResult>;
  txn(request: TxnRequest): Promise<TxnResult>;

  grantLease(ttlSec: number): Promise<LeaseGrant>;
  /** Renews the lease; returns the TTL it was renewed to. STORE_LEASE_NOT_FOUND if gone. */
  keepAlive(id: LeaseId, options?: CallTimeout): Promise<number>;
  revokeLease(id: LeaseId): Promise<void>;
  /** undefined when the lease does not exist (expired or revoked). */
  leaseTimeToLive(id: LeaseId): Promise<LeaseTimeToLive | undefined>;

  watch(prefix: string, options: WatchOptions): Watch;
  status(options?: CallTimeout): Promise<StoreStatus>;
  /** Ends watches and pending timers; later calls fail with STORE_CLOSED. */
  close(): Promise<void>;
}

/** The exclusive end of a prefix range: the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): Buffer {
  const bytes = Buffer.from(prefix, "utf8");
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i] as number;
    if (b < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = b + 1;
      return end;
    }
  }
  // All 0xff (or empty): etcd's "\0" range end means "to the end of the keyspace".
  return Buffer.from([0]);
}
