/**
 * The etcd adapter of the `Store` port, over etcd 3.4's v3 JSON gateway (keys and values
 * base64, 64-bit numbers as decimal strings, zero values omitted: proto3's JSON mapping).
 */
import { storeError } from "./errors.js";
import { EtcdHttp, type EtcdConnectionOptions, type Json, type JsonObject } from "./etcd-http.js";
import type {
  CallTimeout,
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
import { NO_LEASE, prefixEnd } from "./store.js";

export interface EtcdStoreOptions extends EtcdConnectionOptions {
  /**
   * How often a watch checks that its member still answers (default 2000 ms). etcd ends
   * streams of a member that loses its leader, but a hung member or a silently dropped
   * connection would leave a watch waiting forever; a failed probe moves it to another
   * member, resuming from the next revision.
   */
  readonly watchProbeIntervalMs?: number;
}

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: Json | undefined): string => (typeof text === "string" ? Buffer.from(text, "base64").toString("utf8") : "");

function obj(value: Json | undefined): JsonObject {
  return value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function arr(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** int64 fields arrive as decimal strings and are omitted when zero. */
function int(value: Json | undefined): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.length > 0) return Number(value);
  return 0;
}

function id(value: Json | undefined): LeaseId {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number") return String(value);
  return NO_LEASE;
}

function headerRevision(response: JsonObject): number {
  return int(obj(response["header"])["revision"]);
}

function parseKv(value: Json | undefined): KeyValue {
  const o = obj(value);
  return {
    key: unb64(o["key"]),
    value: unb64(o["value"]),
    createRevision: int(o["create_revision"]),
    modRevision: int(o["mod_revision"]),
    version: int(o["version"]),
    lease: id(o["lease"]),
  };
}

/** key + range_end of a prefix range; the empty prefix is the whole keyspace. */
function prefixRange(prefix: string): JsonObject {
  if (prefix.length === 0) return { key: Buffer.from([0]).toString("base64"), range_end: Buffer.from([0]).toString("base64") };
  return { key: b64(prefix), range_end: prefixEnd(prefix).toString("base64") };
}

const TARGETS = { mod: "MOD", create: "CREATE", version: "VERSION", value: "VALUE", lease: "LEASE" } as const;
const RESULTS = { "=": "EQUAL", "!=": "NOT_EQUAL", "<": "LESS", ">": "GREATER" } as const;

function compareJson(c: Compare): JsonObject {
  const base: JsonObject = { key: b64(c.key), target: TARGETS[c.target], result: RESULTS[c.op] };
  switch (c.target) {
    case "mod":
      return { ...base, mod_revision: String(c.value) };
    case "create":
      return { ...base, create_revision: String(c.value) };
    case "version":
      return { ...base, version: String(c.value) };
    case "value":
      return { ...base, value: b64(c.value) };
    case "lease":
      return { ...base, lease: c.value };
  }
}

function opJson(op: TxnOp): JsonObject {
  switch (op.type) {
    case "put":
      return { request_put: { key: b64(op.key), value: b64(op.value), ...(op.lease === undefined || op.lease === NO_LEASE ? {} : { lease: op.lease }) } };
    case "delete":
      return { request_delete_range: op.prefix === true ? prefixRange(op.key) : { key: b64(op.key) } };
    case "get":
      return { request_range: op.prefix === true ? prefixRange(op.key) : { key: b64(op.key) } };
  }
}

function opResult(op: TxnOp, response: Json | undefined): TxnOpResult {
  const r = obj(response);
  switch (op.type) {
    case "put":
      return { type: "put" };
    case "delete":
      return { type: "delete", deleted: int(obj(r["response_delete_range"])["deleted"]) };
    case "get":
      return { type: "get", kvs: arr(obj(r["response_range"])["kvs"]).map(parseKv) };
  }
}

export class EtcdStore implements Store {
  private readonly http: EtcdHttp;
  private readonly watches = new Set<EtcdWatch>();

  private readonly watchProbeIntervalMs: number;

