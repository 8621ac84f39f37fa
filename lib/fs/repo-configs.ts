/** STUB: to be replaced by the real fs repo-configs store. */
import type { RepoConfigsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeRepoConfigs(ctx: FsCtx): RepoConfigsStore {
  return unimplemented<RepoConfigsStore>("repo-configs", ctx);
}
