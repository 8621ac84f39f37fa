/**
 * srcstore/edge: the entry for runtimes without a filesystem (Cloudflare Workers-style, Deno Deploy).
 * Nothing here or below imports node:*; the caller brings postgres.js (often an instance per request),
 * and the AWS SDK loads only when `s3Blob` or `openS3Graph` is called. test/edge-bundle.test.ts
 * bundles this file. Unlike "srcstore", a pgsql `openStore` needs `sql`: there is no environment pool.
 *
 * @example
 * ```ts
 * import { fromPostgres, openStore } from "srcstore/edge";
 * // pg: your postgres.js instance, e.g. postgres(env.DATABASE_URL, { max: 1 }) in a Worker's fetch
 * const stores = await openStore({ localStore: "pgsql", sql: fromPostgres(pg) });
 * ```
 */
import type { BlobPort } from "./ports/blob.ts";
import type { Stores } from "./stores.ts";
import type { S3BlobOptions } from "./adapters/s3-settings.ts";
import { openStores, type StoreConfig } from "./open.ts";
import { openGraphStore, type GraphStore, type GraphStoreOptions } from "./graph/mod.ts";

export type * from "./model.ts";
export type * from "./stores.ts";
export type { FsPort, ProcessRef } from "./ports/fs.ts";
export type { SqlPort, SqlRow, SqlValue } from "./ports/sql.ts";
export type { FsStoreConfig, PgsqlStoreConfig, StoreConfig } from "./open.ts";
export type { BlobPort, S3BlobOptions };
export type * from "./graph/store.ts";
export { StoreError, isStoreError, type ErrorCode } from "./errors.ts";
export { fromPostgres } from "./adapters/postgres-port.ts";
export { memoryFs } from "./adapters/memory-fs.ts";
export { memoryBlob } from "./adapters/memory-blob.ts";
export { openGraphStore, type GraphStoreOptions };

/** Opens every store: `fs` (e.g. memoryFs()) or pgsql with `sql: fromPostgres(yourPostgresJs)`. */
export async function openStore(config: StoreConfig): Promise<Stores> {
  return openStores(config);
}

/** The S3 blob port; its module and the AWS SDK load on the first call. */
export async function s3Blob(options: S3BlobOptions): Promise<BlobPort> {
  return (await import("./adapters/s3-blob.ts")).s3Blob(options);
}

/** The graph store on S3 (`s3Blob` then `openGraphStore`). On the edge pass `env` or explicit settings. */
export async function openS3Graph(options: S3BlobOptions & GraphStoreOptions): Promise<GraphStore> {
  const { clock, ...s3 } = options;
  return openGraphStore(await s3Blob(s3), clock ? { clock } : {});
}
