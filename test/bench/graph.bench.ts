/**
 * The graph store on a folder root and on an S3 root (`npm run bench:graph`), issue 4 section 6:
 *
 * 1. Import throughput in MB of srclib JSON per second: the real fixtures (test/fixtures/srclib, every
 *    unit of every language as one commit, read through srclibDir) and a synthetic commit
 *    (test/support/graph-synth.ts, in memory), against a raw baseline in the same run: the same
 *    srclib bytes written as plain objects, one per file, uncompressed, through the same kind of port
 *    with the import's write concurrency. Alternating runs, each on a fresh empty root; medians. The
 *    import's objects are gzip JSON: "stored/input" is the bytes it wrote over the srclib bytes.
 * 2. Lookups on a small synthetic commit and on one with 100x the units (the one of part 1): objects
 *    (gets + lists) and bytes read per query through countingBlob (as stored, gzip; the target: as
 *    many objects at both sizes), and the median time of one lookup (which also inflates and parses
 *    what it read) against one get of an object of the same size through the port, interleaved call
 *    by call.
 *
 * The S3 root is s3rver in this process (test/support/s3-server.ts): its figures show the protocol's
 * request counts and latencies on loopback, not a real S3's. Prints, never asserts on time.
 *
 * Settings (environment): BENCH_SECONDS (scales the lookup timing, default 2 -> 0.8 s per cell);
 * BENCH_ROUNDS (import runs per side on the large commit, default 3; the fixtures get 2n+1);
 * BENCH_UNITS (units of the large synthetic commit, default 1000, ~40x the fixtures' bytes, which
 * keeps a default run near 2 minutes on 2 cores; 2500 gives ~100x; the small one has 1/100 of them); BENCH_DIR (parent of the folder roots, default the OS temp dir);
 * BENCH_ROOTS ("folder", "s3" or "folder,s3", the default); SRCLIB_FIXTURES (the fixtures folder).
 */
import { cpus, tmpdir } from "node:os";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { srclibDir } from "../../lib/adapters/srclib-dir.ts";
import { openGraphStore } from "../../lib/graph/graph-store.ts";
import { synthFiles, type SynthOptions } from "../support/graph-synth.ts";
import { table } from "./measure.ts";
import { fsInfo } from "./probe.ts";
import { folderRoot, s3Root, type Root } from "./graph-roots.ts";
import { importConcurrency, importRounds, importRow, inputOf, IMPORT_HEAD, REPO, type ImportCell } from "./graph-import.ts";
import { costRows, costs, COST_HEAD, timeRows, timings, TIME_HEAD, type Commit, type TimingOptions } from "./graph-lookups.ts";

const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = num("BENCH_SECONDS", 2);
const ROUNDS = num("BENCH_ROUNDS", 3);
const UNITS = Math.max(100, num("BENCH_UNITS", 1000));
const ROOTS = (process.env.BENCH_ROOTS ?? "folder,s3").split(",").map((s) => s.trim());
const FIXTURES = process.env.SRCLIB_FIXTURES ?? fileURLToPath(new URL("../fixtures/srclib/", import.meta.url));
const LOOKUP_OPTS: TimingOptions = { ms: SECONDS * 400, minCalls: 20, warm: 10 };
const SHAPE = { defsPerUnit: 40, refsPerDef: 3 };
const SMALL: SynthOptions = { units: UNITS / 100, ...SHAPE };
const LARGE: SynthOptions = { units: UNITS, ...SHAPE };
const COMMIT = { fixtures: "f".repeat(40), small: "a".repeat(40), large: "b".repeat(40) };

