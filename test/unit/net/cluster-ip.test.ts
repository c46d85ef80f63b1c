import { test } from "node:test";
import assert from "node:assert/strict";
import {
  clusterIpConfig,
  clusterIpEnsureTransaction,
  clusterIpOwnedTransaction,
  clusterIpRuleset,
  clusterIpTable,
  defaultClusterIpSeed,
  linuxJhash,
  sourceIpBucket,
} from "../../../src/net/index.js";
import { isTandemError } from "../../../src/core/index.js";

const config = clusterIpConfig({ ip: "10.10.10.23", prefixLength: 24, nic: "eth0", bucketCount: 4, hash: "sourceip", seed: 0x5eed });

test("the ruleset of a node owning buckets 0 and 2 of four", () => {
  assert.equal(
    clusterIpRuleset(config, [2, 0]),
    `# Tandem shared cluster IP 10.10.10.23: 4 buckets, hash sourceip, MAC 01:00:5e:0a:0a:17
table ip tandem_cip_10_10_10_23
delete table ip tandem_cip_10_10_10_23
table ip tandem_cip_10_10_10_23 {
\t# clone instance i owns bucket i; this node answers the buckets listed here
\tset owned { typeof meta length; elements = { 0, 2 }; }
\tchain prerouting {
\t\ttype filter hook prerouting priority raw; policy accept;
\t\tiifname "eth0" ip daddr 10.10.10.23 jhash ip saddr mod 4 seed 0x00005eed != @owned drop
\t\tiifname "eth0" ip daddr 10.10.10.23 meta pkttype set host
\t}
}
table arp tandem_cip_10_10_10_23
delete table arp tandem_cip_10_10_10_23
table arp tandem_cip_10_10_10_23 {
\tchain output {
\t\ttype filter hook output priority filter; policy accept;
\t\tarp saddr ip 10.10.10.23 arp saddr ether set 01:00:5e:0a:0a:17
\t}
}
`,
  );
});

test("a node owning nothing still holds the rules and drops every bucket", () => {
  const text = clusterIpRuleset(config, []);
  assert.match(text, /set owned \{ typeof meta length; \}/);
  assert.match(text, /!= @owned drop/);
});

test("the hash key follows clusterip_hash", () => {
  const ports = clusterIpRuleset({ ...config, hash: "sourceip-sourceport" }, [1]);
  assert.match(ports, /jhash ip saddr \. th sport mod 4 seed 0x00005eed/);
  const both = clusterIpRuleset({ ...config, hash: "sourceip-sourceport-destport" }, [1]);
  assert.match(both, /jhash ip saddr \. th sport \. th dport mod 4/);
});

test("moving buckets is one transaction replacing the owned set", () => {
  assert.equal(clusterIpOwnedTransaction(config, [3, 0, 3]), "flush set ip tandem_cip_10_10_10_23 owned\nadd element ip tandem_cip_10_10_10_23 owned { 0, 3 }\n");
  assert.equal(clusterIpOwnedTransaction(config, []), "flush set ip tandem_cip_10_10_10_23 owned\n");
});

test("ensuring the rules never touches the owned set's elements", () => {
  const text = clusterIpEnsureTransaction(config);
  assert.doesNotMatch(text, /flush set|delete|element/);
  assert.match(text, /^flush chain ip tandem_cip_10_10_10_23 prerouting$/m);
  assert.match(text, /^add rule arp tandem_cip_10_10_10_23 output arp saddr ip 10\.10\.10\.23 arp saddr ether set 01:00:5e:0a:0a:17$/m);
});

test("every node derives the same seed and MAC from the IP, different IPs differ", () => {
  const a = clusterIpConfig({ ip: "10.10.10.23", prefixLength: 24, nic: "eth0", bucketCount: 4, hash: "sourceip" });
  const b = clusterIpConfig({ ip: "10.10.10.23", prefixLength: 24, nic: "ens32", bucketCount: 4, hash: "sourceip" });
  assert.equal(a.seed, b.seed);
  assert.equal(a.mac, "01:00:5e:0a:0a:17");
  assert.equal(a.seed, defaultClusterIpSeed("10.10.10.23"));
  assert.notEqual(defaultClusterIpSeed("10.10.10.23"), defaultClusterIpSeed("10.10.10.24"));
  assert.equal(clusterIpTable("192.168.110.120"), "tandem_cip_192_168_110_120");
});

test("buckets outside 0…clone-max-1 and bad bucket counts are refused", () => {
  for (const fn of [
    () => clusterIpRuleset(config, [4]),
    () => clusterIpOwnedTransaction(config, [-1]),
    () => clusterIpRuleset({ ...config, bucketCount: 0 }, []),
    () => clusterIpRuleset({ ...config, bucketCount: 65 }, []),
    () => clusterIpRuleset({ ...config, nic: 'eth0"; drop' }, []),
  ]) {
    assert.throws(fn, (e) => isTandemError(e) && e.code === "NET_BAD_CLUSTER_IP");
  }
});

test("the bucket of a source is the kernel's: jhash of the address bytes, scaled to clone-max", () => {
  // Checked against the kernel by the 4-node integration test (each source answered by NODES[bucket]).
  const seed = defaultClusterIpSeed("10.10.10.23");
  const buckets = Array.from({ length: 8 }, (_, i) => sourceIpBucket(`10.10.10.${200 + i}`, 4, seed));
  assert.deepEqual(buckets, [2, 2, 0, 2, 0, 3, 0, 0]);
  assert.equal(linuxJhash([], 0), 0xdeadbeef);
  for (let i = 0; i < 256; i++) {
    const b = sourceIpBucket(`192.168.1.${i}`, 3, 12345);
    assert.ok(b >= 0 && b < 3);
  }
  assert.throws(() => linuxJhash(new Array<number>(13).fill(0), 0));
});
