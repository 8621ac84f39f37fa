/**
 * The fs backend: every store on one FsPort. The data dir layout is documented in the README.
 */
import type { FsPort } from "../ports/fs.ts";
import type { Stores, StoreInfo } from "../stores.ts";
import { FsCtx, type FsOptions } from "./context.ts";
import { FsUsers } from "./users.ts";
import { makePasswords } from "./passwords.ts";
import { makeOrgs, removeUserMemberships } from "./orgs.ts";
import { makeOAuthClients } from "./oauth-clients.ts";
import { makeAuthCodes } from "./auth-codes.ts";
import { makeExternalTokens, removeUserTokens } from "./external-tokens.ts";
import { makeInvites } from "./invites.ts";
import { makeRepos } from "./repos.ts";
import { makeRepoConfigs } from "./repo-configs.ts";
import { makeRepoStatuses } from "./repo-statuses.ts";
import { makeRepoPerms, removeUserPerms } from "./repo-perms.ts";
import { makeAppStorage } from "./app-storage.ts";
import { makeThreads } from "./threads.ts";
import { makeChangesets } from "./changesets.ts";
import { countRecords } from "./counts.ts";

export type { FsOptions };

export function openFsStores(fs: FsPort, opts: FsOptions = {}): Stores {
  const ctx = new FsCtx(fs, opts);
  return {
    users: new FsUsers(ctx, [
      (uid) => removeUserMemberships(ctx, uid),
      (uid) => removeUserPerms(ctx, uid),
      (uid) => removeUserTokens(ctx, uid),
    ]),
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
    info: async (): Promise<StoreInfo> => ({ backend: "fs", location: fs.location, counts: await countRecords(ctx) }),
    close: () => ctx.idle(),
  };
}
