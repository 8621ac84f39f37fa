/**
 * Record counts per store for `src store info`, with the same keys as the fs backend: one statement,
 * so every count is taken from the same snapshot.
 */
import type { PgCtx } from "./context.ts";

/** The table whose rows each count counts. */
const COUNTED: Record<string, string> = {
  users: "users", passwords: "user_passwords", orgs: "orgs", repos: "repos", appStorage: "app_storage",
  oauthClients: "oauth_clients", authCodes: "auth_codes", externalTokens: "external_tokens", invites: "invites",
  threads: "threads", changesets: "changesets",
};

const COUNTS = `SELECT ${Object.entries(COUNTED).map(([key, table]) => `(SELECT count(*) FROM ${table})::int AS "${key}"`).join(", ")}`;

export async function countRecords(ctx: PgCtx): Promise<Record<string, number>> {
  const [row] = await ctx.query<Record<string, number>>(COUNTS);
  return { ...row };
}
