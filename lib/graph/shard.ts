/**
 * Sharding of the by-key, by-file and by-target indexes: FNV-1a 32 over the UTF-8 bytes of the key
 * fields joined by "\0", modulo a power of two chosen at import so that a shard holds about
 * ENTRIES_PER_SHARD entries at most on average. The counts are recorded in the version's marker.
 */

/** Entries per shard the import aims at (at most, on average). */
export const ENTRIES_PER_SHARD = 256;
/** An upper bound on shards of one index, so that a version's object count stays sane. */
export const MAX_SHARDS = 1 << 16;

const enc = new TextEncoder();

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of enc.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard count for `entries` entries: the least power of two with <= ENTRIES_PER_SHARD each. */
export function shardCount(entries: number): number {
  let n = 1;
  while (n < MAX_SHARDS && n * ENTRIES_PER_SHARD < entries) n *= 2;
  return n;
}

/** The shard of a key given as its fields. */
export const shardOf = (count: number, ...fields: string[]): number => fnv1a32(fields.join("\0")) % count;

/** True for a shard count this store writes: a power of two in 1..MAX_SHARDS. */
export const isShardCount = (n: unknown): n is number =>
  typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_SHARDS && (n & (n - 1)) === 0;
