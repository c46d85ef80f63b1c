/**
 * The lab's cluster plumbing (root, real namespaces): etcd in the arbiter, each node's
 * configuration in its private /etc, and `tandem cluster start|stop` inside a node
 * reaching the other nodes through their agents.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { killHost, labClusterHooks, labUp, readLabState } from "../../../src/lab/index.js";
import { tandemIn } from "../../../src/lab/seed000.js";
import { cli, inHost, removeLabAfter, uniqueLabName } from "../../support/lab.js";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function members(lab: string, from: string): Promise<string> {
  const status = await tandemIn(lab, from, ["status"]);
  return /Online: \[ ([^\]]*) \]/.exec(status.stdout)?.[1]?.trim() ?? "";
}

test("a lab runs etcd in the arbiter and configures every node; cluster start|stop inside a node reaches the others", { skip: !isRoot && "needs root (network namespaces)", timeout: 120_000 }, async (t) => {
  const lab = uniqueLabName("clus");
  removeLabAfter(t, lab);
  const { lab: state } = await labUp({ name: lab, nodes: "benji,holly" }, labClusterHooks("democluster"));
  const recorded = readLabState(lab);
  assert.equal(recorded?.cluster, "democluster");
  const etcdPid = recorded?.hosts.find((h) => h.name === "arbiter")?.processes?.["etcd"];
  assert.ok(alive(etcdPid), "etcd's PID is recorded and alive");
  for (const node of ["benji", "holly"]) assert.ok(alive(recorded?.hosts.find((h) => h.name === node)?.processes?.["agent"]), `${node}'s agent is recorded`);
  assert.equal(state.hosts.find((h) => h.name === "holly")?.address, "10.10.10.22");

  const conf = await inHost(lab, "holly", ["cat", "/etc/tandem/tandem.conf"]);
  assert.match(conf, /cluster_name = democluster\nnode_name = holly\netcd_endpoints = http:\/\/10\.10\.10\.2:2379\n/);
  assert.match(await inHost(lab, "benji", ["cat", "/etc/tandem/tandem.conf"]), /node_name = benji\n[\s\S]*heartbeat_address = 10\.10\.10\.24\n/);
  assert.ok(!existsSync("/etc/tandem/lab-nodes"), "nothing is written to the machine's /etc");
  assert.match(await inHost(lab, "benji", ["cat", "/etc/systemd/system/httpd.service"]), /10\.10\.10\.24 80 "Hello Benji"/);

  // Start only holly, from benji: benji's own tandemd stays down.
  const one = await tandemIn(lab, "benji", ["cluster", "start", "holly"]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout, "holly: Starting Cluster...\n");
  assert.equal(await members(lab, "benji"), "holly");
  const all = await tandemIn(lab, "holly", ["cluster", "start", "--all"]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, "benji: Starting Cluster...\nholly: Starting Cluster...\n");
  assert.equal(await members(lab, "holly"), "benji holly");

  // Bad input: a node the lab does not have; nothing is started or stopped.
  const bad = await tandemIn(lab, "benji", ["cluster", "stop", "nosuch"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /'nosuch' is not a node of this lab .*\[LAB_HOST_NOT_FOUND\]/);
  assert.equal(await members(lab, "benji"), "benji holly");

  // A dead node's agent does not answer: said clearly, the other node is still handled.
  await killHost(lab, "holly");
  const dead = await tandemIn(lab, "benji", ["cluster", "stop", "--all"]);
  assert.equal(dead.code, 1);
  assert.match(dead.stderr, /holly: unable to reach the node's lab agent at 10\.10\.10\.22:2224 .*\[LAB_AGENT_UNREACHABLE\]/);
  assert.match(dead.stdout, /benji: Stopping Cluster/);

  // -f is offline and untouched by the lab: the CLI's own commands still work in a node.
  assert.equal((await cli("lab", "exec", "--name", lab, "benji", "--", "true")).code, 0);
});

test("lab up --bare runs no cluster", { skip: !isRoot && "needs root (network namespaces)", timeout: 60_000 }, async (t) => {
  const lab = uniqueLabName("bare");
  removeLabAfter(t, lab);
  const up = await cli("lab", "up", "--name", lab, "--nodes", "a,b", "--bare");
  assert.equal(up.code, 0, up.stderr);
  assert.doesNotMatch(up.stdout, /Cluster/);
  const state = readLabState(lab);
  assert.equal(state?.cluster, undefined);
  assert.ok(state?.hosts.every((h) => h.processes === undefined));
  assert.equal((await cli("lab", "exec", "--name", lab, "a", "--", "test", "-e", "/etc/tandem/tandem.conf")).code, 1);
});
