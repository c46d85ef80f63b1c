/**
 * Resource commands on Tandem's side only: what pcs 0.11.5 cannot show on this machine
 * (group insertion with --before/--after, enable/disable: pcs -f fails to apply its own
 * diff), the systemd parameter warning, the IPaddr2 metadata fallback, the JSON schema,
 * and the bad-input contract: a coded message, a non-zero exit, the file untouched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BufferedOutput, runCli } from "../../../src/cli/index.js";
import { spawnSync } from "node:child_process";
import { cibEpoch } from "../../support/pcs.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function tandem(file: string, line: string | string[]): Promise<Run> {
  const out = new BufferedOutput();
  const argv = typeof line === "string" ? line.split(" ") : line;
  const code = await runCli(["-f", file, ...argv], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-resource-cli-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function ok(file: string, line: string): Promise<Run> {
  const run = await tandem(file, line);
  assert.equal(run.code, 0, `${line}\n${run.stderr}`);
  return run;
}

function order(file: string, tag: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(new RegExp(`<${tag}\\b[^>]*?\\bid="([^"]+)"`, "g"))].map((m) => m[1] as string);
}

test(
  "--before and --after place new and moved resources inside a group",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    await ok(f, "resource create A ocf:heartbeat:Dummy --group G");
    await ok(f, "resource create B ocf:heartbeat:Dummy --group G");
    await ok(f, "resource create C ocf:heartbeat:Dummy --group G --before B");
    await ok(f, "resource create D ocf:heartbeat:Dummy --group G --after A");
    assert.deepEqual(order(f, "primitive"), ["A", "D", "C", "B"]);
    await ok(f, "resource create E ocf:heartbeat:Dummy");
    await ok(f, "resource group add G E --before D");
    assert.deepEqual(order(f, "primitive"), ["A", "E", "D", "C", "B"]);
    const bad = await tandem(f, "resource create X ocf:heartbeat:Dummy --group G --before nosuch");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /'nosuch' does not exist \[CIB_ID_NOT_FOUND\]/);
  }),
);

test(
  "disable puts target-role=Stopped in the first meta block, enable removes it (clone and child both)",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    await ok(f, "resource create A ocf:heartbeat:Dummy");
    await ok(f, "resource create B ocf:heartbeat:Dummy clone");
    await ok(f, "resource disable A B");
    const text = readFileSync(f, "utf8");
    assert.match(text, /<primitive id="A"[^>]*>\s*<meta_attributes id="A-meta_attributes">\s*<nvpair id="A-meta_attributes-target-role" name="target-role" value="Stopped"\/>/);
    assert.match(text, /<nvpair id="B-meta_attributes-target-role" name="target-role" value="Stopped"\/>/);
    assert.equal((await ok(f, "resource")).stdout, "  * A\t(ocf:heartbeat:Dummy):\t Stopped (disabled)\n  * Clone Set: B-clone [B]:\n");
    await ok(f, "resource enable A B-clone");
    assert.doesNotMatch(readFileSync(f, "utf8"), /target-role/);
    // The emptied block stays, as pcs keeps it (ACLs may allow nvpair writes only).
    assert.match(readFileSync(f, "utf8"), /<meta_attributes id="A-meta_attributes"\/>/);
  }),
);

test(
  "the tutorial's systemd resource with configfile= works without --force, with a warning",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    const run = await ok(f, "resource create httpd systemd:httpd configfile=/etc/httpd/conf/httpd.conf op monitor interval=30s clone");
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      "Warning: systemd agents take no parameters: option 'configfile' is stored but ignored by 'systemd:httpd' (pcs 0.11 refuses it without --force)\n",
    );
    assert.match(readFileSync(f, "utf8"), /<nvpair id="httpd-instance_attributes-configfile" name="configfile" value="\/etc\/httpd\/conf\/httpd.conf"\/>/);
  }),
);

test(
  "ocf:heartbeat:IPaddr2 is validated from built-in metadata when resource-agents is not installed",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    const previous = process.env.TANDEM_OCF_ROOT;
    process.env.TANDEM_OCF_ROOT = join(dir, "no-ocf-here");
    try {
      const created = await ok(f, "resource create VIP IPaddr2 ip=10.10.10.23 cidr_netmask=32 op monitor interval=30s");
      assert.equal(created.stderr, "Assumed agent name 'ocf:heartbeat:IPaddr2' (deduced from 'IPaddr2')\n");
      assert.deepEqual(order(f, "op"), ["VIP-monitor-interval-30s", "VIP-start-interval-0s", "VIP-stop-interval-0s"]);
      const bad = await tandem(f, "resource update VIP bogus=1");
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^Error: invalid resource option 'bogus', allowed options are: 'arp_bg', .*'unique_clone_address', use --force to override \[RESOURCE_INVALID_OPTION\]$/m);
      await ok(f, "resource update VIP clusterip_hash=sourceip");
      const missing = await tandem(f, "resource create X ocf:heartbeat:NoSuch");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Agent 'ocf:heartbeat:NoSuch' is not installed or does not provide valid metadata: .*no-ocf-here\/resource.d\/heartbeat\/NoSuch does not exist, use --force to override \[AGENT_NOT_INSTALLED\]/);
      await ok(f, "resource create Y ocf:tandem:Dummy");
    } finally {
      if (previous === undefined) delete process.env.TANDEM_OCF_ROOT;
      else process.env.TANDEM_OCF_ROOT = previous;
    }
  }),
);

test(
  "resource config --output-format=json follows the documented schema",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    await ok(f, "resource create V ocf:heartbeat:IPaddr2 ip=10.0.0.1 meta resource-stickiness=5 op monitor interval=30s OCF_CHECK_LEVEL=10");
    await ok(f, "resource create W ocf:heartbeat:Dummy --group G");
    await ok(f, "resource clone G interleave=true");
    const run = await ok(f, "resource config --output-format=json");
    const data = JSON.parse(run.stdout) as {
      primitives: { id: string; agent_name: { standard: string; provider: string | null; type: string }; operations: { id: string; name: string; interval: string; instance_attributes: { nvpairs: { name: string; value: string }[] }[] }[]; meta_attributes: { id: string; nvpairs: { name: string; value: string }[] }[] }[];
      groups: { id: string; member_ids: string[] }[];
      clones: { id: string; member_id: string; meta_attributes: { nvpairs: { name: string; value: string }[] }[] }[];
      bundles: unknown[];
    };
    assert.deepEqual(Object.keys(data), ["primitives", "clones", "groups", "bundles"]);
    const v = data.primitives.find((p) => p.id === "V");
    assert.deepEqual(v?.agent_name, { standard: "ocf", provider: "heartbeat", type: "IPaddr2" });
    const monitor = v?.operations.find((o) => o.name === "monitor");
    assert.equal(monitor?.interval, "30s");
    assert.deepEqual(monitor?.instance_attributes[0]?.nvpairs.map((n) => [n.name, n.value]), [["OCF_CHECK_LEVEL", "10"]]);
    assert.deepEqual(v?.meta_attributes[0]?.nvpairs.map((n) => [n.name, n.value]), [["resource-stickiness", "5"]]);
    assert.deepEqual(data.groups, [{ id: "G", description: null, member_ids: ["W"], meta_attributes: [], instance_attributes: [] }]);
    assert.equal(data.clones[0]?.member_id, "G");
    assert.match(run.stdout, /^\{"primitives": \[\{"id": "V", /, "Python's json.dumps spacing, as pcs prints");
  }),
);

test(
  "resource status and defaults have JSON too (Tandem's schema)",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    await ok(f, "resource create A ocf:heartbeat:Dummy --group G --disabled");
    await ok(f, "resource create V ocf:heartbeat:IPaddr2 ip=10.0.0.1 clone globally-unique=true clone-max=2");
    await ok(f, "resource defaults update resource-stickiness=5");
    const status = JSON.parse((await ok(f, "resource status --output-format=json")).stdout) as unknown;
    assert.deepEqual(status, {
      resources: [
        { id: "G", type: "group", flags: [], members: [{ id: "A", type: "primitive", agent: "ocf:heartbeat:Dummy", role: "Stopped", nodes: [], flags: ["disabled"] }] },
        {
          id: "V-clone",
          type: "clone",
          flags: ["unique"],
          member_id: "V",
          members: [
            { id: "V:0", type: "primitive", agent: "ocf:heartbeat:IPaddr2", role: "Stopped", nodes: [], flags: [] },
            { id: "V:1", type: "primitive", agent: "ocf:heartbeat:IPaddr2", role: "Stopped", nodes: [], flags: [] },
          ],
        },
      ],
    });
    const defaults = JSON.parse((await ok(f, "resource defaults config --output-format=json")).stdout) as unknown;
    assert.deepEqual(defaults, {
      meta_attributes: [
        {
          id: "rsc_defaults-meta_attributes",
          options: {},
          has_rule: false,
          nvpairs: [{ id: "rsc_defaults-meta_attributes-resource-stickiness", name: "resource-stickiness", value: "5" }],
        },
      ],
    });
  }),
);

test(
  "every edit bumps the epoch once; a missing file starts from pcs's empty CIB",
  withTempDir(async (dir) => {
    const f = join(dir, "new.xml");
    assert.ok(!existsSync(f));
    await ok(f, "resource create A ocf:heartbeat:Dummy");
    assert.equal(cibEpoch(readFileSync(f, "utf8")), 2);
    for (const line of ["resource meta A a=1", "resource update A fake=x", "resource op add A monitor interval=20s --force", "resource clone A", "resource unclone A", "resource delete A"]) {
      const before = cibEpoch(readFileSync(f, "utf8"));
      await ok(f, line);
      assert.equal(cibEpoch(readFileSync(f, "utf8")), before + 1, line);
    }
    assert.equal((await ok(f, "resource")).stdout, "NO resources configured\n");
  }),
);

test(
  "what the resource commands write passes crm_verify -x",
  { skip: spawnSync("crm_verify", ["--version"]).status !== 0 ? "crm_verify (pacemaker-cli-utils) is not installed" : false },
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    for (const line of [
      "property set stonith-enabled=false",
      "resource create VIP-10.10.10.23 ocf:heartbeat:IPaddr2 ip=10.10.10.23 cidr_netmask=32 op monitor interval=30s",
      "resource create httpd systemd:httpd configfile=/etc/httpd/conf/httpd.conf op monitor interval=30s clone",
      "resource create haproxy systemd:haproxy op monitor interval=15s clone",
      "resource create S ocf:pacemaker:Stateful promotable notify=true",
      "resource create E ocf:heartbeat:Dummy op monitor interval=10s OCF_CHECK_LEVEL=10 role=Started --group G --disabled",
      "resource op add E monitor interval=20s role=Started OCF_CHECK_LEVEL=20",
      "resource create F ocf:heartbeat:Dummy --group G --before E",
      "resource clone G interleave=true",
      "resource clone VIP-10.10.10.23 clone-max=4 clone-node-max=4 globally-unique=true",
      "resource update VIP-10.10.10.23 clusterip_hash=sourceip",
      "resource defaults update resource-stickiness=1",
      "resource op defaults update timeout=30s",
    ]) {
      await ok(f, line);
    }
    const verify = spawnSync("crm_verify", ["-x", f], { encoding: "utf8" });
    assert.equal(verify.status, 0, verify.stderr);
  }),
);

const BAD_INPUT: [string, RegExp][] = [
  ["resource create A ocf:heartbeat:Dummy", /'A' already exists \[CIB_ID_EXISTS\]/],
  ["resource create 1bad ocf:heartbeat:Dummy", /invalid resource name '1bad', '1' is not a valid first character for a resource name \[CIB_INVALID_ID\]/],
  ["resource create X ocf:heartbeat:Dummy op monitr interval=10s", /'monitr' is not a valid operation name value, use .*'monitor'.*, use --force to override \[RESOURCE_OP_INVALID_NAME\]/],
  ["resource create X ocf:heartbeat:Dummy op monitor interval=abc", /'abc' is not a valid interval value, use a duration such as 30s, 5min or 1h \[RESOURCE_OP_INVALID_DURATION\]/],
  ["resource create X ocf:heartbeat:Dummy op monitor interval=10s timeout=-5", /'-5' is not a valid timeout value/],
  ["resource create X ocf:heartbeat:Dummy bogus=1", /invalid resource option 'bogus', allowed options are: 'fake', 'state', 'trace_file', 'trace_ra', use --force to override \[RESOURCE_INVALID_OPTION\]/],
  ["resource create X ocf:heartbeat:NoSuchAgent", /is not installed or does not provide valid metadata.*\[AGENT_NOT_INSTALLED\]/],
  ["resource create X ocf:IPaddr2", /Invalid resource agent name 'ocf:IPaddr2'.*\[AGENT_INVALID_NAME\]/],
  ["resource create X", /resource create needs a resource id and an agent \[CLI_USAGE\]/],
  ["resource create X ocf:heartbeat:Dummy --bogus", /Specified option '--bogus' is not supported in this command \[CLI_USAGE\]/],
  ["resource delete nosuch", /Resource 'nosuch' does not exist\. \[CIB_RESOURCE_NOT_FOUND\]/],
  ["resource update nosuch a=b", /Unable to find resource: nosuch \[CIB_RESOURCE_NOT_FOUND\]/],
  ["resource meta nosuch a=b", /unable to find a resource\/clone\/group: nosuch \[CIB_RESOURCE_NOT_FOUND\]/],
  ["resource op add A monitor interval=10s", /operation monitor with interval 10s already specified for A/],
  ["resource op add A monitor interval=11s foo=bar", /^Error: foo is not a valid op option \(use --force to override\) \[RESOURCE_OP_INVALID_OPTION\]$/m],
  ["resource op add A monitr interval=11s", /'monitr' is not a valid operation name value, use .*, use --force to override \[RESOURCE_OP_INVALID_NAME\]/],
  ["resource op add A monitor interval=11s role=bad", /role must be: 'Master', 'Promoted', 'Slave', 'Started', 'Stopped' or 'Unpromoted' \(use --force to override\)/],
  ["resource op add A monitor interval=soon", /'soon' is not a valid interval value/],
  ["resource op remove A-nosuch", /unable to find operation id: A-nosuch \[RESOURCE_OP_NOT_FOUND\]/],
  ["resource clone A-clone", /unable to find group or resource: A-clone/],
  ["resource clone A 1bad", /invalid id '1bad' \[CIB_INVALID_ID\]/],
  ["resource unclone A", /'A' is not a clone resource \[RESOURCE_NOT_CLONED\]/],
  ["resource group add A A", /'A' is not a group \[CIB_WRONG_ELEMENT_TYPE\]/],
  ["resource group remove nosuch", /Group 'nosuch' does not exist/],
  ["resource enable nosuch", /bundle\/clone\/group\/resource\/tag 'nosuch' does not exist \[CIB_ID_NOT_FOUND\]/],
  ["resource defaults update =x", /missing key in '=x' option \[CLI_USAGE\]/],
  ["resource frobnicate", /unknown resource command 'frobnicate' \[CLI_USAGE\]/],
  ["resource status nosuch", /resource or tag id 'nosuch' not found/],
  ["resource create Z ocf:heartbeat:Dummy --wait", /Cannot use '-f' together with '--wait' \[CLI_USAGE\]/],
  ["resource show", /This command has been replaced with 'tandem resource status'/],
];

test(
  "bad input: a clear coded message, exit 1, the file byte for byte unchanged",
  withTempDir(async (dir) => {
    const f = join(dir, "cib.xml");
    await ok(f, "resource create A ocf:heartbeat:Dummy");
    writeFileSync(f, readFileSync(f, "utf8") + "<!-- untouched -->\n");
    const original = readFileSync(f);
    for (const [line, expected] of BAD_INPUT) {
      const run = await tandem(f, line);
      assert.equal(run.code, 1, `${line}: exit code`);
      assert.match(run.stderr, expected, `${line}: message`);
      assert.doesNotMatch(run.stderr, /\n\s+at /, `${line}: no stack trace`);
      assert.ok(readFileSync(f).equals(original), `${line}: file changed`);
    }
  }),
);
