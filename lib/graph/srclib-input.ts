/**
 * Reads and checks the srclib output of one import: every `<UnitType>.unit.json` with the
 * `<UnitType>.graph.json` in the same folder, as one ParsedCommit. Nothing is written; a file that is
 * not valid srclib output is invalid_input (field "files") naming it, before any write begins.
 */
import type { ImportInput, ImportOptions, SourceUnit, SrclibFile } from "./store.ts";
import type { ParsedCommit, ParsedUnit } from "./parsed.ts";
import { compareKeys } from "../blob-key.ts";
import { invalid, isStoreError, StoreError } from "../errors.ts";
import { checkCommit, checkRepo } from "./query-input.ts";
import { bad, checkGraphFile, checkUnitFile, fillUnit, parseJSON, type CheckedGraph } from "./srclib-check.ts";

export type ReadSrclibOptions = Pick<ImportOptions, "onProgress" | "signal">;

/** The error of an aborted import (the graph store's import throws the same). */
export function abortError(signal: AbortSignal): StoreError {
  return new StoreError("unavailable", "import aborted", { cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** What a file name says: a unit or graph file of a UnitType in a folder, or nothing (ignored). */
export function srclibName(path: string): { kind: "unit" | "graph"; folder: string; unitType: string } | undefined {
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const folder = slash < 0 ? "" : path.slice(0, slash);
  for (const kind of ["unit", "graph"] as const) {
    const suffix = `.${kind}.json`;
    if (name.endsWith(suffix) && name.length > suffix.length) {
      return { kind, folder, unitType: name.slice(0, -suffix.length) };
    }
  }
  return undefined;
}

interface Pair {
  unitType: string;
  unitFile?: string;
  unit?: SourceUnit;
  graphFile?: string;
  graph?: CheckedGraph;
}

/**
 * Reads every srclib file of `input.files` (others are skipped unread), checks it and normalizes it:
 * defs and refs take their unit, empty ref targets mean "same as the ref's own", docs are keyed.
 * Units come back by Type then Name (UTF-8 byte order); defs, refs and docs in file order.
 * Progress is reported after each file read; an aborted signal stops it (StoreError "unavailable").
 *
 * @example
 * ```ts
 * const parsed = await readSrclib({ repo: "github.com/a/b", commit: "0".repeat(40), files: srclibDir(dir) });
 * ```
 */
export async function readSrclib(input: ImportInput, o: ReadSrclibOptions = {}): Promise<ParsedCommit> {
  if (typeof input !== "object" || input === null) throw invalid("input", "must be an object");
  const repo = checkRepo("repo", input.repo);
  const commit = checkCommit("commit", input.commit);
  const files = input.files as unknown;
  const iterable = files !== null && typeof files === "object" &&
    (Symbol.iterator in files || Symbol.asyncIterator in files);
  if (!iterable) throw invalid("files", "must be an iterable of srclib files");
  const total = Array.isArray(files)
    ? files.filter((f) => typeof f?.path === "string" && srclibName(f.path) !== undefined).length
    : undefined;

  const signal = o.signal;
  throwIfAborted(signal);
  const pairs = new Map<string, Pair>();
  const seen = new Set<string>();
  const unitFiles = new Map<string, string>();
  let done = 0, bytes = 0;
  for await (const f of listed(input.files as AsyncIterable<SrclibFile>)) {
    throwIfAborted(signal);
    if (typeof f !== "object" || f === null || typeof f.path !== "string" || typeof f.read !== "function") {
      throw invalid("files", "each file must have a path (string) and a read() function");
    }
    const name = srclibName(f.path);
    if (name === undefined) continue;
    if (seen.has(f.path)) throw bad(f.path, "", "given twice");
    seen.add(f.path);
    const { json, size } = await readJSON(f);
    throwIfAborted(signal);
    bytes += size;
    done++;
    const key = `${name.folder}\0${name.unitType}`;
    const pair = pairs.get(key) ?? { unitType: name.unitType };
    pairs.set(key, pair);
    if (name.kind === "unit") {
      const unit = checkUnitFile(f.path, json, name.unitType);
      const id = `${unit.Type}\0${unit.Name}`;
      const other = unitFiles.get(id);
      if (other !== undefined) {
        throw bad(f.path, "Name", `unit ${unit.Type} ${JSON.stringify(unit.Name)} is also defined by ${other}`);
      }
      unitFiles.set(id, f.path);
      pair.unitFile = f.path;
      pair.unit = unit;
    } else {
      pair.graphFile = f.path;
      pair.graph = checkGraphFile(f.path, json, repo, commit);
    }
    o.onProgress?.({ phase: "read", done, total: total ?? done, bytes });
  }

  const units: ParsedUnit[] = [];
  for (const p of pairs.values()) {
    if (p.unit === undefined) throw bad(p.graphFile!, "", `has no ${p.unitType}.unit.json beside it`);
    if (p.graph === undefined) throw bad(p.unitFile!, "", `has no ${p.unitType}.graph.json beside it`);
    fillUnit(p.graph, p.unit, repo);
    units.push({ unit: p.unit, ...p.graph, unitFile: p.unitFile!, graphFile: p.graphFile! });
  }
  if (units.length === 0) throw invalid("files", "no <UnitType>.unit.json found");
  units.sort((a, b) => compareKeys(a.unit.Type, b.unit.Type) || compareKeys(a.unit.Name, b.unit.Name));
  return { repo, commit, units, bytesRead: bytes };
}

/** The caller's files; a failure to list them other than a StoreError says so (not the root's fault). */
async function* listed(files: AsyncIterable<SrclibFile>): AsyncIterable<SrclibFile> {
  try {
    yield* files;
  } catch (e) {
    if (isStoreError(e)) throw e;
    throw new StoreError("unavailable", `the srclib files cannot be listed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

/** The file's JSON value; its bytes are dropped here, once parsed. */
async function readJSON(f: SrclibFile): Promise<{ json: unknown; size: number }> {
  const bytes = await readFile(f);
  return { json: parseJSON(f.path, bytes), size: bytes.length };
}

/** The file's bytes; a failure other than a StoreError says which file could not be read. */
async function readFile(f: SrclibFile): Promise<Uint8Array> {
  let b: unknown;
  try {
    b = await f.read();
  } catch (e) {
    if (isStoreError(e)) throw e;
    throw new StoreError("unavailable", `${f.path}: cannot be read: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  if (!(b instanceof Uint8Array)) throw invalid("files", `${f.path}: read() must return a Uint8Array`);
  return b;
}
