/**
 * What every command handler gets: its arguments (after the command words), the global
 * options, where the CIB is, and where to print.
 */

import type { CibSource } from "./cib-source.js";
import type { Output } from "./io.js";
import { renderReport, type Report } from "./reports.js";

export type OutputFormat = "text" | "json" | "cmd";

export interface GlobalOptions {
  /** -f FILE */
  file?: string;
  force: boolean;
  full: boolean;
  debug: boolean;
  outputFormat: OutputFormat;
  /** --wait[=SECONDS]: undefined when not given, null for --wait without a value. */
  wait?: number | null;
  /** Every other --name[=value] option, for the command to interpret. */
  flags: Map<string, string | true>;
}

export interface CommandContext {
  readonly options: GlobalOptions;
  readonly cib: CibSource;
  readonly output: Output;
}

/** Thrown by handlers for wrong command lines; main prints the message and the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export type CommandHandler = (ctx: CommandContext, args: string[]) => Promise<number>;

/** Prints reports to stderr (errors, warnings) or stdout (info), as pcs does. */
export function printReports(ctx: CommandContext, reports: readonly Report[]): void {
  for (const report of reports) {
    const line = renderReport(report) + "\n";
    if (report.severity === "info") ctx.output.out(line);
    else ctx.output.err(line);
  }
}

/** Options a command accepts besides the global ones; anything else is a usage error. */
export function checkFlags(ctx: CommandContext, allowed: readonly string[], usage: string): void {
  for (const name of ctx.options.flags.keys()) {
    if (!allowed.includes(name)) {
      throw new UsageError(`Specified option '--${name}' is not supported in this command`, usage);
    }
  }
}
