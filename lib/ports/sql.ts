/**
 * The SQL port: what the pgsql backend needs from a PostgreSQL driver, and nothing more. Types only;
 * lib/adapters/postgres.ts implements it over postgres.js, and a caller may supply its own.
 */

/** A value bound to a `$n` placeholder. Text is never spliced into SQL. */
export type SqlValue = string | number | boolean | bigint | Date | Uint8Array | null;

/** One result row, keyed by column name. */
export type SqlRow = Record<string, unknown>;

export interface SqlPort {
  /**
   * Runs one statement with `$1..$n` placeholders bound to `params`. Fails only with StoreError:
   * unique violation -> already_exists, serialization failure or deadlock -> conflict (with
   * `retryable: true`), lost or refused connection -> unavailable; the driver error is the `cause`.
   */
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly SqlValue[]): Promise<R[]>;
  /**
   * Runs `fn` in a transaction (READ COMMITTED) and commits when it resolves, rolls back when it
   * throws. Called on a port inside a transaction, it opens a savepoint instead.
   */
  transaction<T>(fn: (tx: SqlPort) => Promise<T>): Promise<T>;
  /** Where it connects, without a password, for messages and `info()`. */
  readonly location: string;
  /** Ends the pool; a no-op for a port that wraps a caller's own driver instance. */
  close(): Promise<void>;
}
