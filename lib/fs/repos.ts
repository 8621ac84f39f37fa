/** STUB: to be replaced by the real fs repos store. */
import type { ReposStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeRepos(ctx: FsCtx): ReposStore {
  return unimplemented<ReposStore>("repos", ctx);
}
