/** STUB: to be replaced by the real fs repo-statuses store. */
import type { RepoStatusesStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeRepoStatuses(ctx: FsCtx): RepoStatusesStore {
  return unimplemented<RepoStatusesStore>("repo-statuses", ctx);
}
