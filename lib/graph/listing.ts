/** What is stored: commits(), repos(), units(at); and deleteCommit(at). Only commits/ is listed for these. */
import type { BlobPort } from "../ports/blob.ts";
import type { CommitInfo, CommitRef, SourceUnit } from "./store.ts";
import * as L from "./layout.ts";
import { type Marker, parseMarker } from "./marker.ts";
import { markerVersions, visibleMarker, withVersion } from "./read.ts";
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
  const newest = new Map<string, { seg: string; commit: string; version: string }>();
  for await (const e of blob.list(prefix)) {
    const k = L.parseMarkerKey(e.key);
    if (k === undefined) continue;
    const id = `${k.seg}/${k.commit}`;
    const cur = newest.get(id);
    if (cur === undefined || k.version > cur.version) newest.set(id, k);
  }
  const found = await mapLimit([...newest.values()], 8, async (k): Promise<Found | undefined> => {
    const p: L.CommitPlace = { seg: k.seg, commit: k.commit, markers: `${L.COMMITS}${k.seg}/${k.commit}/`, data: `${L.DATA}${k.seg}/${k.commit}/` };
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
 * Markers first (oldest first, the visible one last), so readers never see a version whose data is
 * going; then every data object of the commit, unmarked leftovers of crashed imports included.
 * True when the commit was visible.
 */
export async function deleteCommit(blob: BlobPort, at: CommitRef): Promise<boolean> {
  const p = await L.commitPlace(at.repo, at.commit);
  const versions = await markerVersions(blob, p);
  if (versions.length > 1) await blob.delete(versions.slice(0, -1).map((v) => L.markerKey(p, v)));
  if (versions.length > 0) await blob.delete([L.markerKey(p, versions.at(-1)!)]);
  const data: string[] = [];
  for await (const e of blob.list(p.data)) data.push(e.key);
  if (data.length > 0) await blob.delete(data);
  return versions.length > 0;
}
