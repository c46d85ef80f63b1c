/**
 * The executor runs agent operations on this node for the DC: one operation at a time
 * per resource (a queue), per-operation timeouts, recurring monitors, op history shaped
 * like Pacemaker's lrm_rsc_op, failcounts, the epoch check, and stopAll() for
 * self-fencing. It decides nothing about placement: it does what it is told, refuses
 * what a deposed DC tells it, and reports what happened.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError, isTandemError, systemClock, TandemError } from "../core/index.js";
import type { Clock } from "../core/index.js";
import { AgentRegistry, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_NOT_RUNNING, OCF_RUNNING_PROMOTED, OCF_SUCCESS } from "../agents/index.js";
import type { AgentAction, AgentRegistryOptions, AgentResult, AgentRunner } from "../agents/index.js";
import { opDigest } from "./digest.js";
import { OP_STATUS_CODE } from "./types.js";
import type { ExecutorEvent, Failcount, NodeExecutor, OperationRequest, OpRecord, OpStatus, StopAllResult } from "./types.js";

export const DEFAULT_OP_TIMEOUT_MS = 20_000;
export const INFINITY_FAILCOUNT = 1_000_000;
const JOURNAL_LIMIT = 2000;

export interface ExecutorOptions {
  nodeName: string;
  /** Holds the newest epoch seen and the agents' state (supervised services, …). */
  stateDir: string;
  /** Agent options; `stateDir` defaults to the executor's. */
  agents?: Partial<AgentRegistryOptions>;
  /** Use an existing registry (with extra built-ins registered) instead. */
  registry?: AgentRegistry;
  clock?: Clock;
  onEvent?: (event: ExecutorEvent) => void;
  /** Pacemaker's start-failure-is-fatal (default true): a failed start sets the failcount to INFINITY. */
  startFailureIsFatal?: boolean;
}

interface KnownResource {
  agent: string;
  params: Readonly<Record<string, string>>;
  meta: Readonly<Record<string, string>>;
  stopTimeoutMs: number;
}

interface Recurring {
  key: string;
  request: OperationRequest;
  timer?: NodeJS.Timeout;
  cancelled: boolean;
  lastRc?: number;
  lastFailed: boolean;
}

const STARTING: ReadonlySet<AgentAction> = new Set<AgentAction>(["start", "promote", "migrate_from", "restart"]);

function failureResult(rc: number, exitReason: string): AgentResult {
  return { rc, exitCode: null, exitReason, stdoutTail: "", stderrTail: "", durationMs: 0, timedOut: false, cancelled: false };
}

function recurringKey(resourceId: string, operation: string, intervalMs: number): string {
  return `${resourceId}_${operation}_${intervalMs}`;
}

export class Executor implements NodeExecutor {
  readonly nodeName: string;
  readonly registry: AgentRegistry;
  private readonly clock: Clock;
  private readonly stateDir: string;
  private newestEpoch: number;
  private callId = 0;
  private halted = false;
  private activeSeq = 0;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly recurring = new Map<string, Recurring>();
  private readonly histories = new Map<string, Map<string, OpRecord>>();
  private readonly failcounts = new Map<string, Failcount>();
  private readonly known = new Map<string, KnownResource>();
  /** Active resources with the sequence number at which they became active. */
  private readonly active = new Map<string, number>();
  private persistedActive = "";
  /** Set when the active set or an active resource's parameters changed since the last save. */
  private activeDirty = false;
  private readonly journalRecords: OpRecord[] = [];
  private readonly listeners = new Set<(event: ExecutorEvent) => void>();
  private readonly lastRcChange = new Map<string, { rc: number; at: number }>();

  constructor(private readonly options: ExecutorOptions) {
    this.nodeName = options.nodeName;
    this.clock = options.clock ?? systemClock;
    if (options.onEvent !== undefined) this.listeners.add(options.onEvent);
    this.stateDir = options.stateDir;
    mkdirSync(this.stateDir, { recursive: true });
    this.registry = options.registry ?? new AgentRegistry({ stateDir: this.stateDir, nodeName: options.nodeName, ...options.agents });
    this.newestEpoch = this.readEpoch();
    this.loadActive();
  }

  // --- what runs here survives an executor restart (stopAll must still find it) -------

