import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cibKey, readSnapshot } from "../../../src/controller/index.js";
import { EtcdStore } from "../../../src/store/index.js";
import { startEtcd, type EtcdCluster } from "../../support/etcd.js";
import { killAllDaemons, startDaemon, stopDaemon, waitFor, writeNodeConfig } from "../../support/tandemd.js";

const CLUSTER = `one${process.pid}`;
let etcd: EtcdCluster;
let store: EtcdStore;
let dir: string;

before(async () => {
  etcd = await startEtcd({ members: 1 });
  store = new EtcdStore({ endpoints: etcd.endpoints });
  dir = mkdtempSync(join(tmpdir(), `tandem-one-${process.pid}-`));
});

after(async () => {
  await killAllDaemons();
  await store?.close();
  await etcd?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const CIB = `<cib admin_epoch="0" epoch="2" num_updates="0" validate-with="pacemaker-3.1"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="solo"/></nodes>
<resources><primitive id="d1" class="ocf" provider="tandem" type="Dummy"><operations><op id="d1-mon" name="monitor" interval="2s"/></operations></primitive></resources>
<constraints/></configuration><status/></cib>`;

test("one tandemd, one Dummy: the DC probes it, starts it through etcd, and stops it on SIGTERM", async () => {
  await store.put(cibKey(CLUSTER), CIB);
  const conf = writeNodeConfig(dir, CLUSTER, "solo", etcd.endpoints);
  const d = startDaemon(conf, "solo", join(dir, "solo"));
  const started = await waitFor("d1 started on solo", async () => {
    const s = await readSnapshot(store, CLUSTER);
    const ops = s.reports.get("solo")?.ops ?? [];
    return ops.some((o) => o.resourceId === "d1" && o.operation === "start" && o.rcCode === 0) && ops.some((o) => o.operation === "monitor" && o.intervalMs === 2000) && s.actions.size === 0 ? s : undefined;
  });
  assert.equal(started.dc?.name, "solo");
  const lines = d.logLines().map((l) => String(l["msg"]));
  assert.ok(lines.some((m) => m.startsWith("probing 1 resource instance(s)")), lines.join("\n"));
  assert.ok(lines.some((m) => m.startsWith("running transition") && m.includes("start d1 on solo")), lines.join("\n"));
  assert.equal(await stopDaemon(d), 0);
  const after = await readSnapshot(store, CLUSTER);
  assert.equal(after.members.size, 0, "SIGTERM leaves membership");
  const messages = d.logLines().map((l) => String(l["msg"]));
  const stopped = d.logLines().find((l) => l["msg"] === "resources stopped");
  assert.deepEqual(stopped?.["stopped"], ["d1"], messages.join("\n"));
});
