/**
 * The pcs comparison harness: runs the same command sequence with the real `pcs` 0.11.5
 * (`pcs -f FILE …`, a child process) and with Tandem's `runCli` (in process), each in its
 * own temp folder, and returns what both printed, their exit codes and the files they
 * wrote. `cibDifferences` then says how two CIBs differ in what matters (resources,
 * attributes, operations, constraints), so tests can assert equivalence with pcs.
 *
 * Steps are argv arrays as typed after `pcs`/`tandem`. A step without `-f` works on
 * `cib.xml` (`-f cib.xml` is prepended). Relative file names are relative to the side's
 * temp folder: pcs runs with that folder as its cwd, and Tandem's run temporarily
 * changes the process's cwd to it (steps run one at a time, so this is safe).
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BufferedOutput, runCli } from "../../src/cli/index.js";
import { parseXml, type XmlElement } from "../../src/xml/index.js";

export interface RunResult {
  argv: string[];
  stdout: string;
  stderr: string;
  code: number;
}

export interface SideResult {
  runs: RunResult[];
  /** Every file in the side's folder after the last step, by name (hidden files excluded). */
  files: Map<string, string>;
}

export interface CompareOptions {
  /** Files to create in both folders before the first step (name → content). */
  seed?: Readonly<Record<string, string>>;
  /**
   * Extra arguments for the pcs side only. By default `--force` is added to steps that
   * name a `systemd:`/`service:` agent: this machine has no systemd, so pcs cannot read
   * those agents' metadata and refuses them without --force (Tandem accepts them).
   */
  pcsExtraArgs?: (argv: readonly string[]) => string[];
  /** Keep the temp folders (for debugging); they are removed otherwise. */
  keep?: boolean;
}

export interface Comparison {
  pcs: SideResult;
  tandem: SideResult;
}

function withFile(argv: readonly string[]): string[] {
  return argv.includes("-f") ? [...argv] : ["-f", "cib.xml", ...argv];
}

export function defaultPcsExtraArgs(argv: readonly string[]): string[] {
  const needsForce = argv.some((a) => /^(systemd|service):/.test(a)) && !argv.includes("--force");
  return needsForce ? ["--force"] : [];
}

function readFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    files.set(name, readFileSync(join(dir, name), "utf8"));
  }
  return files;
}

function seedFolder(dir: string, seed: Readonly<Record<string, string>> | undefined): void {
  for (const [name, content] of Object.entries(seed ?? {})) writeFileSync(join(dir, name), content);
}

