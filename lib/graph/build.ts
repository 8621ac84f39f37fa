/**
 * A parsed commit -> the objects of one version, each an index answering a query from one read
 * (every one gzip-compressed JSON when written, gzip-json.ts):
 *
 *   units.json.gz           UnitEntry[]: the units by Type, Name, with their id and counts
 *   u/<id>/defs.json.gz     the unit's defs by Path
 *   u/<id>/refs.json.gz     the unit's refs by File, Start, End
 *   k/<shard>.json.gz       KeyShard: defs by UnitType, Unit, Path and docs in import order, by def key
 *   f/<shard>.json.gz       FileShard: defs by DefStart, UnitType, Unit, Path; refs by Start, End, UnitType, Unit
 *   t/<shard>.json.gz       refs by UnitType, Unit, File, Start, End, by the (lower-cased repo) key of their target
 *   n/index.json.gz         NameIndex; n/<i>.json.gz: defs by lower-cased Name, Name, UnitType, Unit, Path
 *
 * Every shard and every unit's files are written, empty or not: a missing object then always means
 * the version is gone (read.ts), never "nothing there".
 */
import type { ParsedCommit } from "./parsed.ts";
import type { Marker } from "./marker.ts";
import * as L from "./layout.ts";
import { by, foldName, sorted } from "./order.ts";
import { ENTRIES_PER_SHARD, shardCount, shardOf } from "./shard.ts";
import {
  defKeyOf, type FileShard, type KeyShard, type NameIndex, strip, type StoredDef, type StoredDoc, type StoredRef,
  targetOf, type UnitEntry,
} from "./records.ts";

export interface BuiltVersion {
  /**
   * Object name (below the version) -> its JSON value. Encoded and compressed only as it is written
   * (import.ts): the indexes share their records, so values take a fraction of the encoded bytes.
   */
  objects: Map<string, unknown>;
  /** The marker without version, importedAt, objects and bytes (import.ts fills them in). */
  marker: Omit<Marker, "version" | "importedAt" | "objects" | "bytes">;
}

export const NAME_CHUNK = ENTRIES_PER_SHARD;

export const defsByPath = by<StoredDef>((d) => d.Path);
export const refsByFile = by<StoredRef>((r) => r.File, (r) => r.Start, (r) => r.End);
export const defsByKey = by<StoredDef>((d) => d.UnitType, (d) => d.Unit, (d) => d.Path);
export const defsByStart = by<StoredDef>((d) => d.DefStart, (d) => d.UnitType, (d) => d.Unit, (d) => d.Path);
export const refsByStart = by<StoredRef>((r) => r.Start, (r) => r.End, (r) => r.UnitType, (r) => r.Unit);
export const refsByUnitFile = by<StoredRef>((r) => r.UnitType, (r) => r.Unit, (r) => r.File, (r) => r.Start, (r) => r.End);
export const lowerName = (d: StoredDef): string => foldName(d.Name);
export const defsByName = by<StoredDef>(lowerName, (d) => d.Name, (d) => d.UnitType, (d) => d.Unit, (d) => d.Path);

export async function buildVersion(p: ParsedCommit): Promise<BuiltVersion> {
  const objects = new Map<string, unknown>();
  const put = (name: string, v: unknown) => objects.set(name, v);
  const units = sorted(p.units, by((u) => u.unit.Type, (u) => u.unit.Name));

  // A def's Docs: every doc of the commit with the def's key, in import order (any unit's output).
  const docsByKey = new Map<string, StoredDoc[]>();
  const allDocs: StoredDoc[] = [];
  for (const u of units) {
    for (const d of u.docs) {
      const doc = strip(d);
      allDocs.push(doc);
      const k = defKeyOf(doc).join("\0");
      const list = docsByKey.get(k);
      if (list) list.push(doc);
      else docsByKey.set(k, [doc]);
    }
  }

  const entries: UnitEntry[] = [];
  const allDefs: StoredDef[] = [];
  const allRefs: StoredRef[] = [];
  for (const u of units) {
    const id = await L.unitId(u.unit.Type, u.unit.Name);
    const defs = u.defs.map((d) => {
      const docs = docsByKey.get(defKeyOf(d).join("\0")) ?? [];
      return { ...strip(d), Docs: docs.map((x) => ({ Format: x.Format, Data: x.Data })) };
    });
    const refs = u.refs.map(strip);
    // Not push(...defs): spreading a unit's 100k+ records overflows the call stack.
    for (const d of defs) allDefs.push(d);
    for (const r of refs) allRefs.push(r);
    entries.push({ id, unit: u.unit, defs: defs.length, refs: refs.length, docs: u.docs.length });
    put(L.unitDefs(id), sorted(defs, defsByPath));
    put(L.unitRefs(id), sorted(refs, refsByFile));
  }
  put(L.UNITS, entries);

  const k = shardCount(allDefs.length + allDocs.length);
  const kShards = Array.from({ length: k }, (): KeyShard => ({ defs: [], docs: [] }));
  for (const d of allDefs) kShards[shardOf(k, ...defKeyOf(d))]!.defs.push(d);
  for (const d of allDocs) kShards[shardOf(k, ...defKeyOf(d))]!.docs.push(d);
  kShards.forEach((s, i) => put(L.byKey(i), { defs: sorted(s.defs, defsByKey), docs: s.docs }));

  const f = shardCount(allDefs.length + allRefs.length);
  const fShards = Array.from({ length: f }, (): FileShard => ({ defs: [], refs: [] }));
  for (const d of allDefs) fShards[shardOf(f, d.File)]!.defs.push(d);
  for (const r of allRefs) fShards[shardOf(f, r.File)]!.refs.push(r);
  fShards.forEach((s, i) => put(L.byFile(i), { defs: sorted(s.defs, defsByStart), refs: sorted(s.refs, refsByStart) }));

  const t = shardCount(allRefs.length);
  const tShards = Array.from({ length: t }, (): StoredRef[] => []);
  for (const r of allRefs) tShards[shardOf(t, ...targetOf(r))]!.push(r);
  tShards.forEach((s, i) => put(L.byTarget(i), sorted(s, refsByUnitFile)));

  const byName = sorted(allDefs, defsByName);
  const index: NameIndex = { first: [] };
  for (let i = 0, c = 0; i < byName.length; i += NAME_CHUNK, c++) {
    index.first.push(lowerName(byName[i]!));
    put(L.nameChunk(c), byName.slice(i, i + NAME_CHUNK));
  }
  put(L.NAME_INDEX, index);

  return {
    objects,
    marker: {
      format: L.FORMAT, repo: p.repo, commit: p.commit,
      units: units.length, defs: allDefs.length, refs: allRefs.length, docs: allDocs.length,
      shards: { k, f, t }, names: { chunk: NAME_CHUNK, chunks: index.first.length },
    },
  };
}
