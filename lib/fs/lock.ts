/**
 * Cross-process locks on the FS port alone, that survive a holder killed at any moment.
 *
 * A lock is a directory of numbered state files; the highest number is the current state ("free",
 * or "held" by a process). Every change of state is an exclusive create of the next number, so of
 * several processes racing to take, release or break the lock exactly one wins: no check-then-act
 * window. A held lock whose holder is known to be gone (same host and pid gone, or recorded under an
 * earlier boot) is broken by the same exclusive create.
 *
 * State files are not fsynced: after a power loss every holder is dead anyway, and whatever state
 * survives is either free or held by a dead process. What must survive (a transaction's journal)
 * is checked by every new holder (tx.ts), whoever held the lock before.
 */
import type { FsPort, ProcessRef } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { fromBytes, toBytes } from "./json.ts";
import { num } from "./names.ts";

interface Held extends ProcessRef {
  state: "held";
  txid: string;
  /** When it was taken (ms since the epoch), for holders whose liveness cannot be checked. */
  since: number;
}
type LockState = Held | { state: "free" };

/**
 * Transaction ids this process holds now, across every store object it opened: a lock recorded with
 * our pid but a txid not in here was left by an earlier process that had our pid.
 */
const HELD = new Set<string>();

const FOREIGN_LEASE_MS = 10_000;
/** Old state files are removed every this many state changes (a few stale names cost nothing). */
const COLLECT_EVERY = 16;
const POLL_MIN_MS = 1;
const POLL_MAX_MS = 25;
const FAST = { durable: false };

export class Locks {
  readonly #fs: FsPort;
  readonly #timeoutMs: number;
  /** Per lock, the tail of this process's queue: in-process callers never race each other on disk. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(fs: FsPort, timeoutMs: number) {
    this.#fs = fs;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs `fn` holding the lock at `dir`; in-process callers of the same lock queue up in order. */
  async with<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(dir) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = prev.then(() => mine);
    this.#queues.set(dir, tail);
    try {
      await prev;
      const held = await this.#acquire(dir);
      try {
        return await fn();
      } finally {
        await this.#release(dir, held);
      }
    } finally {
      done();
      if (this.#queues.get(dir) === tail) this.#queues.delete(dir);
    }
  }

  async #acquire(dir: string): Promise<{ seq: number; txid: string }> {
    const txid = crypto.randomUUID();
    const deadline = Date.now() + this.#timeoutMs;
    let wait = POLL_MIN_MS;
    for (;;) {
      const cur = await this.#current(dir);
      if (cur.state.state === "free" || !this.#holderAlive(cur.state)) {
        const next = cur.seq + 1;
        const mine: Held = { state: "held", ...this.#fs.self, txid, since: Date.now() };
        // In HELD before the state file exists and until its successor does, so that another store
        // object of this process never reads our state as left by a dead process.
        HELD.add(txid);
        let created = false;
        try {
          created = await this.#fs.createExclusive(`${dir}/${num(next)}`, toBytes(mine), FAST);
          if (created) {
            // The state we read may have been collected meanwhile, freeing its number for our create
            // while a newer state exists: then ours is not the current state; retry.
            if (!(await this.#fs.list(dir)).some((n) => Number.isSafeInteger(Number(n)) && Number(n) > next)) {
              return { seq: next, txid };
            }
            await this.#fs.remove(`${dir}/${num(next)}`, FAST);
          }
        } catch (e) {
          // Never leave a "held" state behind that other processes would wait on while we live.
          if (created) await this.#fs.remove(`${dir}/${num(next)}`, FAST).catch(() => undefined);
          HELD.delete(txid);
          throw e;
        }
        HELD.delete(txid);
        wait = POLL_MIN_MS;
        continue;
      }
      if (Date.now() > deadline) {
        const h = cur.state;
        throw new StoreError("unavailable",
          `timed out after ${this.#timeoutMs} ms waiting for lock ${dir} held by pid ${h.pid} on ${h.host}`);
      }
      await sleep(wait);
      wait = Math.min(wait * 2, POLL_MAX_MS);
    }
  }

  /**
   * An I/O error here is retried once, then given up silently: what ran under the lock is already
   * durable, and a state left "held" is taken over by this process at once (its txid is no longer
   * ours) and by others once this process is gone.
   */
  async #release(dir: string, held: { seq: number; txid: string }): Promise<void> {
    const free = () => this.#fs.createExclusive(`${dir}/${num(held.seq + 1)}`, toBytes({ state: "free" }), FAST);
    let ok = true;
    try {
      ok = await free().catch(free);
    } catch {
      // given up, see above
    } finally {
      HELD.delete(held.txid);
    }
    if (!ok) throw new StoreError("internal", `lock ${dir} was taken from this process while it held it`);
    if ((held.seq + 1) % COLLECT_EVERY === 0) await this.#collect(dir, held.seq + 1);
  }

  #holderAlive(h: Held): boolean {
    const self = this.#fs.self;
    if (h.host !== self.host || h.boot !== self.boot) return this.#fs.isAlive(h);
    if (h.ns === self.ns) return h.pid === self.pid ? HELD.has(h.txid) : this.#fs.isAlive(h);
    // Same host and boot, another pid namespace: a container restarted, or one running beside us
    // under the same host name. Its pid means nothing here; a transaction lasts milliseconds, so a
    // lock held longer than the lease is taken to be left by a process that is gone.
    return Date.now() - h.since < FOREIGN_LEASE_MS;
  }

  /** The highest state file; a file removed under us by another process's collection is retried. */
  async #current(dir: string): Promise<{ seq: number; state: LockState }> {
    for (;;) {
      const seqs = (await this.#fs.list(dir)).map(Number).filter(Number.isSafeInteger);
      if (seqs.length === 0) return { seq: 0, state: { state: "free" } };
      const seq = Math.max(...seqs);
      const bytes = await this.#fs.readFile(`${dir}/${num(seq)}`);
      if (bytes === undefined) continue;
      try {
        return { seq, state: fromBytes<LockState>(bytes) };
      } catch {
        // A state file torn by a power loss (they are not fsynced): its holder is gone.
        return { seq, state: { state: "free" } };
      }
    }
  }

  /** Removes state files older than `keep`; best effort, a racing remover is harmless. */
  async #collect(dir: string, keep: number): Promise<void> {
    for (const name of await this.#fs.list(dir)) {
      const n = Number(name);
      if (Number.isSafeInteger(n) && n < keep) await this.#fs.remove(`${dir}/${name}`, FAST);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
