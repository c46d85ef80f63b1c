/** pino-compatible JSON lines (level numbers, time, msg, fields) without the dependency. */
import { appendFileSync } from "node:fs";
import type { LogFields, Logger } from "../controller/index.js";

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export class JsonLogger implements Logger {
  constructor(
    private readonly base: LogFields,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  static toFile(path: string, base: LogFields): JsonLogger {
    return new JsonLogger(base, (line) => appendFileSync(path, line));
  }

  private line(level: keyof typeof LEVELS, msg: string, fields: LogFields): void {
    try {
      this.write(JSON.stringify({ level: LEVELS[level], time: Date.now(), ...this.base, msg, ...fields }) + "\n");
    } catch {
      /* logging must never take the daemon down */
    }
  }

  info(msg: string, fields: LogFields = {}): void {
    this.line("info", msg, fields);
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.line("warn", msg, fields);
  }
  error(msg: string, fields: LogFields = {}): void {
    this.line("error", msg, fields);
  }
}
