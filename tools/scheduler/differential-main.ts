/**
 * `npm run differential -- [--count N] [--seed S] [--jobs J] [--save DIR] [--json FILE]`
 * or `npm run differential -- --minimize SEED [--save DIR]` (shrink one mismatch):
 * compares schedule() with Debian's crm_simulate on N seeded random CIBs, prints the
 * identical-placement-and-actions percentage and saves each mismatching CIB (with the two
 * results) to DIR (default dist/differential-mismatches).
 */

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { schedule } from "../../src/scheduler/index.js";
import { generateDifferentialCib } from "../../src/scheduler/testing/index.js";
import { formatDifferential, minimize, runDifferential, summarize } from "./index.js";

/** `--minimize SEED`: shrink one mismatching seed's CIB and save it as a golden case. */
async function minimizeSeed(seed: number, save: string): Promise<number> {
  const xml = generateDifferentialCib(seed);
  const result = await minimize(xml, oracleScript(), schedule);
  if (result === undefined) {
    process.stdout.write(`seed ${seed}: tandem and crm_simulate agree (or crm_simulate fails); nothing to minimize\n`);
    return 0;
  }
  mkdirSync(save, { recursive: true });
  const base = join(save, `seed-${seed}.min`);
  writeFileSync(`${base}.xml`, result.xml);
  writeFileSync(`${base}.expected.json`, JSON.stringify(result.oracle, null, 1) + "\n");
  writeFileSync(`${base}.txt`, result.diffs.join("\n") + "\n");
  process.stdout.write(
    `seed ${seed}: ${xml.length} -> ${result.xml.length} bytes after ${result.removed} removals in ${result.trials} trials; still differs:\n` +
      result.diffs.map((d) => `  ${d}`).join("\n") +
      `\nsaved ${base}.xml, .expected.json (crm_simulate's result), .txt\n`,
  );
  return 0;
}

function oracleScript(): string {
  const candidates = [process.env["TANDEM_CORPUS"], resolve(process.cwd(), "../shared/pacemaker-scheduler-corpus"), "/work/shared/pacemaker-scheduler-corpus"];
  for (const c of candidates) if (c !== undefined && c.length > 0 && existsSync(join(c, "oracle", "oracle.py"))) return join(c, "oracle", "oracle.py");
  throw new Error("oracle/oracle.py of the Pacemaker scheduler corpus not found; set TANDEM_CORPUS");
}

async function main(argv: string[]): Promise<number> {
  let count = 200;
  let seed = 1;
  let jobs = 2;
  let save = "dist/differential-mismatches";
  let json = "dist/differential-result.json";
  let minimizeSeedArg: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === "--count") count = Number.parseInt(v(), 10);
    else if (a === "--seed") seed = Number.parseInt(v(), 10);
    else if (a === "--jobs") jobs = Number.parseInt(v(), 10);
    else if (a === "--save") save = v();
    else if (a === "--json") json = v();
    else if (a === "--minimize") minimizeSeedArg = Number.parseInt(v(), 10);
    else {
      process.stderr.write(`differential: unknown argument '${a}'\n`);
      return 2;
    }
  }
  if (!(count > 0) || !Number.isFinite(seed) || !(jobs > 0)) {
    process.stderr.write("differential: --count and --jobs must be positive, --seed a number\n");
    return 2;
  }
  if (minimizeSeedArg !== undefined) return minimizeSeed(minimizeSeedArg, save);
  const started = performance.now();
  let done = 0;
  const results = await runDifferential({
    count,
    firstSeed: seed,
    jobs,
    oracleScript: oracleScript(),
    schedule,
    saveDir: save,
    onResult: () => {
      done++;
      if (process.stderr.isTTY && done % 20 === 0) process.stderr.write(`\r${done}/${count}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\r");
  const summary = summarize(results);
  process.stdout.write(formatDifferential(summary, results));
  process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s; mismatching CIBs in ${save})\n`);
  mkdirSync(dirname(json), { recursive: true });
  writeFileSync(json, JSON.stringify({ firstSeed: seed, summary, results }, null, 1) + "\n");
  return 0;
}

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`differential: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
