/**
 * Command-line parsing shared by the resource commands, as pcs parses it:
 * `group_by_keywords`, `prepare_options` (name=value with pcs's messages) and operation
 * lists (`op monitor interval=30s start timeout=60s`).
 */

import { TandemError } from "../../core/index.js";

/** A command-line mistake pcs reports without usage (CmdLineInputError with a message). */
export function inputError(message: string): TandemError {
  return new TandemError("CLI_USAGE", message);
}

export type Pairs = [string, string][];

export function splitOption(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  if (eq < 0) throw inputError(`missing value of '${arg}' option`);
  if (eq === 0) throw inputError(`missing key in '${arg}' option`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** pcs's prepare_options: name=value pairs; a name repeated with another value is an error. */
export function prepareOptions(args: readonly string[]): Pairs {
  const map = new Map<string, string>();
  for (const arg of args) {
    const [name, value] = splitOption(arg);
    const existing = map.get(name);
    if (existing === undefined) map.set(name, value);
    else if (existing !== value) throw inputError(`duplicate option '${name}' with different values '${existing}' and '${value}'`);
  }
  return [...map.entries()];
}

export interface KeywordGroups {
  /** Arguments before the first keyword. */
  options: string[];
  /** Each keyword found, with its arguments; `op` may repeat (one list per occurrence). */
  groups: Map<string, string[][]>;
}

/** pcs's group_by_keywords with only_found_keywords (repeated keywords accumulate). */
export function groupByKeywords(args: readonly string[], keywords: readonly string[], repeated: readonly string[] = ["op"]): KeywordGroups {
  const out: KeywordGroups = { options: [], groups: new Map() };
  let current: string[] = out.options;
  for (const arg of args) {
    if (keywords.includes(arg)) {
      const lists = out.groups.get(arg) ?? [];
      if (lists.length === 0 || repeated.includes(arg)) lists.push([]);
      out.groups.set(arg, lists);
      current = lists[lists.length - 1] as string[];
      continue;
    }
    current.push(arg);
  }
  return out;
}

export function flat(groups: KeywordGroups, keyword: string): string[] | undefined {
  const lists = groups.groups.get(keyword);
  return lists === undefined ? undefined : lists.flat();
}

/** pcs's build_operations: `op NAME k=v… [NAME k=v…]…` into option lists with `name` first. */
export function buildOperations(opGroups: readonly (readonly string[])[]): Pairs[] {
  const ops: string[][] = [];
  for (const group of opGroups) {
    if (group.length === 0) throw inputError("When using 'op' you must specify an operation name and at least one option");
    if ((group[0] as string).includes("=")) throw inputError("When using 'op' you must specify an operation name after 'op'");
    for (const arg of group) {
      if (!arg.includes("=")) ops.push([`name=${arg}`]);
      else ops[ops.length - 1]?.push(arg);
    }
  }
  if (ops.some((op) => op.length < 2)) throw inputError("When using 'op' you must specify an operation name and at least one option");
  return ops.map((op) => prepareOptions(op));
}
