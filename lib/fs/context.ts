/**
 * What every fs store file gets: the port, the locks, the clock, and small record helpers.
 */
import type { FsPort } from "../ports/fs.ts";
import { notFound } from "../errors.ts";
import { Locks } from "./lock.ts";
import { journalPath, parse, Transactions, type Tx } from "./tx.ts";
import { num } from "./names.ts";

export interface FsOptions {
  /** Time source for stored timestamps; default the system clock. */
  clock?: () => Date;
  /** How long a call waits for a lock held by another live process; default 30 s. */
  lockTimeoutMs?: number;
}

export class FsCtx {
  readonly fs: FsPort;
  readonly locks: Locks;
  readonly #txs: Transactions;
  readonly #clock: () => Date;

  constructor(fs: FsPort, opts: FsOptions = {}) {
    this.fs = fs;
    this.locks = new Locks(fs, opts.lockTimeoutMs ?? 30_000);
    this.#txs = new Transactions(fs, this.locks);
    this.#clock = opts.clock ?? (() => new Date());
  }

  /** The clock's time, at millisecond precision (what every backend can store). */
  now(): Date {
    return new Date(this.#clock().getTime());
  }

  tx<T>(lock: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#txs.run(lock, fn);
  }

  /**
   * Finishes a transaction of `lock` left unfinished by a killed process, if there is one, so that a
   * list or count that walks that lock's index does not see it half-applied. One read when there is
   * nothing to do.
   */
  async settle(lock: string): Promise<void> {
    if ((await this.fs.readFile(journalPath(lock))) !== undefined) await this.tx(lock, async () => {});
  }

  /** Resolves when no transaction of this store object is queued or running. */
  idle(): Promise<void> {
    return this.#txs.idle();
  }

  async readJson<T>(path: string): Promise<T | undefined> {
    const bytes = await this.fs.readFile(path);
    return bytes === undefined ? undefined : parse<T>(path, bytes);
  }

  /** not_found naming `what` unless a file is at `path`; nothing is parsed. Through `tx` when given. */
  async mustExist(path: string, what: string, tx?: Tx): Promise<void> {
    if ((tx ? await tx.read(path) : await this.fs.readFile(path)) === undefined) throw notFound(what);
  }

  mustHaveUser(uid: number, tx?: Tx): Promise<void> {
    return this.mustExist(userPath(uid), `user ${uid}`, tx);
  }

  mustHaveRepo(id: number, tx?: Tx): Promise<void> {
    return this.mustExist(repoPath(id), `repo ${id}`, tx);
  }

  /** The record, or not_found naming `what`. */
  async mustRead<T>(path: string, what: string): Promise<T> {
    const v = await this.readJson<T>(path);
    if (v === undefined) throw notFound(what);
    return v;
  }
}

/** Paths of records other stores check for existence. */
export const userPath = (uid: number): string => `users/uid/${num(uid)}.json`;
export const repoPath = (id: number): string => `repos/id/${num(id)}/repo.json`;
