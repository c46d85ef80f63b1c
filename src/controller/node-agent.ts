/**
 * The node side of the runtime: runs what the DC hands to this node and reports what
 * happened.
 *
 *   /actions/<me>/<key> ──> Executor.execute (epoch checked there) ──> one txn:
 *        put/delete /status/<me>/lrm/<rsc>/<op-id> (the executor's lrm history of <rsc>)
 *        put/delete /status/<me>/attrs/fail-count-…  (failcounts, as attrd would)
 *        delete     /actions/<me>/<key>
 *
 * Recurring monitors report through executor events; only a change (rc, status, failure)
 * is written, so an idle cluster does not write to etcd. A refused action (older epoch,
 * node halted by self-fencing) is deleted without a result: the DC sees that as failed.
 */

import { describeError, isTandemError } from "../core/index.js";
import type { Executor, ExecutorEvent, OpRecord } from "../executor/index.js";
import { INFINITY_FAILCOUNT } from "../executor/index.js";
import type { Store, TxnOp, Watch } from "../store/index.js";
import { parseEnvelope } from "./envelope.js";
import { attrKey, nodeActionsPrefix, nodeRequestsPrefix, nodeStatusPrefix, opKey } from "./keys.js";

/** A request under /requests/<node>/: `resource cleanup` of one resource, or of all (no resource). */
export interface NodeRequest {
  readonly kind: "cleanup";
  readonly resource?: string;
}
import type { Logger } from "./log.js";

export interface NodeAgentOptions {
  readonly store: Store;
  readonly cluster: string;
  readonly node: string;
  readonly executor: Executor;
  readonly log: Logger;
}

/** What of a record is worth a write: a recurring monitor's rc, status and failure, not its timestamps. */
function significant(rec: OpRecord): string {
  if (rec.intervalMs > 0) return `${rec.rcCode}/${rec.opStatus}/${rec.failed}/${rec.transitionKey ?? ""}/${rec.exitReason}`;
  return JSON.stringify(rec);
}

export class NodeAgent {
  private watch: Watch | undefined;
  private requestWatch: Watch | undefined;
  private readonly seen = new Set<string>();
  /** Per resource: written key → significance. */
  private readonly written = new Map<string, Map<string, string>>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Parameters of each resource's last start, for stops of resources removed from the CIB. */
  private readonly lastParams = new Map<string, Readonly<Record<string, string>>>();
  /**
   * Each resource's last failure: kept here because the executor drops a monitor's
   * failure with the monitor when the resource stops, while Pacemaker keeps
   * `last_failure_0` (status shows it under "Failed Resource Actions") until cleanup.
   */
  private readonly lastFailures = new Map<string, OpRecord>();
  private stopped = false;
  /** Actions currently executing (tests, shutdown). */
  active = 0;

  constructor(private readonly options: NodeAgentOptions) {}

  /** Executor events go here (the daemon wires Executor's onEvent to it). */
  onExecutorEvent(event: ExecutorEvent): void {
    const rec = event.record;
    if (rec.failed) this.lastFailures.set(rec.resourceId, { ...rec, id: `${rec.resourceId}_last_failure_0` });
    if (rec.intervalMs > 0) void this.sync(rec.resourceId, []);
  }

