/**
 * The scheduler's top function: a list of phases, as in Pacemaker's
 * pcmk__schedule_actions. Each phase is a function of the working set built by unpack.
 */

import type { ScheduleInput, ScheduleResult } from "./types.js";
import { unpack } from "./unpack.js";
import { buildView, currentState } from "./views.js";

export function schedule(input: ScheduleInput): ScheduleResult {
  const ws = unpack(input.cib, input.nowSec);
  const current = buildView(ws, currentState);
  return {
    current,
    revised: current,
    summary: [],
    graph: { actions: [], edges: [] },
    scores: [],
    explanation: { resources: {} },
  };
}