const log = (s = "") => console.log(s);
const fmt = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<void> {
  const t0 = performance.now();
  if (!Number.isInteger(SMALL.units)) throw new Error(`BENCH_UNITS must be a multiple of 100 (got ${UNITS})`);
  if (!existsSync(FIXTURES)) throw new Error(`srclib fixtures not found at ${FIXTURES} (set SRCLIB_FIXTURES)`);
  const concurrency = importConcurrency();
  const roots: Root[] = [];
  try {
    log(`srcstore graph bench: Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
    for (const name of ROOTS) {
      try {
        const r = name === "s3" ? await s3Root() : await folderRoot(process.env.BENCH_DIR ?? tmpdir());
        roots.push(r);
        log(`${r.name} root: ${r.name === "folder" ? await fsInfo(r.where) : r.where}`);
      } catch (e) {
        log(`${name} root: UNAVAILABLE, skipped: ${(e as Error).message}`);
      }
    }
    const fixtures = await inputOf("fixtures (all of srclib/)", COMMIT.fixtures, () => srclibDir(FIXTURES));
    const largeFiles = synthFiles(LARGE);
    const large = await inputOf(`synthetic x${UNITS / SMALL.units} (${fmt(UNITS)} units)`, COMMIT.large, () => largeFiles);
    log(`inputs: ${fixtures.name} ${fmt(fixtures.bytes)} bytes of srclib JSON; ${large.name} ${fmt(large.bytes)} bytes ` +
      `(${(large.bytes / fixtures.bytes).toFixed(0)}x the fixtures), ${SHAPE.defsPerUnit} defs x ${SHAPE.refsPerDef} refs per unit`);
    log(`import writes ${concurrency} objects at once (lib/graph/import.ts); the baseline puts one object per srclib file, as many at once`);
    log();

    // Part 1. A first import on each root warms the JIT and the server; it is not counted.
    const cells: ImportCell[] = [];
    for (const r of roots) {
      await (await openGraphStore(await r.fresh())).import({ repo: REPO, commit: COMMIT.fixtures, files: srclibDir(FIXTURES) });
      cells.push(await importRounds(r, fixtures, ROUNDS * 2 + 1, concurrency, false));
      cells.push(await importRounds(r, large, ROUNDS, concurrency, true));
    }
    log(`Import throughput: MB of srclib JSON per second (1 MB = 2^20 bytes), medians of alternating runs, each on a fresh root`);
    log(table(IMPORT_HEAD, cells.map(importRow)));
    const big = cells.find((c) => c.input === large);
    if (big) {
      const s = big.summary;
      log(`${large.name}: ${fmt(s.units)} units, ${fmt(s.defs)} defs, ${fmt(s.refs)} refs, ${fmt(s.docs)} docs -> ${fmt(s.objects)} objects ` +
        `(${(s.bytesWritten / large.bytes).toFixed(2)}x the srclib bytes as stored: each def is stored by unit, key, file and name, each ref by unit, file and target, ` +
        `every data object gzip JSON)`);
    }
    log(`folder puts are durable (temp file, fsync, rename, folder fsync); s3rver's are plain file writes (no fsync) behind HTTP on loopback`);
    log(`(${elapsed(t0)} s so far)`);
    log();

    // Part 2, on the root of each root kind's last large import, with the small commit added.
    const commits: Commit[] = [
      { commit: COMMIT.small, units: SMALL.units, defsPerUnit: SHAPE.defsPerUnit },
      { commit: COMMIT.large, units: LARGE.units, defsPerUnit: SHAPE.defsPerUnit },
    ];
    const costRowsAll: string[][] = [];
    const timeRowsAll: string[][] = [];
    let sizes = "";
    for (const c of cells.filter((x) => x.kept)) {
      const blob = c.kept!.blob;
      const s = await (await openGraphStore(blob)).import({ repo: REPO, commit: COMMIT.small, files: synthFiles(SMALL) });
      sizes = `small commit ${fmt(s.units)} units, ${fmt(s.defs)} defs, ${fmt(s.refs)} refs (${fmt(s.objects)} objects); ` +
        `large ${fmt(c.summary.units)} units, ${fmt(c.summary.defs)} defs, ${fmt(c.summary.refs)} refs (${fmt(c.summary.objects)} objects)`;
      const cost = await costs(blob, commits);
      costRowsAll.push(...costRows(c.root, cost));
      timeRowsAll.push(...timeRows(c.root, await timings(blob, commits, cost, LOOKUP_OPTS)));
    }
    log(`Lookups: objects and bytes read per query (means of 40 random keys; bytes as stored, gzip), ${sizes}`);
    log(`every query lists the commit's markers once and gets the newest marker; the rest is the lookup's own objects`);
    log(table(COST_HEAD, costRowsAll));
    log("target: large/small objects 1.00 for def(key), refs({def}), refs({file})");
    log();
    log(`Time per lookup: median ms of single calls at random keys, ${LOOKUP_OPTS.ms / 1000} s per cell, interleaved call by call with ` +
      `the baseline (base): one get through the same port of an object as large as all the lookup read (the lookup also inflates and parses it)`);
    log(table(TIME_HEAD, timeRowsAll));
    log();
    log(`total bench time ${elapsed(t0)} s`);
  } finally {
    for (const r of roots) await r.close().catch((e: unknown) => console.error(`could not clean up the ${r.name} root: ${String(e)}`));
  }
}

const elapsed = (t0: number) => ((performance.now() - t0) / 1000).toFixed(0);

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
