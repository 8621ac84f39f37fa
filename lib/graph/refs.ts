/** refs(query): the order is picked by the first filter present (def, file, unit, none); the others narrow. */
import type { Page } from "../model.ts";
import type { BlobPort } from "../ports/blob.ts";
import type { Ref } from "./store.ts";
import type { CheckedRefsQuery } from "./query-input.ts";
import * as L from "./layout.ts";
import { withVersion } from "./read.ts";
import { shardOf } from "./shard.ts";
import { fingerprint, offsetOn, pageOf, readCursor, type Segment, toPage, type Verdict, whole } from "./cursor.ts";
import { type FileShard, type StoredRef, targetOf, toRef, type UnitEntry } from "./records.ts";

export async function listRefs(blob: BlobPort, q: CheckedRefsQuery): Promise<Page<Ref>> {
  const target = q.def && [q.def.repo.toLowerCase(), q.def.unitType, q.def.unit, q.def.path];
  const fp = await fingerprint(["refs", q.repo.toLowerCase(), q.commit, target ?? null, q.file ?? null, q.unitType ?? null, q.unit ?? null]);
  const cursor = readCursor(q.cursor, fp);
  const narrow = (r: StoredRef): boolean =>
    (target === undefined || sameTarget(targetOf(r), target)) &&
    (q.file === undefined || r.File === q.file) &&
    (q.unit === undefined || (r.UnitType === q.unitType && r.Unit === q.unit));
  const keep = (r: StoredRef): Verdict => (narrow(r) ? "match" : "skip");

  return withVersion(blob, q, async (v) => {
    const start = offsetOn(cursor, v.marker.version);
    const out = (r: StoredRef) => toRef(v.marker, r);
    let r;
    if (target !== undefined) {
      const refs = await v.read<StoredRef[]>(L.byTarget(shardOf(v.marker.shards.t, ...target)));
      r = await pageOf(whole(refs), start, q.limit, keep, out);
    } else if (q.file !== undefined) {
      const s = await v.read<FileShard>(L.byFile(shardOf(v.marker.shards.f, q.file)));
      r = await pageOf(whole(s.refs), start, q.limit, keep, out);
    } else if (q.unit !== undefined) {
      const refs = await v.maybe<StoredRef[]>(L.unitRefs(await L.unitId(q.unitType!, q.unit)));
      r = await pageOf(whole(refs ?? []), start, q.limit, keep, out);
    } else {
      const units = await v.read<UnitEntry[]>(L.UNITS);
      const segs = units.map((u): Segment<StoredRef> => ({ count: u.refs, load: () => v.read<StoredRef[]>(L.unitRefs(u.id)) }));
      r = await pageOf(segs, start, q.limit, keep, out);
    }
    return toPage(r, v.marker.version, fp);
  });
}

const sameTarget = (a: string[], b: string[]): boolean => a.every((x, i) => x === b[i]);