  constructor(options: EtcdStoreOptions) {
    this.http = new EtcdHttp(options);
    this.watchProbeIntervalMs = options.watchProbeIntervalMs ?? 2000;
  }

  get endpoints(): readonly string[] {
    return this.http.endpoints.map((e) => e.origin);
  }

  async get(key: string, options?: ReadOptions): Promise<GetResult> {
    const res = await this.http.call(
      "/v3/kv/range",
      { key: b64(key), ...(options?.revision === undefined ? {} : { revision: String(options.revision) }) },
      { idempotent: true },
    );
    const kvs = arr(res["kvs"]);
    return { kv: kvs.length > 0 ? parseKv(kvs[0]) : undefined, revision: headerRevision(res) };
  }

  async range(prefix: string, options?: ReadOptions): Promise<RangeResult> {
    const res = await this.http.call(
      "/v3/kv/range",
      { ...prefixRange(prefix), ...(options?.revision === undefined ? {} : { revision: String(options.revision) }) },
      { idempotent: true },
    );
    return { kvs: arr(res["kvs"]).map(parseKv), revision: headerRevision(res) };
  }

  async put(key: string, value: string, options?: PutOptions): Promise<WriteResult> {
    const lease = options?.lease;
    const res = await this.http.call(
      "/v3/kv/put",
      { key: b64(key), value: b64(value), ...(lease === undefined || lease === NO_LEASE ? {} : { lease }) },
      { idempotent: true },
    );
    return { revision: headerRevision(res) };
  }

  async delete(key: string): Promise<DeleteResult> {
    const res = await this.http.call("/v3/kv/deleterange", { key: b64(key) }, { idempotent: true });
    return { revision: headerRevision(res), deleted: int(res["deleted"]) };
  }

  async deletePrefix(prefix: string): Promise<DeleteResult> {
    const res = await this.http.call("/v3/kv/deleterange", prefixRange(prefix), { idempotent: true });
    return { revision: headerRevision(res), deleted: int(res["deleted"]) };
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const failure = request.failure ?? [];
    const res = await this.http.call(
      "/v3/kv/txn",
      { compare: request.compare.map(compareJson), success: request.success.map(opJson), failure: failure.map(opJson) },
      // A transaction is a conditional write: re-sending one that was applied would
      // report a false conflict, so it is never sent twice.
      { idempotent: false },
    );
    const succeeded = res["succeeded"] === true;
    const ops = succeeded ? request.success : failure;
    const responses = arr(res["responses"]);
    return { succeeded, revision: headerRevision(res), results: ops.map((op, i) => opResult(op, responses[i])) };
  }

  async compareAndSwap(key: string, expectedModRevision: number, value: string, options?: PutOptions): Promise<CasResult> {
    const r = await this.txn({
      compare: [{ key, target: "mod", op: "=", value: expectedModRevision }],
      success: [{ type: "put", key, value, ...(options?.lease === undefined ? {} : { lease: options.lease }) }],
      failure: [{ type: "get", key }],
    });
    return this.casResult(r);
  }

  async compareAndDelete(key: string, expectedModRevision: number): Promise<CasResult> {
    const r = await this.txn({
      compare: [{ key, target: "mod", op: "=", value: expectedModRevision }],
      success: [{ type: "delete", key }],
      failure: [{ type: "get", key }],
    });
    return this.casResult(r);
  }

  private casResult(r: TxnResult): CasResult {
    if (r.succeeded) return { ok: true, revision: r.revision };
    const got = r.results[0];
    return { ok: false, revision: r.revision, current: got?.type === "get" ? got.kvs[0] : undefined };
  }

  async grantLease(ttlSec: number): Promise<LeaseGrant> {
    if (!Number.isInteger(ttlSec) || ttlSec <= 0) throw storeError("STORE_BAD_REQUEST", `lease TTL must be a positive whole number of seconds, not ${ttlSec}`);
    const res = await this.http.call("/v3/lease/grant", { TTL: String(ttlSec) }, { idempotent: true });
    const error = res["error"];
    if (typeof error === "string" && error.length > 0) throw storeError("STORE_BAD_REQUEST", `etcd refused the lease: ${error}`);
    return { id: id(res["ID"]), ttlSec: int(res["TTL"]) };
  }

