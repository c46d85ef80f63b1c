import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyCib, parseCib, serializeCib, cibVersion, type CibDocument } from "../../../src/cib/index.js";
import {
  cloneResource,
  createResource,
  defaultOperations,
  deleteResource,
  groupAdd,
  groupRemove,
  prepareOperations,
  setResourcesEnabled,
  uncloneResource,
  updateDefaults,
  updateResource,
  type AgentInfo,
  type CreateResourceRequest,
} from "../../../src/cib/edit/index.js";

const DUMMY: AgentInfo = {
  name: { standard: "ocf", provider: "heartbeat", type: "Dummy" },
  exists: true,
  parameters: [
    { name: "state", required: false, uniqueGroup: "_pcs_unique_group_state", deprecated: false, deprecatedBy: [] },
    { name: "fake", required: false, deprecated: false, deprecatedBy: [] },
    { name: "old", required: false, deprecated: true, deprecatedBy: ["fake"] },
  ],
  actions: [
    { name: "start", timeout: "20s" },
    { name: "stop", timeout: "20s" },
    { name: "monitor", timeout: "20s", interval: "10s", depth: "0" },
    { name: "monitor", timeout: "30s", interval: "10s", role: "Promoted" },
    { name: "meta-data", timeout: "5s" },
    { name: "validate-all", timeout: "5s" },
  ],
};

const ADDR: AgentInfo = {
  name: { standard: "ocf", provider: "heartbeat", type: "IPaddr2" },
  exists: true,
  parameters: [{ name: "ip", required: true, uniqueGroup: "_pcs_unique_group_ip", deprecated: false, deprecatedBy: [] }],
  actions: [{ name: "start", timeout: "20s" }, { name: "stop", timeout: "20s" }, { name: "monitor", interval: "10s", timeout: "20s" }],
};

function request(id: string, extra: Partial<CreateResourceRequest> = {}): CreateResourceRequest {
  return { id, agent: DUMMY, instanceAttributes: [], metaAttributes: [], operations: [], disabled: false, noDefaultOps: false, force: false, ...extra };
}

function created(doc: CibDocument, id: string, extra: Partial<CreateResourceRequest> = {}): CibDocument {
  const result = createResource(doc, request(id, extra));
  assert.deepEqual(result.reports.filter((r) => r.severity === "error"), [], `create ${id}`);
  return result.doc;
}

test("default operations: every action but meta-data/status/validate-all, monitor intervals made unique", () => {
  const result = prepareOperations([], DUMMY, { useDefaultOperations: true, force: false, newRoleNames: false });
  assert.deepEqual(
    result.operations.map((op) => Object.fromEntries(op)),
    [
      { name: "start", interval: "0s", timeout: "20s" },
      { name: "stop", interval: "0s", timeout: "20s" },
      { name: "monitor", interval: "10s", timeout: "20s" },
      { name: "monitor", interval: "11", timeout: "30s", role: "Master" },
    ],
  );
  assert.match(result.reports[0]?.message ?? "", /changing a monitor operation interval from 10s to 11 to make the operation unique/);
  assert.deepEqual(defaultOperations(DUMMY, true).map((op) => Object.fromEntries(op)), [
    { name: "monitor", interval: "10s", timeout: "20s" },
    { name: "monitor", interval: "10s", timeout: "30s", role: "Promoted" },
  ]);
});

test("create never changes its input and bumps the epoch of the copy", () => {
  const base = emptyCib();
  const before = serializeCib(base);
  const result = createResource(base, request("A"));
  assert.equal(serializeCib(base), before);
  assert.equal(cibVersion(result.doc).epoch, cibVersion(base).epoch + 1);
  assert.match(serializeCib(result.doc), /<op name="monitor" interval="10s" timeout="20s" id="A-monitor-interval-10s"\/>/);
});

