/**
 * Running the system tools the network code drives (ip, nft, arping, nsenter). One small
 * port so the I/O is in one place: a command either gives its output or a NET_COMMAND_FAILED
 * error naming the command and what it printed.
 */

import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { TandemError } from "../core/index.js";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text written to the command's stdin (e.g. an nft transaction for `nft -f -`). */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs argv[0] with the rest as arguments; resolves with its exit code, never rejects on a non-zero exit. */
export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("runCommand needs a command"));
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          if (error.code === "ENOENT") {
            reject(new TandemError("NET_TOOL_MISSING", `'${file}' is not installed or not on PATH`, { cause: error }));
            return;
          }
          if (error.killed === true || error.signal !== null) {
            resolve({ code: 128, stdout, stderr: stderr + `\n(${file} was killed: ${error.signal ?? "timeout"})` });
            return;
          }
          reject(new TandemError("NET_COMMAND_FAILED", `'${argv.join(" ")}' could not run: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Like runCommand, but a non-zero exit is a NET_COMMAND_FAILED error. */
export async function runChecked(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) {
    throw new TandemError("NET_COMMAND_FAILED", `'${argv.join(" ")}' failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`, {
      details: { argv: [...argv], code: result.code, stderr: result.stderr },
    });
  }
  return result.stdout;
}

/** Whether an executable is on PATH (or is an existing absolute path). */
export function hasTool(name: string): Promise<boolean> {
  const candidates = name.includes("/") ? [name] : (process.env["PATH"] ?? "").split(":").filter((d) => d !== "").map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return Promise.resolve(true);
    } catch {
      // not here
    }
  }
  return Promise.resolve(false);
}
