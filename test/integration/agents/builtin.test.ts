import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentRegistry, httpGet, isProcessAlive } from "../../../src/agents/index.js";
import type { AgentAction, AgentRunner } from "../../../src/agents/index.js";
import { freePort, killPid, removeDir, tempDir } from "../../support/processes.js";

function op(agent: AgentRunner, action: AgentAction, params: Record<string, string>, timeoutMs = 5000, resourceId = "r") {
  return agent.run({ resourceId, action, params, meta: { on_node: "holly" }, timeoutMs });
}

test("ocf:tandem:Dummy keeps a state file and migrates, reloads and fails on request", async (t) => {
  const dir = tempDir("builtin-dummy");
  t.after(() => removeDir(dir));
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc") });
  const dummy = registry.resolve("ocf:tandem:Dummy");
  const params = { state: join(dir, "d.state"), fake: "one" };
  assert.equal((await op(dummy, "monitor", params)).rc, 7);
  assert.equal((await op(dummy, "migrate_to", params)).rc, 7, "cannot migrate what is not running");
  assert.equal((await op(dummy, "start", params)).rc, 0);
  assert.equal((await op(dummy, "monitor", params)).rc, 0);
  assert.equal((await op(dummy, "reload", { ...params, fake: "two" })).rc, 0);
  assert.match(readFileSync(params.state, "utf8"), /fake=two/);
  assert.equal((await op(dummy, "migrate_to", params)).rc, 0);
  const target = { ...params, state: join(dir, "target.state") };
  assert.equal((await op(dummy, "migrate_from", target)).rc, 0);
  assert.equal((await op(dummy, "monitor", target)).rc, 0);
  writeFileSync(params.state, "rc=1\n");
  assert.equal((await op(dummy, "monitor", params)).rc, 1, "rc written into the state file");
  assert.equal((await op(dummy, "stop", params)).rc, 0);
  assert.equal((await op(dummy, "start", { ...params, fail_start: "6" })).rc, 6);
  const slow = await op(dummy, "start", { ...params, sleep_start: "2s" }, 150);
  assert.equal(slow.timedOut, true);
  assert.equal((await op(dummy, "monitor", params)).rc, 7, "a timed-out start did nothing");
  assert.match((await op(dummy, "meta-data", {})).stdoutTail, /<resource-agent name="Dummy"/);
  // Without `state`, the file lives in HA_RSCTMP under the instance name.
  assert.equal((await op(dummy, "start", {}, 5000, "clone:3")).rc, 0);
  assert.equal(readFileSync(join(dir, "rsc", "tandem-Dummy-clone:3.state"), "utf8"), "fake=dummy\n");
});

test("ocf:tandem:webserver answers Hello <Node> on ip:port, is found after an executor restart, and stops", async (t) => {
  const dir = tempDir("builtin-web");
  const port = await freePort();
  const pidOf = (): number | undefined => {
    try {
      return (JSON.parse(readFileSync(join(dir, "rsc", "tandem-webserver-web.json"), "utf8")) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  };
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc") });
  const web = registry.resolve("ocf:tandem:webserver");
  const params = { ip: "127.0.0.1", port: String(port) };
  t.after(async () => {
    await op(web, "stop", params, 5000, "web");
    killPid(pidOf());
    removeDir(dir);
  });
  assert.equal((await op(web, "monitor", params, 5000, "web")).rc, 7);
  const start = await op(web, "start", params, 5000, "web");
  assert.equal(start.rc, 0, start.exitReason);
  assert.equal(await httpGet("127.0.0.1", port, 1000), "Hello Holly\n");
  const again = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc") }).resolve("ocf:tandem:webserver");
  assert.equal((await op(again, "monitor", params, 5000, "web")).rc, 0);
  const pid = pidOf();
  assert.equal((await op(again, "stop", params, 5000, "web")).rc, 0);
  assert.ok(pid !== undefined && !isProcessAlive(pid));
  assert.equal(await httpGet("127.0.0.1", port, 300), undefined);
  assert.equal((await op(web, "start", { port: "0x" }, 5000, "bad")).rc, 6, "invalid port: not configured");
});
