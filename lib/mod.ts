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
import type { Stores } from "./stores.ts";
import { StoreError } from "./errors.ts";
import { openFsStores } from "./fs/backend.ts";

export type * from "./model.ts";
export type * from "./stores.ts";
export type { FsPort, ProcessRef } from "./ports/fs.ts";
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

export type StoreConfig = FsStoreConfig;

/** Opens every store on the chosen backend. */
export async function openStore(config: StoreConfig): Promise<Stores> {
  const backend = config.localStore ?? "fs";
  if (backend !== "fs") {
    throw new StoreError("unsupported", `local store ${JSON.stringify(backend)} is not available (use "fs")`);
  }
  if (!config.fs) throw new StoreError("invalid_input", "fs: an FsPort is required for the fs store", { field: "fs" });
  return openFsStores(config.fs, {
    ...(config.clock ? { clock: config.clock } : {}),
    ...(config.lockTimeoutMs ? { lockTimeoutMs: config.lockTimeoutMs } : {}),
  });
}
