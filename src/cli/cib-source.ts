/**
 * Where a command reads and writes the CIB. `-f FILE` is a file (a missing file starts
 * from pcs's empty CIB); the live cluster (etcd) is another source added by the runtime.
 * Writes are atomic: a temp file in the same folder, fsync, rename. A failed command
 * therefore never leaves a partly written file, and an unchanged CIB is not rewritten.
 */

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TandemError } from "../core/index.js";
import { emptyCib, parseCib, serializeCib, type CibDocument } from "../cib/index.js";

export interface CibSource {
  /** A description for messages ("file 'cib.xml'", "the live cluster"). */
  readonly description: string;
  load(): Promise<CibDocument>;
  /** Replaces the CIB. `base` is the document the change was computed from (for compare-and-swap). */
  save(doc: CibDocument, base: CibDocument): Promise<void>;
}

export class FileCibSource implements CibSource {
  constructor(readonly path: string) {}

  get description(): string {
    return `file '${this.path}'`;
  }

  load(): Promise<CibDocument> {
    if (!existsSync(this.path)) return Promise.resolve(emptyCib());
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (cause) {
      throw new TandemError("CIB_FILE_UNREADABLE", `Unable to read ${this.description}: ${(cause as Error).message}`, { cause });
    }
    if (text.trim().length === 0) throw new TandemError("CIB_FILE_EMPTY", `File '${this.path}' is empty`);
    return Promise.resolve(parseCib(text));
  }

  save(doc: CibDocument): Promise<void> {
    writeFileAtomic(this.path, serializeCib(doc));
    return Promise.resolve();
  }
}

/** Writes `text` to `path` atomically, keeping an existing file's mode. */
export function writeFileAtomic(path: string, text: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tandem-${process.pid}-${Date.now()}.tmp`);
  const mode = existsSync(path) ? statSync(path).mode & 0o7777 : 0o644;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (cause) {
    if (fd !== undefined) closeSync(fd);
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new TandemError("CIB_FILE_UNWRITABLE", `Unable to write '${path}': ${(cause as Error).message}`, { cause });
  }
}
