import { TandemError } from "../core/index.js";

/** Stable codes of store errors (docs/errors.md, "## store and cluster runtime"). */
export type StoreErrorCode =
  | "STORE_UNAVAILABLE"
  | "STORE_REVISION_CONFLICT"
  | "STORE_COMPACTED"
  | "STORE_FUTURE_REVISION"
  | "STORE_LEASE_NOT_FOUND"
  | "STORE_LEASE_EXPIRED"
  | "STORE_AUTH_FAILED"
  | "STORE_TLS_FAILED"
  | "STORE_BAD_REQUEST"
  | "STORE_CLOSED"
  | "STORE_PROTOCOL";

const RETRYABLE: ReadonlySet<StoreErrorCode> = new Set(["STORE_UNAVAILABLE"]);

export function storeError(
  code: StoreErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
  cause?: unknown,
): TandemError {
  return new TandemError(code, message, {
    retryable: RETRYABLE.has(code),
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause }),
  });
}

export function isStoreError(error: unknown, code: StoreErrorCode): boolean {
  return error instanceof TandemError && error.code === code;
}
