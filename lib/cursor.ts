/**
 * Keyset cursors: the sort key of the last item returned, opaque to callers (base64url JSON). The
 * next page starts strictly after it, so items added meanwhile are neither skipped nor repeated.
 */
import { invalid } from "./errors.ts";

export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return btoa(JSON.stringify(key)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: unknown, arity: number): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (typeof cursor !== "string") throw new Error();
    const key: unknown = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === "string" || typeof k === "number")) {
      throw new Error();
    }
    return key as CursorKey;
  } catch {
    throw invalid("cursor", "is not a cursor returned by this list");
  }
}

/** Orders keys component by component (numbers numerically, strings by code unit). */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * One page of `all`, which is sorted by `keyOf` (descending when `desc`), starting after the cursor.
 * `nextCursor` is present only when more items follow.
 */
export function pageOf<T>(
  all: T[],
  keyOf: (t: T) => CursorKey,
  opts: { cursor?: string | undefined; limit: number; desc?: boolean; arity: number },
): { items: T[]; nextCursor?: string } {
  const after = decodeCursor(opts.cursor, opts.arity);
  const rest = after === undefined ? all : all.filter((t) => {
    const c = compareKeys(keyOf(t), after);
    return opts.desc ? c < 0 : c > 0;
  });
  const items = rest.slice(0, opts.limit);
  return rest.length > opts.limit ? { items, nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) } : { items };
}

/** Sorts in place by key, ascending or descending. */
export function sortByKey<T>(items: T[], keyOf: (t: T) => CursorKey, desc = false): void {
  items.sort((a, b) => {
    const c = compareKeys(keyOf(a), keyOf(b));
    return desc ? -c : c;
  });
}
