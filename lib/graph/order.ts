/**
 * The orders store.ts documents: strings by their UTF-8 bytes, numbers numerically, ties kept in
 * import order (Array.prototype.sort is stable).
 */

/**
 * compareKeys (lib/blob-key.ts) without encoding: UTF-8 byte order is code point order, and UTF-16
 * code units compare in code point order once surrogates (U+D800-DFFF) are moved above U+E000-FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return lift(x) - lift(y);
  }
  return a.length - b.length;
}

const lift = (u: number): number => (u >= 0xd800 ? (u <= 0xdfff ? u + 0x2000 : u - 0x800) : u);

/**
 * Lower case for matching name prefixes: toLowerCase, with final sigma (ς) as σ. toLowerCase picks ς
 * for a Σ at the end of a word, so "ΟΔΟΣ" would give "οδος", not a prefix of "οδοσα" from "ΟΔΟΣΑ".
 */
export const foldName = (s: string): string => s.toLowerCase().replace(/ς/g, "σ");

export type Compare<T> = (a: T, b: T) => number;

/** A comparator over fields: strings in UTF-8 byte order, numbers numerically. */
export function by<T>(...fields: ((t: T) => string | number)[]): Compare<T> {
  return (a, b) => {
    for (const f of fields) {
      const x = f(a), y = f(b);
      const c = typeof x === "number" ? x - (y as number) : compareUtf8(x, y as string);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** A sorted copy (stable). */
export const sorted = <T>(items: readonly T[], cmp: Compare<T>): T[] => [...items].sort(cmp);
