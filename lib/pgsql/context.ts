/**
 * What every pgsql store shares: the SQL port, the clock, and transactions that are retried when
 * PostgreSQL reports a serialization failure or deadlock (safe: the whole transaction reruns).
 */
import type { SqlPort, SqlRow, SqlValue } from "../ports/sql.ts";
import { isStoreError, type ErrorCode, type StoreError } from "../errors.ts";

export interface PgOptions {
  /** Time source for stored timestamps; default the system clock. */
  clock?: () => Date;
}

/** How often a transaction that lost a serialization race or deadlock is run again. */
const MAX_ATTEMPTS = 5;

export class PgCtx {
  readonly sql: SqlPort;
  readonly #clock: () => Date;

  constructor(sql: SqlPort, opts: PgOptions = {}) {
    this.sql = sql;
    this.#clock = opts.clock ?? (() => new Date());
  }

  /** Now, to the millisecond (what both backends store). */
  now(): Date {
    return new Date(this.#clock().getTime());
  }

  /** Runs `fn` in one transaction, rerun from the start on a retryable conflict. */
  async tx<T>(fn: (q: SqlPort) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sql.transaction(fn);
      } catch (e) {
        if (!isStoreError(e, "conflict") || !e.retryable || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
      }
    }
  }

  /** The rows of one statement on the pool (outside any transaction). */
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.sql.query<R>(text, params);
  }
}

/** `s` as a LIKE pattern matching itself literally, then anything: a prefix match served by a "C" index. */
export const likePrefix = (s: string): string => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Awaits `p`; a StoreError of `code` from it becomes `replacement()` (in the store's words), with it as the cause. */
export async function rethrowAs<T>(p: Promise<T>, code: ErrorCode, replacement: () => StoreError): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (!isStoreError(e, code)) throw e;
    const err = replacement();
    (err as { cause?: unknown }).cause = e;
    throw err;
  }
}
