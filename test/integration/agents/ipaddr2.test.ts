/**
 * The real ocf:heartbeat:IPaddr2 through Tandem's OCF environment, confined to a network
 * namespace this test creates (a wrapper script enters it), so the host's network is
 * never touched and nothing leaves the namespace.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentRegistry } from "../../../src/agents/index.js";
import type { AgentAction } from "../../../src/agents/index.js";
import { removeDir, tempDir } from "../../support/processes.js";

test("ocf:heartbeat:IPaddr2 adds, monitors and removes a VIP inside a namespace", async (t) => {
  const ns = `tandem-exec-${process.pid}`;
  const dir = tempDir("ipaddr2");
  t.after(() => {
    try {
      execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
    } catch {
      /* not created */
    }
    removeDir(dir);
  });
  execFileSync("ip", ["netns", "add", ns]);
  // A veth pair with both ends in the namespace (no dummy module on every kernel).
  execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
  execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"]);
  execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"]);
  execFileSync("ip", ["-n", ns, "addr", "add", "10.231.0.1/24", "dev", "d0"]);

  // A private OCF root whose heartbeat/IPaddr2 runs the real script inside the namespace.
  const root = join(dir, "ocf");
  mkdirSync(join(root, "resource.d", "heartbeat"), { recursive: true });
  mkdirSync(join(root, "lib"), { recursive: true });
  symlinkSync("/usr/lib/ocf/lib/heartbeat", join(root, "lib", "heartbeat"));
  const wrapper = join(root, "resource.d", "heartbeat", "IPaddr2");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} /usr/lib/ocf/resource.d/heartbeat/IPaddr2 "$@"\n`);
  chmodSync(wrapper, 0o755);

  const registry = new AgentRegistry({ stateDir: join(dir, "state"), rscTmpDir: join(dir, "rsc"), ocfRoot: root });
  const vip = registry.resolve("ocf:heartbeat:IPaddr2");
  const params = { ip: "10.231.0.23", cidr_netmask: "24", nic: "d0" };
  const run = (action: AgentAction) => vip.run({ resourceId: "VIP", action, params, meta: {}, timeoutMs: 20_000 });
  const addrs = (): string => execFileSync("ip", ["-n", ns, "-4", "-o", "addr", "show", "dev", "d0"], { encoding: "utf8" });

  assert.equal((await run("monitor")).rc, 7, "probe: VIP not held");
  const start = await run("start");
  assert.equal(start.rc, 0, `${start.exitReason} ${start.stderrTail}`);
  assert.match(addrs(), /10\.231\.0\.23\/24/);
  assert.equal((await run("monitor")).rc, 0);
  assert.equal((await run("stop")).rc, 0);
  assert.doesNotMatch(addrs(), /10\.231\.0\.23/);
  assert.equal((await run("monitor")).rc, 7);
  const bad = await vip.run({ resourceId: "VIP", action: "start", params: { ip: "not-an-ip" }, meta: {}, timeoutMs: 20_000 });
  assert.notEqual(bad.rc, 0);
  assert.ok(bad.exitReason.length > 0, "IPaddr2 says why");
});
