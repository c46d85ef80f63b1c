/**
 * The logging port: fixed sentences with data in fields (STYLE.md). pino is not
 * installed, so the daemon's adapter (daemon/logger.ts) writes pino-compatible JSON lines.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Collects lines (unit tests) or drops them. */
export class MemoryLogger implements Logger {
  readonly lines: { level: "info" | "warn" | "error"; msg: string; fields: LogFields }[] = [];
  info(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "info", msg, fields });
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "warn", msg, fields });
  }
  error(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "error", msg, fields });
  }
}
