/** User= and Group= resolved through /etc/passwd and /etc/group (no NSS: enough for system accounts). */
import { readFileSync } from "node:fs";

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

function readTable(path: string): string[][] {
  try {
    return readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0 && !l.startsWith("#")).map((l) => l.split(":"));
  } catch {
    return [];
  }
}

export function lookupUser(nameOrId: string, passwdPath = "/etc/passwd"): Account | undefined {
  for (const f of readTable(passwdPath)) {
    if (f[0] === nameOrId || f[2] === nameOrId) {
      return { name: f[0] ?? "", uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "/", shell: f[6] ?? "/bin/sh" };
    }
  }
  return undefined;
}

export function lookupGroup(nameOrId: string, groupPath = "/etc/group"): number | undefined {
  for (const f of readTable(groupPath)) {
    if (f[0] === nameOrId || f[2] === nameOrId) return Number(f[2]);
  }
  return undefined;
}