  async keepAlive(leaseId: LeaseId, options?: CallTimeout): Promise<number> {
    const res = await this.http.call("/v3/lease/keepalive", { ID: leaseId }, { idempotent: true, ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    const ttl = int(res["TTL"]);
    // etcd answers a keep-alive of an unknown lease with TTL 0 rather than an error.
    if (ttl <= 0) throw storeError("STORE_LEASE_NOT_FOUND", `lease ${leaseId} not found (expired or revoked)`, { lease: leaseId });
    return ttl;
  }

  async revokeLease(leaseId: LeaseId): Promise<void> {
    await this.http.call("/v3/lease/revoke", { ID: leaseId }, { idempotent: true });
  }

  async leaseTimeToLive(leaseId: LeaseId): Promise<LeaseTimeToLive | undefined> {
    const res = await this.http.call("/v3/lease/timetolive", { ID: leaseId, keys: true }, { idempotent: true });
    const remaining = int(res["TTL"]);
    if (remaining < 0) return undefined;
    return { id: leaseId, remainingSec: remaining, grantedTtlSec: int(res["grantedTTL"]), keys: arr(res["keys"]).map(unb64) };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    const w = new EtcdWatch(this.http, prefix, options, this.watchProbeIntervalMs, () => this.watches.delete(w));
    this.watches.add(w);
    w.start();
    return w;
  }

  /**
   * Asks each member in turn for a linearizable read until one answers or the budget
   * (default twice the request timeout) is spent: a leader election in progress (a few
   * hundred ms) is not reported as a lost quorum.
   */
  async status(options?: CallTimeout): Promise<StoreStatus> {
    const n = this.http.endpoints.length;
    const budgetMs = options?.timeoutMs ?? this.http.requestTimeoutMs * 2;
    const started = performance.now();
    let last: unknown;
    for (let round = 0; ; round++) {
      for (let i = 0; i < n; i++) {
        const index = (this.http.endpoints.findIndex((e) => e.origin === this.http.currentEndpoint) + i) % n;
        const left = budgetMs - (performance.now() - started);
        if (left <= 0) break;
        const t0 = performance.now();
        try {
          // A linearizable read needs the leader to confirm it still leads a quorum.
          const res = await this.http.callOne(index, "/v3/kv/range", { key: b64("/tandem-quorum-probe"), count_only: true }, Math.min(left, this.http.requestTimeoutMs));
          this.http.setCurrent(index);
          return { quorum: true, endpoint: (this.http.endpoints[index] as URL).origin, revision: headerRevision(res), latencyMs: performance.now() - t0 };
        } catch (error) {
          last = error;
          if (error instanceof Error && "code" in error && error.code === "STORE_CLOSED") break;
        }
      }
      if (performance.now() - started >= budgetMs || (last instanceof Error && "code" in last && last.code === "STORE_CLOSED")) break;
      await new Promise((r) => setTimeout(r, Math.min(100, 20 * (round + 1))));
    }
    const reason = last instanceof Error ? last.message : "no endpoint answered";
    const code = last instanceof Error && "code" in last && typeof last.code === "string" ? last.code : "STORE_UNAVAILABLE";
    return { quorum: false, reason, code };
  }

  close(): Promise<void> {
    for (const w of [...this.watches]) w.close();
    this.http.close();
    return Promise.resolve();
  }
}

/**
 * One watch over the gateway's streaming endpoint, resumed after every disconnection from
 * the revision after the last one delivered (so nothing is lost or repeated).
 */
class EtcdWatch implements Watch {
  private next: number;
  private closed = false;
  private abort: (() => void) | undefined;
  private backoffMs = 50;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly http: EtcdHttp,
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly probeIntervalMs: number,
    private readonly onClosed: () => void,
  ) {
    this.next = Math.max(1, options.fromRevision);
  }

  get nextRevision(): number {
    return this.next;
  }

  start(): void {
    if (this.closed) return;
    const body: JsonObject = {
      create_request: {
        ...prefixRange(this.prefix),
        start_revision: String(this.next),
        prev_kv: this.options.prevKv === true,
        progress_notify: true,
      },
    };
    const generation = ++this.generation;
    this.http
      .openStream(
        "/v3/watch",
        body,
        (m) => {
          if (generation === this.generation) this.onMessage(m);
        },
        (e) => {
          if (generation === this.generation) this.onEnd(e);
        },
      )
      .then(({ abort, endpointIndex }) => {
        if (this.closed || generation !== this.generation) {
          abort();
          return;
        }
        this.abort = abort;
        this.scheduleProbe(generation, endpointIndex);
      })
      .catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
  }

  private onMessage(m: JsonObject): void {
    if (this.closed) return;
    if (m["created"] === true) {
      this.backoffMs = 50;
    }
    if (m["canceled"] === true) {
      const compactRevision = int(m["compact_revision"]);
      this.abort?.();
      if (compactRevision > 0) {
        this.fail(
          storeError("STORE_COMPACTED", `watch of '${this.prefix}' from revision ${this.next} cannot resume: compacted up to ${compactRevision}`, {
            compactRevision,
          }),
        );
      } else {
        const reason = m["cancel_reason"];
        this.onEnd(storeError("STORE_UNAVAILABLE", `etcd canceled the watch: ${typeof reason === "string" ? reason : "no reason given"}`));
      }
      return;
    }
    const events = arr(m["events"]);
    if (events.length === 0) {
      // A progress notification: every change up to the header revision was sent.
      if (m["created"] !== true) this.next = Math.max(this.next, headerRevision(m) + 1);
      return;
    }
    const out: WatchEvent[] = events.map((e) => {
      const o = obj(e);
      const type = o["type"] === "DELETE" ? ("delete" as const) : ("put" as const);
      const kv = parseKv(o["kv"]);
      const prev = o["prev_kv"];
      return prev === undefined || this.options.prevKv !== true ? { type, kv } : { type, kv, prevKv: parseKv(prev) };
    });
    const last = (out[out.length - 1] as WatchEvent).kv.modRevision;
    // Events at or before the resume point were delivered before a reconnection.
    const fresh = out.filter((e) => e.kv.modRevision >= this.next);
    this.next = Math.max(this.next, last + 1);
    if (fresh.length > 0) this.options.onEvents({ events: fresh, revision: last });
  }

  /** Checks, every probe interval, that the stream's member still answers a read. */
  private scheduleProbe(generation: number, endpointIndex: number): void {
    if (this.probeIntervalMs <= 0) return;
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.http
        .callOne(endpointIndex, "/v3/kv/range", { key: b64("/tandem-watch-probe"), count_only: true }, this.http.requestTimeoutMs)
        .then(
          () => {
            if (!this.closed && generation === this.generation) this.scheduleProbe(generation, endpointIndex);
          },
          (error: unknown) => {
            if (this.closed || generation !== this.generation) return;
            // The member is hung or cut off: drop this stream and resume elsewhere.
            this.abort?.();
            this.http.markFailed(endpointIndex);
            this.onEnd(error instanceof Error ? error : new Error(String(error)));
          },
        );
    }, this.probeIntervalMs);
  }

  private onEnd(error: Error | undefined): void {
    this.abort = undefined;
    clearTimeout(this.probeTimer);
    this.generation++;
    if (this.closed) return;
    const code = error !== undefined && "code" in error ? error.code : undefined;
    if (code === "STORE_AUTH_FAILED" || code === "STORE_TLS_FAILED" || code === "STORE_BAD_REQUEST" || code === "STORE_CLOSED") {
      this.fail(error as Error);
      return;
    }
    if (code === "STORE_COMPACTED") {
      this.fail(error as Error);
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, this.backoffMs);
    this.backoffMs = Math.min(2000, this.backoffMs * 2);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.options.onError(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    this.generation++;
    this.abort?.();
    this.abort = undefined;
    this.onClosed();
  }
}
