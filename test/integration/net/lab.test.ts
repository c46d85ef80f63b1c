import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { allLabNames, killHost, labDir, labPrefix, labHealth, labUp, readLabState, reviveHost, spawnInHost, type LabHealth, type LabHooks } from "../../../src/lab/index.js";
import { runChecked } from "../../../src/net/index.js";
import { cli, helloServerScript, inHost, labNetns, removeLabAfter, uniqueLabName } from "../../support/lab.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** PIDs whose command line mentions text (the lab's launchers name its state directory). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function curlFromClient(lab: string, url: string, extra: string[] = []): Promise<{ code: number; body: string }> {
  const result = await cli("lab", "client", "--name", lab, "--", "curl", "-s", "-m", "2", ...extra, url);
  return { code: result.code, body: result.stdout };
}

test("a two-node lab: up, status, exec, client, kill, revive, down, nothing left behind", async (t) => {
  const name = uniqueLabName("life");
  removeLabAfter(t, name);

  const up = await cli("lab", "up", "--name", name, "--nodes", "benji,holly");
  assert.equal(up.code, 0, up.stderr);
  assert.ok(processesMentioning(labDir(name)).length >= 4, "a launcher per host names the lab directory");
  assert.deepEqual((await labNetns(name)).length, 5, "switch, two nodes, client, arbiter");

  const status = await cli("lab", "status", "--name", name, "--output-format=json");
  assert.equal(status.code, 0, status.stderr);
  const health = JSON.parse(status.stdout) as LabHealth;
  assert.ok(health.healthy);
  assert.deepEqual(
    health.hosts.map((h) => [h.name, h.address, h.running]),
    [
      ["benji", "10.10.10.24", true],
      ["holly", "10.10.10.22", true],
      ["client", "10.10.10.10", true],
      ["arbiter", "10.10.10.2", true],
    ],
  );

  // Each node has its own host name, PID namespace, private /var/log and only the lab subnet.
  const exec = await cli("lab", "exec", "--name", name, "benji", "--", "sh", "-c", "hostname; cat /etc/hostname; echo $$; echo secret > /var/log/benji.txt; ip route");
  assert.equal(exec.code, 0, exec.stderr);
  const [hostName, etcHostname, shellPid, ...routes] = exec.stdout.trim().split("\n").map((l) => l.trimEnd());
  assert.equal(hostName, "benji");
  assert.equal(etcHostname, "benji");
  assert.ok(Number(shellPid) < 100, `PID ${shellPid} is from the node's own PID namespace`);
  assert.deepEqual(routes, ["10.10.10.0/24 dev eth0 proto kernel scope link src 10.10.10.24"]);
  assert.equal((await cli("lab", "exec", "--name", name, "holly", "--", "test", "-e", "/var/log/benji.txt")).code, 1, "holly does not see benji's /var/log");
  assert.ok(!existsSync("/var/log/benji.txt"), "nor does the machine");
  // /etc is an overlay per node: a node's own configuration files, the machine's below.
  const etcFile = `/etc/tandem-lab-test-${name}.conf`;
  await inHost(name, "benji", ["sh", "-c", `echo 'Listen 10.10.10.24:80' > ${etcFile}`]);
  assert.equal((await inHost(name, "benji", ["cat", etcFile])).trim(), "Listen 10.10.10.24:80");
  assert.equal((await cli("lab", "exec", "--name", name, "holly", "--", "test", "-e", etcFile)).code, 1, "holly has its own /etc");
  assert.ok(!existsSync(etcFile), "the machine's /etc is untouched");
  assert.match(await inHost(name, "holly", ["cat", "/etc/os-release"]), /PRETTY_NAME/, "the machine's files show through");
  assert.equal((await inHost(name, "holly", ["getent", "hosts", "benji"])).trim().split(/\s+/)[0], "10.10.10.24", "hosts resolve each other by name");
  assert.equal((await inHost(name, "benji", ["sysctl", "-n", "net.ipv4.ip_nonlocal_bind"])).trim(), "1");

  // No way out: no default route anywhere.
  for (const host of ["benji", "client", "arbiter"]) {
    const out = await cli("lab", "exec", "--name", name, host, "--", "ip", "route", "get", "192.0.2.1");
    assert.notEqual(out.code, 0, `${host} has no route out`);
  }

  // The client reaches a server in a node.
  const logFile = join(labDir(name), "server.log");
  const serverPid = spawnInHost(name, "benji", [process.execPath, "-e", helloServerScript("10.10.10.24", 8080, "Hello Benji")], logFile);
  await waitFor("benji's web server", async () => (await curlFromClient(name, "http://10.10.10.24:8080/")).code === 0);
  assert.equal((await curlFromClient(name, "http://benji:8080/")).body, "Hello Benji\n");

  // Node death: the link is cut and every process in the node ends.
  const benjiInit = readLabState(name)?.hosts.find((h) => h.name === "benji")?.initPid;
  assert.ok(benjiInit !== undefined && alive(benjiInit));
  const kill = await cli("lab", "kill", "--name", name, "benji");
  assert.equal(kill.code, 0, kill.stderr);
  await waitFor("benji's processes to end", () => Promise.resolve(!alive(serverPid) && !alive(benjiInit)));
  assert.notEqual((await curlFromClient(name, "http://10.10.10.24:8080/")).code, 0);
  const afterKill = (await labHealth(name)) as LabHealth;
  assert.deepEqual(
    afterKill.hosts.map((h) => [h.name, h.running]),
    [
      ["benji", false],
      ["holly", true],
      ["client", true],
      ["arbiter", true],
    ],
  );
  assert.ok(afterKill.healthy, "a killed node is as recorded");
  assert.notEqual((await cli("lab", "exec", "--name", name, "benji", "--", "true")).code, 0, "a dead node runs nothing");
  assert.equal((await cli("lab", "kill", "--name", name, "benji")).code, 1, "killing a dead node is refused");

  // Revival: a fresh boot with the same address, nothing of the old life.
  assert.equal((await cli("lab", "revive", "--name", name, "benji")).code, 0);
  assert.equal((await inHost(name, "benji", ["hostname"])).trim(), "benji");
  assert.equal((await inHost(name, "benji", ["sh", "-c", "test -e /var/log/benji.txt && echo yes || echo no"])).trim(), "no");
  assert.equal((await cli("lab", "client", "--name", name, "--", "curl", "-s", "-m", "2", "http://10.10.10.24:8080/")).code, 7, "connection refused: the node is back, its server is not");

  // Down removes every namespace and process.
  const inits = (readLabState(name)?.hosts ?? []).map((h) => h.initPid).filter((p): p is number => p !== undefined);
  const down = await cli("lab", "down", "--name", name);
  assert.equal(down.code, 0, down.stderr);
  assert.deepEqual(await labNetns(name), []);
  assert.ok(!existsSync(labDir(name)));
  assert.deepEqual(inits.filter(alive), []);
  assert.deepEqual(processesMentioning(labDir(name)), [], "no process of the lab is left");
  assert.equal((await cli("lab", "status", "--name", name)).code, 1);
});

