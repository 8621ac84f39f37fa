/**
 * The write protocol of an import (graph-design.md): everything read and checked first (readSrclib),
 * the version's objects built in memory, then written under a new version id, the marker LAST. Only
 * then are older versions removed (markers first, then data). A failure or abort before the marker
 * leaves nothing visible; our objects are removed as far as possible, and a crash leaves only
 * unmarked data that the next import of the commit or deleteCommit removes.
 */
import type { BlobPort } from "../ports/blob.ts";
import { StoreError, isStoreError } from "../errors.ts";
import type { ImportInput, ImportOptions, ImportSummary } from "./store.ts";
import { readSrclib, throwIfAborted } from "./srclib-input.ts";
import { buildVersion } from "./build.ts";
import * as L from "./layout.ts";
import { encodeJSON, type Marker } from "./marker.ts";
import { markerVersions } from "./read.ts";
import { checkRoot, ensureRoot } from "./root.ts";
import { mapLimit } from "./pool.ts";

/** Objects written at once: enough to hide S3 latency, few enough for a folder's fsyncs. */
const WRITE_CONCURRENCY = 8;

export async function importCommit(blob: BlobPort, input: ImportInput, o: ImportOptions, clock: () => Date): Promise<ImportSummary> {
  const signal = o.signal;
  await checkRoot(blob); // refuse a root we cannot write before reading any input
  const parsed = await readSrclib(input, { onProgress: o.onProgress, signal });
  throwIfAborted(signal);
  const built = await buildVersion(parsed);
  await ensureRoot(blob);
  const place = await L.commitPlace(parsed.repo, parsed.commit);
  const before = await markerVersions(blob, place);
  const now = clock();
  // Later than every marker there, so a clock behind the stored version still replaces it.
  const version = L.newVersion(now, before);

  const names = [...built.objects.keys()];
  const keys = names.map((n) => L.objectKey(place, version, n));
  const mkey = L.markerKey(place, version);
  const total = names.length + 1;
  let done = 0, bytes = 0;
  const progress = () => o.onProgress?.({ phase: "write", done, total, bytes: parsed.bytesRead });
  let markerBytes: Uint8Array = new Uint8Array(0);
  let after: string[];
  try {
    await mapLimit(names, WRITE_CONCURRENCY, async (name, i) => {
      throwIfAborted(signal);
      const b = built.objects.get(name)!;
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
    after = await markerVersions(blob, place);
    // Unless a concurrent import finished later (then ours goes below), ours must be whole.
    if (!after.some((v) => v > version)) await checkComplete(blob, place, version, names.length);
  } catch (e) {
    await removeVersion(blob, mkey, keys);
    throw storeError(e, blob);
  }

  const summary: ImportSummary = {
    repo: parsed.repo, commit: parsed.commit, version, replaced: before.length > 0 || after.some((v) => v < version),
    units: built.marker.units, defs: built.marker.defs, refs: built.marker.refs, docs: built.marker.docs,
    bytesRead: parsed.bytesRead, objects: total, bytesWritten: bytes + markerBytes.length,
  };
  if (after.some((v) => v > version)) {
    // A concurrent import of the commit finished later: it is the visible one, ours goes.
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

/**
 * All of our objects still there once our marker is: a deleteCommit (or a newer import's cleanup)
 * running meanwhile may have removed some. Then ours must not stay visible.
 */
async function checkComplete(blob: BlobPort, place: L.CommitPlace, version: string, objects: number): Promise<void> {
  let n = 0;
  for await (const _ of blob.list(L.versionPrefix(place, version))) n++;
  if (n < objects) {
    throw new StoreError("conflict", `the commit ${place.commit} was deleted or re-imported while this import was writing; import it again`, { retryable: true });
  }
}

/** Older versions: their markers (oldest first), then their data and unmarked leftovers older than ours. */
async function removeOlder(blob: BlobPort, place: L.CommitPlace, version: string, markers: string[]): Promise<void> {
  const older = markers.filter((v) => v < version);
  if (older.length > 0) await blob.delete(older.map((v) => L.markerKey(place, v)));
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