  private activePath(): string {
    return join(this.stateDir, "active.json");
  }

  private loadActive(): void {
    let saved: Array<{ id: string; seq: number; known: KnownResource }>;
    try {
      saved = JSON.parse(readFileSync(this.activePath(), "utf8")) as typeof saved;
    } catch {
      return;
    }
    for (const entry of saved) {
      this.active.set(entry.id, entry.seq);
      this.known.set(entry.id, entry.known);
      this.activeSeq = Math.max(this.activeSeq, entry.seq);
    }
  }

  private saveActive(): void {
    const saved = [...this.active.entries()].flatMap(([id, seq]) => {
      const known = this.known.get(id);
      return known === undefined ? [] : [{ id, seq, known }];
    });
    this.activeDirty = false;
    const text = JSON.stringify(saved);
    if (text === this.persistedActive) return;
    const path = this.activePath();
    // Parameters may hold secrets: readable by the daemon's user only.
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    this.persistedActive = text;
  }

  // --- epoch -------------------------------------------------------------------------

  private epochPath(): string {
    return join(this.stateDir, "epoch");
  }

  private readEpoch(): number {
    try {
      const n = Number(readFileSync(this.epochPath(), "utf8").trim());
      return Number.isFinite(n) ? n : 0;
    } catch {
      return 0;
    }
  }

  /** The newest DC epoch this node has seen (persisted: a restarted executor still refuses older DCs). */
  get epoch(): number {
    return this.newestEpoch;
  }

