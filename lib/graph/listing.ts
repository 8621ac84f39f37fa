/** What is stored: commits(), repos(), units(at); and deleteCommit(at). Only commits/ is listed for these. */
import type { BlobPort } from "../ports/blob.ts";
import type { CommitInfo, CommitRef, SourceUnit } from "./store.ts";
import * as L from "./layout.ts";
import { encodeJSON, type Marker, parseMarker } from "./marker.ts";
import { dataVersions, markerNames, visibleMarker, withVersion } from "./read.ts";
import { by } from "./order.ts";
import type { UnitEntry } from "./records.ts";
import { mapLimit } from "./pool.ts";

interface Found {
  marker: Marker;
  bytes: number;
}

/** Visible commits (of one repo when given), by lower-cased repo, then commit. */
export async function listCommits(blob: BlobPort, repo?: string): Promise<CommitInfo[]> {
  const prefix = repo === undefined ? L.COMMITS : `${L.COMMITS}${await L.repoSeg(repo)}/`;
  const newest = new Map<string, { seg: string; commit: string; version: string; gone: boolean }>();
  for await (const e of blob.list(prefix)) {
    const k = L.parseMarkerKey(e.key);
    if (k === undefined) continue;
    const id = `${k.seg}/${k.commit}`;
    const cur = newest.get(id);
    if (cur === undefined || k.version > cur.version) newest.set(id, k);
  }
  // A commit whose newest entry is a tombstone was deleted: not visible.
  const shown = [...newest.values()].filter((k) => !k.gone);
  const found = await mapLimit(shown, 8, async (k): Promise<Found | undefined> => {
    const p = L.placeOf(k.seg, k.commit);
    const key = L.markerKey(p, k.version);
    const b = await blob.get(key);
    if (b !== undefined) return { marker: parseMarker(b, key, blob.location), bytes: b.length };
    // Replaced or deleted since the list: ask again for this commit alone.
    return visibleMarker(blob, p);
  });
  const infos = found.filter((f): f is Found => f !== undefined).map(({ marker: m, bytes }): CommitInfo => ({
    repo: m.repo, commit: m.commit, version: m.version, importedAt: new Date(m.importedAt),
    units: m.units, defs: m.defs, refs: m.refs, docs: m.docs, bytes: m.bytes + bytes,
  }));
  return infos.sort(by((c) => c.repo.toLowerCase(), (c) => c.commit));
}

/** Repos with a visible commit, by lower-cased repo; each as its latest import gave it. */
export async function listRepos(blob: BlobPort): Promise<string[]> {
  const latest = new Map<string, CommitInfo>();
  for (const c of await listCommits(blob)) {
    const k = c.repo.toLowerCase();
    const cur = latest.get(k);
    if (cur === undefined || c.version > cur.version) latest.set(k, c);
  }
  return [...latest.values()].map((c) => c.repo);
}

export function listUnits(blob: BlobPort, at: CommitRef): Promise<SourceUnit[]> {
  return withVersion(blob, at, async (v) => (await v.read<UnitEntry[]>(L.UNITS)).map((u) => u.unit));
}

/**
 * A tombstone newer than everything of the commit first: from then on no reader sees the commit. Then
 * everything older goes: markers and tombstones, then data, crashed imports' leftovers included. The
 * tombstone stays (the next import of the commit removes it): an import older than it that is still
 * writing may have lost objects here, and the tombstone keeps that import's marker from ever being the
 * newest (import.ts then withdraws it). True when the commit was visible.
 */
export async function deleteCommit(blob: BlobPort, at: CommitRef, clock: () => Date): Promise<boolean> {
  const p = await L.commitPlace(at.repo, at.commit);
  const names = await markerNames(blob, p);
  const leftovers = await dataVersions(blob, p);
  const visible = names.length > 0 && !names.at(-1)!.gone;
  if (!visible && leftovers.length === 0) return false;
  const now = clock();
  const tomb = L.newVersion(now, [...names.map((m) => m.version), ...leftovers]);
  await blob.put(L.tombKey(p, tomb), encodeJSON({ format: L.FORMAT, repo: at.repo, commit: at.commit, version: tomb, deletedAt: now.toISOString() }));
  const older = (await markerNames(blob, p)).filter((m) => m.version < tomb);
  if (older.length > 0) await blob.delete(older.map((m) => L.markerNameKey(p, m)));
  const data: string[] = [];
  for await (const e of blob.list(p.data)) {
    const v = L.dataVersion(e.key, p);
    if (v !== undefined && v < tomb) data.push(e.key);
  }
  if (data.length > 0) await blob.delete(data);
  return visible;
}
