/**
 * The SQL port over a postgres.js instance, without the pool setup of `connectPostgres`: no node:*
 * import and no value import of the driver, so runtimes without a filesystem (lib/edge.ts) can use it
 * with the postgres.js instance they bring. lib/adapters/postgres.ts re-exports `fromPostgres`.
 */
import type postgres from "postgres";
import type { SqlPort, SqlRow, SqlValue } from "../ports/sql.ts";
import { toStoreError } from "../pgsql/driver-errors.ts";

type Sql = postgres.Sql;
type TxSql = postgres.TransactionSql;

/**
 * Wraps a postgres.js instance the caller made (an edge runtime makes one per request). The caller
 * keeps it: `close()` does not end it. Its sessions should use `TimeZone: "UTC"`; stored times are
 * correct either way, since every column is timestamptz.
 */
export function fromPostgres(sql: Sql, options: { location?: string; prepare?: boolean } = {}): SqlPort {
  return new PostgresPort(sql, sql, options.location ?? describe(sql), false, options.prepare ?? true);
}

function describe(sql: Sql): string {
  const o = sql.options;
  return `postgres://${o.user}@${o.host.join(",")}:${o.port.join(",")}/${o.database}`;
}

const INT8 = 20;
const isInt4 = (n: number): boolean => n >= -2_147_483_648 && n <= 2_147_483_647;

/*
 * IDs and numbers live in int4 columns, but callers may pass any safe integer. Left untyped, a value
 * beyond int4 would take the column's type and fail to bind (22003); sent as int8 it compares unequal
 * to every stored key instead, so a lookup of an ID nothing can have finds nothing, as on fs.
 */

/**
 * postgres.js 3.4 keeps the FATAL error of a session the server terminated (57P01 after
 * pg_terminate_backend, 57P02/57P03 around restarts) and rejects the first query of the *next*
 * session with it, before sending that query. The query that was running when the session died gets
 * CONNECTION_CLOSED instead. So a 57P0x on a query means it never ran: sending it once more is safe.
 */
function isStaleFatal(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === "57P01" || code === "57P02" || code === "57P03";
}

export class PostgresPort implements SqlPort {
  readonly #pool: Sql;
  readonly #sql: Sql | TxSql;
  readonly #owned: boolean;
  readonly #prepare: boolean;
  readonly location: string;

  constructor(pool: Sql, sql: Sql | TxSql, location: string, owned: boolean, prepare: boolean) {
    this.#pool = pool;
    this.#sql = sql;
    this.location = location;
    this.#owned = owned;
    this.#prepare = prepare;
  }

  async query<R extends SqlRow = SqlRow>(text: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const bound = params.map((p) => (typeof p === "number" && !isInt4(p) && Number.isInteger(p) ? this.#sql.typed(p, INT8) : p));
    const once = () => this.#sql.unsafe(text, bound as postgres.ParameterOrJSON<never>[], { prepare: this.#prepare });
    try {
      try {
        return (await once()) as unknown as R[];
      } catch (e) {
        if (this.#sql !== this.#pool || !isStaleFatal(e)) throw e;
        return (await once()) as unknown as R[];
      }
    } catch (e) {
      throw toStoreError(e, this.location);
    }
  }

  async transaction<T>(fn: (tx: SqlPort) => Promise<T>): Promise<T> {
    let started = false;
    const run = (tx: TxSql) => {
      started = true;
      return fn(new PostgresPort(this.#pool, tx, this.location, false, this.#prepare));
    };
    try {
      if (this.#sql !== this.#pool) return (await (this.#sql as TxSql).savepoint(run)) as T;
      try {
        return (await this.#pool.begin(run)) as T;
      } catch (e) {
        if (started || !isStaleFatal(e)) throw e;
        return (await this.#pool.begin(run)) as T;
      }
    } catch (e) {
      throw toStoreError(e, this.location);
    }
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#pool.end({ timeout: 5 });
  }
}
