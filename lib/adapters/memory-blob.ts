/**
 * BlobPort in memory: for tests and for runtimes without a filesystem. Bytes are copied in and out,
 * so a caller that changes its array afterwards changes nothing stored. Nothing survives the process.
 * Usage: `const blob = memoryBlob();`
 */
import type { BlobEntry, BlobPort, BlobRange } from "../ports/blob.ts";
import { checkBlobKey, checkBlobPrefix, compareKeys } from "../blob-key.ts";
import { invalid } from "../errors.ts";

export function memoryBlob(): BlobPort {
  return new MemoryBlob();
}

class MemoryBlob implements BlobPort {
  readonly location = "memory";
  readonly #objects = new Map<string, Uint8Array>();

  async get(key: string, range?: BlobRange): Promise<Uint8Array | undefined> {
    checkBlobKey(key);
    const r = checkBlobRange(range);
    const b = this.#objects.get(key);
    return b === undefined ? undefined : sliceRange(b, r);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkBlobKey(key);
    checkBlobData(data);
    this.#objects.set(key, data.slice());
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    checkBlobPrefix(prefix);
    const hits: BlobEntry[] = [];
    for (const [key, b] of this.#objects) if (key.startsWith(prefix)) hits.push({ key, size: b.length });
    yield* hits.sort((a, b) => compareKeys(a.key, b.key));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) checkBlobKey(k);
    for (const k of keys) this.#objects.delete(k);
  }

  async close(): Promise<void> {}
}

/** A get range as the port defines it (integers >= 0; an end before the start reads nothing). */
export function checkBlobRange(range: BlobRange | undefined): BlobRange | undefined {
  if (range === undefined) return undefined;
  const ok = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (typeof range !== "object" || range === null || !ok(range.start) || (range.end !== undefined && !ok(range.end))) {
    throw invalid("range", "start and end must be integers >= 0");
  }
  return range;
}

/** A copy of bytes [start, end) of `b`, cut at its end; the whole of it without a range. */
export function sliceRange(b: Uint8Array, range: BlobRange | undefined): Uint8Array {
  return range === undefined ? b.slice() : b.slice(range.start, Math.max(range.start, range.end ?? b.length));
}

export function checkBlobData(data: unknown): void {
  if (!(data instanceof Uint8Array)) throw invalid("data", "must be a Uint8Array");
}
