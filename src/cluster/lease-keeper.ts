/**
 * Holds one etcd lease and renews it, with a local deadline for self-fencing.
 *
 * Why the holder can know it lost the lease BEFORE etcd can expire it: a renewal that
 * succeeds was applied by the server no earlier than the moment we sent it, so the server
 * keeps the lease at least until `sentAt + ttl`. If we measure, on the local monotonic
 * clock, `lostAt = lastSuccessfulSendAt + ttl − margin` and declare the lease lost then,
 * we are `margin` ahead of the earliest possible server expiry. The margin covers clock
 * rate differences, timer lateness and the time the daemon needs to stop its resources
 * (SBD's watchdog reasoning, without the hardware). etcd may keep a lease LONGER (a leader
 * change renews every lease), never shorter, so the direction of error is safe.
 *
 * Renewals run every `renewIntervalMs` (default TTL/3); a failed renewal is retried
 * quickly until the deadline. A renewal answered "lease not found" means the lease is
 * already gone on the server: lost at once.
 */
import { type Clock, systemClock, TandemError } from "../core/index.js";
import { isStoreError, type LeaseId, type Store, storeError } from "../store/index.js";
import { Listeners } from "./listeners.js";
import { systemTimers, type TimerHandle, type Timers } from "./timers.js";

export type LeaseLossReason = "deadline" | "expired-on-server";

export interface LeaseLoss {
  readonly lease: LeaseId;
  readonly reason: LeaseLossReason;
  /** Milliseconds since the last renewal that succeeded (by send time). */
  readonly sinceLastRenewalMs: number;
  readonly message: string;
}

export interface LeaseKeeperOptions {
  readonly store: Store;
  readonly ttlSec: number;
  /** Default: TTL/3. */
  readonly renewIntervalMs?: number;
  /** How long before the earliest server expiry the holder declares the lease lost. Default: max(300 ms, TTL/4). */
  readonly safetyMarginMs?: number;
  /** Pause between retries of a failed renewal. Default: min(200 ms, interval/2). */
  readonly retryDelayMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export type LeaseKeeperState = "held" | "lost" | "released";

export function validateLeaseTiming(ttlSec: number, renewIntervalMs: number, safetyMarginMs: number): void {
  if (!Number.isInteger(ttlSec) || ttlSec < 1) {
    throw new TandemError("CLUSTER_BAD_TIMING", `lease TTL must be a whole number of seconds >= 1, not ${ttlSec}`);
  }
  const ttlMs = ttlSec * 1000;
  if (!(safetyMarginMs > 0 && safetyMarginMs < ttlMs)) {
    throw new TandemError("CLUSTER_BAD_TIMING", `the self-fencing margin (${safetyMarginMs} ms) must be between 0 and the lease TTL (${ttlMs} ms)`);
  }
  if (!(renewIntervalMs > 0 && renewIntervalMs < ttlMs - safetyMarginMs)) {
    throw new TandemError(
      "CLUSTER_BAD_TIMING",
      `the renewal interval (${renewIntervalMs} ms) must be shorter than TTL − margin (${ttlMs - safetyMarginMs} ms), or the lease is lost between two renewals`,
    );
  }
}

export class LeaseKeeper {
  readonly ttlSec: number;
  readonly renewIntervalMs: number;
  readonly safetyMarginMs: number;
  private readonly retryDelayMs: number;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private lastRenewSentAt: number;
  private renewTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private currentState: LeaseKeeperState = "held";
  private renewing = false;
  private readonly lostListeners = new Listeners<LeaseLoss>();
  private lossValue: LeaseLoss | undefined;
  /** Renewals that succeeded (for tests and metrics). */
  renewals = 0;

  private constructor(
    readonly id: LeaseId,
    sentAt: number,
    options: LeaseKeeperOptions,
    renewIntervalMs: number,
    safetyMarginMs: number,
  ) {
    this.store = options.store;
    this.ttlSec = options.ttlSec;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.renewIntervalMs = renewIntervalMs;
    this.safetyMarginMs = safetyMarginMs;
    this.retryDelayMs = options.retryDelayMs ?? Math.min(200, renewIntervalMs / 2);
    this.lastRenewSentAt = sentAt;
  }

  /** Grants a lease and starts renewing it. */
  static async grant(options: LeaseKeeperOptions): Promise<LeaseKeeper> {
    const ttlMs = options.ttlSec * 1000;
    const renewIntervalMs = options.renewIntervalMs ?? Math.floor(ttlMs / 3);
    const safetyMarginMs = options.safetyMarginMs ?? Math.max(300, Math.floor(ttlMs / 4));
    validateLeaseTiming(options.ttlSec, renewIntervalMs, safetyMarginMs);
    const clock = options.clock ?? systemClock;
    const sentAt = clock.monotonicMs();
    // etcd raises TTLs below its minimum (1.5 × election timeout); a longer server TTL
    // only makes our deadline more conservative, so the requested TTL is the one we use.
    const grant = await options.store.grantLease(options.ttlSec);
    const keeper = new LeaseKeeper(grant.id, sentAt, options, renewIntervalMs, safetyMarginMs);
    keeper.armDeadline();
    keeper.scheduleRenewal(renewIntervalMs);
    return keeper;
  }

