/**
 * `tandem`: the pcs-compatible command line. Parses global options, picks the command
 * group, and turns every failure into a message and a non-zero exit: never a stack trace
 * (unless --debug).
 */

import { describeError, isTandemError } from "../core/index.js";
import { ArgvError, parseArgv } from "./argv.js";
import { FileCibSource, type CibSource } from "./cib-source.js";
import { UsageError, type CommandContext } from "./context.js";
import { processOutput, type Output } from "./io.js";
import { allGroups, findGroup } from "./registry.js";
import "./commands/index.js";

function mainUsage(): string {
  const lines = ["Usage: tandem [-f file] [-h] [--force] [--debug] [--output-format=text|json] command ...", "", "Commands:"];
  for (const g of allGroups()) lines.push(`    ${g.name.padEnd(12)}${g.summary}`);
  return lines.join("\n") + "\n";
}

/** The live cluster source is provided by the runtime; until then commands need -f. */
export type LiveSourceFactory = () => CibSource;

let liveSource: LiveSourceFactory | undefined;

export function setLiveSourceFactory(factory: LiveSourceFactory): void {
  liveSource = factory;
}

class NoLiveCluster implements CibSource {
  readonly description = "the live cluster";
  load(): never {
    throw new ArgvError("no live cluster is configured on this host; use -f FILE to work on a CIB file");
  }
  save(): never {
    return this.load();
  }
}

/**
 * Negative numbers (scores such as -100 or -INFINITY) given as plain arguments: pcs 0.11
 * accepts them but warns that a later version will want them after `--`.
 */
function negativeNumberArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    const prev = i > 0 ? (argv[i - 1] as string) : "";
    if (prev === "-f" || /^--(group|before|after|name|node|lifetime|request-timeout|output-format|config-file|id)$/.test(prev)) continue;
    const rest = arg.slice(1);
    const isNum = /^[0-9]+$/.test(rest) || rest.toLowerCase() === "infinity" || (rest !== "" && Number.isFinite(Number(arg)) && /^-[0-9.eE+-]+$/.test(arg));
    if (arg.startsWith("-") && isNum) out.push(arg);
  }
  return out;
}

export async function runCli(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let debug = argv.includes("--debug");
  try {
    const { positional, options } = parseArgv(argv);
    const negatives = negativeNumberArgs(argv);
    if (negatives.length > 0) {
      output.err(
        `Deprecation Warning: Using '${negatives.join("', '")}' without '--' is deprecated, those parameters will be considered position independent options in future pcs versions\n`,
      );
    }
    debug = options.debug;
    const [word, ...rest] = positional;
    if (word === undefined || word === "help") {
      output.out(mainUsage());
      return word === undefined && !options.flags.has("help") ? 1 : 0;
    }
    const group = findGroup(word);
    if (group === undefined) {
      output.err(`Error: Unknown command '${word}' [CLI_UNKNOWN_COMMAND]\n` + mainUsage());
      return 1;
    }
    if (options.flags.has("help")) {
      output.out(group.usage);
      return 0;
    }
    const cib: CibSource =
      options.file !== undefined ? new FileCibSource(options.file) : (liveSource?.() ?? new NoLiveCluster());
    const ctx: CommandContext = { options, cib, output };
    return await group.run(ctx, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      output.err(`Error: ${err.message} [CLI_USAGE]\n\n${err.usage}`);
      return 1;
    }
    if (err instanceof ArgvError) {
      output.err(`Error: ${err.message} [CLI_USAGE]\n`);
      return 1;
    }
    if (isTandemError(err)) {
      output.err(`Error: ${err.message} [${err.code}]\n`);
      if (debug && err.stack !== undefined) output.err(err.stack + "\n");
      return 1;
    }
    output.err(`Error: internal error: ${describeError(err)} [INTERNAL]\n`);
    if (debug && err instanceof Error && err.stack !== undefined) output.err(err.stack + "\n");
    return 1;
  }
}
