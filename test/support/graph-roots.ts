/**
 * Roots and blob-port wrappers for the graph-store protocol tests (graph-store, graph-protocol,
 * graph-edges): each case runs on a fresh memory root and a fresh folder root.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlobPort } from "../../lib/ports/blob.ts";
import { isStoreError, type StoreError } from "../../lib/errors.ts";
import { memoryBlob } from "../../lib/adapters/memory-blob.ts";
import { folderBlob } from "../../lib/adapters/folder-blob.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";

interface Root {
  blob: BlobPort;
  done(): Promise<void>;
}

const roots: Record<string, () => Promise<Root>> = {
  memory: async () => ({ blob: memoryBlob(), done: async () => {} }),
  folder: async () => {
    const dir = await mkdtemp(join(tmpdir(), "graph-store-"));
    return { blob: folderBlob(nodeFs(dir)), done: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** Each case on each root (or only `only`), with a fresh root it closes and removes. */
export function each(name: string, fn: (blob: BlobPort) => Promise<void>, only?: "memory" | "folder"): void {
  for (const [kind, open] of Object.entries(roots)) {
    if (only && kind !== only) continue;
    test(`${kind}: ${name}`, async () => {
      const r = await open();
      try {
        await fn(r.blob);
      } finally {
        await r.blob.close();
        await r.done();
      }
    });
  }
}

export async function keys(blob: BlobPort, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of blob.list(prefix)) out.push(e.key);
  return out;
}

/** The versions that have data objects, and those that have markers (tombstones: see tombstones()). */
export async function versions(blob: BlobPort): Promise<{ data: string[]; markers: string[] }> {
  const data = new Set((await keys(blob, "data/")).map((k) => k.split("/")[3]!));
  const files = (await keys(blob, "commits/")).map((k) => k.split("/")[3]!);
  const markers = files.filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
  return { data: [...data].sort(), markers: markers.sort() };
}

/** The versions of deleteCommit tombstones. */
export async function tombstones(blob: BlobPort): Promise<string[]> {
  return (await keys(blob, "commits/")).filter((k) => k.endsWith(".deleted")).map((k) => k.split("/")[3]!.slice(0, -8)).sort();
}

/** A port passing everything through to `blob`, except close (the test closes the root). */
export function wrap(blob: BlobPort): BlobPort {
  return {
    get location() {
      return blob.location;
    },
    get: (k, r) => blob.get(k, r),
    put: (k, d) => blob.put(k, d),
    list: (p) => blob.list(p),
    delete: (ks) => blob.delete(ks),
    close: async () => {},
  };
}

/**
 * A port that calls `between(step)` after each of its operations completes (a list counts when it
 * has yielded everything): another actor run there lands between two steps of this one.
 */
export function steps(blob: BlobPort, between: (step: number) => Promise<void>): BlobPort {
  let n = 0;
  const after = () => between(n++);
  return {
    ...wrap(blob),
    get: async (k, r) => {
      const b = await blob.get(k, r);
      await after();
      return b;
    },
    put: async (k, d) => {
      await blob.put(k, d);
      await after();
    },
    async *list(p) {
      const all = [];
      for await (const e of blob.list(p)) all.push(e);
      await after();
      yield* all;
    },
    delete: async (ks) => {
      await blob.delete(ks);
      await after();
    },
  };
}

export async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isStoreError(e), `a StoreError, got ${String(e)}`);
    assert.is((e as StoreError).code, code, (e as Error).message);
    if (message) assert.match((e as Error).message, message);
    return e as StoreError;
  }
  assert.unreachable(`expected ${code}`);
  throw new Error("unreachable");
}
