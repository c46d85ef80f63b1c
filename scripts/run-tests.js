#!/usr/bin/env node
// Runs the compiled node:test files of one tier (unit, golden, property, integration, e2e)
// or of all tiers. Node 20's --test takes no globs, so the files are found here.
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const TIERS = ["unit", "golden", "property", "integration", "e2e"];
const wanted = process.argv[2] ?? "all";
const tiers = wanted === "all" ? TIERS : wanted.split(",");
for (const t of tiers) {
  if (!TIERS.includes(t)) {
    console.error(`unknown test tier '${t}'; valid: ${TIERS.join(", ")}, all`);
    process.exit(2);
  }
}

function collect(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const files = tiers.flatMap((t) => collect(join("dist", "test", t), []));
if (files.length === 0) {
  console.error(`no test files for tier(s) ${tiers.join(", ")}`);
  process.exit(1);
}
// Integration and e2e tests own real processes and namespaces: run their files one at a time.
const serial = tiers.some((t) => t === "integration" || t === "e2e");
const args = ["--test", "--test-reporter=spec", ...(serial ? ["--test-concurrency=1"] : []), ...files];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
