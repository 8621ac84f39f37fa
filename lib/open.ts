/**
 * openStore's body, shared by lib/mod.ts and lib/edge.ts. They differ only in what a pgsql config
 * without `sql` does: mod.ts connects from the environment (loading the driver adapter on demand),
 * edge.ts has no such default and asks for a port, so its bundle never holds node:* or the driver.
 */
import type { SqlPort } from "./ports/sql.ts";
import type { FsPort } from "./ports/fs.ts";
import type { Stores } from "./stores.ts";
import { StoreError } from "./errors.ts";
import { openFsStores } from "./fs/backend.ts";
import { openPgsqlStores } from "./pgsql/backend.ts";

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
   * "srcstore/adapters/postgres". Default: a pool from DATABASE_URL / PG* in the environment
   * (from "srcstore"; "srcstore/edge" has no default and requires it).
   */
  sql?: SqlPort;
  /** Time source for stored timestamps; default the system clock. */
  clock?: () => Date;
}

export type StoreConfig = FsStoreConfig | PgsqlStoreConfig;

/** See openStore in lib/mod.ts; `connectDefault` makes the port when a pgsql config has none. */
export async function openStores(config: StoreConfig, connectDefault?: () => Promise<SqlPort>): Promise<Stores> {
  const backend = config.localStore ?? "fs";
  if (backend === "pgsql") return openPgsql(config as PgsqlStoreConfig, connectDefault);
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

async function openPgsql(config: PgsqlStoreConfig, connectDefault?: () => Promise<SqlPort>): Promise<Stores> {
  if (!config.sql && !connectDefault) {
    throw new StoreError("invalid_input", "sql: a SqlPort is required here, e.g. fromPostgres(yourPostgresJs)", { field: "sql" });
  }
  const sql = config.sql ?? (await connectDefault!());
  try {
    return await openPgsqlStores(sql, config.clock ? { clock: config.clock } : {});
  } catch (e) {
    if (!config.sql) await sql.close().catch(() => {});
    throw e;
  }
}
