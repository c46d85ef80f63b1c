/** Time is a port so pure code never reads the wall clock (STYLE.md habit 1). */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** A monotonic reading in milliseconds, for measuring durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock that only moves when told to, for unit tests. */
export class ManualClock implements Clock {
  constructor(private currentMs = 0) {}
  nowMs(): number {
    return this.currentMs;
  }
  monotonicMs(): number {
    return this.currentMs;
  }
  advance(ms: number): void {
    this.currentMs += ms;
  }
}
