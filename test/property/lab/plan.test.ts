import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { planLab } from "../../../src/lab/index.js";
import { parseIpv4, parsePrefix, prefixContains } from "../../../src/net/index.js";

const nodeName = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).filter((n) => !["sw", "client", "arbiter"].includes(n));

test("every planned lab gives distinct addresses inside the subnet, never the reserved ones", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(nodeName, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 223 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 16, max: 24 }),
      (names, first, second, prefixLength) => {
        const subnet = `${first}.${second}.0.0/${prefixLength}`;
        const prefix = parsePrefix(subnet);
        fc.pre(prefix !== undefined);
        const plan = planLab({ name: "prop", nodes: names.join(","), subnet });
        const addresses = plan.hosts.map((h) => h.address);
        assert.equal(new Set(addresses).size, addresses.length, "addresses are distinct");
        for (const a of addresses) assert.ok(prefixContains(prefix, parseIpv4(a) as number), `${a} in ${subnet}`);
        assert.ok(!addresses.includes(plan.suggestedVip), "the VIP address stays free");
        assert.deepEqual(plan.hosts.filter((h) => h.role === "node").map((h) => h.name), names, "nodes keep their order");
        assert.equal(new Set(plan.hosts.map((h) => h.netns)).size, plan.hosts.length, "namespace names are distinct");
        for (const h of plan.hosts) {
          assert.ok(h.netns.startsWith(plan.prefix));
          assert.ok(h.port.length <= 15, `interface name ${h.port} fits IFNAMSIZ`);
        }
      },
    ),
    { numRuns: 200 },
  );
});