  /**
   * Publishes this node's state from scratch (its old status may be from an earlier
   * incarnation), then runs pending and future actions.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.republish();
    const { store, cluster, node } = this.options;
    const r = await store.range(nodeActionsPrefix(cluster, node));
    for (const kv of r.kvs) this.accept(kv.key, kv.value);
    this.openWatch(r.revision + 1);
    const q = await store.range(nodeRequestsPrefix(cluster, node));
    for (const kv of q.kvs) void this.request(kv.key, kv.value);
    this.requestWatch = store.watch(nodeRequestsPrefix(cluster, node), {
      fromRevision: q.revision + 1,
      onEvents: (batch) => {
        for (const ev of batch.events) if (ev.type === "put") void this.request(ev.kv.key, ev.kv.value);
      },
      onError: (error) => this.options.log.warn("request watch ended", { error: describeError(error) }),
    });
  }

  /**
   * `resource cleanup`: forget the resource's history and failcounts here (the executor
   * keeps running what runs), so the DC probes it again and its failures stop counting.
   */
  private async request(key: string, value: string): Promise<void> {
    const { executor, log } = this.options;
    let req: NodeRequest;
    try {
      req = JSON.parse(value) as NodeRequest;
      if (req.kind !== "cleanup") throw new Error(`unknown request kind '${String(req.kind)}'`);
    } catch (error) {
      log.warn("dropped a malformed request", { key, error: describeError(error) });
      await this.options.store.delete(key).catch(() => undefined);
      return;
    }
    const rscs = new Set<string>(req.resource === undefined ? [...executor.history().map((r) => r.resourceId), ...this.lastFailures.keys(), ...this.written.keys()] : []);
    if (req.resource !== undefined) {
      // Anonymous clone instances ("rsc:0") are recorded under the configured id.
      for (const id of [...executor.history().map((r) => r.resourceId), ...this.lastFailures.keys(), ...this.written.keys()]) {
        if (id === req.resource || id.startsWith(`${req.resource}:`)) rscs.add(id);
      }
    }
    for (const rsc of rscs) {
      executor.cleanup(rsc, executor.epoch);
      this.lastFailures.delete(rsc);
    }
    log.info("cleaned up resources on request", { resources: [...rscs] });
    const list = [...rscs];
    for (const rsc of list.slice(0, -1)) await this.sync(rsc, []);
    const last = list[list.length - 1];
    if (last === undefined) await this.options.store.delete(key);
    else await this.sync(last, [{ type: "delete", key }]);
  }

  private openWatch(fromRevision: number): void {
    const { store, cluster, node } = this.options;
    this.watch = store.watch(nodeActionsPrefix(cluster, node), {
      fromRevision,
      onEvents: (batch) => {
        for (const ev of batch.events) if (ev.type === "put") this.accept(ev.kv.key, ev.kv.value);
      },
      onError: (error) => {
        this.options.log.warn("action watch ended; re-reading actions", { error: describeError(error) });
        if (!this.stopped) void this.rewatch();
      },
    });
  }

  private async rewatch(): Promise<void> {
    try {
      const { store, cluster, node } = this.options;
      const r = await store.range(nodeActionsPrefix(cluster, node));
      for (const kv of r.kvs) this.accept(kv.key, kv.value);
      if (!this.stopped) this.openWatch(r.revision + 1);
    } catch {
      if (!this.stopped) setTimeout(() => void this.rewatch(), 500).unref();
    }
  }

  /** Clears this node's status keys and writes what the executor knows now. */
  async republish(): Promise<void> {
    const { store, cluster, node, executor } = this.options;
    this.written.clear();
    // etcd refuses a txn whose delete range overlaps its puts: delete only what is not rewritten.
    const current = await store.range(nodeStatusPrefix(cluster, node));
    const puts = new Map<string, string>();
    const byRsc = new Map<string, Map<string, string>>();
    const rscs = new Set(executor.history().map((r) => r.resourceId));
    for (const rsc of this.lastFailures.keys()) rscs.add(rsc);
    for (const rsc of rscs) {
      const m = new Map<string, string>();
      for (const [key, d] of this.desired(rsc)) {
        puts.set(key, d.value);
        m.set(key, d.sig);
      }
      byRsc.set(rsc, m);
    }
    const ops: TxnOp[] = current.kvs.filter((kv) => !puts.has(kv.key)).map((kv) => ({ type: "delete", key: kv.key }) as const);
    for (const [key, value] of puts) ops.push({ type: "put", key, value });
    if (ops.length > 0) await store.txn({ compare: [], success: ops });
    for (const [rsc, m] of byRsc) this.written.set(rsc, m);
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
    this.watch = undefined;
    this.requestWatch?.close();
    this.requestWatch = undefined;
  }

