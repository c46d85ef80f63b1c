import { test } from "node:test";
import assert from "node:assert/strict";
import {
  OcfScriptRunner,
  parseAgentName,
  parseOcfMetadata,
  resolveAgent,
  type AgentScripts,
  type ScriptResult,
  BUILTIN_AGENTS,
} from "../../../src/agents/metadata/index.js";
import { DUMMY_METADATA } from "../../../src/agents/builtin/dummy.js";
import { registerBalancerMetadata } from "../../../src/lb/index.js";
import { existsSync } from "node:fs";

/** In-memory agent scripts: provider/type → meta-data text. */
class FakeScripts implements AgentScripts {
  constructor(private readonly agents: Record<string, string>) {}
  ocfMetadata(provider: string, type: string): Promise<ScriptResult> {
    const xml = this.agents[`${provider}/${type}`];
    return Promise.resolve(xml === undefined ? { ok: false, reason: "not installed" } : { ok: true, xml });
  }
  listOcfAgents(): Promise<{ provider: string; type: string }[]> {
    return Promise.resolve(
      Object.keys(this.agents).map((k) => {
        const [provider = "", type = ""] = k.split("/");
        return { provider, type };
      }),
    );
  }
}

const OCF_1_1 = `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="thing" version="2.0">
  <version>1.1</version>
  <parameters>
    <parameter name="old" required="1"><deprecated><replaced-with name="new"/></deprecated><content type="string"/></parameter>
    <parameter name="new" required="1" unique-group="addr"><content type="integer" default="3"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="30s"/>
    <action name="monitor" timeout="10s" interval="5s" depth="10"/>
  </actions>
</resource-agent>`;

test("agent names parse as pcs parses them", () => {
  assert.deepEqual(parseAgentName("ocf:heartbeat:IPaddr2"), { standard: "ocf", provider: "heartbeat", type: "IPaddr2" });
  assert.deepEqual(parseAgentName("systemd:httpd"), { standard: "systemd", type: "httpd" });
  assert.deepEqual(parseAgentName("systemd:getty@tty1:x"), { standard: "systemd", type: "getty@tty1:x" });
  assert.equal(parseAgentName("ocf:IPaddr2"), undefined);
  assert.equal(parseAgentName("systemd:p:httpd"), undefined);
  assert.equal(parseAgentName("foo:bar"), undefined);
});

test("OCF 1.1 metadata: deprecation, unique groups, actions with depth", () => {
  const parsed = parseOcfMetadata({ standard: "ocf", provider: "x", type: "thing" }, OCF_1_1);
  assert.ok(parsed.ok);
  const [old, nw] = parsed.metadata.parameters;
  assert.deepEqual([old?.name, old?.deprecated, old?.deprecatedBy], ["old", true, ["new"]]);
  assert.deepEqual([nw?.name, nw?.required, nw?.uniqueGroup, nw?.type, nw?.default], ["new", true, "addr", "integer", "3"]);
  assert.deepEqual(parsed.metadata.actions[1], { name: "monitor", timeout: "10s", interval: "5s", depth: "10" });
});

test("broken metadata is a reason, not an exception", () => {
  const name = { standard: "ocf", provider: "x", type: "y" } as const;
  const bad = parseOcfMetadata(name, "<resource-agent><oops></resource-agent>");
  assert.ok(!bad.ok && /line 1/.test(bad.reason));
  const wrong = parseOcfMetadata(name, "<html/>");
  assert.ok(!wrong.ok);
  const v2 = parseOcfMetadata(name, "<resource-agent><version>2.0</version></resource-agent>");
  assert.ok(!v2.ok && /unsupported OCF version '2.0'/.test(v2.reason));
});

