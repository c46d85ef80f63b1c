/**
 * Runs conformance cases in a worker thread and posts each CaseResult as it completes, so
 * the runner can stop a case that never finishes (a scheduler loop) and carry on.
 */
import { parentPort, workerData } from "node:worker_threads";
import { schedule } from "../../src/scheduler/index.js";
import { runCase } from "./conformance.js";

interface Job {
  corpus: string;
  cases: { name: string; tier: number }[];
  wallClockSec: number;
}

const job = workerData as Job;
for (const c of job.cases) parentPort?.postMessage(runCase(job.corpus, c.name, c.tier, schedule, job.wallClockSec));
