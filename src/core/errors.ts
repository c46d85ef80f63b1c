/**
 * Errors that cross module boundaries carry a stable code (documented in docs/errors.md)
 * and say whether retrying can help. Expected outcomes (a validation report, an agent's
 * exit code) are values, not errors; a TandemError means an I/O failure or bad input that
 * stops a command.
 */

export class TandemError extends Error {
  override readonly name = "TandemError";
  constructor(
    readonly code: string,
    message: string,
    readonly options: { retryable?: boolean; details?: Readonly<Record<string, unknown>>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}

export function isTandemError(value: unknown): value is TandemError {
  return value instanceof TandemError;
}

/** The message of anything thrown, for logs and CLI output. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
