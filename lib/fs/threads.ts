/** STUB: to be replaced by the real fs threads store. */
import type { ThreadsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeThreads(ctx: FsCtx): ThreadsStore {
  return unimplemented<ThreadsStore>("threads", ctx);
}
