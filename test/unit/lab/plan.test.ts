import { test } from "node:test";
import assert from "node:assert/strict";
import { planLab } from "../../../src/lab/index.js";
import { isTandemError } from "../../../src/core/index.js";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isTandemError(error) ? error.code : "not a TandemError";
  }
}

test("the tutorial's nodes keep the tutorial's addresses: holly .22, benji .24, the VIP .23 free", () => {
  const plan = planLab({ name: "demo", nodes: "benji,holly,carol" });
  assert.deepEqual(
    plan.hosts.filter((h) => h.role === "node").map((h) => [h.name, h.address]),
    [
      ["benji", "10.10.10.24"],
      ["holly", "10.10.10.22"],
      ["carol", "10.10.10.25"],
    ],
  );
  assert.deepEqual(
    planLab({ name: "demo", nodes: "benji=30,holly" }).hosts.slice(0, 2).map((h) => h.address),
    ["10.10.10.30", "10.10.10.22"],
  );
});

test("named nodes get .22, .24, … in order, skipping the virtual IP's .23", () => {
  const plan = planLab({ name: "demo", nodes: "mars,venus" });
  assert.deepEqual(
    plan.hosts.map((h) => [h.name, h.role, h.address, h.netns, h.port]),
    [
      ["mars", "node", "10.10.10.22", "tdmlab-demo-mars", "s-mars"],
      ["venus", "node", "10.10.10.24", "tdmlab-demo-venus", "s-venus"],
      ["client", "client", "10.10.10.10", "tdmlab-demo-client", "s-client"],
      ["arbiter", "arbiter", "10.10.10.2", "tdmlab-demo-arbiter", "s-arbiter"],
    ],
  );
  assert.equal(plan.switchNetns, "tdmlab-demo-sw");
  assert.equal(plan.suggestedVip, "10.10.10.23");
  assert.equal(plan.broadcast, "10.10.10.255");
});

test("pinned addresses reproduce the tutorial's layout", () => {
  const plan = planLab({ name: "demo", nodes: "benji=24,holly=10.10.10.22" });
  assert.deepEqual(
    plan.hosts.filter((h) => h.role === "node").map((h) => [h.name, h.address]),
    [
      ["benji", "10.10.10.24"],
      ["holly", "10.10.10.22"],
    ],
  );
});

test("a count names the nodes a1…aN and the subnet moves every address", () => {
  const plan = planLab({ name: "four", nodes: "4", subnet: "172.31.7.0/24" });
  assert.deepEqual(
    plan.hosts.map((h) => `${h.name}=${h.address}`),
    ["a1=172.31.7.22", "a2=172.31.7.24", "a3=172.31.7.25", "a4=172.31.7.26", "client=172.31.7.10", "arbiter=172.31.7.2"],
  );
});

test("unpinned nodes skip the pinned ones", () => {
  const plan = planLab({ name: "x", nodes: "a=22,b,c" });
  assert.deepEqual(
    plan.hosts.filter((h) => h.role === "node").map((h) => h.address),
    ["10.10.10.22", "10.10.10.24", "10.10.10.25"],
  );
});

test("bad input is refused with a stable code", () => {
  const cases: [Parameters<typeof planLab>[0], string][] = [
    [{ name: "Bad-Name", nodes: "2" }, "LAB_BAD_NAME"],
    [{ name: "my-lab", nodes: "2" }, "LAB_BAD_NAME"],
    [{ name: "ok", nodes: "0" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "65" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "benji,benji" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "client" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "Benji" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "a=23" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "a=10.10.11.5" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "a=30,b=30" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "a=255" }, "LAB_BAD_NODES"],
    [{ name: "ok", nodes: "2", subnet: "10.10.10.1/24" }, "LAB_BAD_SUBNET"],
    [{ name: "ok", nodes: "2", subnet: "10.10.10.0/28" }, "LAB_BAD_SUBNET"],
    [{ name: "ok", nodes: "2", subnet: "fe80::/64" }, "LAB_BAD_SUBNET"],
  ];
  for (const [request, expected] of cases) assert.equal(code(() => planLab(request)), expected, JSON.stringify(request));
});
