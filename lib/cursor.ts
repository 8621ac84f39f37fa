/**
 * Keyset cursors: the sort key of the last item returned, opaque to callers (base64url JSON). The
 * next page starts strictly after it, so items added meanwhile are neither skipped nor repeated.
 *
 * A cursor names the order it was made for (`kind`: the list, its sort and its direction, e.g.
 * "users:login:asc"): a cursor given to another list, sort or direction is invalid_input "cursor",
 * not a key silently compared in the wrong order.
 */
import type { Page } from "./model.ts";
import { invalid } from "./errors.ts";

export type CursorKey = (string | number)[];

export function encodeCursor(kind: string, key: CursorKey): string {
  return btoa(JSON.stringify([kind, ...key])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key of a cursor made by encodeCursor(kind, key) with `arity` components; undefined when none is given. */
export function decodeCursor(cursor: unknown, kind: string, arity: number): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    if (typeof cursor !== "string") throw new Error();
    key = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw notACursor();
  }
  if (!Array.isArray(key) || key.length !== arity + 1 || typeof key[0] !== "string" ||
    !key.every((k) => typeof k === "string" || typeof k === "number")) {
    throw notACursor();
  }
  if (key[0] !== kind) throw invalid("cursor", "was made for another list, sort or direction");
  return key.slice(1) as CursorKey;
}

const notACursor = () => invalid("cursor", "is not a cursor returned by this list");

/** Orders keys component by component (numbers numerically, strings by code unit). */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** The entries of `sorted` (sorted by `keyOf`, descending when `desc`) strictly after the key `after`. */
export function afterKey<E>(sorted: E[], keyOf: (e: E) => CursorKey, after: CursorKey | undefined, desc = false): E[] {
  if (after === undefined) return sorted;
  return sorted.filter((e) => {
    const c = compareKeys(keyOf(e), after);
    return desc ? c < 0 : c > 0;
  });
}

/** How many records a page reads at once. */
const READ_AHEAD = 32;

/**
 * One page from `entries` (index entries already in page order, starting after the cursor): `load`
 * reads an entry's item, or returns undefined to skip the entry (its record is gone, or no longer
 * matches the entry). Skipped entries never shorten a page: it holds `limit` items whenever that many
 * loadable entries remain. `nextCursor` (of `kind`, the key of the last item's entry) is present only
 * when another loadable item follows, so the last page has none.
 */
export async function loadPage<E, T>(
  entries: E[],
  opts: {
    limit: number;
    kind: string;
    load: (e: E) => Promise<T | undefined>;
    keyOf: (e: E, item: T) => CursorKey;
  },
): Promise<Page<T>> {
  const items: T[] = [];
  let last: CursorKey | undefined;
  for (let i = 0; i < entries.length;) {
    // Read what the page still needs plus one (to know whether more follow), a bounded batch at once.
    const batch = entries.slice(i, i + Math.min(READ_AHEAD, opts.limit - items.length + 1));
    i += batch.length;
    const loaded = await Promise.all(batch.map(opts.load));
    for (let j = 0; j < batch.length; j++) {
      const item = loaded[j];
      if (item === undefined) continue;
      if (items.length === opts.limit) return { items, nextCursor: encodeCursor(opts.kind, last!) };
      items.push(item);
      last = opts.keyOf(batch[j]!, item);
    }
  }
  return { items };
}

/** Sorts in place by key, ascending or descending. */
export function sortByKey<T>(items: T[], keyOf: (t: T) => CursorKey, desc = false): void {
  items.sort((a, b) => {
    const c = compareKeys(keyOf(a), keyOf(b));
    return desc ? -c : c;
  });
}