  private accept(key: string, value: string): void {
    if (this.stopped || this.seen.has(key)) return;
    this.seen.add(key);
    void this.run(key, value).finally(() => this.seen.delete(key));
  }

  private async run(key: string, value: string): Promise<void> {
    const { store, executor, log } = this.options;
    let envelope;
    try {
      envelope = parseEnvelope(value);
    } catch (error) {
      log.warn("dropped a malformed action", { key, error: describeError(error) });
      await store.delete(key).catch(() => undefined);
      return;
    }
    const req = envelope.request;
    let params = req.params;
    if (req.operation === "start") this.lastParams.set(req.resourceId, req.params ?? {});
    else if (params === undefined) params = this.lastParams.get(req.resourceId);
    this.active += 1;
    try {
      await executor.execute({ ...req, ...(params === undefined ? {} : { params }), epoch: envelope.epoch, transitionKey: envelope.transitionKey });
    } catch (error) {
      const code = isTandemError(error) ? error.code : "INTERNAL";
      log.warn("refused an action", { key, resource: req.resourceId, operation: req.operation, epoch: envelope.epoch, code, error: describeError(error) });
      await store.delete(key).catch(() => undefined);
      return;
    } finally {
      this.active -= 1;
    }
    await this.sync(req.resourceId, [{ type: "delete", key }]);
  }

  private failcountAttrs(rsc: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const f of this.options.executor.failcount(rsc)) {
      const suffix = `${rsc}#${f.operation}_${f.intervalMs}`;
      out.set(`fail-count-${suffix}`, f.count >= INFINITY_FAILCOUNT ? "INFINITY" : String(f.count));
      out.set(`last-failure-${suffix}`, String(f.lastFailure));
    }
    return out;
  }

  /** Writes the resource's history and failcounts where they changed (serialized per resource). */
  private sync(rsc: string, extra: TxnOp[]): Promise<void> {
    const previous = this.chains.get(rsc) ?? Promise.resolve();
    const next = previous.then(() => this.syncNow(rsc, extra)).catch((error: unknown) => {
      this.options.log.error("could not write op history to the store", { resource: rsc, error: describeError(error) });
    });
    this.chains.set(rsc, next);
    void next.then(() => {
      if (this.chains.get(rsc) === next) this.chains.delete(rsc);
    });
    return next;
  }

  /** The keys this node should hold for one resource: its lrm history and failcounts. */
  private desired(rsc: string): Map<string, { value: string; sig: string }> {
    const { cluster, node, executor } = this.options;
    const desired = new Map<string, { value: string; sig: string }>();
    const history = executor.history(rsc);
    const kept = this.lastFailures.get(rsc);
    if (kept !== undefined && !history.some((r) => r.id === kept.id)) history.push(kept);
    for (const rec of history) {
      desired.set(opKey(cluster, node, rsc, rec.id), { value: JSON.stringify(rec), sig: significant(rec) });
    }
    for (const [name, value] of this.failcountAttrs(rsc)) desired.set(attrKey(cluster, node, name), { value, sig: value });
    return desired;
  }

  private async syncNow(rsc: string, extra: TxnOp[]): Promise<void> {
    const desired = this.desired(rsc);
    const old = this.written.get(rsc) ?? new Map<string, string>();
    const ops: TxnOp[] = [];
    for (const [key, d] of desired) if (old.get(key) !== d.sig) ops.push({ type: "put", key, value: d.value });
    for (const key of old.keys()) if (!desired.has(key)) ops.push({ type: "delete", key });
    ops.push(...extra);
    if (ops.length === 0) return;
    await this.options.store.txn({ compare: [], success: ops });
    this.written.set(rsc, new Map([...desired].map(([k, d]) => [k, d.sig])));
  }
}
