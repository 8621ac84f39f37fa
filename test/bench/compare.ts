/**
 * A store operation against its raw baseline: alternating timed runs, medians, one table row per
 * concurrency; and a per-call breakdown of where a store operation spends its time.
 */
import { median, rate, ratio, throughput, type Op } from "./measure.ts";
import { countSyscalls, type CountingFs, type DataWrite, type Kind, type PortUse } from "./probe.ts";

export interface Pair {
  name: string;
  /** Writes get a short warm-up by count; reads a timed one. */
  write: boolean;
  store: Op;
  base: Op;
  /** The next unused call number of each side (kept by compare, so creates never reuse a name). */
  next?: [store: number, base: number];
}

export interface Cell {
  name: string;
  inFlight: number;
  /** Medians, in ops/s. */
  store: number;
  base: number;
}

export interface CompareOptions {
  /** Timed runs of each side for a write / read operation, and how long each run lasts. */
  writeRounds: number;
  writeMs: number;
  readRounds: number;
  readMs: number;
}

/**
 * Alternating timed runs of store and baseline at `inFlight` (so drift on a noisy machine hits both
 * sides alike); the row of medians.
 */
export async function compare(p: Pair, inFlight: number, o: CompareOptions): Promise<Cell> {
  const next = (p.next ??= [0, 0]);
  const run = async (side: 0 | 1, opts: { minMs: number; minOps?: number; maxOps?: number }) => {
    const r = await throughput(side === 0 ? p.store : p.base, { inFlight, start: next[side], ...opts });
    next[side] = r.next;
    return r.perSec;
  };
  const warm = p.write ? { minMs: 0, minOps: inFlight * 2, maxOps: inFlight * 2 } : { minMs: 200 };
  await run(0, warm);
  await run(1, warm);
  const s: number[] = [];
  const b: number[] = [];
  const ms = p.write ? o.writeMs : o.readMs;
  const rounds = p.write ? o.writeRounds : o.readRounds;
  for (let k = 0; k < rounds; k++) {
    s.push(await run(0, { minMs: ms, minOps: inFlight * 4 }));
    b.push(await run(1, { minMs: ms, minOps: inFlight * 4 }));
  }
  return { name: p.name, inFlight, store: median(s), base: median(b) };
}

export const cellRow = (c: Cell): string[] =>
  [c.name, c.inFlight === 1 ? "1 (seq)" : String(c.inFlight), rate(c.store), rate(c.base), ratio(c.store / c.base)];

export interface Breakdown {
  ms: number;
  /** Per call of the operation: port calls and wall time by purpose. */
  use: Map<Kind, PortUse>;
  syscalls: Record<string, number>;
  dataWrites: DataWrite[];
}

/**
 * Runs `op` sequentially: `warm` uncounted calls (JIT, directory creation), then `n` calls on a store
 * over `fs` (undefined for a baseline), counting port calls by purpose and node:fs calls.
 */
export async function breakdown(fs: CountingFs | undefined, n: number, op: Op, warm = 10): Promise<Breakdown> {
  for (let i = 0; i < warm; i++) await op(i);
  fs?.take();
  let ms = 0;
  const syscalls = await countSyscalls(async () => {
    const t0 = performance.now();
    for (let i = warm; i < warm + n; i++) await op(i);
    ms = performance.now() - t0;
  });
  const { use, dataWrites } = fs ? fs.take() : { use: new Map<Kind, PortUse>(), dataWrites: [] };
  const perCall = new Map([...use].map(([k, u]) => [k, { calls: per(u.calls, n), ms: u.ms / n }]));
  return { ms: ms / n, use: perCall, syscalls: per(syscalls, n), dataWrites };
}

const per = <K extends string>(r: Partial<Record<K, number>>, n: number): Record<K, number> =>
  Object.fromEntries(Object.entries<number | undefined>(r).map(([k, v]) => [k, (v ?? 0) / n])) as Record<K, number>;

const f1 = (x: number) => x.toFixed(2).replace(/\.?0+$/, "");
const ms2 = (x: number) => `${x.toFixed(3)} ms`;

/** Text lines for one operation's breakdown, next to the baseline's. */
export function describe(name: string, b: Breakdown, base: Breakdown, baseName: string): string[] {
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, x) => a + x, 0);
  const fsyncs = (r: Record<string, number>) => r.fsync ?? 0;
  const out = [
    `${name}: ${ms2(b.ms)} per call, ${f1(fsyncs(b.syscalls))} fsyncs, ${f1(total(b.syscalls))} fs calls` +
      `  |  ${baseName}: ${ms2(base.ms)}, ${f1(fsyncs(base.syscalls))} fsyncs, ${f1(total(base.syscalls))} fs calls`,
  ];
  let accounted = 0;
  for (const kind of ["lock", "journal", "data"] as const) {
    const u = b.use.get(kind);
    if (!u) continue;
    const ms = u.ms;
    accounted += ms;
    const what = Object.entries(u.calls).map(([m, c]) => `${m} x${f1(c)}`).join(", ");
    out.push(`  ${kind.padEnd(8)} ${ms2(ms).padStart(10)} ${pct(ms, b.ms)}  ${what}`);
  }
  out.push(`  ${"other".padEnd(8)} ${ms2(Math.max(0, b.ms - accounted)).padStart(10)} ${pct(b.ms - accounted, b.ms)}  validation, JSON, encoding, scheduling`);
  const sys = Object.entries(b.syscalls).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${f1(v)}`).join(", ");
  out.push(`  node:fs calls: ${sys}`);
  return out;
}

const pct = (part: number, whole: number) => `${Math.round((100 * Math.max(0, part)) / whole)}%`.padStart(4);
