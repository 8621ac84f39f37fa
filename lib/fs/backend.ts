/**
 * The fs backend: every store on one FsPort. The data dir layout is documented in docs/fs-layout.md.
 */
import type { FsPort } from "../ports/fs.ts";
import type { Stores, StoreInfo } from "../stores.ts";
import { FsCtx, type FsOptions } from "./context.ts";
import { FsUsers } from "./users.ts";

export type { FsOptions };

export function openFsStores(fs: FsPort, opts: FsOptions = {}): Stores {
  const ctx = new FsCtx(fs, opts);
  const stores = {
    users: new FsUsers(ctx),
  } as unknown as Stores;
  stores.info = async (): Promise<StoreInfo> => ({
    backend: "fs",
    location: fs.location,
    counts: { users: await stores.users.count({ includeDisabled: true }) },
  });
  stores.close = async () => {};
  return stores;
}
