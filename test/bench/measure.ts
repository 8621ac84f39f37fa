/**
 * Timing for the benchmarks: throughput of an operation run sequentially or with N calls in flight,
 * medians of repeated runs, and plain-text tables. Benchmarks print; they never assert on time.
 */

/** One call of the operation under test; `i` is unique per call within a run. */
export type Op = (i: number) => Promise<unknown>;

export interface RunOptions {
  /** Calls in flight at once (1 = sequential). */
  inFlight: number;
  /** Keep going until this much time has passed... */
  minMs: number;
  /** ...and at least this many calls have completed. */
  minOps?: number;
  /** Stop after this many calls even if minMs has not passed. */
  maxOps?: number;
  /** First value of `i` (so repeated runs of a create never reuse a name). */
  start?: number;
}

export interface RunResult {
  ops: number;
  ms: number;
  perSec: number;
  /** The next unused `i`. */
  next: number;
}

/** Runs `op` with `inFlight` workers pulling call numbers until the time and count bounds are met. */
export async function throughput(op: Op, o: RunOptions): Promise<RunResult> {
  const start = o.start ?? 0;
  const minOps = o.minOps ?? 1;
  const maxOps = o.maxOps ?? Number.MAX_SAFE_INTEGER;
  let issued = 0;
  let done = 0;
  const t0 = performance.now();
  const more = () => issued < maxOps && (issued < minOps || performance.now() - t0 < o.minMs);
  const worker = async () => {
    while (more()) {
      const i = start + issued++;
      await op(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const ms = performance.now() - t0;
  return { ops: done, ms, perSec: (done * 1000) / ms, next: start + issued };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A small deterministic PRNG (mulberry32), so runs pick the same "random" keys. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer ops/s with thousands separators. */
export const rate = (x: number): string => Math.round(x).toLocaleString("en-US");

export const ratio = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Left-aligned first column, right-aligned others. */
export function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const w = head.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}
