/**
 * Lookups on a small synthetic commit and on one with 100x the units (same shape, so 100x the defs,
 * refs and docs): objects (gets + lists) and bytes read per query through countingBlob, and the time
 * per lookup next to a raw baseline, one get through the same port of an object as large as what
 * the lookup read in all.
 */
import type { BlobPort } from "../../lib/ports/blob.ts";
import type { GraphStore } from "../../lib/graph/store.ts";
import { openGraphStore } from "../../lib/graph/graph-store.ts";
import { countingBlob } from "../../lib/graph/counting-blob.ts";
import { synthFile, synthPath, synthUnit } from "../support/graph-synth.ts";
import { median, ratio, rng } from "./measure.ts";
import { REPO } from "./graph-import.ts";

/** graph-synth's default files per unit. */
const FILES_PER_UNIT = 8;
/** Lookups per (lookup, commit) whose costs are averaged. */
const SAMPLES = 40;

export interface Commit {
  commit: string;
  units: number;
  defsPerUnit: number;
}

export interface Lookup {
  name: string;
  /** One of the three lookups the issue bounds (the others are extra rows). */
  bounded: boolean;
  /** Runs the lookup of def `d` of unit `u`; the number of results (a lookup must find something). */
  run(g: GraphStore, commit: string, u: number, d: number): Promise<number>;
}

const key = (commit: string, u: number, d: number) => ({ repo: REPO, commit, unitType: "GoPackage", unit: synthUnit(u), path: synthPath(d) });

export const LOOKUPS: Lookup[] = [
  { name: "def(key)", bounded: true, run: async (g, c, u, d) => (await g.def(key(c, u, d)), 1) },
  {
    name: "refs({def})", bounded: true,
    run: async (g, c, u, d) => (await g.refs({ repo: REPO, commit: c, def: { unitType: "GoPackage", unit: synthUnit(u), path: synthPath(d) } })).items.length,
  },
  { name: "refs({file})", bounded: true, run: async (g, c, u, d) => (await g.refs({ repo: REPO, commit: c, file: synthFile(u, d % FILES_PER_UNIT) })).items.length },
  { name: "defs({unit})", bounded: false, run: async (g, c, u) => (await g.defs({ repo: REPO, commit: c, unitType: "GoPackage", unit: synthUnit(u) })).items.length },
  // Names are Func<j> in every unit: "func12" matches 1 def per unit (11 for "func1"): 100x the matches on the large commit.
  { name: "defs({namePrefix})", bounded: false, run: async (g, c, _u, d) => (await g.defs({ repo: REPO, commit: c, namePrefix: `func${d}` })).items.length },
];

export interface Cost {
  /** Means per query. */
  gets: number;
  lists: number;
  bytes: number;
  /** The most objects (gets + lists) one query read. */
  maxObjects: number;
}

/** Deterministic picks of (unit, def) spread over the whole commit. */
function picker(c: Commit, seed: number): () => [number, number] {
  const r = rng(seed);
  return () => [Math.floor(r() * c.units), Math.floor(r() * c.defsPerUnit)];
}

async function found(l: Lookup, g: GraphStore, c: Commit, u: number, d: number): Promise<void> {
  const n = await l.run(g, c.commit, u, d);
  if (n === 0) throw new Error(`${l.name} found nothing for unit ${u}, def ${d} of ${c.commit}: the bench measures the wrong thing`);
}

/** Costs of each lookup on each commit, through a counting wrapper around `blob`. */
export async function costs(blob: BlobPort, commits: Commit[]): Promise<Map<string, Cost[]>> {
  const counting = countingBlob(blob);
  const g = await openGraphStore(counting.port);
  const out = new Map<string, Cost[]>();
  await found(LOOKUPS[0]!, g, commits[0]!, 0, 0); // anything loaded once per open is no query's cost
  for (const l of LOOKUPS) {
    const row: Cost[] = [];
    for (const c of commits) {
      const pick = picker(c, 11);
      const cost: Cost = { gets: 0, lists: 0, bytes: 0, maxObjects: 0 };
      for (let s = 0; s < SAMPLES; s++) {
        const [u, d] = pick();
        counting.reset();
        await found(l, g, c, u, d);
        const st = counting.stats;
        cost.gets += st.gets / SAMPLES;
        cost.lists += st.lists / SAMPLES;
        cost.bytes += st.bytesRead / SAMPLES;
        cost.maxObjects = Math.max(cost.maxObjects, st.gets + st.lists);
      }
      row.push(cost);
    }
    out.set(l.name, row);
  }
  return out;
}