test("lab up cleans the leftovers of a crashed lab of the same name, refuses a live one", async (t) => {
  const name = uniqueLabName("stal");
  removeLabAfter(t, name);
  assert.equal((await cli("lab", "up", "--name", name, "--nodes", "2")).code, 0);
  const again = await cli("lab", "up", "--name", name, "--nodes", "2");
  assert.equal(again.code, 1);
  assert.match(again.stderr, /\[LAB_EXISTS\]/);

  // A crash: every init dies and the state file is lost; namespaces stay behind.
  const inits = (readLabState(name)?.hosts ?? []).map((h) => h.initPid).filter((p): p is number => p !== undefined);
  for (const pid of inits) process.kill(pid, "SIGKILL");
  rmSync(join(labDir(name), "state.json"));
  assert.equal((await labNetns(name)).length, 5);
  const stale = await cli("lab", "status", "--name", name);
  assert.equal(stale.code, 1, "a stale lab is reported unhealthy");

  const rebuilt = await cli("lab", "up", "--name", name, "--nodes", "2");
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.match(rebuilt.stderr, /removed the leftovers/);
  assert.ok((await labHealth(name))?.healthy);
  assert.equal((await inHost(name, "a2", ["hostname"])).trim(), "a2");
  assert.equal((await cli("lab", "down", "--name", name)).code, 0);
  assert.deepEqual(await labNetns(name), []);

  // A crash before any state was written leaves only a namespace: it is found and removed.
  await runChecked(["ip", "netns", "add", `${labPrefix(name)}a1`]);
  assert.ok((await allLabNames()).includes(name));
  assert.equal((await cli("lab", "status", "--name", name)).code, 1, "namespaces without state are a stale lab");
  assert.equal((await cli("lab", "down", "--name", name)).code, 0);
  assert.deepEqual(await labNetns(name), []);
});

