/** STUB: to be replaced by the real fs changesets store. */
import type { ChangesetsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeChangesets(ctx: FsCtx): ChangesetsStore {
  return unimplemented<ChangesetsStore>("changesets", ctx);
}
