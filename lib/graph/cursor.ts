/**
 * Graph cursors. A version never changes, so a cursor is a position in one of its sequences:
 * (version, query fingerprint, offset). A cursor of a version that is no longer visible is a conflict
 * (the commit was re-imported: the positions mean nothing now); one made for another query is
 * invalid_input "cursor".
 */
import type { Page } from "../model.ts";
import { conflict, invalid } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { hex } from "../fs/names.ts";
import { VERSION } from "./layout.ts";

const KIND = "graph";

export interface GraphCursor {
  version: string;
  fingerprint: string;
  offset: number;
}

/** What identifies a query for its cursors: its kind and normalized filters (not limit or cursor). */
export async function fingerprint(parts: readonly unknown[]): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(parts)));
  return hex(new Uint8Array(d)).slice(0, 16);
}

/** The cursor's position, checked against the query's fingerprint; undefined when none is given. */
export function readCursor(cursor: string | undefined, fp: string): GraphCursor | undefined {
  const key = decodeCursor(cursor, KIND, 3);
  if (key === undefined) return undefined;
  const [version, f, offset] = key;
  if (typeof version !== "string" || !VERSION.test(version) || typeof f !== "string" ||
    typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalid("cursor", "is not a cursor returned by this query");
  }
  if (f !== fp) throw invalid("cursor", "was made for another query");
  return { version, fingerprint: f, offset };
}

/** The cursor's offset on the visible version; conflict when the cursor belongs to another version. */
export function offsetOn(c: GraphCursor | undefined, version: string): number {
  if (c === undefined) return 0;
  if (c.version !== version) throw conflict("the commit was re-imported since this cursor was made; start again");
  return c.offset;
}

export const makeCursor = (version: string, fp: string, offset: number): string => encodeCursor(KIND, [version, fp, offset]);

/** A run of a sequence read as one object: `count` items (known without reading them). */
export interface Segment<T> {
  count: number;
  load(): Promise<readonly T[]>;
}

/** "match" keeps the item, "skip" passes over it, "stop" ends the sequence (sorted prefix ranges). */
export type Verdict = "match" | "skip" | "stop";

/**
 * Up to `limit` matching items of the segments' concatenation from position `start`, reading only the
 * segments it needs, and the position after the last item when another matching item follows.
 */
export async function pageOf<T, R>(
  segments: Iterable<Segment<T>>, start: number, limit: number, judge: (t: T) => Verdict, out: (t: T) => R,
): Promise<{ items: R[]; next?: number }> {
  const items: R[] = [];
  let base = 0, after = start;
  for (const s of segments) {
    if (base + s.count <= start) {
      base += s.count;
      continue;
    }
    const arr = await s.load();
    for (let i = Math.max(0, start - base); i < arr.length; i++) {
      const v = judge(arr[i]!);
      if (v === "stop") return { items };
      if (v === "skip") continue;
      if (items.length === limit) return { items, next: after };
      items.push(out(arr[i]!));
      after = base + i + 1;
    }
    base += s.count;
  }
  return { items };
}

/** The Page for a pageOf() result. */
export const toPage = <R>(r: { items: R[]; next?: number }, version: string, fp: string): Page<R> =>
  r.next === undefined ? { items: r.items } : { items: r.items, nextCursor: makeCursor(version, fp, r.next) };

/** One array as a sequence. */
export const whole = <T>(arr: readonly T[]): Segment<T>[] => [{ count: arr.length, load: async () => arr }];
