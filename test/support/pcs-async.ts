/**
 * pcs runs mostly wait (Python start-up, crm_* helpers), so running several sequences'
 * pcs sides at the same time saves most of the wall time. This runs one sequence's pcs
 * side with asynchronous child processes in its own temp folder; pcs.ts's compare
 * helpers (cibDifferences, withoutCodes, runTandemSteps) do the rest.
 */

import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultPcsExtraArgs, type RunResult, type SideResult } from "./pcs.js";

function runPcsAsync(argv: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "pcs",
      [...argv],
      { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" } },
      (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== "number") {
          reject(new Error(`pcs could not be run: ${err.message}`));
          return;
        }
        resolve({ argv: [...argv], stdout, stderr, code: err === null ? 0 : (err.code as number) });
      },
    );
  });
}

/** Runs `steps` (argv after `pcs`; `-f cib.xml` added when a step has no -f) with pcs. */
export async function runPcsSteps(steps: readonly (readonly string[])[], seed: Readonly<Record<string, string>> = {}): Promise<SideResult> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-pcs-async-"));
  try {
    for (const [name, content] of Object.entries(seed)) writeFileSync(join(dir, name), content);
    const runs: RunResult[] = [];
    for (const step of steps) {
      const argv = step.includes("-f") ? [...step] : ["-f", "cib.xml", ...step];
      runs.push(await runPcsAsync([...argv, ...defaultPcsExtraArgs(argv)], dir));
    }
    const files = new Map<string, string>();
    for (const name of readdirSync(dir).sort()) if (!name.startsWith(".")) files.set(name, readFileSync(join(dir, name), "utf8"));
    return { runs, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
