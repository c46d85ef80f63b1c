/**
 * The DC loop. Only the elected DC runs it; it stops the moment leadership ends.
 *
 *   watch /tandem/<c>/ ──> events ──> (abort the running transition if the CIB or
 *                                      membership changed; match results to actions)
 *                             │
 *                             ▼
 *   decide(): ONE snapshot ─> CIB + status ─> schedule() ─> planTransition() ─> sentence
 *                             │
 *                             ▼
 *   GraphRunner: ready actions ─> fenced txn put /actions/<node>/<key> (epoch inside)
 *                results        <─ op records in /status/<node>/… (transition key)
 *
 * `decide()` is the one function whose every branch returns a sentence saying what it
 * decided; each cycle logs exactly one line with it. Safety: every action write is a
 * transaction guarded by the leadership key (a deposed DC's writes fail in etcd), and
 * every action carries the epoch, which executors check.
 */

import { readCib } from "../cib/index.js";
import { describeError } from "../core/index.js";
import { nodesPrefix, dcKey } from "../cluster/index.js";
import { schedule } from "../scheduler/index.js";
import type { Compare, Store, TxnOp, Watch, WatchBatch } from "../store/index.js";
import { transitionKeyOf, type ActionEnvelope } from "./envelope.js";
import { GraphRunner } from "./graph-runner.js";
import { actionKey, actionsPrefix, cibKey, clusterRoot, parseActionKey, parseStatusKey } from "./keys.js";
import type { Logger } from "./log.js";
import { planTransition, type PlannedAction, type Transition } from "./plan.js";
import { parseOpRecord, readSnapshot, type ClusterSnapshot } from "./snapshot.js";
import { buildLiveCib } from "./status-cib.js";

/** What the DC needs of its leadership (cluster/election's Leadership fits). */
export interface DcLeadership {
  readonly name: string;
  readonly epoch: number;
  readonly isLeader: boolean;
  guard(): Compare;
}

export interface DcOptions {
  readonly store: Store;
  readonly cluster: string;
  readonly leadership: DcLeadership;
  readonly log: Logger;
  /** Nodes the failure detector declares dead (members that are not online). */
  readonly isDead?: (node: string) => boolean;
  /** Seconds since the epoch (the scheduler's "now"). */
  readonly nowSec?: () => number;
  /** Added to an action's timeout before the DC gives up waiting for its result. */
  readonly resultGraceMs?: number;
  /** Pause before rescheduling after a failed transition (no hot loop on a broken agent). */
  readonly failureBackoffMs?: number;
  /** Re-run the scheduler this often even without changes (failure-timeout expiry). */
  readonly recheckIntervalMs?: number;
}

interface Running {
  readonly id: number;
  readonly runner: GraphRunner;
  /** transition key → action id */
  readonly byKey: Map<string, number>;
  /** store key of the action → action id */
  readonly byStoreKey: Map<string, number>;
  readonly timers: Map<number, NodeJS.Timeout>;
  readonly startedMs: number;
}

export interface Decision {
  readonly sentence: string;
  readonly transition?: Transition;
  readonly snapshot?: ClusterSnapshot;
}

export class DcController {
  private watch: Watch | undefined;
  private running: Running | undefined;
  private dirty = true;
  private busy = false;
  private again = false;
  private stopped = false;
  private notBefore = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private online = new Set<string>();
  /** Completed transitions (tests and status). */
  transitions = 0;
  lastDecision = "";

  constructor(private readonly options: DcOptions) {}

  private get cluster(): string {
    return this.options.cluster;
  }

  /** Clears actions left by an earlier DC, starts watching, runs the first cycle. */
  async start(): Promise<void> {
    const { store, cluster, leadership } = this.options;
    const r = await store.range(actionsPrefix(cluster));
    if (r.kvs.length > 0) {
      await store.txn({ compare: [leadership.guard()], success: [{ type: "delete", key: actionsPrefix(cluster), prefix: true }] });
      this.options.log.info("DC cleared actions left by an earlier DC", { count: r.kvs.length });
    }
    this.watch = store.watch(clusterRoot(cluster), {
      fromRevision: r.revision + 1,
      onEvents: (batch) => this.onBatch(batch),
      onError: (error) => {
        this.options.log.error("DC watch ended; re-reading the cluster", { error: describeError(error) });
        this.watch = undefined;
        if (!this.stopped) void this.restartWatch();
      },
    });
    const every = this.options.recheckIntervalMs ?? 60_000;
    this.recheckTimer = setInterval(() => this.trigger("periodic recheck"), every);
    this.recheckTimer.unref();
    this.kick();
  }

  private async restartWatch(): Promise<void> {
    try {
      const r = await this.options.store.get(cibKey(this.cluster));
      if (this.stopped) return;
      this.watch = this.options.store.watch(clusterRoot(this.cluster), {
        fromRevision: r.revision + 1,
        onEvents: (batch) => this.onBatch(batch),
        onError: () => {
          this.watch = undefined;
          if (!this.stopped) setTimeout(() => void this.restartWatch(), 500).unref();
        },
      });
      this.trigger("watch restarted");
    } catch {
      if (!this.stopped) setTimeout(() => void this.restartWatch(), 500).unref();
    }
  }