export interface Timing {
  lookup: string;
  /** Per commit: median ms per lookup, and per baseline get. */
  ms: number[];
  baseMs: number[];
}

/** Per-call timing: calls of the lookup and of its baseline interleaved one by one, medians of each. */
export interface TimingOptions {
  /** Time per cell (both sides together), after the warm-up. */
  ms: number;
  /** At least this many calls of each side. */
  minCalls: number;
  /** Uncounted calls of each side first. */
  warm: number;
}

/**
 * Interleaving call by call (which side goes first alternates) puts drift and other processes' load on
 * both sides alike; medians of single calls leave out the odd GC pause or scheduling hiccup.
 */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, o: TimingOptions): Promise<[number, number]> {
  for (let i = 0; i < o.warm; i++) {
    await a();
    await b();
  }
  const ta: number[] = [], tb: number[] = [];
  const once = async (f: () => Promise<unknown>, into: number[]) => {
    const t = performance.now();
    await f();
    into.push(performance.now() - t);
  };
  const t0 = performance.now();
  for (let i = 0; i < o.minCalls || performance.now() - t0 < o.ms; i++) {
    if (i % 2 === 0) {
      await once(a, ta);
      await once(b, tb);
    } else {
      await once(b, tb);
      await once(a, ta);
    }
  }
  return [median(ta), median(tb)];
}

/**
 * Sequential lookups at random keys against one get of a same-size object through the same port.
 * The baseline objects go under bench-base/, beside the store's own.
 */
export async function timings(blob: BlobPort, commits: Commit[], cost: Map<string, Cost[]>, o: TimingOptions): Promise<Timing[]> {
  const g = await openGraphStore(blob);
  const out: Timing[] = [];
  for (const l of LOOKUPS) {
    const t: Timing = { lookup: l.name, ms: [], baseMs: [] };
    for (const [i, c] of commits.entries()) {
      const size = Math.max(2, Math.round(cost.get(l.name)![i]!.bytes));
      const baseKey = `bench-base/${size}.json`;
      await blob.put(baseKey, new TextEncoder().encode(JSON.stringify("x".repeat(size - 2))));
      const pick = picker(c, 23);
      const [ms, baseMs] = await interleaved(
        () => {
          const [u, d] = pick();
          return found(l, g, c, u, d);
        },
        async () => {
          if ((await blob.get(baseKey))?.length !== size) throw new Error(`baseline object ${baseKey} is not ${size} bytes`);
        },
        o,
      );
      t.ms.push(ms);
      t.baseMs.push(baseMs);
    }
    out.push(t);
  }
  return out;
}

const n2 = (x: number) => x.toFixed(2).replace(/\.?0+$/, "") || "0";
const objs = (c: Cost) => `${n2(c.gets)} + ${n2(c.lists)} = ${n2(c.gets + c.lists)}`;
const kb = (b: number) => (b / 1024).toFixed(1);

export const COST_HEAD = [
  "lookup", "root", "small: gets + lists", "large: gets + lists", "large/small objects", "max objects",
  "small KB read", "large KB read", "large/small bytes",
];

export function costRows(root: string, cost: Map<string, Cost[]>): string[][] {
  return LOOKUPS.map((l) => {
    const [s, b] = cost.get(l.name)! as [Cost, Cost];
    return [
      l.bounded ? l.name : `${l.name} (extra)`, root, objs(s), objs(b), ratio((b.gets + b.lists) / (s.gets + s.lists)),
      String(Math.max(s.maxObjects, b.maxObjects)), kb(s.bytes), kb(b.bytes), ratio(b.bytes / s.bytes),
    ];
  });
}

export const TIME_HEAD = [
  "lookup", "root", "small ms", "base ms", "small/base", "large ms", "base ms", "large/base", "large/small",
];

const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(3));

export const timeRows = (root: string, ts: Timing[]): string[][] =>
  ts.map((t) => [
    t.lookup, root, ms(t.ms[0]!), ms(t.baseMs[0]!), ratio(t.ms[0]! / t.baseMs[0]!),
    ms(t.ms[1]!), ms(t.baseMs[1]!), ratio(t.ms[1]! / t.baseMs[1]!), ratio(t.ms[1]! / t.ms[0]!),
  ]);
