/**
 * The marker of a version (commits/<repo-seg>/<commit>/<version>.json): written last, it makes the
 * version visible and says how to read it. Its size does not grow with the commit.
 */
import { StoreError } from "../errors.ts";
import { FORMAT, VERSION } from "./layout.ts";
import { isShardCount } from "./shard.ts";

export interface Marker {
  format: number;
  /** As given in the import that wrote this version. */
  repo: string;
  commit: string;
  version: string;
  importedAt: string;
  units: number;
  defs: number;
  refs: number;
  docs: number;
  /** Data objects of the version and their stored (gzip) bytes, the marker not included. */
  objects: number;
  bytes: number;
  /** Shard counts of k/ (by def key), f/ (by file), t/ (by ref target). */
  shards: { k: number; f: number; t: number };
  /** n/: defs by lower-cased name in chunks of `chunk` defs. */
  names: { chunk: number; chunks: number };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const encodeJSON = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));

/** Parsed JSON of a marker or tombstone (plain JSON); internal (a damaged root) when it is not JSON. */
export function decodeJSON(bytes: Uint8Array, key: string, location: string): unknown {
  try {
    return JSON.parse(dec.decode(bytes));
  } catch (e) {
    throw damaged(key, location, e);
  }
}

export const damaged = (key: string, location: string, cause?: unknown): StoreError =>
  new StoreError("internal", `graph store at ${location}: ${key} is damaged (not what srcstore wrote); delete the commit and import it again`, { cause });

const count = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

export function parseMarker(bytes: Uint8Array, key: string, location: string): Marker {
  const m = decodeJSON(bytes, key, location) as Marker;
  const ok = typeof m === "object" && m !== null && m.format === FORMAT &&
    typeof m.repo === "string" && typeof m.commit === "string" && typeof m.version === "string" &&
    VERSION.test(m.version) && typeof m.importedAt === "string" &&
    [m.units, m.defs, m.refs, m.docs, m.objects, m.bytes].every(count) &&
    typeof m.shards === "object" && m.shards !== null &&
    isShardCount(m.shards.k) && isShardCount(m.shards.f) && isShardCount(m.shards.t) &&
    typeof m.names === "object" && m.names !== null && count(m.names.chunk) && m.names.chunk > 0 && count(m.names.chunks);
  if (!ok) throw damaged(key, location);
  return m;
}
