import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FailureDetector } from "../../../src/cluster/index.js";

// A random schedule of heartbeats (gaps between datagrams) and checks, on one peer.
const schedule = fc.record({
  timeoutMs: fc.integer({ min: 50, max: 1000 }),
  gaps: fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 60 }),
  checkEveryMs: fc.integer({ min: 1, max: 200 }),
});

test("a peer is dead exactly when a gap reaches the timeout, is reported once per silence, and never early", () => {
  fc.assert(
    fc.property(schedule, ({ timeoutMs, gaps, checkEveryMs }) => {
      const d = new FailureDetector({ timeoutMs });
      d.watch("p", 0);
      let now = 0;
      let nextCheck = checkEveryMs;
      let seq = 0;
      let lastHeard = 0;
      let deadReports = 0;
      let expectedDeaths = 0;
      for (const gap of gaps) {
        const heardAt = now + gap;
        // Run every check that falls inside the gap.
        let diedThisGap = false;
        while (nextCheck < heardAt) {
          for (const e of d.tick(nextCheck)) {
            assert.equal(e.type, "dead");
            assert.ok(nextCheck - lastHeard >= timeoutMs, "never declared dead before the timeout");
            assert.equal(diedThisGap, false, "one report per silence");
            diedThisGap = true;
            deadReports++;
          }
          nextCheck += checkEveryMs;
        }
        // A gap reaching the timeout must have been reported if a check ran after the timeout.
        const firstCheckAfterTimeout = Math.ceil((lastHeard + timeoutMs) / checkEveryMs) * checkEveryMs;
        if (firstCheckAfterTimeout < heardAt) expectedDeaths++;
        const events = d.heard({ cluster: "c", node: "p", incarnation: "i", seq: seq++ }, heardAt);
        assert.deepEqual(
          events.map((e) => e.type),
          diedThisGap ? ["alive"] : [],
        );
        now = heardAt;
        lastHeard = heardAt;
      }
      assert.equal(deadReports, expectedDeaths);
    }),
    { numRuns: 300, seed: 4242 },
  );
});

test("nextCheckMs is never later than the first moment a tick would report a death", () => {
  fc.assert(
    fc.property(fc.integer({ min: 10, max: 500 }), fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 300 })), { maxLength: 40 }), (timeoutMs, beats) => {
      const d = new FailureDetector({ timeoutMs });
      for (const n of ["a", "b", "c"]) d.watch(n, 0);
      let now = 0;
      const seqs: Record<string, number> = { a: 0, b: 0, c: 0 };
      for (const [node, gap] of beats) {
        now += gap;
        d.tick(now);
        d.heard({ cluster: "c", node, incarnation: "i", seq: ++(seqs[node] as number) }, now);
      }
      const next = d.nextCheckMs();
      if (next === undefined) return;
      assert.deepEqual(d.tick(next - 1), []);
      assert.ok(d.tick(next).length >= 1);
    }),
    { numRuns: 300, seed: 4243 },
  );
});
