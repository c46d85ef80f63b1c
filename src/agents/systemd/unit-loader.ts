/**
 * Finds a service's unit file and drop-ins in systemd's search path (highest priority
 * first) and folds them into a ServiceUnit.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TandemError } from "../../core/index.js";
import { buildServiceUnit, parseUnitText } from "./unit-file.js";
import type { ServiceUnit, UnitEntries } from "./unit-file.js";

export const DEFAULT_UNIT_DIRS: readonly string[] = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/lib/systemd/system",
  "/usr/lib/systemd/system",
];

/** `haproxy` → `haproxy.service`; names with a known suffix are kept. */
export function serviceUnitName(name: string): string {
  return /\.(service|socket|target|timer|mount|path)$/.test(name) ? name : `${name}.service`;
}

/** For `getty@tty1.service`, the template `getty@.service` and the instance `tty1`. */
export function templateOf(unitName: string): { template: string; instance: string } | undefined {
  const m = /^([^@]+)@([^.]+)\.(\w+)$/.exec(unitName);
  if (m === null || (m[2] ?? "").length === 0) return undefined;
  return { template: `${m[1] ?? ""}@.${m[3] ?? ""}`, instance: m[2] ?? "" };
}

/** Locates the unit file without reading it; undefined when none exists. */
export function findUnitFile(unitName: string, dirs: readonly string[]): string | undefined {
  const names = [unitName];
  const tpl = templateOf(unitName);
  if (tpl !== undefined) names.push(tpl.template);
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

/** Drop-in files (`<unit>.d/*.conf`): a name in a higher-priority dir masks the same name lower down; applied in name order. */
export function findDropIns(unitName: string, dirs: readonly string[]): string[] {
  const byName = new Map<string, string>();
  const names = [unitName];
  const tpl = templateOf(unitName);
  if (tpl !== undefined) names.unshift(tpl.template);
  for (const name of names) {
    for (const dir of dirs) {
      const d = join(dir, `${name}.d`);
      let entries: string[];
      try {
        entries = readdirSync(d);
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.endsWith(".conf") && !byName.has(e)) byName.set(e, join(d, e));
      }
    }
  }
  return [...byName.keys()].sort().map((k) => byName.get(k) ?? "");
}

export function loadServiceUnit(name: string, dirs: readonly string[]): ServiceUnit {
  const unitName = serviceUnitName(name);
  const path = findUnitFile(unitName, dirs);
  if (path === undefined) {
    throw new TandemError("AGENT_NOT_FOUND", `systemd unit '${unitName}' not found in ${dirs.join(", ")}`);
  }
  const dropIns = findDropIns(unitName, dirs);
  const files: UnitEntries[] = [];
  for (const file of [path, ...dropIns]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new TandemError("AGENT_UNIT_INVALID", `cannot read unit file ${file}`, { cause: err });
    }
    files.push(parseUnitText(text, file));
  }
  return buildServiceUnit(unitName, path, dropIns, files);
}
