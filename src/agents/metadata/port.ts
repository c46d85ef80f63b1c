/**
 * The one piece of I/O metadata needs: reading installed OCF agents. The CLI uses the
 * script runner below; unit tests pass an in-memory fake.
 */

import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type ScriptResult = { ok: true; xml: string } | { ok: false; reason: string };

export interface AgentScripts {
  /** The `meta-data` output of the installed OCF agent PROVIDER/TYPE, or why there is none. */
  ocfMetadata(provider: string, type: string): Promise<ScriptResult>;
  /** Installed OCF agents (for short names such as `IPaddr2`). */
  listOcfAgents(): Promise<{ provider: string; type: string }[]>;
}

export const DEFAULT_OCF_ROOT = "/usr/lib/ocf";
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** Runs real agent scripts under OCF_ROOT/resource.d with a timeout. */
export class OcfScriptRunner implements AgentScripts {
  constructor(
    readonly ocfRoot = DEFAULT_OCF_ROOT,
    readonly timeoutMs = 5000,
  ) {}

  ocfMetadata(provider: string, type: string): Promise<ScriptResult> {
    // Names come from the command line: never let them walk out of resource.d.
    if (!SAFE_NAME.test(provider) || !SAFE_NAME.test(type)) {
      return Promise.resolve({ ok: false, reason: "invalid provider or type name" });
    }
    const script = join(this.ocfRoot, "resource.d", provider, type);
    if (!existsSync(script)) return Promise.resolve({ ok: false, reason: `${script} does not exist` });
    return new Promise((resolve) => {
      execFile(
        script,
        ["meta-data"],
        {
          timeout: this.timeoutMs,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, OCF_ROOT: this.ocfRoot, OCF_RESOURCE_TYPE: type, OCF_RA_VERSION_MAJOR: "1", OCF_RA_VERSION_MINOR: "1" },
        },
        (err, stdout) => {
          if (err !== null) {
            const timedOut = err.killed === true;
            resolve({ ok: false, reason: timedOut ? `${script} meta-data timed out after ${this.timeoutMs} ms` : `${script} meta-data failed: ${err.message.trim()}` });
            return;
          }
          resolve({ ok: true, xml: stdout });
        },
      );
    });
  }

  listOcfAgents(): Promise<{ provider: string; type: string }[]> {
    const base = join(this.ocfRoot, "resource.d");
    const out: { provider: string; type: string }[] = [];
    if (!existsSync(base)) return Promise.resolve(out);
    for (const provider of readdirSync(base).sort()) {
      const dir = join(base, provider);
      if (!statSync(dir).isDirectory()) continue;
      for (const type of readdirSync(dir).sort()) {
        const path = join(dir, type);
        if (type.startsWith(".") || !statSync(path).isFile() || (statSync(path).mode & 0o111) === 0) continue;
        out.push({ provider, type });
      }
    }
    return Promise.resolve(out);
  }
}
