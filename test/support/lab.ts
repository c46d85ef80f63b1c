/**
 * Helpers for tests that build real labs: unique lab names (PID + counter, so parallel runs
 * never collide), the CLI run in-process, and a clean-up to register with t.after.
 */
import type { TestContext } from "node:test";
import { BufferedOutput, runCli } from "../../src/cli/index.js";
import { labDown, listNetns, labPrefix, runInHost } from "../../src/lab/index.js";

let counter = 0;

/** A lab name unique to this process and call: letters and digits, at most 16 characters. */
export function uniqueLabName(tag: string): string {
  counter++;
  return `${tag.slice(0, 4)}${process.pid % 1_000_000}x${counter}`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  const output = new BufferedOutput();
  const code = await runCli(argv, output);
  return { code, stdout: output.stdout, stderr: output.stderr };
}

/** Tears the lab down after the test, pass or fail. */
export function removeLabAfter(t: TestContext, name: string): void {
  t.after(async () => {
    await labDown(name);
  });
}

export async function labNetns(name: string): Promise<string[]> {
  return (await listNetns()).filter((n) => n.startsWith(labPrefix(name)));
}

/** Runs a command in a lab host; fails the test when it exits non-zero. */
export async function inHost(lab: string, host: string, command: string[]): Promise<string> {
  const result = await runInHost(lab, host, command);
  if (result.code !== 0) throw new Error(`${host}: '${command.join(" ")}' exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A one-line HTTP server answering `body` on address:port, for `node -e`. */
export function helloServerScript(address: string, port: number, body: string): string {
  return `require("http").createServer((q, s) => { s.setHeader("Connection", "close"); s.end(${JSON.stringify(body + "\n")}); }).listen(${port}, ${JSON.stringify(address)});`;
}

/** The built-in IPaddr2 run as an OCF script inside a lab node; resolves with its exit code. */
export async function ipaddr2(lab: string, host: string, action: string, params: Record<string, string>): Promise<number> {
  const env = Object.entries(params).map(([k, v]) => `OCF_RESKEY_${k}=${v}`);
  const script = `${process.cwd()}/dist/src/net/ipaddr2-main.js`;
  const result = await runInHost(lab, host, ["env", ...env, process.execPath, script, action]);
  return result.code;
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() holds; fails after timeoutMs. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleepMs(25);
  }
}