  get state(): LeaseKeeperState {
    return this.currentState;
  }

  get loss(): LeaseLoss | undefined {
    return this.lossValue;
  }

  /** Local monotonic time at which the lease will be declared lost without a renewal. */
  get deadlineMs(): number {
    return this.lastRenewSentAt + this.ttlSec * 1000 - this.safetyMarginMs;
  }

  /** Time left before the self-fencing deadline (negative once passed). */
  remainingMs(): number {
    return this.deadlineMs - this.clock.monotonicMs();
  }

  /**
   * Throws STORE_LEASE_EXPIRED unless the lease is held and inside its deadline: call it
   * before acting on behalf of the lease (starting a resource, writing as the DC).
   */
  assertHeld(): void {
    if (this.currentState !== "held" || this.remainingMs() <= 0) {
      throw storeError("STORE_LEASE_EXPIRED", `lease ${this.id} is ${this.currentState === "held" ? "past its self-fencing deadline" : this.currentState}`, {
        lease: this.id,
      });
    }
  }

  /** Listens for the loss; called at once if already lost. Returns an unsubscribe. */
  onLost(fn: (loss: LeaseLoss) => void): () => void {
    if (this.lossValue !== undefined) {
      fn(this.lossValue);
      return () => undefined;
    }
    return this.lostListeners.add(fn);
  }

  private armDeadline(): void {
    this.timers.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = this.timers.setTimeout(() => this.checkDeadline(), Math.max(0, this.remainingMs()));
  }

  private checkDeadline(): void {
    if (this.currentState !== "held") return;
    if (this.remainingMs() > 0) {
      this.armDeadline(); // renewed meanwhile
      return;
    }
    this.declareLost("deadline", `lease ${this.id} not renewed within ${this.ttlSec * 1000 - this.safetyMarginMs} ms: self-fencing`);
  }

  private scheduleRenewal(delayMs: number): void {
    if (this.currentState !== "held") return;
    this.timers.clearTimeout(this.renewTimer);
    this.renewTimer = this.timers.setTimeout(() => void this.renew(), delayMs);
  }

  private async renew(): Promise<void> {
    if (this.currentState !== "held" || this.renewing) return;
    this.renewing = true;
    const sentAt = this.clock.monotonicMs();
    // Each member gets at most half an interval: a hung member must leave time to try the
    // next one before the deadline (a healthy member renews a lease in milliseconds, with
    // no disk write). Never wait past the deadline: that answer would come too late.
    const timeoutMs = Math.max(50, Math.min(this.remainingMs(), this.renewIntervalMs / 2));
    try {
      await this.store.keepAlive(this.id, { timeoutMs });
      if (this.currentState !== "held") return;
      this.renewals++;
      if (sentAt > this.lastRenewSentAt) this.lastRenewSentAt = sentAt;
      this.armDeadline();
      this.scheduleRenewal(this.renewIntervalMs);
    } catch (error) {
      if (this.currentState !== "held") return;
      if (isStoreError(error, "STORE_LEASE_NOT_FOUND")) {
        this.declareLost("expired-on-server", `lease ${this.id} no longer exists in etcd`);
        return;
      }
      this.scheduleRenewal(this.retryDelayMs);
    } finally {
      this.renewing = false;
    }
  }

  private declareLost(reason: LeaseLossReason, message: string): void {
    if (this.currentState !== "held") return;
    this.currentState = "lost";
    this.stopTimers();
    this.lossValue = { lease: this.id, reason, sinceLastRenewalMs: this.clock.monotonicMs() - this.lastRenewSentAt, message };
    this.lostListeners.emit(this.lossValue);
    this.lostListeners.clear();
  }

  private stopTimers(): void {
    this.timers.clearTimeout(this.renewTimer);
    this.timers.clearTimeout(this.deadlineTimer);
    this.renewTimer = undefined;
    this.deadlineTimer = undefined;
  }

  /**
   * Stops renewing WITHOUT revoking and without a loss event: the lease runs out on the
   * server. For tests that simulate a hung process, and for a daemon exiting uncleanly.
   */
  abandon(): void {
    this.currentState = "released";
    this.stopTimers();
    this.lostListeners.clear();
  }

  /** Stops renewing and revokes the lease (its keys vanish at once). */
  async release(): Promise<void> {
    const wasHeld = this.currentState === "held";
    this.currentState = "released";
    this.stopTimers();
    this.lostListeners.clear();
    if (wasHeld) {
      try {
        await this.store.revokeLease(this.id);
      } catch (error) {
        if (!isStoreError(error, "STORE_LEASE_NOT_FOUND")) throw error;
      }
    }
  }
}
