/**
 * BlobPort in memory: for tests and for runtimes without a filesystem. Bytes are copied in and out,
 * so a caller that changes its array afterwards changes nothing stored. Nothing survives the process.
 * Usage: `const blob = memoryBlob();`
 */
import type { BlobEntry, BlobPort, BlobRange } from "../ports/blob.ts";
import { checkBlobData, checkBlobKey, checkBlobPrefix, checkBlobRange, compareKeys, sliceRange } from "../blob-key.ts";

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
