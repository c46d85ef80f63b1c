import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCib } from "../../../src/cib/index.js";
import {
  appendNewNvset,
  arrangeFirstNvset,
  constraintTarget,
  findElementById,
  findResource,
  IdAllocator,
  sanitizeId,
  takenIds,
  updateNvset,
  validateId,
} from "../../../src/cib/edit/index.js";
import { element, firstChild, serializeElement } from "../../../src/xml/index.js";

const CIB = `<cib epoch="3" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <primitive id="VIP" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="VIP-instance_attributes">
          <nvpair id="VIP-instance_attributes-ip" name="ip" value="10.0.0.1"/>
        </instance_attributes>
      </primitive>
      <clone id="web-clone">
        <group id="web">
          <primitive id="httpd" class="systemd" type="httpd"/>
        </group>
      </clone>
      <primitive id="remote1" class="ocf" provider="pacemaker" type="remote">
        <meta_attributes id="remote1-meta_attributes">
          <nvpair id="remote1-meta_attributes-remote-node" name="remote-node" value="guest-a"/>
        </meta_attributes>
      </primitive>
    </resources>
    <constraints/>
    <acls><acl_target id="VIPX"/></acls>
  </configuration>
  <status><node_state id="ghost"/></status>
</cib>`;

test("taken ids skip the status section and reference elements but include remote-node names", () => {
  const ids = takenIds(parseCib(CIB));
  assert.ok(ids.has("VIP"));
  assert.ok(ids.has("guest-a"));
  assert.ok(!ids.has("ghost"));
  assert.ok(!ids.has("VIPX"));
  assert.equal(findElementById(parseCib(CIB), "ghost"), undefined);
});

test("the allocator appends -1, -2 to taken ids and remembers what it handed out", () => {
  const ids = new IdAllocator(parseCib(CIB));
  assert.equal(ids.allocate("VIP"), "VIP-1");
  assert.equal(ids.allocate("VIP"), "VIP-2");
  assert.equal(ids.allocate("fresh"), "fresh");
  assert.deepEqual(
    ids.book("fresh", "new", "new").map((r) => r.message),
    ["'fresh' already exists", "'new' already exists"], // pcs also refuses an id given twice
  );
});

test("findResource names the kind and the group and clone around a resource", () => {
  const info = findResource(parseCib(CIB), "httpd");
  assert.ok(info);
  assert.equal(info.kind, "primitive");
  assert.equal(info.group?.attrs.id, "web");
  assert.equal(info.clone?.attrs.id, "web-clone");
  assert.equal(findResource(parseCib(CIB), "web-clone")?.clone, undefined);
  assert.equal(findResource(parseCib(CIB), "nope"), undefined);
});

test("constraints must name the clone, not its child, unless forced", () => {
  const doc = parseCib(CIB);
  const refused = constraintTarget(doc, "web", false);
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(
      refused.report.message,
      "web is a clone resource, you should use the clone id: web-clone when adding constraints. Use --force to override.",
    );
  }
  const forced = constraintTarget(doc, "httpd", true);
  assert.ok(forced.ok && forced.id === "web-clone");
  const missing = constraintTarget(doc, "nope", false);
  assert.ok(!missing.ok && missing.report.message === "Resource 'nope' does not exist");
  assert.ok(constraintTarget(doc, "VIP", false).ok);
});

test("ids are sanitized and validated with pcs's ASCII rules", () => {
  assert.equal(sanitizeId("1a:b c"), "abc");
  assert.equal(sanitizeId("VIP-10.10.10.23"), "VIP-10.10.10.23");
  assert.equal(validateId("ok_id-1.2"), undefined);
  assert.equal(validateId("1bad")?.message, "invalid id '1bad', '1' is not a valid first character for a id");
  assert.equal(validateId("a:b", "resource name")?.message, "invalid resource name 'a:b', ':' is not a valid character for a resource name");
});

test("nvsets are written in name order with derived ids; empty values remove pairs", () => {
  const doc = parseCib(CIB);
  const ids = new IdAllocator(doc);
  const prim = element("primitive", { id: "VIP" });
  const set = appendNewNvset("instance_attributes", prim, [["ip", "1.2.3.4"], ["cidr_netmask", "32"]], ids);
  assert.equal(
    serializeElement(set),
    `<instance_attributes id="VIP-instance_attributes-1">
  <nvpair id="VIP-instance_attributes-1-cidr_netmask" name="cidr_netmask" value="32"/>
  <nvpair id="VIP-instance_attributes-1-ip" name="ip" value="1.2.3.4"/>
</instance_attributes>
`,
  );
  updateNvset(set, [["ip", ""], ["nic", "eth0"], ["cidr_netmask", "24"]], ids);
  assert.deepEqual(
    set.children.map((c) => (c.kind === "element" ? `${c.attrs.name}=${c.attrs.value}` : "")),
    ["cidr_netmask=24", "nic=eth0"],
  );
  const empty = appendNewNvset("meta_attributes", prim, [], ids);
  assert.equal(firstChild(prim, "meta_attributes"), undefined, "an empty block is not appended");
  assert.equal(empty.children.length, 0);
  arrangeFirstNvset("meta_attributes", prim, [["target-role", "Stopped"]], ids);
  assert.equal(prim.children[0]?.kind === "element" && prim.children[0].name, "meta_attributes");
});
