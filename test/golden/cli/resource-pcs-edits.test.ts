/**
 * Resource commands (edits, deletions, refusals) compared with pcs 0.11.5 on the same command sequences: every step's
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
  /** Steps whose stderr differs on purpose (e.g. the systemd warning, pcs's missing-agent warning). */
  stderrDiffers?: number[];
}

const w = (line: string): string[] => line.split(" ");

const CASES: Case[] = [
  {
    name: "groups, promotable clones, disabled resources and their status flags",
    steps: [
      w("resource create A ocf:heartbeat:Dummy --group G"),
      w("resource create B ocf:heartbeat:Dummy --group G --disabled"),
      w("resource create D ocf:heartbeat:Dummy --group G meta is-managed=false"),
      w("resource create E ocf:pacemaker:Stateful promotable notify=true"),
      w("resource create F ocf:heartbeat:Dummy clone F-set globally-unique=true clone-max=2 --disabled"),
      w("resource create H ocf:heartbeat:Dummy op monitor interval=20s timeout=40s op start timeout=60s meta resource-stickiness=10 --no-default-ops"),
      w("resource create L service:foo"),
      w("resource"),
      w("resource status G"),
      w("resource status B"),
      w("resource config"),
      w("resource config G E-clone"),
      w("resource config --output-format=json"),
    ],
    stderrDiffers: [6],
  },
  {
    name: "editing: update, meta, op add and remove, enable and disable, group and clone changes",
    steps: [
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.0.0.1"),
      w("resource create W ocf:heartbeat:Dummy"),
      w("resource create X ocf:heartbeat:Dummy"),
      w("resource update VIP cidr_netmask=24 ip=10.0.0.2 meta target-role=Stopped op monitor interval=15s timeout=25s"),
      w("resource update VIP nic="),
      w("resource meta W resource-stickiness=100 migration-threshold=3"),
      w("resource meta W migration-threshold="),
      w("resource op add W monitor interval=30s role=Started OCF_CHECK_LEVEL=10"),
      w("resource op add W start timeout=99s"),
      w("resource op add W start timeout=99s --force"),
      w("resource op remove W monitor interval=10s timeout=20s"),
      w("resource op remove W-start-interval-0s-1"),
      w("resource group add G1 W X"),
      w("resource group add G1 VIP"),
      w("resource group remove G1 X"),
      w("resource clone G1 interleave=true"),
      w("resource update G1-clone ordered=true"),
      w("resource meta G1-clone interleave="),
      w("resource unclone G1-clone"),
      w("resource promotable X"),
      w("resource unclone X"),
      w("resource group remove G1"),
      w("resource"),
      w("resource config"),
    ],
  },
  {
    name: "deleting: clones, group members, whole groups, with constraints and sets",
    steps: [
      w("resource create A ocf:heartbeat:Dummy"),
      w("resource create B ocf:heartbeat:Dummy clone"),
      w("resource create C ocf:heartbeat:Dummy --group G"),
      w("resource create D ocf:heartbeat:Dummy --group G"),
      w("constraint order A then B-clone"),
      w("constraint colocation add A with G"),
      w("constraint location C prefers n1"),
      w("resource delete B"),
      w("resource delete C"),
      w("resource delete G"),
      w("resource delete nosuch"),
      w("resource remove A"),
      w("resource"),
      w("constraint"),
    ],
  },
  // Refusals are independent of each other: three cases run their pcs sides at once.
  // Differing on purpose: pcs names crm_resource's failure where Tandem names the missing
  // script; Tandem also has ocf:tandem:Dummy; pcs warns that systemd:foo has no metadata.
  {
    name: "refusals (1/3) keep pcs's messages and leave the file unchanged",
    steps: [
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.0.0.1"),
      w("resource create VIP ocf:heartbeat:Dummy"),
      w("resource create 1X ocf:heartbeat:Dummy"),
      w("resource create V2 IPaddr2 ip=10.0.0.1"),
      w("resource create V3 IPaddr2 ip=10.0.0.3 bogus=1"),
      w("resource create V4 IPaddr2"),
      w("resource create V5 IPaddr2 ip="),
      w("resource create X ocf:heartbeat:NoSuch"),
      w("resource create X foo:bar"),
      w("resource create X Dummy"),
      w("resource create X NoSuchAgent"),
      w("resource create X ocf:heartbeat:Dummy op monitr interval=10"),
      w("resource create X ocf:heartbeat:Dummy op monitor interval=10 op monitor interval=10s"),
      w("resource create X ocf:heartbeat:Dummy op monitor role=foo on-fail=x enabled=maybe bogus=1 id=1x"),
    ],
    stderrDiffers: [7, 9],
  },
  {
    name: "refusals (2/3) keep pcs's messages and leave the file unchanged",
    steps: [
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.0.0.1"),
      w("resource create X ocf:heartbeat:Dummy op"),
      w("resource create X ocf:heartbeat:Dummy op interval=4"),
      w("resource create X ocf:heartbeat:Dummy a=1 a=2"),
      w("resource create X ocf:heartbeat:Dummy meta =1"),
      w("resource create X ocf:heartbeat:Dummy foo"),
      w("resource create X ocf:heartbeat:Dummy master"),
      w("resource create X systemd:foo clone globally-unique=true"),
      w("resource create X ocf:heartbeat:Dummy --group 1g"),
      w("resource create X ocf:heartbeat:Dummy --group G --before nosuch"),
      w("resource create X ocf:heartbeat:Dummy --group VIP"),
      w("resource create X ocf:heartbeat:Dummy --before VIP"),
      w("resource create X ocf:heartbeat:Dummy clone --group G"),
    ],
    stderrDiffers: [7],
  },
  {
    name: "refusals (3/3) keep pcs's messages and leave the file unchanged",
    steps: [
      w("resource create VIP ocf:heartbeat:IPaddr2 ip=10.0.0.1"),
      w("resource update nosuch a=b"),
      w("resource update VIP bogus=1"),
      w("resource meta nosuch a=b"),
      w("resource op add nosuch monitor interval=10s"),
      w("resource op add VIP monitor interval=14s foo=bar"),
      w("resource op add VIP monitor interval=15s role=bad"),
      w("resource op add VIP monitor interval=10s"),
      w("resource op remove nosuch-op"),
      w("resource op remove VIP monitor interval=99s"),
      w("resource clone nosuch"),
      w("resource unclone VIP"),
      w("resource group add VIP VIP"),
      w("resource group remove nosuch"),
      w("resource enable nosuch"),
      w("resource config"),
    ],
  },

];

// All cases' pcs sides run at once (pcs mostly waits); each test awaits its own.
const available = pcsAvailable();
const pcsSides = CASES.map((c) => (available ? runPcsSteps(c.steps) : Promise.reject(new Error("pcs is not installed"))));
for (const side of pcsSides) side.catch(() => undefined);

for (const [index, c] of CASES.entries()) {
  test(`same as pcs: ${c.name}`, async () => {
    assert.ok(available, "pcs 0.11.5 must be installed (scripts/setup.sh installs it)");
    const pcs = await (pcsSides[index] as Promise<Awaited<ReturnType<typeof runPcsSteps>>>);
    const tandem = await runTandemSteps(c.steps);
    assertSameAsPcs(c.steps, pcs, tandem, { stderrDiffers: unchecked(c.stderrDiffers) });
  });
}