test("IPaddr2 falls back to built-in metadata when the script is missing, with pcs's trace parameters", async () => {
  const resolved = await resolveAgent(new FakeScripts({}), "ocf:heartbeat:IPaddr2", false);
  assert.ok(resolved.metadata);
  assert.equal(resolved.metadata.source, "fallback");
  const names = resolved.metadata.parameters.map((p) => p.name);
  for (const n of ["ip", "cidr_netmask", "nic", "broadcast", "iflabel", "lvs_support", "mac", "clusterip_hash", "unique_clone_address", "arp_interval", "trace_ra", "trace_file"]) {
    assert.ok(names.includes(n), n);
  }
  assert.equal(resolved.metadata.parameters.find((p) => p.name === "ip")?.required, true);
});

test("short names are guessed among installed and built-in agents", async () => {
  const scripts = new FakeScripts({ "heartbeat/Dummy": OCF_1_1, "pacemaker/Stateful": OCF_1_1 });
  const one = await resolveAgent(scripts, "stateful", false);
  assert.equal(one.reports[0]?.message, "Assumed agent name 'ocf:pacemaker:Stateful' (deduced from 'stateful')");
  assert.ok(one.metadata);
  const many = await resolveAgent(scripts, "Dummy", false);
  assert.equal(many.metadata, undefined);
  assert.equal(
    many.reports[0]?.message,
    "Multiple agents match 'Dummy', please specify full name: 'ocf:heartbeat:Dummy' or 'ocf:tandem:Dummy'",
  );
  const none = await resolveAgent(scripts, "Nope", false);
  assert.equal(none.reports[0]?.message, "Unable to find agent 'Nope', try specifying its full name");
});

test("a missing agent is refused unless forced; systemd agents take no parameters", async () => {
  const scripts = new FakeScripts({});
  const refused = await resolveAgent(scripts, "ocf:heartbeat:NoSuch", false);
  assert.equal(refused.metadata, undefined);
  assert.equal(refused.reports[0]?.severity, "error");
  assert.equal(refused.reports[0]?.forceable, true);
  const forced = await resolveAgent(scripts, "ocf:heartbeat:NoSuch", true);
  assert.equal(forced.metadata?.exists, false);
  assert.equal(forced.reports[0]?.severity, "warning");
  const systemd = await resolveAgent(scripts, "systemd:httpd", false);
  assert.deepEqual([systemd.metadata?.exists, systemd.metadata?.parameters.length, systemd.reports.length], [true, 0, 0]);
  const builtin = await resolveAgent(scripts, "ocf:tandem:Dummy", false);
  assert.equal(builtin.metadata?.source, "builtin");
  const invalid = await resolveAgent(scripts, "foo:bar", false);
  assert.equal(invalid.reports[0]?.code, "AGENT_INVALID_NAME");
});

test("the script runner reads a real installed agent's metadata", { skip: !existsSync("/usr/lib/ocf/resource.d/heartbeat/IPaddr2") }, async () => {
  const resolved = await resolveAgent(new OcfScriptRunner(), "ocf:heartbeat:IPaddr2", false);
  assert.equal(resolved.metadata?.source, "script");
  const start = resolved.metadata?.actions.find((a) => a.name === "start");
  assert.equal(start?.timeout, "20s");
  assert.ok(!(await new OcfScriptRunner().ocfMetadata("../..", "x")).ok);
});

test("built-in agents validate against the metadata their own meta-data prints; lb's balancer once registered", async () => {
  const none = new FakeScripts({});
  const web = await resolveAgent(none, "ocf:tandem:webserver", false);
  assert.deepEqual(web.metadata?.parameters.map((p) => p.name).filter((n) => !n.startsWith("trace_")).sort(), ["ip", "message", "port"]);
  assert.equal(BUILTIN_AGENTS.get("Dummy"), DUMMY_METADATA);

  const before = await resolveAgent(none, "ocf:tandem:balancer", false);
  assert.equal(before.metadata, undefined);
  assert.match(before.reports[0]?.message ?? "", /no built-in agent 'balancer'/);
  registerBalancerMetadata();
  const after = await resolveAgent(none, "ocf:tandem:balancer", false);
  assert.deepEqual(after.metadata?.parameters.filter((p) => p.required).map((p) => p.name).sort(), ["port", "vip"]);
});
