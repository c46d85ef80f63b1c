/**
 * The assertion every pcs comparison test makes: for each step, the same exit code and
 * stdout as pcs 0.11.5, the same stderr once Tandem's error codes are removed, and CIB
 * files equivalent to the ones pcs wrote.
 */
import assert from "node:assert/strict";
import { cibDifferences, withoutCodes, type SideResult } from "./pcs.js";

export interface SameAsPcsOptions {
  /**
   * Steps whose stderr differs from pcs's on purpose, with what Tandem's must say instead
   * (a pattern), or `true` to leave it unchecked.
   */
  stderrDiffers?: ReadonlyMap<number, RegExp | true>;
}

/** pcs's stderr as Tandem would print it: no library summary line, `tandem` for `pcs`. */
export function pcsStderrAsTandem(stderr: string): string {
  return stderr.replace(/^Error: Errors have occurred, therefore pcs is unable to continue\n/m, "").replace(/'pcs /g, "'tandem ");
}

export function assertSameAsPcs(steps: readonly (readonly string[])[], pcs: SideResult, tandem: SideResult, options: SameAsPcsOptions = {}): void {
  steps.forEach((step, i) => {
    const p = pcs.runs[i];
    const t = tandem.runs[i];
    assert.ok(p !== undefined && t !== undefined, `step ${i} did not run on both sides`);
    const what = `step ${i}: ${step.join(" ")}`;
    assert.equal(t.code, p.code, `${what}: exit code\n${t.stderr}\npcs: ${p.stderr}`);
    assert.equal(t.stdout, p.stdout, `${what}: stdout`);
    const differs = options.stderrDiffers?.get(i);
    if (differs === undefined) assert.equal(withoutCodes(t.stderr), pcsStderrAsTandem(p.stderr), `${what}: stderr`);
    else if (differs !== true) assert.match(t.stderr, differs, `${what}: stderr`);
  });
  for (const [name, text] of pcs.files) {
    const ours = tandem.files.get(name);
    assert.ok(ours !== undefined, `Tandem did not write ${name}`);
    assert.deepEqual(cibDifferences(text, ours), [], `${name} differs from pcs's`);
  }
}

/** `stderrDiffers` for steps whose stderr is left unchecked. */
export function unchecked(steps: readonly number[] | undefined): ReadonlyMap<number, true> {
  return new Map((steps ?? []).map((i) => [i, true]));
}
