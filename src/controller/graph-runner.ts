/**
 * The transition graph runner: which actions may be handed out now, and when the
 * transition is over. Pure bookkeeping (no I/O, no clock): the DC loop feeds it results
 * and asks it what to dispatch, so the dependency logic is unit-tested on its own.
 *
 * Rules, as Pacemaker's controller runs a graph:
 * - an action is ready when every predecessor completed successfully;
 * - a failed action aborts the transition: nothing new starts, in-flight actions finish;
 * - abort() (the CIB or membership changed) does the same;
 * - the transition is finished when nothing is in flight and nothing more is ready.
 */

import type { PlannedAction, Transition } from "./plan.js";

export type ActionState = "waiting" | "in-flight" | "done" | "failed";

export type TransitionOutcome =
  | { readonly kind: "complete" }
  | { readonly kind: "aborted"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string };

export class GraphRunner {
  private readonly states: ActionState[];
  private readonly preds: number[][];
  private abortReason: string | undefined;
  private failure: string | undefined;

  constructor(readonly transition: Transition) {
    this.states = transition.actions.map(() => "waiting");
    this.preds = transition.actions.map(() => []);
    for (const [before, after] of transition.edges) this.preds[after]?.push(before);
  }

  state(id: number): ActionState | undefined {
    return this.states[id];
  }

  /** Actions whose predecessors all succeeded; they are marked in flight. */
  takeReady(): PlannedAction[] {
    if (this.abortReason !== undefined || this.failure !== undefined) return [];
    const out: PlannedAction[] = [];
    this.transition.actions.forEach((action, id) => {
      if (this.states[id] !== "waiting") return;
      if ((this.preds[id] ?? []).every((p) => this.states[p] === "done")) {
        this.states[id] = "in-flight";
        out.push(action);
      }
    });
    return out;
  }

  /** Records a result; results for actions not in flight are ignored (returns false). */
  complete(id: number, ok: boolean, reason = ""): boolean {
    if (this.states[id] !== "in-flight") return false;
    this.states[id] = ok ? "done" : "failed";
    if (!ok && this.failure === undefined) {
      const text = this.transition.actions[id]?.text ?? `action ${id}`;
      this.failure = reason.length > 0 ? `${text} failed: ${reason}` : `${text} failed`;
    }
    return true;
  }

  /** An in-flight action whose node went away: it ends without counting as a failure. */
  lose(id: number): boolean {
    if (this.states[id] !== "in-flight") return false;
    this.states[id] = "failed";
    return true;
  }

  abort(reason: string): void {
    if (this.abortReason === undefined) this.abortReason = reason;
  }

  inFlight(): PlannedAction[] {
    return this.transition.actions.filter((_, id) => this.states[id] === "in-flight");
  }

  /** Nothing in flight and nothing more can start. */
  get finished(): boolean {
    if (this.states.includes("in-flight")) return false;
    if (this.abortReason !== undefined || this.failure !== undefined) return true;
    return !this.transition.actions.some((_, id) => this.states[id] === "waiting" && (this.preds[id] ?? []).every((p) => this.states[p] === "done"));
  }

  /** Defined once finished. */
  outcome(): TransitionOutcome | undefined {
    if (!this.finished) return undefined;
    if (this.failure !== undefined) return { kind: "failed", reason: this.failure };
    if (this.abortReason !== undefined) return { kind: "aborted", reason: this.abortReason };
    return { kind: "complete" };
  }

  counts(): Record<ActionState, number> {
    const c: Record<ActionState, number> = { waiting: 0, "in-flight": 0, done: 0, failed: 0 };
    for (const s of this.states) c[s] += 1;
    return c;
  }
}
