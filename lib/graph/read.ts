/**
 * Reading a commit's visible version: list commits/<repo-seg>/<commit>/, read the newest marker (none
 * is visible when the newest entry is a tombstone), read objects of that version. A version is
 * immutable until a newer import or deleteCommit removes it (after writing a newer marker or
 * tombstone): an object missing while reading means that happened, so the query starts again on
 * whatever is visible then (a bounded number of times).
 */
import type { BlobPort } from "../ports/blob.ts";
import { StoreError, notFound } from "../errors.ts";
import type { CommitRef } from "./store.ts";
import { byVersion, type CommitPlace, commitPlace, dataVersion, markerKey, type MarkerName, markerName, objectKey } from "./layout.ts";
import { type Marker, damaged, parseMarker } from "./marker.ts";
import { gunzipJSON } from "./gzip-json.ts";

const ATTEMPTS = 4;

/** A visible version, and reads of its objects. */
export interface VersionView {
  marker: Marker;
  /** Size of the marker object. */
  markerBytes: number;
  place: CommitPlace;
  /** The object's JSON (inflated); a missing object restarts the query (or is internal when the version is still visible). */
  read<T>(name: string): Promise<T>;
  /** The same for objects that exist only for some keys (u/<unit-id>/): undefined when not there. */
  maybe<T>(name: string): Promise<T | undefined>;
}

/** Thrown by VersionView.read when the version went away: the query runs again. */
class Replaced extends Error {}

/** Every marker and tombstone of the commit, by version (ascending). */
export async function markerNames(blob: BlobPort, p: CommitPlace): Promise<MarkerName[]> {
  const out: MarkerName[] = [];
  for await (const e of blob.list(p.markers)) {
    const m = markerName(e.key, p);
    if (m !== undefined) out.push(m);
  }
  return out.sort(byVersion);
}

/** The newest marker or tombstone of the commit, from one list. */
export const newestName = async (blob: BlobPort, p: CommitPlace): Promise<MarkerName | undefined> =>
  (await markerNames(blob, p)).at(-1);

/** The versions that have data objects (leftovers of crashed imports included), ascending. */
export async function dataVersions(blob: BlobPort, p: CommitPlace): Promise<string[]> {
  const out = new Set<string>();
  for await (const e of blob.list(p.data)) {
    const v = dataVersion(e.key, p);
    if (v !== undefined) out.add(v);
  }
  return [...out].sort();
}

/** The visible version's marker (list + get), or undefined when the commit is not visible. */
export async function visibleMarker(blob: BlobPort, p: CommitPlace): Promise<{ marker: Marker; bytes: number } | undefined> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const newest = await newestName(blob, p);
    if (newest === undefined || newest.gone) return undefined;
    const key = markerKey(p, newest.version);
    const b = await blob.get(key);
    if (b === undefined) continue; // removed since the list: a newer import or a delete
    const m = parseMarker(b, key, blob.location);
    if (m.version !== newest.version || m.commit !== p.commit) throw damaged(key, blob.location);
    return { marker: m, bytes: b.length };
  }
  throw unstable(blob, p);
}

/**
 * Runs `fn` on the visible version of `at`; not_found when the commit is not visible. When `fn` finds
 * an object gone (a re-import or delete in between), it runs again on whatever is visible then.
 */
export async function withVersion<T>(blob: BlobPort, at: CommitRef, fn: (v: VersionView) => Promise<T>): Promise<T> {
  const place = await commitPlace(at.repo, at.commit);
  for (let i = 0; i < ATTEMPTS; i++) {
    const vis = await visibleMarker(blob, place);
    if (vis === undefined) throw notFound(`graph commit ${at.repo}@${at.commit}`);
    const version = vis.marker.version;
    const maybe = async <R>(name: string): Promise<R | undefined> => {
      const key = objectKey(place, version, name);
      const b = await blob.get(key);
      if (b !== undefined) return (await gunzipJSON(b, key, blob.location)) as R;
      if ((await newestName(blob, place))?.version !== version) throw new Replaced();
      return undefined;
    };
    const view: VersionView = {
      marker: vis.marker,
      markerBytes: vis.bytes,
      place,
      maybe,
      async read<R>(name: string): Promise<R> {
        const r = await maybe<R>(name);
        if (r !== undefined) return r;
        throw new StoreError("internal", `graph store at ${blob.location}: ${objectKey(place, version, name)} of the visible version is missing; delete the commit and import it again`);
      },
    };
    try {
      return await fn(view);
    } catch (e) {
      if (!(e instanceof Replaced)) throw e;
    }
  }
  throw unstable(blob, place);
}

const unstable = (blob: BlobPort, p: CommitPlace): StoreError =>
  new StoreError("conflict", `graph store at ${blob.location}: commit ${p.commit} kept changing while being read (imports or deletes in progress); try again`, { retryable: true });
