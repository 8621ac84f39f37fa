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
import type { Stores } from "./stores.ts";
import { openStores, type StoreConfig } from "./open.ts";

export type * from "./model.ts";
export type * from "./stores.ts";
export type { FsPort, ProcessRef } from "./ports/fs.ts";
export type { SqlPort, SqlRow, SqlValue } from "./ports/sql.ts";
export { StoreError, isStoreError, type ErrorCode } from "./errors.ts";

export type { FsStoreConfig, PgsqlStoreConfig, StoreConfig } from "./open.ts";

/**
 * Opens every store on the chosen backend. On pgsql, schema_mismatch when the database is not at
 * this release's schema (run `src pgsql create`, or upgrade srcstore if the schema is newer).
 */
export async function openStore(config: StoreConfig): Promise<Stores> {
  // The driver adapter loads only when the caller did not bring a port: edge callers inject their own.
  return openStores(config, async () => (await import("./adapters/postgres.ts")).connectPostgres());
}
