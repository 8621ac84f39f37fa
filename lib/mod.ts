/**
 * srcstore: the public entry. Imports no runtime: the caller (or a runtime entry such as the CLI)
 * chooses the adapter, e.g. `nodeFs(dir)` from "srcstore/adapters/node-fs".
 *
 * @example
 * ```ts
 * import { openStore } from "srcstore";
 * import { memoryFs } from "srcstore/adapters/memory-fs";
 * const stores = await openStore({ fs: memoryFs() });
 * const alice = await stores.users.create({ login: "alice" });
 * ```
 */
import type { FsPort } from "./ports/fs.ts";
import type { SqlPort } from "./ports/sql.ts";
import type { Stores } from "./stores.ts";
import { StoreError } from "./errors.ts";
import { openFsStores } from "./fs/backend.ts";
import { openPgsqlStores } from "./pgsql/backend.ts";

export type * from "./model.ts";
export type * from "./stores.ts";
export type { FsPort, ProcessRef } from "./ports/fs.ts";
export type { SqlPort, SqlRow, SqlValue } from "./ports/sql.ts";
export { StoreError, isStoreError, type ErrorCode } from "./errors.ts";

export interface FsStoreConfig {
  /** Default "fs". */
  localStore?: "fs";
  /** Where the data lives: nodeFs($SGPATH/store), denoFs(...), memoryFs(). */
  fs: FsPort;
  /** Time source for stored timestamps; default the system clock. */
  clock?: () => Date;
  /** How long a call waits for a lock held by another live process; default 30000. */
  lockTimeoutMs?: number;
}

export interface PgsqlStoreConfig {
  localStore: "pgsql";
  /**
   * The database: `connectPostgres()` or `fromPostgres(yourPostgresJs)` from
   * "srcstore/adapters/postgres". Default: a pool from DATABASE_URL / PG* in the environment.
   */
  sql?: SqlPort;
  /** Time source for stored timestamps; default the system clock. */
  clock?: () => Date;
}

export type StoreConfig = FsStoreConfig | PgsqlStoreConfig;

/**
 * Opens every store on the chosen backend. On pgsql, schema_mismatch when the database is not at
 * this release's schema (run `src pgsql create`, or upgrade srcstore if the schema is newer).
 */
export async function openStore(config: StoreConfig): Promise<Stores> {
  const backend = config.localStore ?? "fs";
  if (backend === "pgsql") return openPgsql(config as PgsqlStoreConfig);
  if (backend !== "fs") {
    throw new StoreError("invalid_input", `localStore must be "fs" or "pgsql", got ${JSON.stringify(backend)}`, { field: "localStore" });
  }
  config = config as FsStoreConfig;
  if (!config.fs) throw new StoreError("invalid_input", "fs: an FsPort is required for the fs store", { field: "fs" });
  return openFsStores(config.fs, {
    ...(config.clock ? { clock: config.clock } : {}),
    ...(config.lockTimeoutMs ? { lockTimeoutMs: config.lockTimeoutMs } : {}),
  });
}

async function openPgsql(config: PgsqlStoreConfig): Promise<Stores> {
  // The driver adapter loads only when the caller did not bring a port: edge callers inject their own.
  const sql = config.sql ?? (await import("./adapters/postgres.ts")).connectPostgres();
  try {
    return await openPgsqlStores(sql, config.clock ? { clock: config.clock } : {});
  } catch (e) {
    if (!config.sql) await sql.close().catch(() => {});
    throw e;
  }
}
