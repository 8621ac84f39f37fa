/**
 * Record counts per store for `src store info`, from index directory listings only (no record is
 * read). Each store's author keeps its line here true to its layout.
 */
import type { FsCtx } from "./context.ts";
import { countPerRepo } from "./numbered.ts";
import { countAppStorageKeys } from "./app-storage.ts";

export async function countRecords(ctx: FsCtx): Promise<Record<string, number>> {
  const n = async (dir: string) => (await ctx.fs.list(dir)).length;
  /** Entries one level down: dir/<group>/<entry>. */
  const sum = async (dir: string) => {
    let total = 0;
    for (const group of await ctx.fs.list(dir)) total += await n(`${dir}/${group}`);
    return total;
  };
  return {
    users: await n("users/index"),
    passwords: await n("users/password"),
    orgs: await n("orgs/index"),
    repos: await n("repos/index"),
    appStorage: await countAppStorageKeys(ctx),
    oauthClients: await n("oauth-clients/index"),
    authCodes: await n("oauth-codes/expiry"),
    externalTokens: await sum("external-tokens"),
    invites: await n("invites/email"),
    threads: await countPerRepo(ctx, "threads"),
    changesets: await countPerRepo(ctx, "changesets"),
  };
}
