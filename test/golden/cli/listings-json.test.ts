/**
 * The JSON listings documented in docs/cli-json.md, on the cloned-VIP tutorial's CIB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runTandemSteps } from "../../support/pcs.js";
import { TUTORIAL_CLONED_VIP } from "../../support/tutorials.js";

test("constraint config --output-format=json", async () => {
  const side = await runTandemSteps([
    ...TUTORIAL_CLONED_VIP.steps,
    ["constraint", "location", "webserver-clone", "rule", "score=50", "#uname", "eq", "a1", "and", "date-spec", "hours=9-16"],
    ["constraint", "--output-format=json"],
  ]);
  const run = side.runs.at(-1);
  assert.equal(run?.code, 0, run?.stderr);
  assert.deepEqual(JSON.parse(run?.stdout ?? ""), {
    location: [
      {
        id: "location-webserver-clone",
        options: { rsc: "webserver-clone" },
        resource_sets: [],
        rules: [
          {
            id: "location-webserver-clone-rule",
            options: { "boolean-op": "and", score: "50" },
            expressions: [
              { type: "expression", id: "location-webserver-clone-rule-expr", options: { operation: "eq", attribute: "#uname", value: "a1" } },
              {
                type: "date_expression",
                id: "location-webserver-clone-rule-expr-1",
                options: { operation: "date_spec" },
                date_spec: { hours: "9-16" },
              },
            ],
          },
        ],
      },
    ],
    order: [
      {
        id: "order-VIP-webserver-mandatory",
        options: { first: "VIP-clone", then: "webserver-clone", "first-action": "start", "then-action": "start" },
        resource_sets: [],
        rules: [],
      },
    ],
    colocation: [
      {
        id: "colocation-webserver-VIP-INFINITY",
        options: { rsc: "webserver-clone", "with-rsc": "VIP-clone", score: "INFINITY" },
        resource_sets: [],
        rules: [],
      },
    ],
    ticket: [],
  });
});

test("property config and node attribute --output-format=json", async () => {
  const side = await runTandemSteps([
    ["property", "set", "stonith-enabled=false", "no-quorum-policy=ignore"],
    ["property", "config", "--output-format=json"],
    ["node", "attribute", "--output-format=json"],
  ]);
  assert.deepEqual(JSON.parse(side.runs[1]?.stdout ?? ""), {
    id: "cib-bootstrap-options",
    properties: { "no-quorum-policy": "ignore", "stonith-enabled": "false" },
  });
  assert.deepEqual(JSON.parse(side.runs[2]?.stdout ?? ""), {});
});