test("create validates instance attributes: unknown, required, deprecated, unique", () => {
  const base = created(emptyCib(), "V1", { agent: ADDR, instanceAttributes: [["ip", "1.1.1.1"]] });
  const unknown = createResource(base, request("X", { instanceAttributes: [["bogus", "1"]] }));
  assert.equal(unknown.changed, false);
  const problem = unknown.reports.find((r) => r.code === "RESOURCE_INVALID_OPTION");
  assert.equal(problem?.message, "invalid resource option 'bogus', allowed options are: 'fake', 'old', 'state'");
  assert.equal(problem?.forceable, true);
  const forced = createResource(base, request("X", { instanceAttributes: [["bogus", "1"]], force: true }));
  assert.ok(forced.changed);
  assert.equal(forced.reports.find((r) => r.code === "RESOURCE_INVALID_OPTION")?.severity, "warning");
  const missing = createResource(base, request("V2", { agent: ADDR }));
  assert.equal(missing.reports[0]?.message, "required resource option 'ip' is missing");
  const deprecated = createResource(base, request("X", { instanceAttributes: [["old", "1"]] }));
  assert.ok(deprecated.changed);
  assert.equal(deprecated.reports.find((r) => r.code === "RESOURCE_DEPRECATED_OPTION")?.message, "resource option 'old' is deprecated and should not be used, use 'fake' instead");
  const dup = createResource(base, request("V2", { agent: ADDR, instanceAttributes: [["ip", "1.1.1.1"]] }));
  assert.match(dup.reports[0]?.message ?? "", /Value '1.1.1.1' of option 'ip' is not unique across 'ocf:heartbeat:IPaddr2' resources.*'V1'/);
});

test("a clone is created around the primitive with sorted meta; --disabled goes on the clone", () => {
  const plain = serializeCib(created(emptyCib(), "P", { clone: { meta: [], promotable: false }, disabled: true }));
  assert.match(plain, /<clone id="P-clone">\s*<meta_attributes id="P-clone-meta_attributes">\s*<nvpair id="P-clone-meta_attributes-target-role" name="target-role" value="Stopped"\/>\s*<\/meta_attributes>\s*<primitive id="P"/);
  const doc = created(emptyCib(), "D", { clone: { meta: [["globally-unique", "true"], ["clone-max", "2"]], promotable: false }, disabled: true });
  // As pcs: the clone's own block (after the primitive) gets target-role appended.
  assert.match(
    serializeCib(doc),
    /<\/primitive>\s*<meta_attributes id="D-clone-meta_attributes">\s*<nvpair id="D-clone-meta_attributes-clone-max" name="clone-max" value="2"\/>\s*<nvpair id="D-clone-meta_attributes-globally-unique" name="globally-unique" value="true"\/>\s*<nvpair id="D-clone-meta_attributes-target-role"/,
  );
  const systemd: AgentInfo = { name: { standard: "systemd", type: "httpd" }, exists: true, parameters: [], actions: [], operationNames: ["monitor"] };
  const refused = createResource(emptyCib(), request("S", { agent: systemd, clone: { meta: [["globally-unique", "true"]], promotable: false } }));
  assert.equal(refused.reports[0]?.message, "Clone option 'globally-unique' is not compatible with 'systemd:httpd' resource agent");
});

test("deleting a resource drops its constraints and its place in sets, with pcs's messages", () => {
  let doc = created(emptyCib(), "A");
  doc = created(doc, "B");
  const text = serializeCib(doc).replace(
    "<constraints/>",
    `<constraints>
      <rsc_order id="order-A-B" first="A" then="B"/>
      <rsc_colocation id="col-B-A" rsc="B" with-rsc="A" score="INFINITY"/>
      <rsc_order id="set1"><resource_set id="set1-s"><resource_ref id="A"/></resource_set></rsc_order>
      <rsc_order id="set2"><resource_set id="set2-s"><resource_ref id="A"/><resource_ref id="B"/></resource_set></rsc_order>
    </constraints>`,
  );
  const result = deleteResource(parseCib(text), "A");
  assert.deepEqual(
    result.reports.map((r) => r.message),
    [
      "Removing Constraint - col-B-A",
      "Removing Constraint - order-A-B",
      "Removing A from set set1-s",
      "Removing set set1-s",
      "Removing constraint set1",
      "Removing A from set set2-s",
      "Deleting Resource - A",
    ],
  );
  const out = serializeCib(result.doc);
  assert.doesNotMatch(out, /id="A"/);
  assert.match(out, /<resource_set id="set2-s">\s*<resource_ref id="B"\/>/);
});

test("deleting the last member of a cloned group removes group and clone", () => {
  let doc = created(emptyCib(), "A", { group: { id: "G" } });
  doc = cloneResource(doc, { resourceId: "G", meta: [], promotable: false, force: false }).doc;
  const result = deleteResource(doc, "G-clone");
  assert.deepEqual(result.reports.map((r) => r.message), [
    "Removing group: G (and all resources within group)",
    "Stopping all resources in group: G...",
    "Deleting Resource (and group and clone) - A",
  ]);
  assert.doesNotMatch(serializeCib(result.doc), /<clone|<group/);
});

