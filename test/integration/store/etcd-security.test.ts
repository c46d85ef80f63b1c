// The etcd adapter with user/password auth (token refresh included) and with TLS
// (server verification and client certificates).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EtcdStore } from "../../../src/store/index.js";
import { makeTestCertificates, startEtcd } from "../../support/etcd.js";
import { collectWatch, rejectsWithCode } from "../../support/store-contract.js";

function etcdctl(endpoint: string, ...args: string[]): void {
  const r = spawnSync("etcdctl", ["--endpoints", endpoint, ...args], { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } });
  if (r.status !== 0) throw new Error(`etcdctl ${args.join(" ")}: ${r.stderr}`);
}

test("user/password auth: calls and watches work, the token is renewed when it expires, bad or missing credentials are refused", async () => {
  const etcd = await startEtcd({ members: 1, extraArgs: ["--auth-token-ttl", "1"] });
  const endpoint = etcd.endpoints[0] as string;
  const clients: EtcdStore[] = [];
  try {
    etcdctl(endpoint, "user", "add", "root:s3cret", "--interactive=false");
    etcdctl(endpoint, "auth", "enable");
    const store = new EtcdStore({ endpoints: etcd.endpoints, auth: { username: "root", password: "s3cret" } });
    clients.push(store);
    const w = await store.put("/auth/a", "1");
    assert.equal((await store.get("/auth/a")).kv?.value, "1");
    const watch = collectWatch(store, "/auth/", w.revision);
    try {
      await watch.waitForEvents(1);
      await new Promise((r) => setTimeout(r, 2500)); // the 1 s token expires
      await store.put("/auth/b", "2"); // re-authenticates transparently
      await watch.waitForEvents(2);
    } finally {
      watch.close();
    }
    const wrong = new EtcdStore({ endpoints: etcd.endpoints, auth: { username: "root", password: "nope" } });
    clients.push(wrong);
    await rejectsWithCode(wrong.get("/auth/a"), "STORE_AUTH_FAILED");
    const anonymous = new EtcdStore({ endpoints: etcd.endpoints });
    clients.push(anonymous);
    await rejectsWithCode(anonymous.get("/auth/a"), "STORE_AUTH_FAILED");
  } finally {
    for (const c of clients) await c.close();
    await etcd.close();
  }
});

test("TLS with client certificates: a client with the CA and a certificate works; without the CA or without a certificate it fails with STORE_TLS_FAILED", async () => {
  if (spawnSync("openssl", ["version"]).status !== 0) throw new Error("openssl is needed for the TLS test");
  const dir = mkdtempSync(join(tmpdir(), `tandem-tls-${process.pid}-`));
  const clients: EtcdStore[] = [];
  try {
    const certs = makeTestCertificates(dir);
    const etcd = await startEtcd({
      members: 1,
      tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, clientCertAuth: true, clientCertFile: certs.clientCert, clientKeyFile: certs.clientKey },
    });
    try {
      assert.match(etcd.endpoints[0] as string, /^https:/);
      const store = new EtcdStore({
        endpoints: etcd.endpoints,
        tls: { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) },
      });
      clients.push(store);
      const w = await store.put("/tls/a", "1");
      const watch = collectWatch(store, "/tls/", w.revision);
      try {
        await watch.waitForEvents(1);
      } finally {
        watch.close();
      }
      assert.equal((await store.status()).quorum, true);
      const noCa = new EtcdStore({ endpoints: etcd.endpoints, tls: { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } });
      clients.push(noCa);
      await rejectsWithCode(noCa.get("/tls/a"), "STORE_TLS_FAILED");
      const noCert = new EtcdStore({ endpoints: etcd.endpoints, tls: { ca: readFileSync(certs.ca) }, requestTimeoutMs: 1000 });
      clients.push(noCert);
      await rejectsWithCode(noCert.get("/tls/a"), "STORE_TLS_FAILED");
    } finally {
      for (const c of clients) await c.close();
      await etcd.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
