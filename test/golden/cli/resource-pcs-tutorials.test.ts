/**
 * Resource commands (the tutorials' steps, defaults) compared with pcs 0.11.5 on the same command sequences: every step's
 * stdout and exit code are identical, stderr is identical once Tandem's error codes are
 * removed (except steps listed as differing on purpose), and the resulting CIBs are
 * equivalent (here: identical but for the epoch). pcs runs systemd agents with --force
 * (no systemd here), which is what Tandem does without it.
 *
 * Left out: commands pcs 0.11.5 -f cannot complete on this machine (inserting into a
 * group with --before/--after, `resource disable|enable`: pcs's CIB diff fails to apply
 * with "Application of update diff failed"), and resource sets (not yet in Tandem's
 * constraint commands). resource-cli.test.ts covers those on Tandem's side.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pcsAvailable, runTandemSteps } from "../../support/pcs.js";
import { runPcsSteps } from "../../support/pcs-async.js";
import { assertSameAsPcs, unchecked } from "../../support/pcs-assert.js";

interface Case {
  name: string;
  steps: string[][];
  /** Files both sides start from. */
  seed?: Record<string, string>;
  /** Steps whose stderr differs on purpose (e.g. the systemd warning, pcs's missing-agent warning). */
  stderrDiffers?: number[];
}

const w = (line: string): string[] => line.split(" ");

/** An empty CIB with two nodes, as `pcs cluster cib` of a fresh two-node cluster has. */
const TWO_NODES = `<cib admin_epoch="0" epoch="5" num_updates="0" validate-with="pacemaker-3.1">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="benji"/>
      <node id="2" uname="holly"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;

const CASES: Case[] = [
  {
    name: "seed 000: VIP, apache replaced by systemd clones, listings",
    steps: [
      w("resource create VIP-10.10.10.23 ocf:heartbeat:IPaddr2 ip=10.10.10.23 cidr_netmask=32 op monitor interval=30s"),
      w("resource create HTTPServer ocf:heartbeat:apache configfile=/etc/httpd/conf/httpd.conf statusurl=http://127.0.0.1/server-status op monitor interval=20s"),
      w("resource delete HTTPServer"),
      w("resource create httpd systemd:httpd configfile=/etc/httpd/conf/httpd.conf op monitor interval=30s clone"),
      w("resource create haproxy systemd:haproxy op monitor interval=15s clone"),
      w("resource"),
      w("resource status"),
      w("resource config"),
      w("resource config --output-format=json"),
      w("resource config httpd-clone VIP-10.10.10.23"),
    ],
    stderrDiffers: [3, 4],
  },
  {
    name: "seed 003: VIP and webserver, cloned offline with clone options and update",
    steps: [
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.10.10.23 cidr_netmask=24 op monitor interval=30s"),
      w("resource create webserver ocf:heartbeat:apache configfile=/etc/apache2/apache2.conf statusurl=http://127.0.0.1/server-status op monitor interval=1min"),
      w("resource"),
      w("constraint colocation add webserver with VIP INFINITY"),
      w("constraint order VIP then webserver"),
      w("cluster cib loadbalance_cfg"),
      w("-f loadbalance_cfg resource clone VIP clone-max=4 clone-node-max=4 globally-unique=true"),
      w("-f loadbalance_cfg resource update VIP clusterip_hash=sourceip"),
      w("cluster cib-push loadbalance_cfg"),
      w("cluster cib active_cfg"),
      w("-f active_cfg resource clone webserver"),
      w("-f active_cfg constraint"),
      w("cluster cib-push active_cfg"),
      w("resource"),
      w("resource config"),
    ],
  },
  {
    name: "a CIB with nodes: clones list their stopped nodes, fence devices via resource commands",
    seed: { "cib.xml": TWO_NODES },
    steps: [
      w("resource create httpd systemd:httpd op monitor interval=30s clone"),
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.10.10.23 clone globally-unique=true"),
      w("resource create W ocf:heartbeat:Dummy clone meta target-role=Stopped"),
      w("resource create X ocf:heartbeat:Dummy --group XG"),
      w("resource clone XG clone-max=1"),
      w("resource"),
      w("stonith create F1 fence_dummy"),
      w("resource meta F1 a=b"),
      w("resource delete F1"),
      w("resource status VIP-clone"),
    ],
    stderrDiffers: [0],
  },
  {
    name: "defaults and op defaults",
    steps: [
      w("resource defaults"),
      w("resource defaults resource-stickiness=100"),
      w("resource defaults update migration-threshold=3 resource-stickiness="),
      w("resource defaults config"),
      w("resource op defaults timeout=30s"),
      w("resource op defaults update timeout=40s"),
      w("resource op defaults"),
      w("resource defaults set create id=extra meta failure-timeout=60s"),
      w("resource defaults"),
    ],
  },
];

// All cases' pcs sides run at once (pcs mostly waits); each test awaits its own.
const available = pcsAvailable();
const pcsSides = CASES.map((c) => (available ? runPcsSteps(c.steps, c.seed) : Promise.reject(new Error("pcs is not installed"))));
for (const side of pcsSides) side.catch(() => undefined);

for (const [index, c] of CASES.entries()) {
  test(`same as pcs: ${c.name}`, async () => {
    assert.ok(available, "pcs 0.11.5 must be installed (scripts/setup.sh installs it)");
    const pcs = await (pcsSides[index] as Promise<Awaited<ReturnType<typeof runPcsSteps>>>);
    const tandem = await runTandemSteps(c.steps, c.seed === undefined ? {} : { seed: c.seed });
    assertSameAsPcs(c.steps, pcs, tandem, { stderrDiffers: unchecked(c.stderrDiffers) });
  });
}
