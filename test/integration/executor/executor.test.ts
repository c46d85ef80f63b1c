/**
 * The executor with real agents: op history records, probes, the per-resource queue,
 * timeouts, recurring monitors noticing a killed process, failcounts, the epoch check and
 * stopAll for self-fencing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpGet, isProcessAlive } from "../../../src/agents/index.js";
import { isTandemError } from "../../../src/core/index.js";
import { Executor, INFINITY_FAILCOUNT, opDigest } from "../../../src/executor/index.js";
import type { ExecutorEvent, OperationRequest } from "../../../src/executor/index.js";
import { freePort, killPid, removeDir, tempDir, waitUntil } from "../../support/processes.js";

function setup(name: string, extra: { unitDirs?: string[]; ocfRoot?: string } = {}) {
  const dir = tempDir(`exec-${name}`);
  const events: ExecutorEvent[] = [];
  const executor = new Executor({
    nodeName: "benji",
    stateDir: join(dir, "state"),
    agents: { rscTmpDir: join(dir, "rsc"), systemdMode: "supervised", ...extra },
    onEvent: (e) => events.push(e),
  });
  return { dir, executor, events };
}

const DUMMY = "ocf:heartbeat:Dummy";

test("op history records look like Pacemaker's lrm_rsc_op and probes find what runs already", async (t) => {
  const { dir, executor } = setup("history");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const params = { state: join(dir, "a.state") };
  const base = { epoch: 1, resourceId: "A", agent: DUMMY, params } satisfies Partial<OperationRequest>;
  const probe = await executor.execute({ ...base, operation: "monitor" });
  assert.equal(probe.rcCode, 7);
  assert.equal(probe.failed, false, "a probe's 'not running' is information, not failure");
  assert.equal(probe.id, "A_last_0");
  assert.equal(probe.operationKey, "A_monitor_0");

  const start = await executor.execute({ ...base, operation: "start", transitionKey: "3:7:0:abc" });
  assert.equal(start.rcCode, 0);
  assert.equal(start.opStatus, 0);
  assert.equal(start.callId, probe.callId + 1);
  assert.equal(start.opDigest, opDigest(params));
  assert.equal(start.onNode, "benji");
  assert.equal(start.transitionKey, "3:7:0:abc");
  assert.ok(start.execTime > 0 && start.execTime < 5000);
  assert.ok(Math.abs(start.lastRun - Date.now() / 1000) < 5);

  const mon = await executor.execute({ ...base, operation: "monitor", intervalMs: 10_000 });
  assert.equal(mon.id, "A_monitor_10000");
  assert.deepEqual(executor.history("A").map((r) => r.id), ["A_last_0", "A_monitor_10000"]);
  assert.deepEqual(executor.recurringOperations(), [{ resourceId: "A", operation: "monitor", intervalMs: 10_000 }]);

  const stop = await executor.execute({ ...base, operation: "stop" });
  assert.equal(stop.rcCode, 0);
  assert.deepEqual(executor.recurringOperations(), [], "stop cancels recurring monitors");
  assert.deepEqual(executor.history("A").map((r) => r.id), ["A_last_0"]);
  assert.equal(executor.history("A")[0]?.operation, "stop");

  // A service started outside the executor: the probe finds it.
  writeFileSync(join(dir, "b.state"), "");
  const found = await executor.execute({ epoch: 1, resourceId: "B", agent: "ocf:pacemaker:Dummy", operation: "monitor", params: { state: join(dir, "b.state") } });
  assert.equal(found.rcCode, 0);
  assert.deepEqual(executor.activeResources(), ["B"]);

  const missing = await executor.execute({ epoch: 1, resourceId: "C", agent: "ocf:heartbeat:NoSuchAgent", operation: "monitor" });
  assert.equal(missing.rcCode, 5);
  assert.equal(missing.opStatusName, "not-installed");
  assert.equal(missing.errorCode, "AGENT_NOT_FOUND");
  assert.equal(start.errorCode, undefined);
  assert.equal(missing.failed, true);
});

test("one operation at a time per resource; different resources run in parallel", async (t) => {
  const { dir, executor } = setup("queue");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const slow = (id: string) => ({ epoch: 1, resourceId: id, agent: "ocf:tandem:Dummy", params: { state: join(dir, `${id}.state`), sleep_start: "400ms" } });
  const t0 = Date.now();
  const [startA, monA, startB] = await Promise.all([
    executor.execute({ ...slow("A"), operation: "start" }),
    executor.execute({ ...slow("A"), operation: "monitor" }),
    executor.execute({ ...slow("B"), operation: "start" }),
  ]);
  const took = Date.now() - t0;
  assert.equal(startA.rcCode, 0);
  assert.equal(monA.rcCode, 0, "the monitor waited for the start");
  assert.ok(monA.queueTime >= 350, `queued ${monA.queueTime} ms`);
  assert.equal(startB.rcCode, 0);
  assert.ok(took < 750, `A and B ran side by side (${took} ms; one after the other would take 800)`);
});

test("an operation past its timeout is killed and recorded as timed out; a failed start is fatal", async (t) => {
  const root = join(tempDir("exec-ocfroot"), "ocf");
  mkdirSync(join(root, "resource.d", "test"), { recursive: true });
  mkdirSync(join(root, "lib", "heartbeat"), { recursive: true });
  writeFileSync(join(root, "resource.d", "test", "Sleepy"), "#!/bin/sh\n[ \"$1\" = start ] && sleep 30\nexit 7\n");
  chmodSync(join(root, "resource.d", "test", "Sleepy"), 0o755);
  const { dir, executor } = setup("timeout", { ocfRoot: root });
  t.after(() => {
    executor.close();
    removeDir(dir);
    removeDir(join(root, ".."));
  });
  const t0 = Date.now();
  const rec = await executor.execute({ epoch: 1, resourceId: "S", agent: "ocf:test:Sleepy", operation: "start", timeoutMs: 300 });
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(rec.opStatusName, "timeout");
  assert.equal(rec.opStatus, 2);
  assert.equal(rec.errorCode, "EXEC_OP_TIMEOUT");
  assert.equal(rec.rcCode, 1);
  assert.equal(rec.failed, true);
  assert.ok(rec.execTime >= 290 && rec.execTime < 1500, `exec-time ${rec.execTime}`);
  assert.deepEqual(executor.history("S").map((r) => r.id), ["S_last_0", "S_last_failure_0"]);
  assert.equal(executor.totalFailcount("S"), INFINITY_FAILCOUNT, "start-failure-is-fatal");
  executor.cleanup("S", 1);
  assert.equal(executor.totalFailcount("S"), 0);
  assert.deepEqual(executor.history("S"), []);
});

test("a recurring monitor notices a killed service, reports it once and counts the failure", async (t) => {
  const port = await freePort();
  const { dir, executor, events } = setup("recurring");
  const units = join(dir, "units");
  mkdirSync(units);
  writeFileSync(join(units, "pyweb.service"), `[Service]\nExecStart=/usr/bin/python3 -m http.server --bind 127.0.0.1 ${port}\n`);
  const exec2 = new Executor({ nodeName: "benji", stateDir: join(dir, "state"), agents: { systemdMode: "supervised", unitDirs: [units] }, onEvent: (e) => events.push(e) });
  const mainPid = (): number | undefined => {
    try {
      return (JSON.parse(readFileSync(join(dir, "state", "systemd", "pyweb.service.json"), "utf8")) as { mainPid: number }).mainPid;
    } catch {
      return undefined;
    }
  };
  t.after(async () => {
    exec2.close();
    executor.close();
    await exec2.execute({ epoch: 1, resourceId: "web", agent: "systemd:pyweb", operation: "stop" }).catch(() => undefined);
    killPid(mainPid(), true);
    removeDir(dir);
  });
  const base = { epoch: 1, resourceId: "web", agent: "systemd:pyweb" } as const;
  assert.equal((await exec2.execute({ ...base, operation: "start" })).rcCode, 0);
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 300)) !== undefined, 5000));
  const first = await exec2.execute({ ...base, operation: "monitor", intervalMs: 100 });
  assert.equal(first.rcCode, 0);
  const pid = mainPid();
  assert.ok(pid !== undefined);
  const killedAt = Date.now();
  process.kill(pid, "SIGKILL");
  assert.ok(await waitUntil(() => events.some((e) => e.kind === "monitor-failed"), 3000), "monitor-failed reported");
  const detectMs = Date.now() - killedAt;
  const failure = events.find((e) => e.kind === "monitor-failed");
  assert.equal(failure?.record.rcCode, 7);
  assert.equal(failure?.record.id, "web_monitor_100");
  t.diagnostic(`kill -9 to monitor-failed: ${detectMs} ms (monitor every 100 ms)`);
  assert.ok(detectMs < 1500, `detected in ${detectMs} ms (monitor every 100 ms)`);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(events.filter((e) => e.kind === "monitor-failed").length, 1, "reported once per change, not every interval");
  assert.deepEqual(exec2.failcount("web").map((f) => [f.operation, f.intervalMs, f.count]), [["monitor", 100, 1]]);
  assert.ok(exec2.history("web").some((r) => r.id === "web_last_failure_0" && r.rcCode === 7));
  assert.equal(isProcessAlive(pid), false);
});

test("requests from an older epoch are refused, also after the executor restarts", async (t) => {
  const { dir, executor } = setup("epoch");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const req = { resourceId: "A", agent: "ocf:tandem:Dummy", operation: "monitor", params: { state: join(dir, "a.state") } } as const;
  await executor.execute({ ...req, epoch: 5 });
  await assert.rejects(executor.execute({ ...req, epoch: 4 }), (e: unknown) => isTandemError(e) && e.code === "EXEC_STALE_EPOCH");
  await executor.execute({ ...req, epoch: 7 });
  assert.equal(executor.epoch, 7);
  const restarted = new Executor({ nodeName: "benji", stateDir: join(dir, "state") });
  assert.equal(restarted.epoch, 7);
  await assert.rejects(restarted.execute({ ...req, epoch: 6 }), (e: unknown) => isTandemError(e) && e.code === "EXEC_STALE_EPOCH");
  await assert.rejects(restarted.execute({ ...req, epoch: 7, intervalMs: 100, operation: "start" }), (e: unknown) => isTandemError(e) && e.code === "EXEC_BAD_REQUEST");
});

test("stopAll stops everything in reverse start order within its deadline and refuses starts until resume", async (t) => {
  const port = await freePort();
  const { dir, executor } = setup("stopall");
  t.after(async () => {
    executor.close();
    await executor.execute({ epoch: 2, resourceId: "web", agent: "ocf:tandem:webserver", operation: "stop", params: { port: String(port) } }).catch(() => undefined);
    removeDir(dir);
  });
  const specs: Array<Omit<OperationRequest, "operation" | "epoch">> = [
    { resourceId: "first", agent: DUMMY, params: { state: join(dir, "first.state") } },
    { resourceId: "web", agent: "ocf:tandem:webserver", params: { port: String(port) } },
    { resourceId: "last", agent: "ocf:tandem:Dummy", params: { state: join(dir, "last.state") } },
  ];
  for (const s of specs) assert.equal((await executor.execute({ ...s, epoch: 1, operation: "start" })).rcCode, 0);
  await executor.execute({ ...specs[0]!, epoch: 1, operation: "monitor", intervalMs: 5000 });
  assert.deepEqual(executor.activeResources(), ["first", "web", "last"]);
  const result = await executor.stopAll(5000);
  assert.deepEqual(result.stopped, ["last", "web", "first"]);
  assert.deepEqual(result.failed, []);
  assert.deepEqual(executor.recurringOperations(), []);
  const stops = executor.journal().filter((r) => r.operation === "stop").map((r) => r.resourceId);
  assert.deepEqual(stops, ["last", "web", "first"]);
  assert.equal(await httpGet("127.0.0.1", port, 300), undefined, "the web server is down");
  assert.deepEqual(executor.activeResources(), []);
  await assert.rejects(executor.execute({ ...specs[2]!, epoch: 1, operation: "start" }), (e: unknown) => isTandemError(e) && e.code === "EXEC_HALTED");
  executor.resume(2);
  assert.equal((await executor.execute({ ...specs[2]!, epoch: 2, operation: "start" })).rcCode, 0);

  // A stop that cannot finish in time: the deadline bounds stopAll.
  assert.equal((await executor.execute({ resourceId: "slow", agent: "ocf:tandem:Dummy", epoch: 2, operation: "start", params: { state: join(dir, "slow.state"), sleep_stop: "5s" } })).rcCode, 0);
  const t0 = Date.now();
  const bounded = await executor.stopAll(300);
  assert.ok(Date.now() - t0 < 1000, `bounded by the deadline (${Date.now() - t0} ms)`);
  assert.deepEqual(bounded.failed.map((f) => f.resourceId), ["slow"]);
  assert.ok(bounded.skipped.includes("last") || bounded.stopped.includes("last"));
});

test("a restarted executor still knows what runs here, so stopAll after a restart stops it", async (t) => {
  const { dir, executor } = setup("restart");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const state = join(dir, "x.state");
  assert.equal((await executor.execute({ epoch: 1, resourceId: "X", agent: DUMMY, operation: "start", params: { state } })).rcCode, 0);
  executor.close();
  const again = new Executor({ nodeName: "benji", stateDir: join(dir, "state"), agents: { rscTmpDir: join(dir, "rsc") } });
  assert.deepEqual(again.activeResources(), ["X"]);
  const result = await again.stopAll(5000);
  assert.deepEqual(result.stopped, ["X"]);
  const probe = await again.execute({ epoch: 1, resourceId: "X", agent: DUMMY, operation: "monitor", params: { state } });
  assert.equal(probe.rcCode, 7);
});

test("a recurring run queued behind a stop does not run after it", async (t) => {
  const { dir, executor, events } = setup("cancel-queued");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const base = { epoch: 1, resourceId: "Q", agent: "ocf:tandem:Dummy", params: { state: join(dir, "q.state"), sleep_stop: "250ms" } } as const;
  await executor.execute({ ...base, operation: "start" });
  await executor.execute({ ...base, operation: "monitor", intervalMs: 50 });
  // Occupy the queue so a recurring run is queued, then stop.
  const slowReload = executor.execute({ ...base, operation: "reload", params: { ...base.params, sleep_reload: "120ms" } });
  await new Promise((r) => setTimeout(r, 80));
  await Promise.all([slowReload, executor.execute({ ...base, operation: "stop" })]);
  const after = executor.journal().length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(executor.journal().length, after, "nothing ran after the stop");
  assert.deepEqual(executor.history("Q").map((r) => r.operation), ["stop"]);
  assert.deepEqual(executor.journal().map((r) => r.operation), ["start", "monitor", "reload", "stop"], "the queued recurring run was dropped");
  assert.equal(events.filter((e) => e.kind === "monitor-failed").length, 0);
});

test("stopAll cuts a start in progress short and stops that resource too", async (t) => {
  const { dir, executor } = setup("stopall-busy");
  const units = join(dir, "units");
  mkdirSync(units);
  const prePid = join(dir, "pre.pid");
  writeFileSync(join(units, "slowstart.service"), `[Service]\nExecStartPre=/bin/sh -c 'echo $$ > ${prePid}; exec sleep 30'\nExecStart=/bin/sleep 60\n`);
  const exec2 = new Executor({ nodeName: "benji", stateDir: join(dir, "state2"), agents: { systemdMode: "supervised", unitDirs: [units] } });
  const pre: { pid?: number } = {};
  t.after(() => {
    exec2.close();
    executor.close();
    killPid(pre.pid);
    removeDir(dir);
  });
  await exec2.execute({ epoch: 1, resourceId: "early", agent: "ocf:tandem:Dummy", operation: "start", params: { state: join(dir, "early.state") } });
  const starting = exec2.execute({ epoch: 1, resourceId: "slow", agent: "systemd:slowstart", operation: "start", timeoutMs: 20_000 });
  assert.ok(await waitUntil(() => {
    try {
      pre.pid = Number(readFileSync(prePid, "utf8"));
      return pre.pid > 0;
    } catch {
      return false;
    }
  }, 3000), "ExecStartPre is running");
  const t0 = Date.now();
  const result = await exec2.stopAll(3000);
  const took = Date.now() - t0;
  t.diagnostic(`stopAll with a start in progress: ${took} ms`);
  assert.ok(took < 1500, `stopAll took ${took} ms`);
  assert.deepEqual(result.stopped, ["slow", "early"]);
  const start = await starting;
  assert.equal(start.opStatusName, "cancelled");
  assert.equal(start.errorCode, "EXEC_OP_CANCELLED");
  assert.equal(isProcessAlive(pre.pid ?? 0), false, "the ExecStartPre process was killed");
  assert.deepEqual(exec2.activeResources(), []);
});

test("migration records name source and target; a failed stop sets the failcount to INFINITY", async (t) => {
  const { dir, executor } = setup("migrate");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const base = { epoch: 1, resourceId: "M", agent: "ocf:tandem:Dummy", params: { state: join(dir, "m.state") } } as const;
  const seen: string[] = [];
  const unsubscribe = executor.subscribe((e) => seen.push(`${e.kind}:${e.record.operation}`));
  await executor.execute({ ...base, operation: "start" });
  unsubscribe();
  await executor.execute({ ...base, operation: "monitor" });
  assert.deepEqual(seen, ["op-completed:start"], "subscribed listeners see events until they unsubscribe");
  const to = await executor.execute({ ...base, operation: "migrate_to", meta: { migrate_source: "benji", migrate_target: "holly" } });
  assert.equal(to.rcCode, 0);
  assert.equal(to.migrateSource, "benji");
  assert.equal(to.migrateTarget, "holly");
  assert.deepEqual(executor.activeResources(), ["M"], "the source still runs it until its stop");
  const stop = await executor.execute({ ...base, operation: "stop", params: { ...base.params, fail_stop: "1" } });
  assert.equal(stop.failed, true);
  assert.equal(executor.totalFailcount("M"), INFINITY_FAILCOUNT);
  assert.deepEqual(executor.activeResources(), ["M"], "a failed stop leaves it active");
});

test("failcounts expire after the resource's failure-timeout, and only then", async (t) => {
  const { dir, executor } = setup("expire");
  t.after(() => {
    executor.close();
    removeDir(dir);
  });
  const req = (id: string) => ({ epoch: 1, resourceId: id, agent: "ocf:tandem:Dummy", operation: "monitor", intervalMs: 0, params: { fail_monitor: "1" } }) as const;
  const probeA = await executor.execute(req("A"));
  await executor.execute(req("B"));
  assert.equal(probeA.failed, true);
  const last = probeA.lastRun;
  const timeouts = (id: string): number | undefined => (id === "A" ? 60 : undefined);
  assert.deepEqual(executor.expireFailcounts(last + 59, timeouts), [], "not yet");
  assert.deepEqual(executor.expireFailcounts(last + 60, timeouts).map((f) => f.resourceId), ["A"]);
  assert.equal(executor.totalFailcount("A"), 0);
  assert.equal(executor.totalFailcount("B"), 1, "no failure-timeout: never expires");
});
