import { storeError } from "./errors.js";
import type { CasResult } from "./store.js";

/**
 * For callers that treat a lost compare-and-swap as a failure of the whole command (e.g.
 * `cluster cib-push` of a stale file): returns the new revision, or throws
 * STORE_REVISION_CONFLICT naming the key and the revision that won.
 */
export function requireSwapped(result: CasResult, key: string, expectedModRevision: number): number {
  if (result.ok) return result.revision;
  const current = result.current?.modRevision ?? 0;
  throw storeError(
    "STORE_REVISION_CONFLICT",
    current === 0
      ? `'${key}' was deleted since it was read (expected revision ${expectedModRevision})`
      : `'${key}' changed since it was read (expected revision ${expectedModRevision}, now ${current})`,
    { key, expectedModRevision, currentModRevision: current },
  );
}
