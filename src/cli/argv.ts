/**
 * Splits a pcs-style command line into positional arguments and options. As pcs does,
 * options may appear anywhere; `-INFINITY` and negative numbers are positional (scores);
 * `--` ends option parsing.
 */

import type { GlobalOptions, OutputFormat } from "./context.js";

/** Long options that take a value (`--name value` or `--name=value`). */
const VALUE_OPTIONS = new Set([
  "group",
  "before",
  "after",
  "output-format",
  "name",
  "lifetime",
  "request-timeout",
  "etcd",
  "node",
  "date",
  "config-file",
  "id",
  "nodes",
  "subnet",
  "xml-file",
]);

/**
 * crm_simulate's short options for `simulate` and `explain` (pcs has none of these), as
 * their long forms: -x FILE (--xml-file), -s (--show-scores), -t DATE (--date).
 */
const SHORT_VALUE_OPTIONS: Readonly<Record<string, string>> = { x: "xml-file", t: "date" };
const SHORT_FLAG_OPTIONS: Readonly<Record<string, string>> = { s: "show-scores" };

/** Long options whose value is optional and only given with '=' (`--wait`, `--wait=30`). */
const OPTIONAL_VALUE_OPTIONS = new Set(["wait"]);

export class ArgvError extends Error {}

export interface ParsedArgv {
  positional: string[];
  options: GlobalOptions;
}

function isScoreLike(arg: string): boolean {
  return /^-(\d+|INFINITY|inf)$/i.test(arg);
}

export function parseArgv(argv: readonly string[]): ParsedArgv {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-f") {
      const value = argv[i + 1];
      if (value === undefined) throw new ArgvError("option -f requires a file name");
      file = value;
      i++;
      continue;
    }
    if (arg.startsWith("-f") && arg.length > 2 && !arg.startsWith("--")) {
      file = arg.slice(2);
      continue;
    }
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) {
        flags.set(name, arg.slice(eq + 1));
      } else if (VALUE_OPTIONS.has(name)) {
        const value = argv[i + 1];
        if (value === undefined) throw new ArgvError(`option --${name} requires a value`);
        flags.set(name, value);
        i++;
      } else {
        flags.set(name, true);
      }
      continue;
    }
    if (arg === "-h") {
      flags.set("help", true);
      continue;
    }
    const shortValue = arg.length >= 2 && arg[0] === "-" ? SHORT_VALUE_OPTIONS[arg.charAt(1)] : undefined;
    if (shortValue !== undefined) {
      if (arg.length > 2) {
        flags.set(shortValue, arg.slice(2));
        continue;
      }
      const value = argv[i + 1];
      if (value === undefined) throw new ArgvError(`option ${arg} requires a value`);
      flags.set(shortValue, value);
      i++;
      continue;
    }
    const shortFlag = arg.length === 2 && arg[0] === "-" ? SHORT_FLAG_OPTIONS[arg.charAt(1)] : undefined;
    if (shortFlag !== undefined) {
      flags.set(shortFlag, true);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1 && !isScoreLike(arg)) {
      throw new ArgvError(`unknown option '${arg}'`);
    }
    positional.push(arg);
  }

  const take = (name: string): string | true | undefined => {
    const v = flags.get(name);
    flags.delete(name);
    return v;
  };
  const force = take("force") !== undefined;
  const full = take("full") !== undefined;
  const debug = take("debug") !== undefined;
  const formatValue = take("output-format");
  let outputFormat: OutputFormat = "text";
  if (formatValue !== undefined) {
    if (formatValue !== "text" && formatValue !== "json" && formatValue !== "cmd") {
      throw new ArgvError(`Unknown value '${String(formatValue)}' for '--output-format' option, supported values are: 'cmd', 'json', 'text'`);
    }
    outputFormat = formatValue;
  }
  const waitValue = take("wait");
  let wait: number | null | undefined;
  if (waitValue === true) wait = null;
  else if (waitValue !== undefined) {
    if (!/^\d+$/.test(waitValue)) throw new ArgvError(`'${waitValue}' is not a valid number of seconds to wait`);
    wait = Number.parseInt(waitValue, 10);
  }
  for (const name of OPTIONAL_VALUE_OPTIONS) flags.delete(name);
  const options: GlobalOptions = { force, full, debug, outputFormat, flags };
  if (file !== undefined) options.file = file;
  if (wait !== undefined) options.wait = wait;
  return { positional, options };
}