test("two labs coexist, each on its own subnet and switch", async (t) => {
  const one = uniqueLabName("one");
  const two = uniqueLabName("two");
  removeLabAfter(t, one);
  removeLabAfter(t, two);
  assert.equal((await cli("lab", "up", "--name", one, "--nodes", "a,b")).code, 0);
  assert.equal((await cli("lab", "up", "--name", two, "--nodes", "a,b", "--subnet", "10.20.30.0/24")).code, 0);
  assert.match(await inHost(two, "a", ["ip", "-br", "addr", "show", "eth0"]), /10\.20\.30\.22\/24/);
  assert.match(await inHost(one, "a", ["ip", "-br", "addr", "show", "eth0"]), /10\.10\.10\.22\/24/);
  // The labs are separate networks: lab two's client cannot reach lab one's node.
  const cross = await cli("lab", "client", "--name", two, "--", "curl", "-s", "-m", "1", "http://10.10.10.22/");
  assert.notEqual(cross.code, 0);
  assert.equal((await cli("lab", "down", "--name", one)).code, 0);
  assert.ok((await labHealth(two))?.healthy, "removing one lab leaves the other intact");
});

test("lab refuses to run without root or without its tools", (t) => {
  const bin = join(process.cwd(), "bin", "tandem.js");
  const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  const readable = spawnSync("setpriv", [...nobody, "test", "-r", join(process.cwd(), "dist", "src", "cli", "main.js")]).status === 0;
  if (!readable) {
    t.diagnostic("the checkout is not readable by nobody: the non-root case is not checked here");
  } else {
    const asNobody = spawnSync("setpriv", [...nobody, process.execPath, bin, "lab", "status"], { encoding: "utf8" });
    assert.equal(asNobody.status, 1, asNobody.stderr);
    assert.match(asNobody.stderr, /must run as root.*\[LAB_NOT_ROOT\]/);
  }
  const noTools = spawnSync(process.execPath, [bin, "lab", "up", "--nodes", "2", "--name", "notools"], { encoding: "utf8", env: { PATH: "/nonexistent" } });
  assert.equal(noTools.status, 1, noTools.stderr);
  assert.match(noTools.stderr, /\[LAB_TOOL_MISSING\]/);
});

test("hooks start a program in every node at up and again when a node is revived (where tandemd plugs in)", async (t) => {
  const name = uniqueLabName("hook");
  removeLabAfter(t, name);
  const started: string[] = [];
  const hooks: LabHooks = {
    hostStarted: (lab, host) => {
      started.push(host.name);
      if (host.role === "node") {
        spawnInHost(lab.name, host.name, [process.execPath, "-e", helloServerScript(host.address, 8080, `daemon on ${host.name}`)], join(labDir(lab.name), `${host.name}.log`));
      }
      return Promise.resolve();
    },
  };
  await labUp({ name, nodes: "2" }, hooks);
  assert.deepEqual(started, ["a1", "a2", "client", "arbiter"]);
  await waitFor("a2's daemon", async () => (await curlFromClient(name, "http://a2:8080/")).body === "daemon on a2\n");
  await killHost(name, "a2");
  await reviveHost(name, "a2", hooks);
  assert.deepEqual(started.slice(4), ["a2"]);
  await waitFor("a2's daemon after revival", async () => (await curlFromClient(name, "http://a2:8080/")).body === "daemon on a2\n");
});