  /** Stops scheduling (leadership lost or daemon stopping); in-flight actions finish on their nodes. */
  stop(): void {
    this.stopped = true;
    this.watch?.close();
    this.watch = undefined;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    if (this.recheckTimer !== undefined) clearInterval(this.recheckTimer);
    if (this.running !== undefined) for (const t of this.running.timers.values()) clearTimeout(t);
    this.running = undefined;
  }

  /** Something outside the store changed (failure detector verdicts): reschedule. */
  trigger(reason: string): void {
    if (this.stopped) return;
    this.dirty = true;
    if (reason !== "periodic recheck") this.running?.runner.abort(reason);
    this.kick();
  }

  /** The failure detector declared `node` dead: its in-flight actions are lost. */
  nodeDead(node: string): void {
    this.loseActionsOn(node, "node declared dead");
    this.trigger(`node ${node} declared dead`);
  }

  get idle(): boolean {
    return this.running === undefined && !this.dirty && !this.busy;
  }

  private loseActionsOn(node: string, reason: string): void {
    const run = this.running;
    if (run === undefined) return;
    for (const a of run.runner.inFlight()) {
      if (a.node !== node) continue;
      run.runner.abort(reason);
      run.runner.lose(a.id);
    }
  }

  private onBatch(batch: WatchBatch): void {
    if (this.stopped) return;
    const nodes = nodesPrefix(this.cluster);
    const run = this.running;
    const deletedActions: string[] = [];
    let changed: string | undefined;
    for (const ev of batch.events) {
      const key = ev.kv.key;
      if (key === cibKey(this.cluster)) {
        changed = "configuration changed";
      } else if (key.startsWith(nodes)) {
        const node = key.slice(nodes.length);
        changed = ev.type === "put" ? `node ${node} joined` : `node ${node} left`;
        if (ev.type === "delete") this.loseActionsOn(node, `node ${node} left`);
      } else if (key === dcKey(this.cluster)) {
        continue;
      } else if (parseActionKey(this.cluster, key) !== undefined) {
        if (ev.type === "delete") deletedActions.push(key);
      } else if (parseStatusKey(this.cluster, key)?.kind === "op") {
        if (ev.type !== "put") {
          this.dirty = true; // history forgotten (cleanup, a node republishing): probe again
          continue;
        }
        const rec = parseOpRecord(ev.kv.value);
        if (rec === undefined) continue;
        const id = rec.transitionKey === undefined ? undefined : run?.byKey.get(rec.transitionKey);
        if (run !== undefined && id !== undefined && run.runner.state(id) === "in-flight") {
          this.clearTimer(run, id);
          run.runner.complete(id, !rec.failed, rec.failed ? `rc ${rec.rcCode} (${rec.opStatusName}) ${rec.exitReason}`.trim() : "");
        } else {
          // A result nobody waited for: a recurring monitor's change, a probe by a restarted node.
          this.dirty = true;
          if (rec.failed) run?.runner.abort(`${rec.operation} of ${rec.resourceId} on ${rec.onNode} failed`);
        }
      } else if (parseStatusKey(this.cluster, key)?.kind === "attr") {
        this.dirty = true;
      }
    }
    // An action deleted without its result: the node refused it (stale epoch, halted).
    if (run !== undefined) {
      for (const key of deletedActions) {
        const id = run.byStoreKey.get(key);
        if (id !== undefined && run.runner.state(id) === "in-flight") {
          this.clearTimer(run, id);
          run.runner.complete(id, false, "refused by the node");
        }
      }
    }
    if (changed !== undefined) {
      this.dirty = true;
      run?.runner.abort(changed);
    }
    this.kick();
  }

  private clearTimer(run: Running, id: number): void {
    const t = run.timers.get(id);
    if (t !== undefined) clearTimeout(t);
    run.timers.delete(id);
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    const wait = this.notBefore - Date.now();
    if (wait > 0 && this.running === undefined) {
      if (this.wakeTimer === undefined) {
        this.wakeTimer = setTimeout(() => {
          this.wakeTimer = undefined;
          this.kick();
        }, wait);
      }
      return;
    }
    this.busy = true;
    void this.loop().finally(() => {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.stopped || !this.options.leadership.isLeader) return;
      const run = this.running;
      if (run !== undefined) {
        const ready = run.runner.takeReady();
        if (ready.length > 0) {
          const ok = await this.dispatch(run, ready);
          if (!ok) return;
          continue;
        }
        if (!run.runner.finished) return;
        const outcome = run.runner.outcome();
        const counts = run.runner.counts();
        this.running = undefined;
        this.transitions += 1;
        this.dirty = true;
        const tookMs = Date.now() - run.startedMs;
        if (outcome?.kind === "failed") {
          this.notBefore = Date.now() + (this.options.failureBackoffMs ?? 500);
          this.options.log.warn(`transition ${run.id} failed: ${outcome.reason}; rescheduling`, { transition: run.id, ...counts, tookMs });
          continue;
        }
        const sentence = outcome?.kind === "aborted" ? `transition ${run.id} aborted (${outcome.reason}); rescheduling` : `transition ${run.id} complete`;
        this.options.log.info(sentence, { transition: run.id, ...counts, tookMs });
        continue;
      }
      if (!this.dirty) return;
      if (Date.now() < this.notBefore) {
        this.kick();
        return;
      }
      this.dirty = false;
      let decision: Decision;
      try {
        decision = await this.decide();
      } catch (error) {
        this.dirty = true;
        this.notBefore = Date.now() + (this.options.failureBackoffMs ?? 500);
        this.options.log.error("DC cycle failed; retrying", { error: describeError(error) });
        continue;
      }
      this.lastDecision = decision.sentence;
      const t = decision.transition;
      this.options.log.info(decision.sentence, {
        dc: this.options.leadership.name,
        epoch: this.options.leadership.epoch,
        revision: decision.snapshot?.revision,
        ...(t === undefined ? {} : { actions: t.actions.map((a) => a.text), blocked: t.blocked }),
      });
      if (t !== undefined && t.actions.length > 0 && decision.snapshot !== undefined) {
        this.running = {
          id: decision.snapshot.revision,
          runner: new GraphRunner(t),
          byKey: new Map(),
          byStoreKey: new Map(),
          timers: new Map(),
          startedMs: Date.now(),
        };
      }
    }
  }

