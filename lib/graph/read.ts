/**
 * Reading a commit's visible version: list commits/<repo-seg>/<commit>/, read the newest marker, read
 * objects of that version. A version is immutable until a newer import or deleteCommit removes it
 * (markers first, then data): an object missing while reading means that happened, so the query
 * starts again on the now visible version (a bounded number of times).
 */
import type { BlobPort } from "../ports/blob.ts";
import { StoreError, notFound } from "../errors.ts";
import type { CommitRef } from "./store.ts";
import { type CommitPlace, commitPlace, markerKey, markerVersion, objectKey } from "./layout.ts";
import { type Marker, damaged, decodeJSON, parseMarker } from "./marker.ts";

const ATTEMPTS = 4;

/** A visible version, and reads of its objects. */
export interface VersionView {
  marker: Marker;
  /** Size of the marker object. */
  markerBytes: number;
  place: CommitPlace;
  /** The object's JSON; a missing object restarts the query (or is internal when the version is still visible). */
  read<T>(name: string): Promise<T>;
  /** The same for objects that exist only for some keys (u/<unit-id>/): undefined when not there. */
  maybe<T>(name: string): Promise<T | undefined>;
}

/** Thrown by VersionView.read when the version went away: the query runs again. */
class Replaced extends Error {}

/** The newest marker's version of the commit, from one list; undefined when none is visible. */
export async function newestVersion(blob: BlobPort, p: CommitPlace): Promise<string | undefined> {
  let newest: string | undefined;
  for await (const e of blob.list(p.markers)) {
    const v = markerVersion(e.key, p);
    if (v !== undefined && (newest === undefined || v > newest)) newest = v;
  }
  return newest;
}

/** Every marker version of the commit, ascending. */
export async function markerVersions(blob: BlobPort, p: CommitPlace): Promise<string[]> {
  const out: string[] = [];
  for await (const e of blob.list(p.markers)) {
    const v = markerVersion(e.key, p);
    if (v !== undefined) out.push(v);
  }
  return out.sort();
}

/** The visible version's marker (list + get), or undefined when the commit is not visible. */
export async function visibleMarker(blob: BlobPort, p: CommitPlace): Promise<{ marker: Marker; bytes: number } | undefined> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const v = await newestVersion(blob, p);
    if (v === undefined) return undefined;
    const key = markerKey(p, v);
    const b = await blob.get(key);
    if (b === undefined) continue; // removed since the list: a newer import or a delete
    const m = parseMarker(b, key, blob.location);
    if (m.version !== v || m.commit !== p.commit) throw damaged(key, blob.location);
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
      if (b !== undefined) return decodeJSON(b, key, blob.location) as R;
      if ((await newestVersion(blob, place)) !== version) throw new Replaced();
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
