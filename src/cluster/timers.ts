/**
 * Timers as a port, beside core's Clock: the cluster loops (lease renewal, self-fencing
 * deadline, heartbeats) are unit-tested on a manual clock by firing timers by hand.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Timers {
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

const live = new Map<number, NodeJS.Timeout>();
let nextId = 1;

export const systemTimers: Timers = {
  setTimeout(fn, delayMs) {
    const id = nextId++;
    live.set(
      id,
      setTimeout(() => {
        live.delete(id);
        fn();
      }, Math.max(0, delayMs)),
    );
    return { id };
  },
  clearTimeout(handle) {
    if (handle === undefined) return;
    const t = live.get(handle.id);
    if (t !== undefined) clearTimeout(t);
    live.delete(handle.id);
  },
};
