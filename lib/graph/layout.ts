/**
 * Where a graph store keeps things on its blob root (graph-design.md):
 *
 *   graphstore.json                                 {"format":1}
 *   commits/<repo-seg>/<commit>/<version>.json      marker: the manifest of a complete version, written last
 *   commits/<repo-seg>/<commit>/<version>.deleted   tombstone: the commit was deleted (until re-imported)
 *   data/<repo-seg>/<commit>/<version>/<name>       the version's immutable objects, gzip JSON (build.ts lists them)
 *
 * repo-seg is seg() of the lower-cased repo, so repos differing only in case share one place and no
 * repo name escapes its segment. The newest marker or tombstone of a commit decides: a marker is the
 * visible version, a tombstone means the commit is not visible. Whoever removes a version's objects
 * has first written a newer marker or tombstone, which stays until something newer replaces it: a
 * marker whose objects are (partly) gone is never the newest (import.ts, listing.ts).
 */
import { hex, seg } from "../fs/names.ts";
import { StoreError } from "../errors.ts";

export const FORMAT = 1;
export const FORMAT_KEY = "graphstore.json";
export const COMMITS = "commits/";
export const DATA = "data/";

/** A version id: 9 base36 digits of a millisecond timestamp, then 8 random hex digits. */
export const VERSION = /^[0-9a-z]{9}[0-9a-f]{8}$/;
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const MAX_TIME = 36 ** 9 - 1;

/**
 * A version id later than every one in `after` (ids sort by time, then at random). Past the last
 * 9-digit time an id would wrap around and sort first, so that is an error, not a silent loss.
 */
export function newVersion(now: Date, after: readonly string[] = []): string {
  let ms = Math.max(0, Math.floor(now.getTime()) || 0);
  for (const v of after) ms = Math.max(ms, versionTime(v) + 1);
  if (ms > MAX_TIME) throw new StoreError("internal", "a version of the commit is dated past the last time version ids can order; delete the commit");
  const rnd = crypto.getRandomValues(new Uint8Array(4));
  return ms.toString(36).padStart(9, "0") + hex(rnd);
}

export const versionTime = (v: string): number => parseInt(v.slice(0, 9), 36);

export const repoSeg = (repo: string): Promise<string> => seg(repo.toLowerCase());

/** The keys of one commit of one repo. */
export interface CommitPlace {
  seg: string;
  commit: string;
  /** commits/<seg>/<commit>/ */
  markers: string;
  /** data/<seg>/<commit>/ */
  data: string;
}

export async function commitPlace(repo: string, commit: string): Promise<CommitPlace> {
  return placeOf(await repoSeg(repo), commit);
}

const GONE = ".deleted";
export const markerKey = (p: CommitPlace, version: string): string => `${p.markers}${version}.json`;
export const tombKey = (p: CommitPlace, version: string): string => `${p.markers}${version}${GONE}`;
export const versionPrefix = (p: CommitPlace, version: string): string => `${p.data}${version}/`;
export const objectKey = (p: CommitPlace, version: string, name: string): string => `${p.data}${version}/${name}`;

/** A marker (gone: false) or a tombstone (gone: true) of a commit. */
export interface MarkerName {
  version: string;
  gone: boolean;
}

/** What a file name below commits/<seg>/<commit>/ is: a marker, a tombstone, or nothing of ours. */
function markerFile(file: string): MarkerName | undefined {
  const gone = file.endsWith(GONE);
  const v = gone ? file.slice(0, -GONE.length) : file.endsWith(".json") ? file.slice(0, -5) : "";
  return VERSION.test(v) ? { version: v, gone } : undefined;
}

/** The marker or tombstone a key of the commit names, or undefined for another key. */
export function markerName(key: string, p: CommitPlace): MarkerName | undefined {
  return key.startsWith(p.markers) ? markerFile(key.slice(p.markers.length)) : undefined;
}

export const byVersion = (a: MarkerName, b: MarkerName): number => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);

export const markerNameKey = (p: CommitPlace, m: MarkerName): string => (m.gone ? tombKey(p, m.version) : markerKey(p, m.version));

/** A key below commits/ split into its parts, or undefined when it is not a marker or tombstone. */
export function parseMarkerKey(key: string): (MarkerName & { seg: string; commit: string }) | undefined {
  const parts = key.split("/");
  if (parts.length !== 4 || parts[0] !== "commits") return undefined;
  const [, s, commit, file] = parts as [string, string, string, string];
  const m = markerFile(file);
  return m && COMMIT.test(commit) ? { seg: s, commit, ...m } : undefined;
}

/** The place of a commit whose repo segment is known (from a listing). */
export const placeOf = (s: string, commit: string): CommitPlace =>
  ({ seg: s, commit, markers: `${COMMITS}${s}/${commit}/`, data: `${DATA}${s}/${commit}/` });

/** The version a data key belongs to (data/<seg>/<commit>/<version>/...), given the commit's prefix. */
export function dataVersion(key: string, p: CommitPlace): string | undefined {
  if (!key.startsWith(p.data)) return undefined;
  const v = key.slice(p.data.length).split("/")[0] ?? "";
  return VERSION.test(v) ? v : undefined;
}

/** The id of a unit below u/: the first 32 hex digits of SHA-256("Type\0Name"). */
export async function unitId(type: string, name: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${type}\0${name}`));
  return hex(new Uint8Array(d)).slice(0, 32);
}

// Object names inside a version: gzip-compressed JSON (gzip-json.ts), hence .json.gz.
export const UNITS = "units.json.gz";
export const unitDefs = (id: string): string => `u/${id}/defs.json.gz`;
export const unitRefs = (id: string): string => `u/${id}/refs.json.gz`;
export const byKey = (shard: number): string => `k/${shard}.json.gz`;
export const byFile = (shard: number): string => `f/${shard}.json.gz`;
export const byTarget = (shard: number): string => `t/${shard}.json.gz`;
export const NAME_INDEX = "n/index.json.gz";
export const nameChunk = (i: number): string => `n/${i}.json.gz`;
