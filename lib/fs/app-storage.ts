/** STUB: to be replaced by the real fs app-storage store. */
import type { AppStorageStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeAppStorage(ctx: FsCtx): AppStorageStore {
  return unimplemented<AppStorageStore>("app-storage", ctx);
}
