import { test } from "node:test";
import assert from "node:assert/strict";
import { arpingArgv, chooseIpaddr2, ocfParams, parseVipParams, pickRoute, OCF_ERR_CONFIGURED } from "../../../src/net/index.js";

test("IPaddr2 parameters parse with the script's defaults", () => {
  const parsed = parseVipParams({ ip: "10.10.10.23", cidr_netmask: "24" });
  assert.deepEqual(parsed, { ok: true, params: { ip: "10.10.10.23", cidrNetmask: 24, arpCount: 5, arpIntervalMs: 200, arpBackground: true } });
});

test("a dotted netmask is a prefix length too", () => {
  const parsed = parseVipParams({ ip: "10.10.10.23", cidr_netmask: "255.255.252.0" });
  assert.ok(parsed.ok && parsed.params.cidrNetmask === 22);
});

test("a clone of more than one instance is a shared cluster IP, bucket = instance", () => {
  const parsed = parseVipParams({ ip: "10.10.10.23", clusterip_hash: "sourceip", CRM_meta_clone: "3", CRM_meta_clone_max: "4" });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.params.cluster, { hash: "sourceip", bucket: 3, bucketCount: 4 });
  const byDefault = parseVipParams({ ip: "10.10.10.23", CRM_meta_clone: "0", CRM_meta_clone_max: "2" });
  assert.ok(byDefault.ok && byDefault.params.cluster?.hash === "sourceip-sourceport", "IPaddr2's default hash");
  const single = parseVipParams({ ip: "10.10.10.23", clusterip_hash: "sourceip", CRM_meta_clone_max: "1" });
  assert.ok(single.ok && single.params.cluster === undefined, "one instance is a plain VIP");
});

test("invalid parameters are OCF_ERR_CONFIGURED with the reason", () => {
  for (const raw of [
    {},
    { ip: "10.10.10" },
    { ip: "10.10.10.23", cidr_netmask: "33" },
    { ip: "10.10.10.23", cidr_netmask: "255.0.255.0" },
    { ip: "10.10.10.23", nic: "eth0; rm" },
    { ip: "10.10.10.23", arp_count: "many" },
    { ip: "10.10.10.23", CRM_meta_clone_max: "4", clusterip_hash: "destip" },
    { ip: "10.10.10.23", CRM_meta_clone_max: "4", CRM_meta_clone: "4" },
    { ip: "10.10.10.23", CRM_meta_clone_max: "4", mac: "00:11:22:33:44:55" },
  ]) {
    const parsed = parseVipParams(raw);
    assert.ok(!parsed.ok, JSON.stringify(raw));
    assert.equal(parsed.result.rc, OCF_ERR_CONFIGURED);
    assert.notEqual(parsed.result.message, "");
  }
});

test("the interface comes from the most specific route holding the IP", () => {
  const routes = [
    { dst: "default", dev: "wan0" },
    { dst: "10.0.0.0/8", dev: "big0" },
    { dst: "10.10.10.0/24", dev: "eth0" },
    { dst: "192.168.1.0/24", dev: "eth1" },
  ];
  assert.deepEqual(pickRoute(routes, "10.10.10.23"), { nic: "eth0", prefixLength: 24 });
  assert.deepEqual(pickRoute(routes, "10.20.0.1"), { nic: "big0", prefixLength: 8 });
  assert.equal(pickRoute(routes, "172.16.0.1"), undefined, "the default route is never a VIP's subnet");
});

test("gratuitous ARP command lines for both arping implementations", () => {
  assert.deepEqual(arpingArgv("habets", "eth0", "10.10.10.23", 5, 200), ["arping", "-q", "-U", "-i", "eth0", "-S", "10.10.10.23", "-c", "5", "-W", "0.2", "10.10.10.23"]);
  assert.deepEqual(arpingArgv("iputils", "eth0", "10.10.10.23", 3, 1000), ["arping", "-q", "-U", "-I", "eth0", "-s", "10.10.10.23", "-c", "3", "-i", "1", "10.10.10.23"]);
});

test("the real IPaddr2 is preferred when installed, except for a cloned cluster IP", () => {
  assert.equal(chooseIpaddr2({ OCF_RESKEY_ip: "10.10.10.23" }, true), "real");
  assert.equal(chooseIpaddr2({ OCF_RESKEY_ip: "10.10.10.23" }, false), "builtin");
  assert.equal(chooseIpaddr2({ OCF_RESKEY_ip: "10.10.10.23", OCF_RESKEY_CRM_meta_clone_max: "4" }, true), "builtin");
  assert.deepEqual(ocfParams({ OCF_RESKEY_ip: "1.2.3.4", OCF_ROOT: "/usr/lib/ocf", PATH: "/bin" }), { ip: "1.2.3.4" });
});
