/** Every conformance suite, in one list: a backend's test file hands its factory to `conformance`. */
import type { Test } from "uvu";
import type { Factory } from "./harness.ts";
import users from "./users.ts";
import passwords from "./passwords.ts";
import orgs from "./orgs.ts";
import oauthClients from "./oauth-clients.ts";
import authCodes from "./auth-codes.ts";
import externalTokens from "./external-tokens.ts";
import invites from "./invites.ts";
import repos from "./repos.ts";
import repoConfigs from "./repo-configs.ts";
import repoStatuses from "./repo-statuses.ts";
import repoPerms from "./repo-perms.ts";
import appStorage from "./app-storage.ts";
import threads from "./threads.ts";
import changesets from "./changesets.ts";
import info from "./info.ts";

const SUITES: Record<string, (make: Factory) => Test> = {
  users, passwords, orgs, "oauth-clients": oauthClients, "auth-codes": authCodes,
  "external-tokens": externalTokens, invites, repos, "repo-configs": repoConfigs,
  "repo-statuses": repoStatuses, "repo-perms": repoPerms, "app-storage": appStorage, threads, changesets, info,
};

/**
 * Registers and runs every suite against the backend made by `make`. SRCSTORE_SUITES=a,b runs only
 * the suites named (for work on one store); the full run ignores nothing.
 */
export function conformance(make: Factory): void {
  const only = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.SRCSTORE_SUITES;
  const names = only ? only.split(",") : Object.keys(SUITES);
  for (const name of names) {
    const s = SUITES[name];
    if (!s) throw new Error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(", ")}`);
    s(make).run();
  }
}