test("cloning retargets constraints to the clone; uncloning drops the clone's constraints", () => {
  let doc = created(emptyCib(), "A");
  doc = created(doc, "B");
  doc = parseCib(serializeCib(doc).replace("<constraints/>", `<constraints><rsc_colocation id="c1" rsc="A" with-rsc="B" score="INFINITY"/></constraints>`));
  const cloned = cloneResource(doc, { resourceId: "A", meta: [["interleave", "true"]], promotable: true, force: false });
  const text = serializeCib(cloned.doc);
  assert.match(text, /<rsc_colocation id="c1" rsc="A-clone" with-rsc="B"/);
  assert.match(text, /name="promotable" value="true"/);
  assert.equal(cloneResource(cloned.doc, { resourceId: "A", meta: [], promotable: false, force: false }).reports[0]?.message, "A is already a clone resource");
  const uncloned = uncloneResource(cloned.doc, "A");
  assert.doesNotMatch(serializeCib(uncloned.doc), /rsc_colocation|<clone/);
});

test("group add moves resources, removes emptied groups; group remove keeps resources", () => {
  let doc = created(emptyCib(), "A", { group: { id: "G1" } });
  doc = created(doc, "B");
  doc = created(doc, "C");
  const moved = groupAdd(doc, { groupId: "G2", resourceIds: ["A", "B"] });
  assert.ok(moved.changed, JSON.stringify(moved.reports));
  const text = serializeCib(moved.doc);
  assert.doesNotMatch(text, /id="G1"/);
  assert.match(text, /<group id="G2">\s*<primitive id="A"[\s\S]*<primitive id="B"/);
  const placed = groupAdd(moved.doc, { groupId: "G2", resourceIds: ["C"], adjacent: { id: "A", after: true } });
  assert.match(serializeCib(placed.doc), /<primitive id="A"[\s\S]*<primitive id="C"[\s\S]*<primitive id="B"/);
  const self = groupAdd(placed.doc, { groupId: "G2", resourceIds: ["A"], adjacent: { id: "A", after: true } });
  assert.equal(self.reports[0]?.message, "Cannot put resource 'A' next to itself");
  const removed = groupRemove(placed.doc, "G2", []);
  assert.doesNotMatch(serializeCib(removed.doc), /<group/);
  assert.match(serializeCib(removed.doc), /<primitive id="A"/);
});

test("update replaces an operation in place and edits attributes with pcs's legacy ids", () => {
  const doc = created(emptyCib(), "A");
  const result = updateResource(
    doc,
    { resourceId: "A", instance: [["fake", "x"]], meta: [["is-managed", "false"]], operations: [{ name: "start", options: [["timeout", "60s"]] }], force: false },
    DUMMY,
  );
  const text = serializeCib(result.doc);
  assert.match(text, /<instance_attributes id="A-instance_attributes">\s*<nvpair id="A-instance_attributes-fake" name="fake" value="x"\/>/);
  assert.match(text, /<op id="A-start-interval-0s" name="start" interval="0s" timeout="60s"\/>\s*<op name="stop"/);
  assert.match(text, /<meta_attributes id="A-meta_attributes">/);
});

test("enable and disable, defaults update", () => {
  const doc = created(emptyCib(), "A", { clone: { meta: [], promotable: false } });
  const disabled = setResourcesEnabled(doc, ["A-clone"], false);
  assert.match(serializeCib(disabled.doc), /<clone id="A-clone">\s*<meta_attributes id="A-clone-meta_attributes">\s*<nvpair id="A-clone-meta_attributes-target-role"/);
  assert.equal(setResourcesEnabled(doc, ["nope"], false).reports[0]?.message, "bundle/clone/group/resource/tag 'nope' does not exist");
  const defaults = updateDefaults(emptyCib(), "rsc_defaults", [["resource-stickiness", "100"]]);
  assert.match(serializeCib(defaults.doc), /<rsc_defaults>\s*<meta_attributes id="rsc_defaults-meta_attributes">\s*<nvpair id="rsc_defaults-meta_attributes-resource-stickiness"/);
});