  /** Refuses an older epoch (EXEC_STALE_EPOCH); remembers a newer one. */
  checkEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new TandemError("EXEC_BAD_REQUEST", `epoch must be a non-negative integer, got ${epoch}`);
    if (epoch < this.newestEpoch) {
      throw new TandemError("EXEC_STALE_EPOCH", `request from epoch ${epoch} refused: epoch ${this.newestEpoch} is newer (a newer DC was elected)`, {
        details: { epoch, newestEpoch: this.newestEpoch },
      });
    }
    if (epoch > this.newestEpoch) {
      this.newestEpoch = epoch;
      const path = this.epochPath();
      writeFileSync(`${path}.tmp`, String(epoch));
      renameSync(`${path}.tmp`, path);
    }
  }

  // --- requests ------------------------------------------------------------------------

  /**
   * Runs one operation (queued behind the resource's other operations) and returns its
   * record. A monitor with an interval becomes recurring: the first run's record is
   * returned, later runs report through onEvent. Throws EXEC_STALE_EPOCH, EXEC_HALTED,
   * EXEC_BAD_REQUEST; an agent's failure is a record with `failed: true`, not an error.
   */
  async execute(request: OperationRequest): Promise<OpRecord> {
    this.validate(request);
    this.checkEpoch(request.epoch);
    if (this.halted && STARTING.has(request.operation)) {
      throw new TandemError("EXEC_HALTED", `node ${this.nodeName} stopped all resources (self-fencing); '${request.operation}' of ${request.resourceId} refused until it rejoins`);
    }
    const intervalMs = request.intervalMs ?? 0;
    this.remember(request);
    if (request.operation === "stop" || request.operation === "migrate_to") {
      // As Pacemaker's controller: recurring operations end before the resource stops.
      this.cancelAllRecurring(request.resourceId);
    }
    if (intervalMs > 0) {
      const key = recurringKey(request.resourceId, request.operation, intervalMs);
      this.cancelRecurring(request.resourceId, request.operation, intervalMs);
      const rec: Recurring = { key, request, cancelled: false, lastFailed: false };
      this.recurring.set(key, rec);
      const record = await this.enqueue(request, () => rec.cancelled);
      this.afterRecurringRun(rec, record, false);
      return record;
    }
    return this.enqueue(request);
  }

  private validate(request: OperationRequest): void {
    const bad = (msg: string): never => {
      throw new TandemError("EXEC_BAD_REQUEST", msg);
    };
    if (request.resourceId.length === 0) bad("resourceId is empty");
    const interval = request.intervalMs ?? 0;
    if (!Number.isInteger(interval) || interval < 0) bad(`interval must be a non-negative integer of ms, got ${interval}`);
    if (interval > 0 && request.operation !== "monitor") bad(`only monitors can recur (got ${request.operation} with interval ${interval})`);
    if (request.timeoutMs !== undefined && (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0)) bad(`timeout must be positive, got ${request.timeoutMs}`);
  }

  private remember(request: OperationRequest): void {
    // meta-data and validate-all say nothing about the resource's configuration.
    if (request.operation === "meta-data" || request.operation === "validate-all") return;
    const prev = this.known.get(request.resourceId);
    if (request.operation === "stop" && prev !== undefined) {
      this.known.set(request.resourceId, { ...prev, stopTimeoutMs: this.timeoutOf(request) });
      this.activeDirty ||= this.active.has(request.resourceId);
      return;
    }
    if (request.intervalMs !== undefined && request.intervalMs > 0 && prev !== undefined) return;
    this.activeDirty ||= this.active.has(request.resourceId);
    this.known.set(request.resourceId, {
      agent: request.agent,
      params: request.params ?? {},
      meta: request.meta ?? {},
      stopTimeoutMs: prev?.stopTimeoutMs ?? DEFAULT_OP_TIMEOUT_MS,
    });
  }

  private timeoutOf(request: OperationRequest): number {
    if (request.timeoutMs !== undefined) return request.timeoutMs;
    const meta = Number(request.meta?.["timeout"]);
    return Number.isFinite(meta) && meta > 0 ? meta : DEFAULT_OP_TIMEOUT_MS;
  }

  private enqueue(request: OperationRequest, isCancelled?: () => boolean): Promise<OpRecord> {
    const queuedAt = performance.now();
    const previous = this.queues.get(request.resourceId) ?? Promise.resolve();
    const next = previous.then(() => this.runNow(request, performance.now() - queuedAt, isCancelled));
    const tail = next.catch(() => undefined);
    this.queues.set(request.resourceId, tail);
    void tail.then(() => {
      if (this.queues.get(request.resourceId) === tail) this.queues.delete(request.resourceId);
    });
    return next;
  }

  private async runNow(request: OperationRequest, queueTimeMs: number, isCancelled?: () => boolean): Promise<OpRecord> {
    const intervalMs = request.intervalMs ?? 0;
    const timeoutMs = this.timeoutOf(request);
    const params = request.params ?? {};
    // A recurring run that was waiting in the queue when its monitor was cancelled (by a
    // stop, say) must not run after that stop and write a stale entry.
    if (isCancelled?.() === true) return this.record(request, failureResult(OCF_ERR_GENERIC, "cancelled"), "cancelled", queueTimeMs);
    let runner: AgentRunner;
    try {
      runner = this.registry.resolve(request.agent);
    } catch (err) {
      if (!isTandemError(err)) throw err;
      const rc = err.code === "AGENT_NOT_FOUND" ? OCF_ERR_INSTALLED : OCF_ERR_GENERIC;
      const r = failureResult(rc, err.message);
      return this.record(request, r, err.code === "AGENT_NOT_FOUND" ? "not-installed" : "error", queueTimeMs, err.code);
    }
    const controller = new AbortController();
    this.inFlight.set(request.resourceId, controller);
    let r: AgentResult;
    let errorCode: string | undefined;
    try {
      r = await runner.run({
        resourceId: request.resourceId,
        action: request.operation,
        params,
        meta: { ...request.meta, interval: String(intervalMs), timeout: String(timeoutMs) },
        timeoutMs,
        signal: controller.signal,
      });
    } catch (err) {
      // Agents return values; a throw is an I/O failure inside the agent class.
      r = failureResult(OCF_ERR_GENERIC, describeError(err));
      errorCode = "EXEC_AGENT_ERROR";
    } finally {
      if (this.inFlight.get(request.resourceId) === controller) this.inFlight.delete(request.resourceId);
    }
    let status: OpStatus;
    if (r.timedOut) status = "timeout";
    else if (r.cancelled) status = "cancelled";
    else if (errorCode !== undefined) status = "error";
    else status = "done";
    return this.record(request, r, status, queueTimeMs, errorCode);
  }

  // --- history -----------------------------------------------------------------------

  private isProbe(request: OperationRequest): boolean {
    return request.operation === "monitor" && (request.intervalMs ?? 0) === 0;
  }

  private record(request: OperationRequest, result: AgentResult, status: OpStatus, queueTimeMs: number, code?: string): OpRecord {
    const intervalMs = request.intervalMs ?? 0;
    const nowMs = this.clock.nowMs();
    const nowSec = Math.floor(nowMs / 1000);
    const expectedRc = request.expectedRc ?? OCF_SUCCESS;
    const probe = this.isProbe(request);
    const rc = status === "timeout" ? OCF_ERR_GENERIC : result.rc;
    let failed: boolean;
    if (status === "cancelled") failed = false;
    else if (status !== "done") failed = true;
    else if (probe) failed = rc !== OCF_SUCCESS && rc !== OCF_NOT_RUNNING && rc !== OCF_RUNNING_PROMOTED;
    else if (request.operation === "meta-data" || request.operation === "validate-all") failed = rc !== OCF_SUCCESS;
    else failed = rc !== expectedRc;
    const operationKey = recurringKey(request.resourceId, request.operation, intervalMs);
    const change = this.lastRcChange.get(operationKey);
    const lastRcChange = change !== undefined && change.rc === rc ? change.at : nowSec;
    this.lastRcChange.set(operationKey, { rc, at: lastRcChange });
    this.callId += 1;
    const rec: OpRecord = {
      id: intervalMs > 0 ? operationKey : `${request.resourceId}_last_0`,
      operationKey,
      operation: request.operation,
      intervalMs,
      callId: this.callId,
      rcCode: rc,
      opStatus: OP_STATUS_CODE[status],
      opStatusName: status,
      lastRun: nowSec,
      lastRcChange,
      execTime: result.durationMs,
      queueTime: Math.round(queueTimeMs),
      opDigest: opDigest(request.params ?? {}),
      exitReason: result.exitReason,
      onNode: this.nodeName,
      resourceId: request.resourceId,
      agent: request.agent,
      expectedRc,
      failed,
      epoch: request.epoch,
      finishedAtMs: nowMs,
      stdoutTail: result.stdoutTail,
      stderrTail: result.stderrTail,
      ...(status === "done" ? {} : { errorCode: code ?? (status === "timeout" ? "EXEC_OP_TIMEOUT" : status === "cancelled" ? "EXEC_OP_CANCELLED" : "EXEC_AGENT_ERROR") }),
      ...(request.transitionKey === undefined ? {} : { transitionKey: request.transitionKey }),
      ...(request.meta?.["migrate_source"] === undefined ? {} : { migrateSource: request.meta["migrate_source"] }),
      ...(request.meta?.["migrate_target"] === undefined ? {} : { migrateTarget: request.meta["migrate_target"] }),
    };
    if (status === "cancelled") {
      // A start cut short may have left something running: it still needs a stop.
      if (STARTING.has(request.operation)) {
        this.updateActive(request, rc, true);
        if (this.activeDirty) this.saveActive();
      }
      return rec;
    }
    const history = this.histories.get(request.resourceId) ?? new Map<string, OpRecord>();
    this.histories.set(request.resourceId, history);
    if (request.operation !== "meta-data" && request.operation !== "validate-all") {
      // Recurring monitors keep their own entry; one-shot ops replace `_last_0`.
      history.set(rec.id, rec);
      if (failed) history.set(`${request.resourceId}_last_failure_0`, { ...rec, id: `${request.resourceId}_last_failure_0` });
      if (request.operation === "stop" && !failed) {
        for (const id of [...history.keys()]) if (history.get(id)?.intervalMs !== 0) history.delete(id);
      }
    }
    this.updateActive(request, rc, failed);
    if (this.activeDirty) this.saveActive();
    // A recurring monitor's failure counts once per change (handled in afterRecurringRun).
    if (failed && intervalMs === 0) this.addFailure(request, nowSec);
    this.journalRecords.push(rec);
    if (this.journalRecords.length > JOURNAL_LIMIT) this.journalRecords.shift();
    this.emit({ kind: "op-completed", record: rec });
    return rec;
  }

  private updateActive(request: OperationRequest, rc: number, failed: boolean): void {
    const id = request.resourceId;
    const markActive = (): void => {
      if (!this.active.has(id)) {
        this.active.set(id, ++this.activeSeq);
        this.activeDirty = true;
      }
    };
    switch (request.operation) {
      case "start":
      case "migrate_from":
      case "promote":
      case "restart":
        // A failed start may have left something behind: it still needs a stop.
        markActive();
        return;
      case "stop":
        if (!failed) this.activeDirty = this.active.delete(id) || this.activeDirty;
        return;
      case "monitor":
      case "status":
        if (rc === OCF_SUCCESS || rc === OCF_RUNNING_PROMOTED) markActive();
        else if (rc === OCF_NOT_RUNNING && this.isProbe(request)) this.activeDirty = this.active.delete(id) || this.activeDirty;
        return;
      case "reload":
      case "reload-agent":
      case "demote":
      case "notify":
      case "migrate_to":
      case "meta-data":
      case "validate-all":
        return;
    }
  }

  private addFailure(request: OperationRequest, nowSec: number): void {
    const intervalMs = request.intervalMs ?? 0;
    const key = `${request.resourceId}#${request.operation}_${intervalMs}`;
    const prev = this.failcounts.get(key);
    // As Pacemaker's controller: a failed stop, and a failed start when
    // start-failure-is-fatal, set the failcount to INFINITY; anything else adds one.
    const fatal = request.operation === "stop" || (request.operation === "start" && (this.options.startFailureIsFatal ?? true));
    const count = fatal ? INFINITY_FAILCOUNT : Math.min(INFINITY_FAILCOUNT, (prev?.count ?? 0) + 1);
    this.failcounts.set(key, { resourceId: request.resourceId, operation: request.operation, intervalMs, count, lastFailure: nowSec });
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a listener's bug must not break the executor */
      }
    }
  }

  /** Adds an event listener (besides `onEvent`); returns the function that removes it. */
  subscribe(listener: (event: ExecutorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- recurring monitors ------------------------------------------------------------

  private afterRecurringRun(rec: Recurring, record: OpRecord, report: boolean): void {
    if (rec.cancelled || this.recurring.get(rec.key) !== rec) return;
    const changed = rec.lastRc !== record.rcCode || rec.lastFailed !== record.failed;
    if (record.failed && changed) {
      this.addFailure(rec.request, record.lastRun);
      if (report) this.emit({ kind: "monitor-failed", record });
    }
    rec.lastRc = record.rcCode;
    rec.lastFailed = record.failed;
    const interval = rec.request.intervalMs ?? 0;
    rec.timer = setTimeout(() => {
      rec.timer = undefined;
      if (rec.cancelled) return;
      this.enqueue(rec.request, () => rec.cancelled).then(
        (r) => this.afterRecurringRun(rec, r, true),
        () => this.afterRecurringRun(rec, { ...record, failed: true }, true),
      );
    }, interval);
    rec.timer.unref();
  }

  /** Stops a recurring operation; its history entry goes too (as a cancelled op's does). */
  cancelRecurring(resourceId: string, operation: string, intervalMs: number): boolean {
    const key = recurringKey(resourceId, operation, intervalMs);
    const rec = this.recurring.get(key);
    if (rec === undefined) return false;
    rec.cancelled = true;
    if (rec.timer !== undefined) clearTimeout(rec.timer);
    this.recurring.delete(key);
    this.histories.get(resourceId)?.delete(key);
    return true;
  }

  cancelAllRecurring(resourceId?: string): void {
    for (const rec of [...this.recurring.values()]) {
      if (resourceId === undefined || rec.request.resourceId === resourceId) {
        this.cancelRecurring(rec.request.resourceId, rec.request.operation, rec.request.intervalMs ?? 0);
      }
    }
  }

  recurringOperations(): Array<{ resourceId: string; operation: string; intervalMs: number }> {
    return [...this.recurring.values()].map((r) => ({ resourceId: r.request.resourceId, operation: r.request.operation, intervalMs: r.request.intervalMs ?? 0 }));
  }

  // --- queries -------------------------------------------------------------------------

  /** The lrm_rsc_op-like entries of one resource (or all), ordered by call-id. */
  history(resourceId?: string): OpRecord[] {
    const maps = resourceId === undefined ? [...this.histories.values()] : [this.histories.get(resourceId) ?? new Map<string, OpRecord>()];
    return maps.flatMap((m) => [...m.values()]).sort((a, b) => a.callId - b.callId);
  }

  /** Every completed operation, oldest first (bounded), for audits such as "never active twice". */
  journal(): readonly OpRecord[] {
    return this.journalRecords;
  }

  /** Every failcount on this node (for the `fail-count-…` transient attributes). */
  allFailcounts(): Failcount[] {
    return [...this.failcounts.values()];
  }

  failcount(resourceId: string): Failcount[] {
    return [...this.failcounts.values()].filter((f) => f.resourceId === resourceId);
  }

  /** Sum over a resource's operations, as `crm_failcount` shows (INFINITY capped). */
  totalFailcount(resourceId: string): number {
    return Math.min(INFINITY_FAILCOUNT, this.failcount(resourceId).reduce((s, f) => s + f.count, 0));
  }

  /**
   * Clears failcounts whose last failure is older than the resource's failure-timeout
   * (`failureTimeoutSec(resourceId)`; undefined or 0 means never), as Pacemaker does when
   * a failure expires. Returns what was cleared. The caller supplies the timeouts: the
   * executor does not read the configuration.
   */
  expireFailcounts(nowSec: number, failureTimeoutSec: (resourceId: string) => number | undefined): Failcount[] {
    const cleared: Failcount[] = [];
    for (const [key, f] of [...this.failcounts]) {
      const timeout = failureTimeoutSec(f.resourceId);
      if (timeout !== undefined && timeout > 0 && nowSec >= f.lastFailure + timeout) {
        this.failcounts.delete(key);
        cleared.push(f);
      }
    }
    return cleared;
  }

  /** `resource cleanup`: forget failcounts and history, so the DC probes again. */
  cleanup(resourceId: string, epoch: number): void {
    this.checkEpoch(epoch);
    for (const [key, f] of [...this.failcounts]) if (f.resourceId === resourceId) this.failcounts.delete(key);
    this.histories.delete(resourceId);
  }

  /** Resources this node runs (or may run after a failed start), in start order. */
  activeResources(): string[] {
    return [...this.active.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** After rejoining: starts are accepted again (only from the current epoch or newer). */
  resume(epoch: number): void {
    this.checkEpoch(epoch);
    this.halted = false;
  }

  // --- self-fencing ------------------------------------------------------------------

  /**
   * Stops every active resource in reverse start order within `deadlineMs`, refusing
   * starts until resume(). Running operations are aborted first; recurring monitors are
   * cancelled. Epochs are not checked: the node acts on its own authority here.
   */
  async stopAll(deadlineMs: number): Promise<StopAllResult> {
    const started = performance.now();
    const until = started + deadlineMs;
    this.halted = true;
    this.cancelAllRecurring();
    // Everything running now is cut short; resources busy with an operation (a start in
    // progress, say) are stopped first: they are the most recent.
    for (const controller of this.inFlight.values()) controller.abort();
    const busy = [...this.queues.keys()].filter((id) => !this.active.has(id) && this.known.has(id));
    const order = [...busy, ...this.activeResources().reverse()];
    const out: StopAllResult = { stopped: [], failed: [], skipped: [], durationMs: 0 };
    for (const id of order) {
      const left = until - performance.now();
      if (left <= 0) {
        out.skipped.push(id);
        continue;
      }
      const known = this.known.get(id);
      if (known === undefined) {
        out.failed.push({ resourceId: id, rc: OCF_ERR_GENERIC, reason: "no agent known for this resource" });
        continue;
      }
      // The queue may still hold an operation that ignores the abort: never wait past the deadline.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), Math.max(0, until - performance.now()));
      });
      const rec = await Promise.race([
        this.enqueue({
          epoch: this.newestEpoch, resourceId: id, agent: known.agent, operation: "stop",
          params: known.params, meta: known.meta, timeoutMs: Math.max(1, Math.min(known.stopTimeoutMs, until - performance.now())),
        }),
        late,
      ]);
      clearTimeout(timer);
      if (rec === undefined) {
        out.failed.push({ resourceId: id, rc: OCF_ERR_GENERIC, reason: "deadline passed while an earlier operation was still running" });
        continue;
      }
      if (rec.failed) out.failed.push({ resourceId: id, rc: rec.rcCode, reason: rec.exitReason || rec.opStatusName });
      else out.stopped.push(id);
    }
    out.durationMs = Math.round(performance.now() - started);
    return out;
  }

  /** Ends recurring timers (for shutdown and tests); leaves resources running. */
  close(): void {
    this.cancelAllRecurring();
  }
}
