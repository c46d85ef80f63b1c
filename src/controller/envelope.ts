/**
 * What the DC writes under /actions/<node>/<key>: one operation for that node's executor,
 * carrying the DC's epoch (fencing token) and Pacemaker's transition key
 * (`action:transition:target-rc:uuid`), which comes back in the op record so the DC can
 * match results to actions.
 */
import { TandemError } from "../core/index.js";
import type { OperationRequest } from "../executor/index.js";

export interface ActionEnvelope {
  readonly epoch: number;
  readonly dc: string;
  readonly transitionKey: string;
  readonly request: OperationRequest;
}

export function transitionKeyOf(actionId: number, transitionId: number, expectedRc: number, epoch: number): string {
  return `${actionId}:${transitionId}:${expectedRc}:tandem-${epoch}`;
}

export function parseEnvelope(text: string): ActionEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TandemError("CONTROLLER_BAD_ACTION", `an action is not JSON: ${(cause as Error).message}`, { cause });
  }
  const v = value as Partial<ActionEnvelope> | null;
  if (
    v === null || typeof v !== "object" || typeof v.epoch !== "number" || typeof v.transitionKey !== "string" || typeof v.dc !== "string" ||
    typeof v.request !== "object" || v.request === null || typeof v.request.resourceId !== "string" || typeof v.request.agent !== "string" ||
    typeof v.request.operation !== "string"
  ) {
    throw new TandemError("CONTROLLER_BAD_ACTION", "an action lacks epoch, dc, transitionKey or request fields");
  }
  return v as ActionEnvelope;
}
