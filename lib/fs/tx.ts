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
  /** Writes of the transactions committed before this one in the same group, oldest first. */
  readonly #below: Map<string, Write>[];
  readonly writes = new Map<string, Write>();

  constructor(fs: FsPort, below: Map<string, Write>[] = []) {
    this.#fs = fs;
    this.#below = below;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    for (let i = this.#below.length; i >= 0; i--) {
      const layer = i === this.#below.length ? this.writes : this.#below[i]!;
      if (layer.has(path)) return layer.get(path) ?? undefined;
    }
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
    for (const layer of [...this.#below, this.writes]) {
      for (const [path, w] of layer) {
        const slash = path.lastIndexOf("/");
        if (path.slice(0, slash) !== dir) continue;
        const name = path.slice(slash + 1);
        if (w === null) names.delete(name);
        else names.add(name);
      }
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

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** At most this many transactions share one lock acquisition and one commit. */
const MAX_GROUP = 64;

/**
 * Runs transactions under locks, committing together those that queue up for the same lock in this
 * process (group commit): they run one after another, each seeing the writes of those before it;
 * one that throws is dropped alone; then one journal and one batch of writes make them all durable
 * before any of them returns. The journal has one fixed place per lock, so whoever takes the lock
 * next finds an unfinished one, whatever happened to the process that wrote it.
 */
export class Transactions {
  readonly #fs: FsPort;
  readonly #locks: Locks;
  readonly #queues = new Map<string, Job[]>();
  readonly #draining = new Set<Promise<void>>();

  constructor(fs: FsPort, locks: Locks) {
    this.#fs = fs;
    this.#locks = locks;
  }

  run<T>(lock: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { fn, resolve: resolve as (v: unknown) => void, reject };
      const queue = this.#queues.get(lock);
      if (queue) return void queue.push(job);
      this.#queues.set(lock, [job]);
      this.#drain(lock);
    });
  }

  /** Resolves when no transaction of this process is queued or running. */
  async idle(): Promise<void> {
    while (this.#draining.size > 0) await Promise.all(this.#draining);
  }

  #drain(lock: string): void {
    const p = this.#drainQueue(lock).finally(() => this.#draining.delete(p));
    this.#draining.add(p);
  }

  async #drainQueue(lock: string): Promise<void> {
    const queue = this.#queues.get(lock)!;
    try {
      await this.#drainGroups(lock, queue);
    } catch (cause) {
      // Never strand a caller: whatever is still queued after an unexpected failure is rejected.
      if (this.#queues.get(lock) === queue) this.#queues.delete(lock);
      const error = new StoreError("internal", `transactions on ${lock} were abandoned`, { cause });
      for (const job of queue.splice(0)) job.reject(error);
    }
  }

  async #drainGroups(lock: string, queue: Job[]): Promise<void> {
    while (queue.length > 0) {
      const group = queue.splice(0, MAX_GROUP);
      const outcomes = new Map<Job, { ok: true; value: unknown } | { ok: false; error: unknown }>();
      try {
        await this.#locks.with(`locks/${lock}`, async () => {
          const journal = journalPath(lock);
          await replay(this.#fs, journal);
          const layers: Map<string, Write>[] = [];
          for (const job of group) {
            const tx = new Tx(this.#fs, layers);
            try {
              outcomes.set(job, { ok: true, value: await job.fn(tx) });
              layers.push(tx.writes);
            } catch (error) {
              outcomes.set(job, { ok: false, error });
            }
          }
          await commit(this.#fs, layers.flatMap((l) => [...l]), journal);
        });
      } catch (error) {
        // The lock, the replay or the commit failed: no transaction of the group took effect.
        for (const job of group) if (outcomes.get(job)?.ok !== false) outcomes.set(job, { ok: false, error });
      }
      // Settled only once the lock is released, so nothing of a call is still running when it returns.
      for (const job of group) {
        const o = outcomes.get(job)!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.error);
      }
    }
    // In the same tick as the empty check: a job queued from now on starts a new drain.
    this.#queues.delete(lock);
  }
}

export const journalPath = (lock: string): string => `locks/${lock}/journal`;

/** The same path may come twice (two transactions of a group): applied in order, the last wins. */
async function commit(fs: FsPort, writes: [string, Write][], journalPath: string): Promise<void> {
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
