import type { LrmRscOp } from "../cib/index.js";
import type { AgentAction } from "../agents/index.js";

/**
 * Pacemaker's op-status (`PCMK_EXEC_*`): how the execution went, apart from the agent's
 * return code. `done` means the agent ran to completion (whatever its rc).
 */
export type OpStatus = "pending" | "done" | "cancelled" | "timeout" | "not-supported" | "error" | "error-hard" | "error-fatal" | "not-installed";

export const OP_STATUS_CODE: Readonly<Record<OpStatus, number>> = {
  pending: -1,
  done: 0,
  cancelled: 1,
  timeout: 2,
  "not-supported": 3,
  error: 4,
  "error-hard": 5,
  "error-fatal": 6,
  "not-installed": 7,
};

/** One request from the DC (or a test) to run an operation on this node. */
export interface OperationRequest {
  /** The DC's election epoch (fencing token). Older than the newest seen → refused. */
  epoch: number;
  resourceId: string;
  /** `ocf:heartbeat:Dummy`, `systemd:haproxy`, … */
  agent: string;
  operation: AgentAction;
  /** 0 for one-shot operations and probes; > 0 makes a monitor recurring. */
  intervalMs?: number;
  /** Default: meta `timeout`, else 20 s (Pacemaker's default op timeout). */
  timeoutMs?: number;
  params?: Readonly<Record<string, string>>;
  /** Meta attributes (without CRM_meta_), e.g. clone, clone_max, notify_type. */
  meta?: Readonly<Record<string, string>>;
  /** The rc that counts as success (Pacemaker's target-rc): 0, or 8 for a promoted monitor. */
  expectedRc?: number;
  /** Opaque to the executor; copied into the record (transition-key). */
  transitionKey?: string;
}

/**
 * An op history record, shaped like Pacemaker's `lrm_rsc_op` (the fields of the CIB
 * model's LrmRscOp) plus what the executor knows beyond it.
 */
export interface OpRecord extends Omit<LrmRscOp, "raw"> {
  /** `<rsc>_last_0`, `<rsc>_last_failure_0` or `<rsc>_monitor_<interval>`. */
  id: string;
  /** `<rsc>_<op>_<interval>`. */
  operationKey: string;
  resourceId: string;
  agent: string;
  /** Seconds since the epoch, as in the CIB. */
  lastRun: number;
  lastRcChange: number;
  /** Milliseconds the agent ran / waited in the resource's queue. */
  execTime: number;
  queueTime: number;
  opDigest: string;
  exitReason: string;
  onNode: string;
  opStatusName: OpStatus;
  expectedRc: number;
  /** rc/op-status differ from what was expected (a probe's 7 is not a failure). */
  failed: boolean;
  epoch: number;
  /** Wall-clock ms when the operation finished (for ordering across nodes). */
  finishedAtMs: number;
  stdoutTail: string;
  stderrTail: string;
  /**
   * Set when the operation did not run to completion (op-status other than `done`): a
   * stable code from docs/errors.md (EXEC_OP_TIMEOUT, EXEC_OP_CANCELLED, AGENT_NOT_FOUND, …).
   */
  errorCode?: string;
}

export type ExecutorEvent =
  | { kind: "op-completed"; record: OpRecord }
  /** A recurring monitor's result became a failure (reported once per change, as Pacemaker's executor does). */
  | { kind: "monitor-failed"; record: OpRecord };

export interface Failcount {
  resourceId: string;
  operation: string;
  intervalMs: number;
  /** 1000000 means INFINITY (start-failure-is-fatal). */
  count: number;
  /** Seconds since the epoch. */
  lastFailure: number;
}

export interface StopAllResult {
  stopped: string[];
  failed: Array<{ resourceId: string; rc: number; reason: string }>;
  /** Resources never asked to stop because the deadline passed first. */
  skipped: string[];
  durationMs: number;
}

/**
 * The port the controller drives (the real Executor, or a fake in the controller's unit
 * tests). Everything the DC needs from a node's executor, nothing more.
 */
export interface NodeExecutor {
  readonly nodeName: string;
  /** The newest DC epoch seen. */
  readonly epoch: number;
  execute(request: OperationRequest): Promise<OpRecord>;
  cancelRecurring(resourceId: string, operation: string, intervalMs: number): boolean;
  history(resourceId?: string): OpRecord[];
  failcount(resourceId: string): Failcount[];
  allFailcounts(): Failcount[];
  expireFailcounts(nowSec: number, failureTimeoutSec: (resourceId: string) => number | undefined): Failcount[];
  cleanup(resourceId: string, epoch: number): void;
  activeResources(): string[];
  stopAll(deadlineMs: number): Promise<StopAllResult>;
  resume(epoch: number): void;
  subscribe(listener: (event: ExecutorEvent) => void): () => void;
  close(): void;
}