/** Runs `pcs ARGV` in `cwd` (LC_ALL=C so its messages are stable). */
export function runPcs(argv: readonly string[], cwd: string): RunResult {
  const result = spawnSync("pcs", argv, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" },
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { argv: [...argv], stdout: result.stdout, stderr: result.stderr, code: result.status ?? -1 };
}

/** Runs Tandem's CLI in process with `cwd` as the working folder. */
export async function runTandem(argv: readonly string[], cwd: string): Promise<RunResult> {
  const previous = process.cwd();
  const output = new BufferedOutput();
  process.chdir(cwd);
  try {
    const code = await runCli(argv, output);
    return { argv: [...argv], stdout: output.stdout, stderr: output.stderr, code };
  } finally {
    process.chdir(previous);
  }
}

/** Runs only Tandem's side of a sequence (for tests that need no pcs run). */
export async function runTandemSteps(
  steps: readonly (readonly string[])[],
  options: Pick<CompareOptions, "seed" | "keep"> = {},
): Promise<SideResult> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-cli-"));
  try {
    seedFolder(dir, options.seed);
    const runs: RunResult[] = [];
    for (const step of steps) runs.push(await runTandem(withFile(step), dir));
    return { runs, files: readFolder(dir) };
  } finally {
    if (options.keep !== true) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the steps with pcs and with Tandem, each side in its own temp folder. */
export async function compareWithPcs(steps: readonly (readonly string[])[], options: CompareOptions = {}): Promise<Comparison> {
  const extra = options.pcsExtraArgs ?? defaultPcsExtraArgs;
  const pcsDir = mkdtempSync(join(tmpdir(), "tandem-pcs-"));
  try {
    seedFolder(pcsDir, options.seed);
    const runs: RunResult[] = [];
    for (const step of steps) {
      const argv = withFile(step);
      runs.push(runPcs([...argv, ...extra(argv)], pcsDir));
    }
    const pcs: SideResult = { runs, files: readFolder(pcsDir) };
    const tandem = await runTandemSteps(steps, options);
    return { pcs, tandem };
  } finally {
    if (options.keep !== true) rmSync(pcsDir, { recursive: true, force: true });
  }
}

/** Whether pcs is installed (tests that compare with it fail loudly when it is not). */
export function pcsAvailable(): boolean {
  return spawnSync("pcs", ["--version"], { encoding: "utf8" }).status === 0;
}

// ---- CIB equivalence ----

export interface EquivalenceOptions {
  /**
   * Ignore `id` attributes of elements with these names (where pcs's ids are arbitrary).
   * Ids that a listing prints (resources, constraints, nvsets, ops) should not be ignored.
   */
  ignoreIdsOf?: readonly string[];
  /**
   * Compare `epoch`. Off by default: pcs -f bumps the epoch once per cibadmin call it
   * makes, so the count says how many pushes pcs's implementation needed for a command,
   * not how many configuration changes there were. Tandem bumps it once per command;
   * tests check that separately.
   */
  compareEpoch?: boolean;
}

/** `<cib>` attributes the CIB manager maintains; never part of the configuration. */
const VOLATILE_CIB_ATTRS = new Set(["num_updates", "cib-last-written", "update-origin", "update-client", "update-user", "crm_feature_set", "have-quorum", "dc-uuid", "execution-date"]);

function describe(el: XmlElement): string {
  const id = el.attrs["id"];
  return id === undefined ? el.name : `${el.name}#${id}`;
}

function compareElements(a: XmlElement, b: XmlElement, path: string, opts: EquivalenceOptions, out: string[]): void {
  if (a.name !== b.name) {
    out.push(`${path}: element <${a.name}> vs <${b.name}>`);
    return;
  }
  const skip = (name: string): boolean =>
    (a.name === "cib" && (VOLATILE_CIB_ATTRS.has(name) || (name === "epoch" && opts.compareEpoch !== true))) ||
    (name === "id" && (opts.ignoreIdsOf ?? []).includes(a.name));
  const names = new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)]);
  for (const name of [...names].sort()) {
    if (skip(name)) continue;
    const va = a.attrs[name];
    const vb = b.attrs[name];
    if (va !== vb) out.push(`${path}: @${name} ${JSON.stringify(va)} vs ${JSON.stringify(vb)}`);
  }
  const ca = a.children.filter((c): c is XmlElement => c.kind === "element");
  const cb = b.children.filter((c): c is XmlElement => c.kind === "element");
  const n = Math.max(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === undefined) out.push(`${path}: missing in first: <${describe(y as XmlElement)}>`);
    else if (y === undefined) out.push(`${path}: missing in second: <${describe(x)}>`);
    else compareElements(x, y, `${path}/${describe(x)}`, opts, out);
  }
}

/**
 * How CIB `a` differs from CIB `b` (empty when equivalent): elements in order, attributes
 * regardless of their order, whitespace and comments ignored, the CIB manager's volatile
 * counters ignored (see EquivalenceOptions for epoch).
 */
export function cibDifferences(a: string, b: string, opts: EquivalenceOptions = {}): string[] {
  const out: string[] = [];
  compareElements(parseXml(a).root, parseXml(b).root, "", opts, out);
  return out;
}

/** The epoch of a CIB text (for tests that check it increases). */
export function cibEpoch(text: string): number {
  return Number.parseInt(parseXml(text).root.attrs["epoch"] ?? "NaN", 10);
}

export function fileOrUndefined(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/**
 * Removes Tandem's stable error codes (` [CODE]` at the end of a line) so a message can be
 * compared with pcs's own text.
 */
export function withoutCodes(text: string): string {
  return text.replace(/ \[[A-Z][A-Z0-9_]*\]$/gm, "");
}
