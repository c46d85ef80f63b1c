/**
 * Timers driven by a ManualClock: `advance(ms)` moves time forward, firing due timers in
 * order (each at its own due time) and letting promises settle after each one. For unit
 * tests of the cluster loops on the in-memory store.
 */
import { ManualClock } from "../../src/core/index.js";
import type { TimerHandle, Timers } from "../../src/cluster/index.js";

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

export class ManualTimers implements Timers {
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(readonly clock: ManualClock) {}

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, at: this.clock.monotonicMs() + Math.max(0, delayMs), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.pending = this.pending.filter((p) => p.id !== handle.id);
  }

  get size(): number {
    return this.pending.length;
  }

  async advance(ms: number): Promise<void> {
    const end = this.clock.monotonicMs() + ms;
    await settle();
    for (;;) {
      const due = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((p) => p.id !== due.id);
      if (due.at > this.clock.monotonicMs()) this.clock.advance(due.at - this.clock.monotonicMs());
      due.fn();
      await settle();
    }
    if (end > this.clock.monotonicMs()) this.clock.advance(end - this.clock.monotonicMs());
    await settle();
  }
}
