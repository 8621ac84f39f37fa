/** What every CLI test checks of a failed `src` run: one line on stderr, `src: ...`, no stack. */
import * as assert from "uvu/assert";

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** The run failed with exit `code` (unchecked when undefined) and one error line matching `pattern`. */
export function oneLineError(r: Pick<Run, "err"> & Partial<Run>, code: number | undefined, pattern: RegExp): void {
  if (code !== undefined) assert.is(r.code, code, `exit ${code} expected, got ${r.code}:\n${r.out ?? ""}${r.err}`);
  const lines = r.err.trim().split("\n");
  assert.is(lines.length, 1, `one line expected, got:\n${r.err}`);
  assert.match(lines[0]!, /^src: /);
  assert.match(lines[0]!, pattern);
  assert.not.match(r.err, /\n\s+at /, "no stack trace");
}
