/**
 * The command groups `tandem` knows. Each group module registers a handler for its first
 * word (resource, constraint, property, …); the handler parses the rest.
 */

import type { CommandHandler } from "./context.js";

export interface CommandGroup {
  name: string;
  /** One line for `tandem --help`. */
  summary: string;
  /** Full usage text for `tandem NAME --help` and usage errors. */
  usage: string;
  run: CommandHandler;
  /** Alternative first words (pcs accepts e.g. `constraints`? no: only for our own aliases). */
  aliases?: string[];
}

const groups: CommandGroup[] = [];

export function registerGroup(group: CommandGroup): void {
  groups.push(group);
}

export function findGroup(word: string): CommandGroup | undefined {
  return groups.find((g) => g.name === word || (g.aliases ?? []).includes(word));
}

export function allGroups(): readonly CommandGroup[] {
  return groups;
}
