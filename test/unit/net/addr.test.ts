import { test } from "node:test";
import assert from "node:assert/strict";
import { broadcastAddress, formatIpv4, isMulticastMac, multicastMacFor, parseIpv4, parsePrefix, prefixContains } from "../../../src/net/index.js";

test("dotted quads parse to numbers and back", () => {
  assert.equal(parseIpv4("10.10.10.23"), 0x0a0a0a17);
  assert.equal(formatIpv4(0xc0a86e78), "192.168.110.120");
  assert.equal(formatIpv4(parseIpv4("255.255.255.255") as number), "255.255.255.255");
  for (const bad of ["10.10.10", "10.10.10.256", "a.b.c.d", "1.2.3.4.5", "", "1..2.3"]) assert.equal(parseIpv4(bad), undefined, bad);
});

test("a subnet must have its host bits zero unless parsed leniently", () => {
  assert.deepEqual(parsePrefix("10.10.10.0/24"), { network: 0x0a0a0a00, prefixLength: 24 });
  assert.equal(parsePrefix("10.10.10.5/24"), undefined);
  assert.deepEqual(parsePrefix("10.10.10.5/24", false), { network: 0x0a0a0a00, prefixLength: 24 });
  assert.equal(parsePrefix("10.10.10.0/33"), undefined);
  assert.equal(parsePrefix("10.10.10.0"), undefined);
});

test("prefix membership and broadcast follow the mask", () => {
  const net = parsePrefix("10.10.10.0/24");
  assert.ok(net !== undefined);
  assert.ok(prefixContains(net, parseIpv4("10.10.10.200") as number));
  assert.ok(!prefixContains(net, parseIpv4("10.10.11.1") as number));
  assert.equal(formatIpv4(broadcastAddress(parseIpv4("10.10.10.23") as number, 24)), "10.10.10.255");
  assert.equal(formatIpv4(broadcastAddress(parseIpv4("172.16.5.9") as number, 20)), "172.16.15.255");
});

test("the cluster MAC is the IPv4 multicast mapping of the address", () => {
  assert.equal(multicastMacFor(parseIpv4("10.10.10.23") as number), "01:00:5e:0a:0a:17");
  // Only 23 bits fit: the top bit of the second octet is dropped.
  assert.equal(multicastMacFor(parseIpv4("192.168.110.120") as number), "01:00:5e:28:6e:78");
  assert.ok(isMulticastMac("01:00:5e:0a:0a:17"));
  assert.ok(!isMulticastMac("02:00:5e:0a:0a:17"));
});
