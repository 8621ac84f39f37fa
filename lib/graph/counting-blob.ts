/**
 * A blob port that counts what passes through it: the graph store's cost bounds (objects and bytes
 * read per query) are tested and benchmarked through this wrapper, on any adapter.
 */
import type { BlobEntry, BlobPort, BlobRange } from "../ports/blob.ts";

export interface BlobStats {
  /** get() calls, found or not. */
  gets: number;
  /** Bytes returned by get(). */
  bytesRead: number;
  /** list() calls, and the entries they yielded. */
  lists: number;
  listed: number;
  puts: number;
  bytesWritten: number;
  /** Keys passed to delete(). */
  deleted: number;
}

export interface CountingBlob {
  port: BlobPort;
  readonly stats: BlobStats;
  /** Zeroes the counters, e.g. before the query to measure. */
  reset(): void;
}

const zero = (): BlobStats => ({ gets: 0, bytesRead: 0, lists: 0, listed: 0, puts: 0, bytesWritten: 0, deleted: 0 });

export function countingBlob(inner: BlobPort): CountingBlob {
  let stats = zero();
  const port: BlobPort = {
    get location() {
      return inner.location;
    },
    async get(key: string, range?: BlobRange) {
      stats.gets++;
      const b = await inner.get(key, range);
      if (b) stats.bytesRead += b.length;
      return b;
    },
    async put(key: string, data: Uint8Array) {
      stats.puts++;
      stats.bytesWritten += data.length;
      await inner.put(key, data);
    },
    async *list(prefix: string): AsyncIterable<BlobEntry> {
      stats.lists++;
      for await (const e of inner.list(prefix)) {
        stats.listed++;
        yield e;
      }
    },
    async delete(keys: readonly string[]) {
      stats.deleted += keys.length;
      await inner.delete(keys);
    },
    close: () => inner.close(),
  };
  return {
    port,
    get stats() {
      return stats;
    },
    reset: () => void (stats = zero()),
  };
}
