/**
 * Record counts per store for `src store info`, from index directory listings only (no record is
 * read). Each store's author keeps its line here true to its layout.
 */
import type { FsCtx } from "./context.ts";

export async function countRecords(ctx: FsCtx): Promise<Record<string, number>> {
  const n = async (dir: string) => (await ctx.fs.list(dir)).length;
  return {
    users: await n("users/index"),
  };
}
