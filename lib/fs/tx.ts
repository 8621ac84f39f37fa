/**
 * Transactions of the fs backend: under one cross-process lock, reads see the transaction's own
 * writes, and the writes become durable all together or not at all.
 *
 * Commit: with one write, that write is itself atomic. With more, a journal holding every write is
 * written first (atomically), then the writes are applied, then the journal is removed. A process
 * killed in between leaves the journal; whoever takes the lock next replays it (replaying is
 * idempotent: whole-file writes and removals) before going on.
 */
import type { FsPort } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { fromBase64, toBase64 } from "../base64.ts";
import { fromBytes, toBytes } from "./json.ts";
import type { Locks } from "./lock.ts";

type Write = Uint8Array | null;

interface Journal {
  writes: [string, string | null][];
}

export class Tx {
  readonly #fs: FsPort;
  readonly writes = new Map<string, Write>();

  constructor(fs: FsPort) {
    this.#fs = fs;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    if (this.writes.has(path)) return this.writes.get(path) ?? undefined;
    return this.#fs.readFile(path);
  }

  async readJson<T>(path: string): Promise<T | undefined> {
    const bytes = await this.read(path);
    return bytes === undefined ? undefined : parse<T>(path, bytes);
  }

  put(path: string, bytes: Uint8Array): void {
    this.writes.delete(path); // keep the order of the latest write
    this.writes.set(path, bytes);
  }

  putJson(path: string, value: unknown): void {
    this.put(path, toBytes(value));
  }

  remove(path: string): void {
    this.writes.delete(path);
    this.writes.set(path, null);
  }

  /** Names in a directory, as they will be after this transaction. */
  async list(dir: string): Promise<string[]> {
    const names = new Set(await this.#fs.list(dir));
    for (const [path, w] of this.writes) {
      const slash = path.lastIndexOf("/");
      if (path.slice(0, slash) !== dir) continue;
      const name = path.slice(slash + 1);
      if (w === null) names.delete(name);
      else names.add(name);
    }
    return [...names];
  }

  /** Next value of a counter file (starting at 1), claimed by this transaction. */
  async next(path: string): Promise<number> {
    const n = (await this.readJson<{ next: number }>(path))?.next ?? 1;
    this.putJson(path, { next: n + 1 });
    return n;
  }
}

export function parse<T>(path: string, bytes: Uint8Array): T {
  try {
    return fromBytes<T>(bytes);
  } catch (cause) {
    throw new StoreError("internal", `record ${path} is not valid JSON`, { cause });
  }
}

/**
 * Runs `fn` as one transaction under the lock named `lock` (one path segment). The journal has one
 * fixed place per lock, so whoever takes the lock next finds an unfinished one, whatever happened to
 * the process that wrote it.
 */
export async function transact<T>(fs: FsPort, locks: Locks, lock: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const journal = journalPath(lock);
  return locks.with(`locks/${lock}`, async () => {
    await replay(fs, journal);
    const tx = new Tx(fs);
    const result = await fn(tx);
    await commit(fs, tx, journal);
    return result;
  });
}

export const journalPath = (lock: string): string => `locks/${lock}/journal`;

async function commit(fs: FsPort, tx: Tx, journalPath: string): Promise<void> {
  const writes = [...tx.writes];
  if (writes.length === 0) return;
  if (writes.length === 1) return apply(fs, writes);
  const journal: Journal = { writes: writes.map(([p, w]) => [p, w === null ? null : toBase64(w)]) };
  await fs.writeFile(journalPath, toBytes(journal));
  await apply(fs, writes);
  await fs.remove(journalPath);
}

/** In the order the transaction made them, so readers meanwhile see records before what points at them. */
async function apply(fs: FsPort, writes: [string, Write][]): Promise<void> {
  await fs.writeBatch(writes);
}

async function replay(fs: FsPort, journalPath: string): Promise<void> {
  const bytes = await fs.readFile(journalPath);
  if (bytes === undefined) return;
  const journal = parse<Journal>(journalPath, bytes);
  await apply(fs, journal.writes.map(([p, w]) => [p, w === null ? null : fromBase64(w)]));
  await fs.remove(journalPath);
}
