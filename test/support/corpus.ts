/**
 * Where Pacemaker's scheduler corpus is: $TANDEM_CORPUS, else ../shared beside the
 * checkout (as on developer machines and in CI). Tests that need it fail loudly when it is
 * missing rather than skipping, so a green run always means the corpus was checked.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export function corpusDir(): string {
  const candidates = [
    process.env["TANDEM_CORPUS"],
    resolve(process.cwd(), "../shared/pacemaker-scheduler-corpus"),
  ].filter((c): c is string => c !== undefined && c.length > 0);
  for (const c of candidates) if (existsSync(join(c, "tiers.json"))) return c;
  throw new Error(`Pacemaker scheduler corpus not found (tried ${candidates.join(", ")}); set TANDEM_CORPUS`);
}

export interface CorpusTiers {
  tier1: string[];
  tier2: string[];
  tier3: string[];
  tier4: string[];
  cts_args: Record<string, string[]>;
}

export function corpusTiers(): CorpusTiers {
  return JSON.parse(readFileSync(join(corpusDir(), "tiers.json"), "utf8")) as CorpusTiers;
}

/** Case names of tiers 1–4 (the ones whose files are in cases/). */
export function corpusCases(maxTier = 4): string[] {
  const t = corpusTiers();
  return [t.tier1, t.tier2, t.tier3, t.tier4].slice(0, maxTier).flat();
}

export function corpusCaseFile(name: string, ext: "xml" | "summary" | "scores" | "expected.json"): string {
  return join(corpusDir(), "cases", `${name}.${ext}`);
}
