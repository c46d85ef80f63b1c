import { test } from "node:test";
import assert from "node:assert/strict";
import { TandemError } from "../../../src/core/index.js";
import { parseEtcdEndpoints } from "../../../src/store/index.js";

test("endpoint lists parse from commas or spaces, deduplicated, as origins", () => {
  assert.deepEqual(parseEtcdEndpoints("http://10.0.0.1:2379, https://etcd-b:2379 http://10.0.0.1:2379/"), ["http://10.0.0.1:2379", "https://etcd-b:2379"]);
  assert.deepEqual(parseEtcdEndpoints("http://[fd00::1]:2379"), ["http://[fd00::1]:2379"]);
});

test("bad endpoints are refused with STORE_BAD_REQUEST naming the entry", () => {
  for (const [text, fragment] of [
    ["", "no etcd endpoints"],
    ["10.0.0.1:2379", "'10.0.0.1:2379'"],
    ["ftp://h:21", "scheme must be http or https"],
    ["http://h", "scheme://host:port"],
    ["http://h:2379/v3", "scheme://host:port"],
  ] as const) {
    assert.throws(
      () => parseEtcdEndpoints(text),
      (e: unknown) => e instanceof TandemError && e.code === "STORE_BAD_REQUEST" && e.message.includes(fragment),
      text,
    );
  }
});
