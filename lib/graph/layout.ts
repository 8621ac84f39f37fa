/**
 * Where a graph store keeps things on its blob root (graph-design.md):
 *
 *   graphstore.json                              {"format":1}
 *   commits/<repo-seg>/<commit>/<version>.json   marker: the manifest of a complete version, written last
 *   data/<repo-seg>/<commit>/<version>/<name>    the version's immutable objects (build.ts lists them)
 *
 * repo-seg is seg() of the lower-cased repo, so repos differing only in case share one place and no
 * repo name escapes its segment. The newest marker of a commit is its visible version.
 */
import { hex, seg } from "../fs/names.ts";

export const FORMAT = 1;
export const FORMAT_KEY = "graphstore.json";
export const COMMITS = "commits/";
export const DATA = "data/";

/** A version id: 9 base36 digits of a millisecond timestamp, then 8 random hex digits. */
export const VERSION = /^[0-9a-z]{9}[0-9a-f]{8}$/;
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A version id later than every one in `after` (ids sort by time, then at random). */
export function newVersion(now: Date, after: readonly string[] = []): string {
  let ms = Math.max(0, Math.floor(now.getTime()));
  for (const v of after) ms = Math.max(ms, versionTime(v) + 1);
  const rnd = crypto.getRandomValues(new Uint8Array(4));
  return ms.toString(36).padStart(9, "0").slice(-9) + hex(rnd);
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
  const s = await repoSeg(repo);
  return { seg: s, commit, markers: `${COMMITS}${s}/${commit}/`, data: `${DATA}${s}/${commit}/` };
}

export const markerKey = (p: CommitPlace, version: string): string => `${p.markers}${version}.json`;
export const versionPrefix = (p: CommitPlace, version: string): string => `${p.data}${version}/`;
export const objectKey = (p: CommitPlace, version: string, name: string): string => `${p.data}${version}/${name}`;

/** The version a marker key names, or undefined for a key that is not a marker. */
export function markerVersion(key: string, p: CommitPlace): string | undefined {
  if (!key.startsWith(p.markers)) return undefined;
  const rest = key.slice(p.markers.length);
  const v = rest.endsWith(".json") ? rest.slice(0, -5) : "";
  return VERSION.test(v) ? v : undefined;
}

/** A key below commits/ split into its parts, or undefined when it is not a marker. */
export function parseMarkerKey(key: string): { seg: string; commit: string; version: string } | undefined {
  const parts = key.split("/");
  if (parts.length !== 4 || parts[0] !== "commits") return undefined;
  const [, s, commit, file] = parts as [string, string, string, string];
  const version = file.endsWith(".json") ? file.slice(0, -5) : "";
  if (!COMMIT.test(commit) || !VERSION.test(version)) return undefined;
  return { seg: s, commit, version };
}

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

// Object names inside a version.
export const UNITS = "units.json";
export const unitDefs = (id: string): string => `u/${id}/defs.json`;
export const unitRefs = (id: string): string => `u/${id}/refs.json`;
export const byKey = (shard: number): string => `k/${shard}.json`;
export const byFile = (shard: number): string => `f/${shard}.json`;
export const byTarget = (shard: number): string => `t/${shard}.json`;
export const NAME_INDEX = "n/index.json";
export const nameChunk = (i: number): string => `n/${i}.json`;
