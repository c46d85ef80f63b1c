/**
 * Idle cost of the executor: N resources with recurring monitors, CPU share and memory
 * of this process over a measuring window (agent child processes counted separately for
 * script agents). Usage: node dist/bench/executor-idle.js [agent] [count] [intervalMs] [windowMs]
 * e.g. `ocf:tandem:Dummy 100 10000 30000` (the runtime issue's "100 monitored Dummy").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "../src/executor/index.js";

const [agent = "ocf:tandem:Dummy", countText = "100", intervalText = "10000", windowText = "30000"] = process.argv.slice(2);
const count = Number(countText);
const intervalMs = Number(intervalText);
const windowMs = Number(windowText);
const dir = mkdtempSync(join(tmpdir(), `tandem-bench-exec-${process.pid}-`));
const executor = new Executor({ nodeName: "bench", stateDir: join(dir, "state"), agents: { rscTmpDir: join(dir, "rsc") } });
let monitors = 0;
const ids = Array.from({ length: count }, (_, i) => `d${i}`);
try {
  for (const id of ids) {
    const base = { epoch: 1, resourceId: id, agent, params: { state: join(dir, `${id}.state`) } };
    await executor.execute({ ...base, operation: "start" });
    await executor.execute({ ...base, operation: "monitor", intervalMs });
  }
  const unsubscribe = setInterval(() => undefined, 1000);
  const before = process.cpuUsage();
  const t0 = performance.now();
  const journalBefore = executor.journal().length;
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = process.cpuUsage(before);
  const elapsed = performance.now() - t0;
  monitors = executor.journal().length - journalBefore;
  clearInterval(unsubscribe);
  const share = ((cpu.user + cpu.system) / 1000 / elapsed) * 100;
  const rssMiB = process.memoryUsage().rss / 1024 / 1024;
  console.log(`${count} × ${agent}, monitor every ${intervalMs} ms, ${Math.round(elapsed)} ms window:`);
  console.log(`  executor process CPU ${share.toFixed(2)} % of a core, RSS ${rssMiB.toFixed(1)} MiB, ${monitors} monitors ran`);
} finally {
  await executor.stopAll(60_000);
  executor.close();
  rmSync(dir, { recursive: true, force: true });
}
