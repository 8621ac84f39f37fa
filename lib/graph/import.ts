/**
 * The write protocol of an import (graph-design.md): everything read and checked first (readSrclib),
 * the version's objects built in memory, then written under a new version id, the marker LAST. Only
 * then are older versions removed (markers and tombstones first, then data). A failure or abort before
 * the marker leaves nothing visible; our objects are removed as far as possible, and a crash leaves
 * only unmarked data that the next import of the commit or deleteCommit removes.
 *
 * Objects of a version are only ever removed by its own import (marker first) or by someone who first
 * wrote a newer marker or tombstone, and that stays until something newer replaces it. So a marker
 * that finds a newer one after it was written withdraws (the newer import or the delete came later),
 * and one that finds none is whole (complete() makes sure).
 */
import type { BlobPort } from "../ports/blob.ts";
import { StoreError, isStoreError } from "../errors.ts";
import type { ImportInput, ImportOptions, ImportSummary } from "./store.ts";
import { readSrclib, throwIfAborted } from "./srclib-input.ts";
import { buildVersion } from "./build.ts";
import * as L from "./layout.ts";
import { encodeJSON, type Marker } from "./marker.ts";
import { dataVersions, markerNames } from "./read.ts";
import { checkRoot, ensureRoot } from "./root.ts";
import { mapLimit } from "./pool.ts";
import { gzipJSON } from "./gzip-json.ts";

/**
 * Objects compressed and written at once: enough to hide S3 latency, few enough for a folder's fsyncs.
 * Each writer compresses its next object while others wait on their puts, so CPU and I/O overlap
 * (Node's zlib also runs on its thread pool), and at most this many compressed objects are in memory.
 */
const WRITE_CONCURRENCY = 8;

export async function importCommit(blob: BlobPort, input: ImportInput, o: ImportOptions, clock: () => Date): Promise<ImportSummary> {
  const signal = o.signal;
  await checkRoot(blob); // refuse a root we cannot write before reading any input
  const { at, bytesRead, built } = await readAndBuild(input, o);
  await ensureRoot(blob);
  const place = await L.commitPlace(at.repo, at.commit);
  const before = await markerNames(blob, place);
  const now = clock();
  // Later than every marker, tombstone and leftover there: a clock behind them still replaces them,
  // and leftovers of crashed imports dated ahead of us go with the older versions.
  const version = L.newVersion(now, [...before.map((m) => m.version), ...(await dataVersions(blob, place))]);

  const newer = (m: L.MarkerName) => m.version > version;
  const names = [...built.objects.keys()];
  const keys = names.map((n) => L.objectKey(place, version, n));
  const mkey = L.markerKey(place, version);
  const total = names.length + 1;
  let done = 0, bytes = 0;
  const progress = () => o.onProgress?.({ phase: "write", done, total, bytes: bytesRead });
  let markerBytes: Uint8Array = new Uint8Array(0);
  let after: L.MarkerName[];
  try {
    await mapLimit(names, WRITE_CONCURRENCY, async (name, i) => {
      throwIfAborted(signal);
      const b = await gzipJSON(built.objects.get(name), name);
      built.objects.delete(name); // encoded: the value need not stay in memory
      throwIfAborted(signal);
      await blob.put(keys[i]!, b);
      done++;
      bytes += b.length;
      progress();
    });
    throwIfAborted(signal);
    const marker: Marker = { ...built.marker, version, importedAt: now.toISOString(), objects: names.length, bytes };
    markerBytes = encodeJSON(marker);
    await blob.put(mkey, markerBytes);
    done++;
    progress();
    after = await markerNames(blob, place);
    // Unless a concurrent import or delete came later (then ours goes below), ours must be whole. If
    // it is not, a later one removed part of it since the list: then it explains the loss.
    if (!after.some(newer) && !(await complete(blob, place, version, names.length))) {
      after = await markerNames(blob, place);
      if (!after.some(newer)) throw new StoreError("conflict", `the commit ${place.commit} lost objects while this import was writing; import it again`, { retryable: true });
    }
  } catch (e) {
    await removeVersion(blob, mkey, keys);
    throw storeError(e, blob);
  }

  const previous = [...before, ...after.filter((m) => m.version < version)].sort(L.byVersion).at(-1);
  const summary: ImportSummary = {
    ...at, version, replaced: previous !== undefined && !previous.gone,
    units: built.marker.units, defs: built.marker.defs, refs: built.marker.refs, docs: built.marker.docs,
    bytesRead, objects: total, bytesWritten: bytes + markerBytes.length,
  };
  if (after.some(newer)) {
    // A concurrent import of the commit finished later, or a delete began: that decides, ours goes.
    await removeVersion(blob, mkey, keys);
    return summary;
  }
  // Past the marker the import is done: cleanup is best effort (what stays is invisible, and the
  // next import or deleteCommit removes it).
  try {
    await removeOlder(blob, place, version, after);
  } catch {
    // best effort
  }
  return summary;
}

/** Reads and builds in a frame of its own, so the parsed records are garbage once the objects exist. */
async function readAndBuild(input: ImportInput, o: ImportOptions) {
  const parsed = await readSrclib(input, { onProgress: o.onProgress, signal: o.signal });
  throwIfAborted(o.signal);
  const built = await buildVersion(parsed);
  return { at: { repo: parsed.repo, commit: parsed.commit }, bytesRead: parsed.bytesRead, built };
}

/** All of our objects still there once our marker is written (the protocol says so; this checks). */
async function complete(blob: BlobPort, place: L.CommitPlace, version: string, objects: number): Promise<boolean> {
  let n = 0;
  for await (const _ of blob.list(L.versionPrefix(place, version))) n++;
  return n >= objects;
}

/** Older versions: their markers and tombstones, then their data and unmarked leftovers older than ours. */
async function removeOlder(blob: BlobPort, place: L.CommitPlace, version: string, markers: L.MarkerName[]): Promise<void> {
  const older = markers.filter((m) => m.version < version);
  if (older.length > 0) await blob.delete(older.map((m) => L.markerNameKey(place, m)));
  // Data of newer versions is left alone: an import still writing it may yet become visible.
  const stale: string[] = [];
  for await (const e of blob.list(place.data)) {
    const v = L.dataVersion(e.key, place);
    if (v !== undefined && v < version) stale.push(e.key);
  }
  if (stale.length > 0) await blob.delete(stale);
}

/** Our marker first, then our objects; errors ignored (a crash leaves the same, and it is cleaned later). */
async function removeVersion(blob: BlobPort, markerKey: string, keys: string[]): Promise<void> {
  try {
    await blob.delete([markerKey]);
    await blob.delete(keys);
  } catch {
    // best effort
  }
}

/** Ports throw StoreErrors; anything else is a bug, reported as internal with its cause. */
export function storeError(e: unknown, blob: BlobPort): StoreError {
  if (isStoreError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new StoreError("internal", `graph store at ${blob.location}: ${msg}`, { cause: e });
}
