/** STUB: to be replaced by the real fs repo-perms store. */
import type { RepoPermsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeRepoPerms(ctx: FsCtx): RepoPermsStore {
  return unimplemented<RepoPermsStore>("repo-perms", ctx);
}
