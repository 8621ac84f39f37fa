/** Def and doc queries: def(key), defs(query), docs(key). */
import type { Page } from "../model.ts";
import type { BlobPort } from "../ports/blob.ts";
import { notFound } from "../errors.ts";
import type { Def, DefKeyQuery, Doc } from "./store.ts";
import type { CheckedDefsQuery } from "./query-input.ts";
import * as L from "./layout.ts";
import { withVersion, type VersionView } from "./read.ts";
import { shardOf } from "./shard.ts";
import { compareUtf8, foldName } from "./order.ts";
import { lowerName } from "./build.ts";
import { fingerprint, offsetOn, pageOf, readCursor, type Segment, toPage, type Verdict, whole } from "./cursor.ts";
import { type FileShard, type KeyShard, type NameIndex, type StoredDef, toDef, toDoc, type UnitEntry } from "./records.ts";

const keyShard = (v: VersionView, k: { unitType: string; unit: string; path: string }): Promise<KeyShard> =>
  v.read<KeyShard>(L.byKey(shardOf(v.marker.shards.k, k.unitType, k.unit, k.path)));

const sameKey = (k: DefKeyQuery) => (d: { UnitType: string; Unit: string; Path: string }): boolean =>
  d.UnitType === k.unitType && d.Unit === k.unit && d.Path === k.path;

/** The marker, then the one k/ shard of the key. */
export function getDef(blob: BlobPort, key: DefKeyQuery): Promise<Def> {
  return withVersion(blob, key, async (v) => {
    const d = (await keyShard(v, key)).defs.find(sameKey(key));
    if (d === undefined) throw notFound(`def ${key.unitType} ${key.unit} ${JSON.stringify(key.path)} in ${key.repo}@${key.commit}`);
    return toDef(v.marker, d);
  });
}

export function getDocs(blob: BlobPort, key: DefKeyQuery): Promise<Doc[]> {
  return withVersion(blob, key, async (v) => (await keyShard(v, key)).docs.filter(sameKey(key)).map((d) => toDoc(v.marker, d)));
}

/** The order is picked by the first filter present (unit, file, namePrefix, none); the others narrow. */
export async function listDefs(blob: BlobPort, q: CheckedDefsQuery): Promise<Page<Def>> {
  const prefix = q.namePrefix === undefined ? undefined : foldName(q.namePrefix);
  const fp = await fingerprint(["defs", q.repo.toLowerCase(), q.commit, q.unitType ?? null, q.unit ?? null, q.file ?? null, prefix ?? null]);
  const cursor = readCursor(q.cursor, fp);
  const narrow = (d: StoredDef): boolean =>
    (q.unit === undefined || (d.UnitType === q.unitType && d.Unit === q.unit)) &&
    (q.file === undefined || d.File === q.file) &&
    (prefix === undefined || lowerName(d).startsWith(prefix));
  const keep = (d: StoredDef): Verdict => (narrow(d) ? "match" : "skip");

  return withVersion(blob, q, async (v) => {
    const start = offsetOn(cursor, v.marker.version);
    const out = (d: StoredDef) => toDef(v.marker, d);
    let r;
    if (q.unit !== undefined) {
      const defs = await v.maybe<StoredDef[]>(L.unitDefs(await L.unitId(q.unitType!, q.unit)));
      r = await pageOf(whole(defs ?? []), start, q.limit, keep, out);
    } else if (q.file !== undefined) {
      const s = await v.read<FileShard>(L.byFile(shardOf(v.marker.shards.f, q.file)));
      r = await pageOf(whole(s.defs), start, q.limit, keep, out);
    } else if (prefix !== undefined) {
      r = await byName(v, prefix, cursor === undefined ? undefined : start, q.limit, out);
    } else {
      const units = await v.read<UnitEntry[]>(L.UNITS);
      const segs = units.map((u): Segment<StoredDef> => ({ count: u.defs, load: () => v.read<StoredDef[]>(L.unitDefs(u.id)) }));
      r = await pageOf(segs, start, q.limit, keep, out);
    }
    return toPage(r, v.marker.version, fp);
  });
}

/** Defs whose lower-cased Name starts with `prefix`: a contiguous run of n/, found through n/index.json.gz. */
async function byName(v: VersionView, prefix: string, from: number | undefined, limit: number, out: (d: StoredDef) => Def) {
  const { chunk, chunks } = v.marker.names;
  let start = from;
  if (start === undefined) {
    const index = await v.read<NameIndex>(L.NAME_INDEX);
    start = firstChunkOf(index, prefix) * chunk;
  }
  const segs: Segment<StoredDef>[] = [];
  for (let c = 0; c < chunks; c++) {
    const count = Math.min(chunk, v.marker.defs - c * chunk);
    segs.push({ count, load: () => v.read<StoredDef[]>(L.nameChunk(c)) });
  }
  const judge = (d: StoredDef): Verdict => {
    const n = lowerName(d);
    return n.startsWith(prefix) ? "match" : compareUtf8(n, prefix) < 0 ? "skip" : "stop";
  };
  return pageOf(segs, start, limit, judge, out);
}

/** The last chunk whose first name sorts before `prefix` (names with the prefix may start there). */
export function firstChunkOf(index: NameIndex, prefix: string): number {
  let lo = 0, hi = index.first.length - 1, at = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compareUtf8(index.first[mid]!, prefix) < 0) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}
