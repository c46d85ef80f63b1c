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

export async function runCli(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let debug = argv.includes("--debug");
  try {
    const { positional, options } = parseArgv(argv);
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
