/**
 * The pgsql backend: every store on one SQL port. The schema comes only from migrations/; opening
 * checks that the database is at exactly this release's migration (lib/pgsql/schema.ts).
 */
import type { SqlPort } from "../ports/sql.ts";
import type { Stores, StoreInfo } from "../stores.ts";
import { PgCtx, type PgOptions } from "./context.ts";
import { checkSchema } from "./schema.ts";
import { countRecords } from "./counts.ts";
import { makeUsers } from "./users.ts";
import { makePasswords } from "./passwords.ts";
import { makeOrgs } from "./orgs.ts";
import { makeOAuthClients } from "./oauth-clients.ts";
import { makeAuthCodes } from "./auth-codes.ts";
import { makeExternalTokens } from "./external-tokens.ts";
import { makeInvites } from "./invites.ts";
import { makeRepos } from "./repos.ts";
import { makeRepoConfigs } from "./repo-configs.ts";
import { makeRepoStatuses } from "./repo-statuses.ts";
import { makeRepoPerms } from "./repo-perms.ts";
import { makeAppStorage } from "./app-storage.ts";
import { makeThreads } from "./threads.ts";
import { makeChangesets } from "./changesets.ts";

export type { PgOptions };

export async function openPgsqlStores(sql: SqlPort, opts: PgOptions = {}): Promise<Stores> {
  await checkSchema(sql);
  const ctx = new PgCtx(sql, opts);
  return {
    users: makeUsers(ctx),
    passwords: makePasswords(ctx),
    orgs: makeOrgs(ctx),
    oauthClients: makeOAuthClients(ctx),
    authCodes: makeAuthCodes(ctx),
    externalTokens: makeExternalTokens(ctx),
    invites: makeInvites(ctx),
    repos: makeRepos(ctx),
    repoConfigs: makeRepoConfigs(ctx),
    repoStatuses: makeRepoStatuses(ctx),
    repoPerms: makeRepoPerms(ctx),
    appStorage: makeAppStorage(ctx),
    threads: makeThreads(ctx),
    changesets: makeChangesets(ctx),
    info: async (): Promise<StoreInfo> => ({ backend: "pgsql", location: sql.location, counts: await countRecords(ctx) }),
    close: () => sql.close(),
  };
}
