import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentRegistry, OcfScriptAgent } from "../../../src/agents/index.js";
import type { AgentAction, AgentRunner } from "../../../src/agents/index.js";
import { isTandemError } from "../../../src/core/index.js";
import { killPid, removeDir, tempDir } from "../../support/processes.js";
import { isProcessAlive } from "../../../src/agents/index.js";

function run(agent: AgentRunner, action: AgentAction, params: Record<string, string>, timeoutMs = 10_000, meta: Record<string, string> = {}) {
  return agent.run({ resourceId: "rsc1", action, params, meta, timeoutMs });
}

for (const name of ["ocf:heartbeat:Dummy", "ocf:pacemaker:Dummy"]) {
  test(`the real ${name} script probes, starts, monitors and stops`, async (t) => {
    const dir = tempDir("ocf");
    t.after(() => removeDir(dir));
    const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc") });
    const agent = registry.resolve(name);
    assert.ok(agent instanceof OcfScriptAgent);
    const params = { state: join(dir, "dummy.state") };
    assert.equal((await run(agent, "monitor", params)).rc, 7, "probe before start: not running");
    const start = await run(agent, "start", params);
    assert.equal(start.rc, 0, start.stderrTail);
    assert.ok(existsSync(params.state));
    assert.equal((await run(agent, "monitor", params, 10_000, { interval: "10000" })).rc, 0);
    assert.equal((await run(agent, "stop", params)).rc, 0);
    assert.equal((await run(agent, "monitor", params)).rc, 7);
    assert.equal((await run(agent, "stop", params)).rc, 0, "stopping a stopped resource succeeds");
    const meta = await run(agent, "meta-data", {});
    assert.equal(meta.rc, 0);
    assert.match(meta.stdoutTail, /^<\?xml[^]*<resource-agent[^]*<\/resource-agent>\s*$/, "meta-data is read whole");
  });
}

/** A private OCF root with one script, to observe what the agent sees. */
function fakeRoot(dir: string, body: string): string {
  const root = join(dir, "ocf");
  mkdirSync(join(root, "resource.d", "test"), { recursive: true });
  mkdirSync(join(root, "lib", "heartbeat"), { recursive: true });
  const script = join(root, "resource.d", "test", "probe");
  writeFileSync(script, `#!/bin/sh\n${body}\n`);
  chmodSync(script, 0o755);
  return root;
}

test("large meta-data (IPaddr2's) is read whole", async (t) => {
  const dir = tempDir("ocf-meta");
  t.after(() => removeDir(dir));
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc") });
  const res = await run(registry.resolve("ocf:heartbeat:IPaddr2"), "meta-data", {});
  assert.equal(res.rc, 0);
  assert.ok(res.stdoutTail.length > 4096, `${res.stdoutTail.length} bytes`);
  assert.match(res.stdoutTail, /^<\?xml[^]*<parameter name="cidr_netmask"[^]*<\/resource-agent>\s*$/);
});

