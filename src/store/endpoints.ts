import { storeError } from "./errors.js";

/**
 * Parses an endpoint list as users type it (`--etcd URLS`, config files): comma or space
 * separated URLs, scheme http or https, a port. Bad input is STORE_BAD_REQUEST naming the
 * offending entry.
 */
export function parseEtcdEndpoints(text: string): string[] {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw storeError("STORE_BAD_REQUEST", "no etcd endpoints given (expected e.g. http://10.0.0.1:2379)");
  const out: string[] = [];
  for (const p of parts) {
    let url: URL;
    try {
      url = new URL(p);
    } catch {
      throw storeError("STORE_BAD_REQUEST", `invalid etcd endpoint '${p}': expected a URL like http://10.0.0.1:2379`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw storeError("STORE_BAD_REQUEST", `invalid etcd endpoint '${p}': the scheme must be http or https`);
    }
    if (url.port === "" || (url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.username !== "") {
      throw storeError("STORE_BAD_REQUEST", `invalid etcd endpoint '${p}': expected scheme://host:port and nothing else`);
    }
    if (!out.includes(url.origin)) out.push(url.origin);
  }
  return out;
}
