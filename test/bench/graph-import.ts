/**
 * Import throughput (MB of srclib JSON per second) against its raw baseline: the same srclib bytes
 * written as plain objects, one per file, uncompressed, through the same kind of BlobPort with the
 * concurrency the import writes with. Import and baseline alternate, each run on a fresh empty root;
 * medians. The import's bytes written are as stored (its data objects are gzip).
 */
import { readFileSync } from "node:fs";
import type { BlobPort } from "../../lib/ports/blob.ts";
import type { ImportSummary, SrclibFile } from "../../lib/graph/store.ts";
import { openGraphStore } from "../../lib/graph/graph-store.ts";
import { mapLimit } from "../../lib/graph/pool.ts";
import { median, ratio } from "./measure.ts";
import type { Root } from "./graph-roots.ts";

export const REPO = "example.com/Bench/Repo";

/**
 * The import's write concurrency, read from its source (lib/graph/import.ts does not export it), so
 * that the baseline keeps matching it when it changes.
 */
export function importConcurrency(): number {
  const src = readFileSync(new URL("../../lib/graph/import.ts", import.meta.url), "utf8");
  const m = /const WRITE_CONCURRENCY = (\d+);/.exec(src);
  if (!m) throw new Error("lib/graph/import.ts no longer declares `const WRITE_CONCURRENCY = <n>;`: update test/bench/graph-import.ts");
  return Number(m[1]);
}

export interface Input {
  name: string;
  commit: string;
  /** A new file list for each run (a srclibDir walk can be consumed once). */
  files(): Iterable<SrclibFile> | AsyncIterable<SrclibFile>;
  /** srclib JSON bytes in the files. */
  bytes: number;
}

export async function inputOf(name: string, commit: string, files: () => Iterable<SrclibFile> | AsyncIterable<SrclibFile>): Promise<Input> {
  let bytes = 0;
  for await (const f of files()) bytes += (await f.read()).length;
  return { name, commit, files, bytes };
}

export interface ImportCell {
  input: Input;
  root: string;
  rounds: number;
  /** Medians, MB/s of srclib JSON. */
  store: number;
  base: number;
  /** From the last run of each side. */
  summary: ImportSummary;
  baseObjects: number;
  /** The root and store of the last import run, left open when asked (the lookups use it). */
  kept?: { blob: BlobPort };
}

/** What storing the files costs without indexing: each file's bytes as one object, `concurrency` puts at once. */
export async function plainWrite(blob: BlobPort, files: Iterable<SrclibFile> | AsyncIterable<SrclibFile>, concurrency: number): Promise<number> {
  const list: SrclibFile[] = [];
  for await (const f of files) list.push(f);
  await mapLimit(list, concurrency, async (f) => blob.put(`plain/${f.path}`, await f.read()));
  return list.length;
}

const MB = 1024 * 1024;

/** `rounds` alternating runs of import and baseline on `root`, each on a fresh root; the last import's root kept if `keep`. */
export async function importRounds(root: Root, input: Input, rounds: number, concurrency: number, keep: boolean): Promise<ImportCell> {
  const store: number[] = [];
  const base: number[] = [];
  let summary: ImportSummary | undefined;
  let baseObjects = 0;
  let kept: BlobPort | undefined;
  for (let r = 0; r < rounds; r++) {
    const blob = await root.fresh();
    const g = await openGraphStore(blob);
    let t0 = performance.now();
    summary = await g.import({ repo: REPO, commit: input.commit, files: input.files() });
    store.push(input.bytes / MB / ((performance.now() - t0) / 1000));
    if (summary.bytesRead !== input.bytes) throw new Error(`${input.name}: the import read ${summary.bytesRead} bytes, the files hold ${input.bytes}`);
    if (keep && r === rounds - 1) kept = blob;
    else await g.close();

    const plain = await root.fresh();
    t0 = performance.now();
    baseObjects = await plainWrite(plain, input.files(), concurrency);
    base.push(input.bytes / MB / ((performance.now() - t0) / 1000));
    await plain.close();
  }
  return { input, root: root.name, rounds, store: median(store), base: median(base), summary: summary!, baseObjects, ...(kept ? { kept: { blob: kept } } : {}) };
}

const mb = (b: number) => (b / MB).toFixed(2);
const fmt = (n: number) => n.toLocaleString("en-US");

export const IMPORT_HEAD = [
  "input", "root", "srclib MB", "runs", "import MB/s", "baseline MB/s", "import/baseline",
  "objects import/base", "MB written import/base", "stored/input",
];

export const importRow = (c: ImportCell): string[] => [
  c.input.name, c.root, mb(c.input.bytes), String(c.rounds), c.store.toFixed(2), c.base.toFixed(2), ratio(c.store / c.base),
  `${fmt(c.summary.objects)} / ${fmt(c.baseObjects)}`, `${mb(c.summary.bytesWritten)} / ${mb(c.input.bytes)}`,
  ratio(c.summary.bytesWritten / c.input.bytes),
];