test("an OCF script gets OCF's environment and its exit reason is read from stderr", async (t) => {
  const dir = tempDir("ocf-env");
  t.after(() => removeDir(dir));
  const out = join(dir, "env.txt");
  const root = fakeRoot(dir, `env > ${out}\necho "ocf-exit-reason:first" >&2\necho "ocf-exit-reason:the real reason" >&2\nexit 6`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc"), ocfRoot: root, nodeName: "holly" });
  const res = await registry.resolve("ocf:test:probe").run({
    resourceId: "vip:2", action: "start", params: { ip: "10.0.0.9", "cidr_netmask": "24" },
    meta: { clone: "2", "clone-max": "4", notify: "true" }, timeoutMs: 7000,
  });
  assert.equal(res.rc, 6);
  assert.equal(res.exitReason, "the real reason");
  const env = Object.fromEntries(readFileSync(out, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  assert.equal(env["OCF_ROOT"], root);
  assert.equal(env["OCF_RESOURCE_INSTANCE"], "vip:2");
  assert.equal(env["OCF_RESOURCE_TYPE"], "probe");
  assert.equal(env["OCF_RESOURCE_PROVIDER"], "test");
  assert.equal(env["OCF_RESKEY_ip"], "10.0.0.9");
  assert.equal(env["OCF_RESKEY_cidr_netmask"], "24");
  assert.equal(env["OCF_RESKEY_CRM_meta_clone"], "2");
  assert.equal(env["OCF_RESKEY_CRM_meta_clone_max"], "4");
  assert.equal(env["OCF_RESKEY_CRM_meta_notify"], "true");
  assert.equal(env["OCF_RESKEY_CRM_meta_timeout"], "7000");
  assert.equal(env["OCF_RESKEY_CRM_meta_on_node"], "holly");
  assert.equal(env["HA_RSCTMP"], join(dir, "rsc"));
});

test("an agent past its timeout is killed with its whole process group", async (t) => {
  const dir = tempDir("ocf-timeout");
  const pidFile = join(dir, "child.pid");
  // The script forks a sleeping child in its own process group, then sleeps itself.
  const root = fakeRoot(dir, `sleep 30 &\necho $! > ${pidFile}\nsleep 30\nexit 0`);
  const child: { pid?: number } = {};
  t.after(() => {
    killPid(child.pid);
    removeDir(dir);
  });
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc"), ocfRoot: root });
  const started = Date.now();
  const res = await registry.resolve("ocf:test:probe").run({ resourceId: "slow", action: "start", params: {}, meta: {}, timeoutMs: 300 });
  const took = Date.now() - started;
  const childPid = Number(readFileSync(pidFile, "utf8"));
  child.pid = childPid;
  assert.equal(res.timedOut, true);
  assert.equal(res.rc, 1);
  assert.ok(took < 2000, `returned after ${took} ms`);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(isProcessAlive(childPid), false, "the agent's child died with it");
});

test("exit codes above 9 read as generic errors and a missing script as AGENT_NOT_FOUND", async (t) => {
  const dir = tempDir("ocf-codes");
  t.after(() => removeDir(dir));
  const root = fakeRoot(dir, "exit 42");
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc"), ocfRoot: root });
  const res = await registry.resolve("ocf:test:probe").run({ resourceId: "x", action: "monitor", params: {}, meta: {}, timeoutMs: 5000 });
  assert.equal(res.rc, 1);
  assert.equal(res.exitCode, 42);
  assert.throws(() => registry.resolve("ocf:test:nope"), (e: unknown) => isTandemError(e) && e.code === "AGENT_NOT_FOUND");
});

test("LSB init scripts: status codes map to OCF, start and stop run the script", async (t) => {
  const dir = tempDir("lsb");
  t.after(() => removeDir(dir));
  const initDir = join(dir, "init.d");
  mkdirSync(initDir);
  const flag = join(dir, "running");
  writeFileSync(join(initDir, "demo"), `#!/bin/sh
case "$1" in
  start) touch ${flag} ;;
  stop) rm -f ${flag} ;;
  status) [ -f ${flag} ] && exit 0; exit 3 ;;
  *) exit 3 ;;
esac
`);
  chmodSync(join(initDir, "demo"), 0o755);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc"), initDir });
  for (const spec of ["lsb:demo", "service:demo"]) {
    const agent = registry.resolve(spec);
    assert.equal((await run(agent, "monitor", {})).rc, 7);
    assert.equal((await run(agent, "start", {})).rc, 0);
    assert.equal((await run(agent, "monitor", {})).rc, 0);
    assert.equal((await run(agent, "stop", {})).rc, 0);
    assert.equal((await run(agent, "status", {})).rc, 7);
    assert.equal((await run(agent, "promote", {})).rc, 3);
  }
  assert.throws(() => registry.resolve("lsb:absent"), (e: unknown) => isTandemError(e) && e.code === "AGENT_NOT_FOUND");
});
