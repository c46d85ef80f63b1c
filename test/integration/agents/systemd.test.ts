/**
 * systemd units under Tandem's own supervision (this machine has no systemd as PID 1):
 * real python http.server, real haproxy with Debian's unit file, forking and oneshot
 * services, stop escalation, and finding services started outside the executor.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentRegistry, groupMembers, httpGet, isProcessAlive, procStat, WEBSERVER_MAIN } from "../../../src/agents/index.js";
import type { AgentAction, AgentRunner } from "../../../src/agents/index.js";
import { isTandemError } from "../../../src/core/index.js";
import { freePort, killPid, removeDir, tempDir, waitUntil } from "../../support/processes.js";

const PYTHON = "/usr/bin/python3";

function op(agent: AgentRunner, action: AgentAction, timeoutMs = 10_000) {
  return agent.run({ resourceId: "svc", action, params: {}, meta: {}, timeoutMs });
}

function stateOf(dir: string, unit: string): { mainPid?: number } {
  try {
    return JSON.parse(readFileSync(join(dir, "state", "systemd", `${unit}.service.json`), "utf8")) as { mainPid?: number };
  } catch {
    return {};
  }
}

function writeUnit(dir: string, name: string, body: string): string {
  const units = join(dir, "units");
  mkdirSync(units, { recursive: true });
  writeFileSync(join(units, `${name}.service`), body);
  return units;
}

test("a simple unit (python http.server) starts, answers, is seen dead after kill -9, and stops", async (t) => {
  const dir = tempDir("sd-simple");
  const port = await freePort();
  mkdirSync(join(dir, "www"));
  writeFileSync(join(dir, "www", "index.html"), "served from WorkingDirectory\n");
  const units = writeUnit(dir, "pyweb", `[Unit]
Description=test web server
[Service]
Type=simple
Environment=PORT=${port} "GREETING=hello world"
WorkingDirectory=${join(dir, "www")}
ExecStartPre=/bin/sh -c 'echo "$GREETING" > ${join(dir, "pre.txt")}'
ExecStart=${PYTHON} -m http.server --bind 127.0.0.1 $PORT
`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  const agent = registry.resolve("systemd:pyweb");
  t.after(async () => {
    await op(agent, "stop");
    killPid(stateOf(dir, "pyweb").mainPid, true);
    removeDir(dir);
  });
  assert.equal((await op(agent, "monitor")).rc, 7, "probe: not running");
  const start = await op(agent, "start");
  assert.equal(start.rc, 0, start.exitReason);
  assert.equal(readFileSync(join(dir, "pre.txt"), "utf8"), "hello world\n", "ExecStartPre ran with Environment=");
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 500)) !== undefined, 5000), "server answers");
  assert.equal(await httpGet("127.0.0.1", port, 1000), "served from WorkingDirectory\n");
  assert.equal((await op(agent, "monitor")).rc, 0);
  assert.equal((await op(agent, "start")).rc, 0, "starting a running unit is a no-op");

  const pid = stateOf(dir, "pyweb").mainPid;
  assert.ok(pid !== undefined);
  process.kill(pid, "SIGKILL");
  assert.ok(await waitUntil(() => !isProcessAlive(pid), 2000));
  const dead = await op(agent, "monitor");
  assert.equal(dead.rc, 7);
  assert.match(dead.exitReason, /exited/);

  assert.equal((await op(agent, "start")).rc, 0, "restart after failure");
  const pid2 = stateOf(dir, "pyweb").mainPid;
  assert.ok(pid2 !== undefined && pid2 !== pid);
  const stop = await op(agent, "stop");
  assert.equal(stop.rc, 0, stop.exitReason);
  assert.equal(isProcessAlive(pid2), false);
  assert.equal((await op(agent, "monitor")).rc, 7);
});

test("a restarted executor finds the service its predecessor started, and a probe finds one started by hand", async (t) => {
  const dir = tempDir("sd-adopt");
  const [port1, port2] = [await freePort(), await freePort()];
  const units = writeUnit(dir, "web1", `[Service]\nExecStart=${PYTHON} -m http.server --bind 127.0.0.1 ${port1}\n`);
  writeUnit(dir, "web2", `[Service]\nExecStart=${PYTHON} -m http.server --bind 127.0.0.1 ${port2}\n`);
  const spawned: { pid?: number } = {};
  t.after(() => {
    killPid(stateOf(dir, "web1").mainPid, true);
    killPid(spawned.pid, true);
    removeDir(dir);
  });
  const first = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  assert.equal((await op(first.resolve("systemd:web1"), "start")).rc, 0);
  const pid1 = stateOf(dir, "web1").mainPid;

  // Started outside Tandem, with exactly the unit's command line.
  const child = spawn(PYTHON, ["-m", "http.server", "--bind", "127.0.0.1", String(port2)], { detached: true, stdio: "ignore" });
  child.unref();
  const manual = child.pid;
  spawned.pid = manual;
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port2, 300)) !== undefined, 5000));

  const second = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  assert.equal((await op(second.resolve("systemd:web1"), "monitor")).rc, 0, "found through the state dir");
  assert.equal(second.resolve("service:web1").name, "systemd:web1", "service: without an init script is systemd");
  assert.equal((await op(second.resolve("service:web1"), "monitor")).rc, 0);
  assert.equal((await op(second.resolve("systemd:web2"), "monitor")).rc, 0, "probe found the hand-started service");
  assert.equal((await op(second.resolve("systemd:web1"), "stop")).rc, 0);
  assert.equal((await op(second.resolve("systemd:web2"), "stop")).rc, 0);
  assert.ok(pid1 !== undefined && !isProcessAlive(pid1));
  assert.ok(manual !== undefined && (await waitUntil(() => !isProcessAlive(manual), 2000)));
});

test("systemd:haproxy runs Debian's haproxy.service with a drop-in, reloads with $MAINPID and stops cleanly", async (t) => {
  const dir = tempDir("sd-haproxy");
  const port = await freePort();
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(cfg, `global
  maxconn 64
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string "hello from haproxy"
`);
  const dropIn = join(dir, "units", "haproxy.service.d");
  mkdirSync(dropIn, { recursive: true });
  writeFileSync(join(dropIn, "50-test.conf"), `[Service]
Environment="CONFIG=${cfg}" "PIDFILE=${join(dir, "haproxy.pid")}" "EXTRAOPTS=-S ${join(dir, "master.sock")}"
`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), extraUnitDirs: [join(dir, "units")], systemdMode: "supervised" });
  const agent = registry.resolve("systemd:haproxy");
  t.after(async () => {
    await op(agent, "stop");
    killPid(stateOf(dir, "haproxy").mainPid, true);
    removeDir(dir);
  });
  const start = await op(agent, "start");
  assert.equal(start.rc, 0, start.exitReason);
  const master = stateOf(dir, "haproxy").mainPid;
  assert.ok(master !== undefined);
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 300)) === "hello from haproxy", 5000), "haproxy answers");
  assert.equal((await op(agent, "monitor")).rc, 0);
  const reload = await op(agent, "reload");
  assert.equal(reload.rc, 0, reload.exitReason);
  assert.equal(stateOf(dir, "haproxy").mainPid, master, "reload keeps the master");
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 300)) === "hello from haproxy", 5000), "answers after reload");
  const group = procStat(master)?.pgrp;
  const stop = await op(agent, "stop");
  assert.equal(stop.rc, 0, stop.exitReason);
  assert.equal(isProcessAlive(master), false);
  assert.equal(group, master, "haproxy ran in its own process group");
  assert.equal(await httpGet("127.0.0.1", port, 300), undefined, "nothing listens after stop");
});

test("forking (PIDFile), oneshot (RemainAfterExit) and a unit that ignores SIGTERM", async (t) => {
  const dir = tempDir("sd-types");
  const pidFile = join(dir, "daemon.pid");
  const units = writeUnit(dir, "forker", `[Service]
Type=forking
PIDFile=${pidFile}
ExecStart=/bin/sh -c 'sleep 60 & echo $! > ${pidFile}'
`);
  writeUnit(dir, "once", `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/touch ${join(dir, "once.done")}\nExecStop=/bin/rm -f ${join(dir, "once.done")}\n`);
  writeUnit(dir, "stubborn", `[Service]\nTimeoutStopSec=300ms\nExecStart=/bin/sh -c 'trap "" TERM; while :; do sleep 0.05; done'\n`);
  writeUnit(dir, "broken", `[Service]\nExecStart=/bin/sh -c 'echo cannot bind >&2; exit 3'\n`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  t.after(async () => {
    for (const u of ["forker", "once", "stubborn"]) await op(registry.resolve(`systemd:${u}`), "stop");
    killPid(stateOf(dir, "forker").mainPid);
    killPid(stateOf(dir, "stubborn").mainPid, true);
    removeDir(dir);
  });

  const forker = registry.resolve("systemd:forker");
  assert.equal((await op(forker, "start")).rc, 0);
  const daemon = Number(readFileSync(pidFile, "utf8"));
  assert.equal(stateOf(dir, "forker").mainPid, daemon, "main PID from PIDFile");
  assert.equal((await op(forker, "monitor")).rc, 0);
  assert.equal((await op(forker, "stop")).rc, 0);
  assert.equal(isProcessAlive(daemon), false);

  const once = registry.resolve("systemd:once");
  assert.equal((await op(once, "start")).rc, 0);
  assert.equal((await op(once, "monitor")).rc, 0, "remains active after exit");
  assert.equal((await op(once, "stop")).rc, 0);
  assert.equal((await op(once, "monitor")).rc, 7);

  const stubborn = registry.resolve("systemd:stubborn");
  assert.equal((await op(stubborn, "start")).rc, 0);
  const pid = stateOf(dir, "stubborn").mainPid;
  const before = Date.now();
  const stop = await op(stubborn, "stop");
  assert.equal(stop.rc, 0, stop.exitReason);
  const took = Date.now() - before;
  assert.ok(took >= 250 && took < 3000, `SIGKILL after TimeoutStopSec (took ${took} ms)`);
  assert.ok(pid !== undefined && !isProcessAlive(pid));

  const broken = await op(registry.resolve("systemd:broken"), "start");
  assert.equal(broken.rc, 1);
  assert.match(broken.exitReason, /exited at once.*cannot bind/);
  assert.throws(() => registry.resolve("systemd:absent"), (e: unknown) => isTandemError(e) && e.code === "AGENT_NOT_FOUND");
  const vanishing = registry.resolve("systemd:broken");
  rmSync(join(units, "broken.service"));
  assert.equal((await op(vanishing, "monitor")).rc, 5, "a unit file removed after resolve: not installed");
  writeFileSync(join(units, "broken.service"), "[Service]\nType=nonsense\nExecStart=/bin/true\n");
  assert.equal((await op(vanishing, "start")).rc, 6, "a malformed unit: not configured");
});

test("User= drops privileges, templates get %i, and stop ends the leftovers of a dead main process", async (t) => {
  const dir = tempDir("sd-misc");
  const out = join(dir, "instance.txt");
  const units = writeUnit(dir, "asnobody", `[Service]\nUser=nobody\nExecStart=/bin/sleep 60\n`);
  writeUnit(dir, "tpl@", `[Service]\nExecStartPre=/bin/sh -c 'echo %i %n > ${out}'\nExecStart=/bin/sleep 61\n`);
  writeUnit(dir, "family", `[Service]\nExecStart=/bin/sh -c '/bin/sleep 62 & /bin/sleep 62 & wait'\n`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  const pids: Array<number | undefined> = [];
  t.after(async () => {
    for (const u of ["asnobody", "tpl@blue", "family"]) await op(registry.resolve(`systemd:${u}`), "stop");
    for (const p of pids) killPid(p, true);
    removeDir(dir);
  });

  const nobody = registry.resolve("systemd:asnobody");
  assert.equal((await op(nobody, "start")).rc, 0);
  const pid = stateOf(dir, "asnobody").mainPid;
  pids.push(pid);
  const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid ?? 0}/status`, "utf8"))?.[1];
  assert.equal(uid, "65534", "runs as nobody");
  assert.equal((await op(nobody, "stop")).rc, 0);

  const tpl = registry.resolve("systemd:tpl@blue");
  assert.equal((await op(tpl, "start")).rc, 0);
  pids.push(stateOf(dir, "tpl@blue").mainPid);
  assert.equal(readFileSync(out, "utf8"), "blue tpl@blue.service\n");
  assert.equal((await op(tpl, "stop")).rc, 0);

  const family = registry.resolve("systemd:family");
  assert.equal((await op(family, "start")).rc, 0);
  const main = stateOf(dir, "family").mainPid;
  pids.push(main);
  assert.ok(main !== undefined);
  assert.ok(await waitUntil(() => groupMembers(main).length === 3, 2000), "sh and two sleeps");
  const children = groupMembers(main).filter((p) => p !== main);
  process.kill(main, "SIGKILL");
  assert.ok(await waitUntil(() => !isProcessAlive(main), 2000));
  assert.equal((await op(family, "monitor")).rc, 7);
  assert.equal((await op(family, "stop")).rc, 0);
  for (const c of children) assert.equal(isProcessAlive(c), false, `leftover ${c} ended`);
});

test("systemd:nginx (Debian's forking unit) runs with a drop-in that replaces its commands", async (t) => {
  const dir = tempDir("sd-nginx");
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  const pidFile = join(dir, "nginx.pid");
  writeFileSync(conf, `pid ${pidFile};
error_log ${join(dir, "error.log")};
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; location / { return 200 "nginx ok\\n"; } }
}
`);
  const flags = `-c ${conf} -g 'daemon on; master_process on;'`;
  const dropIn = join(dir, "units", "nginx.service.d");
  mkdirSync(dropIn, { recursive: true });
  writeFileSync(join(dropIn, "override.conf"), `[Service]
PIDFile=${pidFile}
ExecStartPre=
ExecStartPre=/usr/sbin/nginx -t -q ${flags}
ExecStart=
ExecStart=/usr/sbin/nginx ${flags}
ExecReload=
ExecReload=/usr/sbin/nginx ${flags} -s reload
ExecStop=
ExecStop=-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile ${pidFile}
`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), extraUnitDirs: [join(dir, "units")], systemdMode: "supervised" });
  const agent = registry.resolve("systemd:nginx");
  t.after(async () => {
    await op(agent, "stop");
    killPid(stateOf(dir, "nginx").mainPid, true);
    removeDir(dir);
  });
  const start = await op(agent, "start");
  assert.equal(start.rc, 0, start.exitReason);
  const master = Number(readFileSync(pidFile, "utf8"));
  assert.equal(stateOf(dir, "nginx").mainPid, master, "main PID from the PIDFile");
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 300)) === "nginx ok\n", 5000));
  assert.equal((await op(agent, "reload")).rc, 0);
  assert.equal((await op(agent, "monitor")).rc, 0);
  const stopRes = await op(agent, "stop");
  assert.equal(stopRes.rc, 0);
  assert.equal(isProcessAlive(master), false);
  assert.equal(await httpGet("127.0.0.1", port, 300), undefined);
});

test("systemd:httpd as a lab provides it: the built-in web server program under a unit", async (t) => {
  const dir = tempDir("sd-httpd");
  const port = await freePort();
  const units = writeUnit(dir, "httpd", `[Unit]\nDescription=Cluster Controlled httpd\n[Service]\nExecStart=${process.execPath} ${WEBSERVER_MAIN} 127.0.0.1 ${port} "Hello Benji"\n`);
  const registry = new AgentRegistry({ stateDir: join(dir, "state"), unitDirs: [units], systemdMode: "supervised" });
  const httpd = registry.resolve("systemd:httpd");
  t.after(async () => {
    await op(httpd, "stop");
    killPid(stateOf(dir, "httpd").mainPid, true);
    removeDir(dir);
  });
  assert.equal((await op(httpd, "start")).rc, 0);
  assert.ok(await waitUntil(async () => (await httpGet("127.0.0.1", port, 300)) === "Hello Benji\n", 5000));
  const stop = await op(httpd, "stop");
  assert.equal(stop.rc, 0);
  assert.ok(stop.durationMs < 2000, `SIGTERM ends it at once (${stop.durationMs} ms)`);
});
