/**
 * Record counts per store for `src store info`, with the same keys as the fs backend. Each store's
 * author keeps its line here true to its tables.
 */
import type { PgCtx } from "./context.ts";

export async function countRecords(ctx: PgCtx): Promise<Record<string, number>> {
  const n = async (sql: string) => Number((await ctx.query<{ n: number }>(sql))[0]?.n ?? 0);
  return {
    users: await n("SELECT count(*)::int AS n FROM users"),
    repos: await n("SELECT count(*)::int AS n FROM repos"),
    // accounts (passwords, externalTokens):
    passwords: await n("SELECT count(*)::int AS n FROM user_passwords"),
    externalTokens: await n("SELECT count(*)::int AS n FROM external_tokens"),
    // orgs, oauthClients, authCodes, invites:
    orgs: await n("SELECT count(*)::int AS n FROM orgs"),
    oauthClients: await n("SELECT count(*)::int AS n FROM oauth_clients"),
    authCodes: await n("SELECT count(*)::int AS n FROM auth_codes"),
    invites: await n("SELECT count(*)::int AS n FROM invites"),
    // app storage (appStorage):
    appStorage: await n("SELECT count(*)::int AS n FROM app_storage"),
    // tracker (threads, changesets):
    threads: await n("SELECT count(*)::int AS n FROM threads"),
    changesets: await n("SELECT count(*)::int AS n FROM changesets"),
  };
}
