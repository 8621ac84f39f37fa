/**
 * Who may do what. A site admin may do everything. On a repo, a user's level is the highest of: their
 * grant (read, write, admin), "write" for users with the site-wide write flag, and "read" for anyone
 * when the repo is public. A private repo the caller cannot read does not exist for them: 404, in every
 * endpoint and list, never 403, so its name does not leak.
 */
import type { PermLevel, Repo, User } from "../model.ts";
import type { Stores } from "../stores.ts";
import { StoreError } from "../errors.ts";
import { forbidden, unauthenticated } from "./http-error.ts";
import type { Ctx } from "./context.ts";

export type Level = "none" | PermLevel;
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2, admin: 3 };

export function atLeast(level: Level, need: Level): boolean {
  return RANK[level] >= RANK[need];
}

export async function repoLevel(stores: Stores, viewer: User | null, repo: Repo): Promise<Level> {
  if (viewer?.admin) return "admin";
  let level: Level = repo.private ? "none" : "read";
  if (viewer) {
    if (viewer.write && RANK.write > RANK[level]) level = "write";
    const grant = await stores.repoPerms.get(repo.id, viewer.uid);
    if (grant && RANK[grant] > RANK[level]) level = grant;
  }
  return level;
}

/** The same not_found a missing repo gets, so a private repo's existence does not show. */
export const repoNotFound = (uri: string) => new StoreError("not_found", `repo ${JSON.stringify(uri)} not found`);

/**
 * The repo named by the route's `uri`, if the caller has `need` on it: 404 when it is missing or
 * private and unreadable to them; else 401 for an anonymous caller, 403 for a signed-in one.
 */
export async function repoFor(c: Ctx, need: PermLevel): Promise<{ repo: Repo; level: Level; stores: Stores }> {
  const stores = await c.var.deps.stores();
  const uri = c.req.param("uri") ?? "";
  let repo: Repo;
  try {
    repo = await stores.repos.getByURI(uri);
  } catch (e) {
    if (e instanceof StoreError && (e.code === "not_found" || e.code === "invalid_input")) throw repoNotFound(uri);
    throw e;
  }
  const viewer = c.var.viewer;
  const level = await repoLevel(stores, viewer, repo);
  if (level === "none") throw repoNotFound(uri);
  if (!atLeast(level, need)) {
    if (!viewer) throw unauthenticated();
    throw forbidden(`this needs ${need} permission on ${repo.uri}`);
  }
  return { repo, level, stores };
}

/** The signed-in user; 401 for an anonymous request. */
export function requireUser(c: Ctx): User {
  const v = c.var.viewer;
  if (!v) throw unauthenticated();
  return v;
}

/** A site admin; 401 anonymous, 403 otherwise. */
export function requireAdmin(c: Ctx): User {
  const v = requireUser(c);
  if (!v.admin) throw forbidden("this needs a site admin");
  return v;
}