  /**
   * One scheduling decision from one snapshot. Every branch returns the sentence the
   * cycle logs.
   */
  async decide(): Promise<Decision> {
    const snapshot = await readSnapshot(this.options.store, this.cluster);
    if (snapshot.cibText === undefined) return { sentence: "no CIB in the store yet (run 'tandem cluster setup'): nothing to schedule", snapshot };
    const isDead = this.options.isDead ?? ((): boolean => false);
    const online = new Set([...snapshot.members.keys()].filter((n) => !isDead(n)));
    this.online = online;
    let transition: Transition;
    try {
      const doc = buildLiveCib({ cibText: snapshot.cibText, online, reports: snapshot.reports, dc: this.options.leadership.name, quorum: true });
      const model = readCib(doc);
      const nowSec = this.options.nowSec?.() ?? Math.floor(Date.now() / 1000);
      const result = schedule({ cib: model, nowSec });
      const suspects = new Set([...snapshot.members.keys()].filter((n) => isDead(n)));
      transition = planTransition({ model, result, online, reports: snapshot.reports, suspects });
    } catch (error) {
      return { sentence: `the stored CIB cannot be scheduled (${describeError(error)}): waiting for a configuration change`, snapshot };
    }
    const n = transition.actions.length;
    if (n === 0 && transition.blocked.length === 0) return { sentence: "nothing to do: every resource is where the scheduler wants it", transition, snapshot };
    if (n === 0) return { sentence: `nothing can run now: ${transition.blocked.length} action(s) blocked (${transition.blocked.join(", ")})`, transition, snapshot };
    if (transition.phase === "probe") {
      return { sentence: `probing ${n} resource instance(s) on ${new Set(transition.actions.map((a) => a.node)).size} node(s) before placing anything`, transition, snapshot };
    }
    return { sentence: `running transition ${snapshot.revision}: ${transition.actions.map((a) => a.text).join(", ")}`, transition, snapshot };
  }

  /** Hands actions to their nodes in one fenced transaction. False when no longer DC. */
  private async dispatch(run: Running, actions: readonly PlannedAction[]): Promise<boolean> {
    const { leadership, store } = this.options;
    const ops: TxnOp[] = [];
    for (const a of actions) {
      if (!this.online.has(a.node)) {
        run.runner.abort(`node ${a.node} is not online`);
        run.runner.lose(a.id);
        continue;
      }
      const key = transitionKeyOf(a.id, run.id, a.request.expectedRc ?? 0, leadership.epoch);
      const storeKey = actionKey(this.cluster, a.node, `${run.id}-${a.id}`);
      const envelope: ActionEnvelope = { epoch: leadership.epoch, dc: leadership.name, transitionKey: key, request: { ...a.request, epoch: leadership.epoch, transitionKey: key } };
      run.byKey.set(key, a.id);
      run.byStoreKey.set(storeKey, a.id);
      ops.push({ type: "put", key: storeKey, value: JSON.stringify(envelope) });
      const waitMs = (a.request.timeoutMs ?? 20_000) + (this.options.resultGraceMs ?? 5_000);
      const timer = setTimeout(() => {
        run.timers.delete(a.id);
        if (run.runner.complete(a.id, false, `no result within ${waitMs} ms`)) this.kick();
      }, waitMs);
      timer.unref();
      run.timers.set(a.id, timer);
    }
    if (ops.length === 0) return true;
    try {
      const r = await store.txn({ compare: [leadership.guard()], success: ops });
      if (!r.succeeded) {
        this.options.log.warn("DC lost its leadership while handing out actions; stopping", { epoch: leadership.epoch });
        this.stop();
        return false;
      }
    } catch (error) {
      // Unknown whether the write applied: abort; results (or timeouts) settle the actions.
      run.runner.abort(`handing out actions failed: ${describeError(error)}`);
    }
    return true;
  }
}
