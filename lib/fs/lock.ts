/**
 * Cross-process locks on the FS port alone, that survive a holder killed at any moment.
 *
 * A lock is a directory of numbered state files; the highest number is the current state ("free",
 * or "held" by a process). Every change of state is an exclusive create of the next number, so of
 * several processes racing to take, release or break the lock exactly one wins: no check-then-act
 * window. A held lock whose holder is known dead (same host, pid gone) is broken by the same exclusive
 * create; the breaker learns the dead holder's transaction id so it can finish its journal.
 */
import type { FsPort } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { fromBytes, toBytes } from "./json.ts";
import { num } from "./names.ts";

interface Held {
  state: "held";
  host: string;
  pid: number;
  txid: string;
}
type LockState = Held | { state: "free"; journal?: string };

export interface Acquired {
  /** The state file this holder created; releasing creates the next one. */
  seq: number;
  txid: string;
  /**
   * A transaction whose journal may be unfinished: the holder died holding the lock, or released it
   * after failing to apply its writes. It must be replayed before anything else.
   */
  replayTxid: string | undefined;
  /** Set by the holder when a journal could not be applied: the next holder replays it. */
  unfinished?: string;
}

const POLL_MIN_MS = 1;
const POLL_MAX_MS = 25;

export class Locks {
  readonly #fs: FsPort;
  readonly #timeoutMs: number;
  /** Per lock, the tail of this process's queue: in-process callers never race each other on disk. */
  readonly #queues = new Map<string, Promise<unknown>>();
  /** Transaction ids this process holds now: a lock recorded with our pid but another txid is stale. */
  readonly #mine = new Set<string>();

  constructor(fs: FsPort, timeoutMs: number) {
    this.#fs = fs;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs `fn` holding the lock at `dir`; in-process callers of the same lock queue up in order. */
  async with<T>(dir: string, fn: (lock: Acquired) => Promise<T>): Promise<T> {
    const prev = this.#queues.get(dir) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = prev.then(() => mine);
    this.#queues.set(dir, tail);
    try {
      await prev;
      const lock = await this.#acquire(dir);
      try {
        return await fn(lock);
      } finally {
        await this.#release(dir, lock);
      }
    } finally {
      done();
      if (this.#queues.get(dir) === tail) this.#queues.delete(dir);
    }
  }

  async #acquire(dir: string): Promise<Acquired> {
    const txid = crypto.randomUUID();
    const deadline = Date.now() + this.#timeoutMs;
    let wait = POLL_MIN_MS;
    for (;;) {
      const cur = await this.#current(dir);
      const stale = cur.state.state === "held" && !this.#holderAlive(cur.state);
      if (cur.state.state === "free" || stale) {
        const next = cur.seq + 1;
        const mine: Held = { state: "held", host: this.#fs.self.host, pid: this.#fs.self.pid, txid };
        if (await this.#fs.createExclusive(`${dir}/${num(next)}`, toBytes(mine))) {
          this.#mine.add(txid);
          const st = cur.state;
          const replayTxid = st.state === "held" ? st.txid : st.journal;
          return { seq: next, txid, replayTxid };
        }
        wait = POLL_MIN_MS;
        continue;
      }
      if (Date.now() > deadline) {
        const h = cur.state as Held;
        throw new StoreError("unavailable",
          `timed out after ${this.#timeoutMs} ms waiting for lock ${dir} held by pid ${h.pid} on ${h.host}`);
      }
      await sleep(wait);
      wait = Math.min(wait * 2, POLL_MAX_MS);
    }
  }

  async #release(dir: string, lock: Acquired): Promise<void> {
    this.#mine.delete(lock.txid);
    const free: LockState = lock.unfinished ? { state: "free", journal: lock.unfinished } : { state: "free" };
    const ok = await this.#fs.createExclusive(`${dir}/${num(lock.seq + 1)}`, toBytes(free));
    if (!ok) {
      throw new StoreError("internal", `lock ${dir} was taken from this process while it held it`);
    }
    await this.#collect(dir, lock.seq + 1);
  }

  #holderAlive(h: Held): boolean {
    const self = this.#fs.self;
    if (h.host === self.host && h.pid === self.pid) return this.#mine.has(h.txid);
    return this.#fs.isAlive({ host: h.host, pid: h.pid });
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
      } catch (cause) {
        throw new StoreError("internal", `lock state ${dir}/${num(seq)} is unreadable`, { cause });
      }
    }
  }

  /** Removes state files older than `keep`; best effort, a racing remover is harmless. */
  async #collect(dir: string, keep: number): Promise<void> {
    for (const name of await this.#fs.list(dir)) {
      const n = Number(name);
      if (Number.isSafeInteger(n) && n < keep) await this.#fs.remove(`${dir}/${name}`);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
