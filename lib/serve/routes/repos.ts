/**
 * Repos and what hangs off a repo's metadata: its config, commit statuses and permission grants.
 * Creating needs a site admin or the write flag; a repo's own settings and grants need "admin" on it
 * (the creator gets that grant); deleting needs a site admin. Lists show only repos the caller can
 * read, with pages as exact as the store's (see readablePage).
 */
import type { NewRepo, NewRepoStatus, Page, PermLevel, Repo, RepoListOptions, RepoUpdate, User } from "../../model.ts";
import type { Stores } from "../../stores.ts";
import { DEFAULT_LIMIT } from "../../validate.ts";
import { REPO, type App, type Ctx } from "../context.ts";
import { boolQuery, fields, pageOptions, pick, queryOf, readJson } from "../body.ts";
import { forbidden } from "../http-error.ts";
import { repoFor, requireAdmin, requireUser } from "../access.ts";
import { loginsOf, userByLogin } from "./users.ts";

const NEW_REPO = ["uri", "description", "language", "defaultBranch", "private", "fork", "mirror"] as const;
const REPO_UPDATE = ["description", "language", "defaultBranch", "private", "public", "fork", "mirror"] as const;
const NEW_STATUS = ["context", "state", "description", "targetURL"] as const;

/** `GET /api/repos` takes these; another (a misspelt `Private=false`) is 400, not a list of everything. */
const LIST_PARAMS = ["query", "language", "sort", "direction", "private", "fork", "mirror", "limit", "cursor"];

function listOptions(c: Ctx): RepoListOptions {
  const q = queryOf(c, LIST_PARAMS);
  const o: Record<string, unknown> = { ...pageOptions(c) };
  for (const k of ["query", "language", "sort", "direction"]) {
    if (q[k] !== undefined) o[k] = q[k]; // the store checks the values (400 naming the field)
  }
  for (const k of ["private", "fork", "mirror"]) {
    const v = boolQuery(c, k);
    if (v !== undefined) o[k] = v;
  }
  return o as RepoListOptions;
}

/**
 * A page of the repos `viewer` may read. A user who is neither admin nor writer cannot read private
 * repos without a grant, so the store's pages are filtered: ask for what is still missing, keep the
 * readable ones, go on from the store's cursor until the page is full or the store has no more. The
 * cursor returned is the store's last one: every repo before it was returned or is unreadable, so
 * paging never skips or repeats a repo.
 */
async function readablePage(stores: Stores, viewer: User | null, o: RepoListOptions): Promise<Page<Repo>> {
  if (!viewer) {
    // Anonymous callers see public repos only; asking for private ones finds none.
    if (o.private === true) return { items: [] };
    return stores.repos.list({ ...o, private: false });
  }
  if (viewer.admin || viewer.write) return stores.repos.list(o);
  const granted = new Set((await stores.repoPerms.listRepos(viewer.uid)).map((p) => p.repoID));
  const limit = o.limit ?? DEFAULT_LIMIT;
  const items: Repo[] = [];
  let cursor = o.cursor;
  for (;;) {
    const page = await stores.repos.list({ ...o, limit: limit - items.length, ...(cursor !== undefined ? { cursor } : {}) });
    items.push(...page.items.filter((r) => !r.private || granted.has(r.id)));
    if (page.nextCursor === undefined) return { items };
    if (items.length >= limit) return { items, nextCursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

export function repoRoutes(app: App): void {
  app.post("/api/repos", async (c) => {
    const viewer = requireUser(c);
    if (!viewer.admin && !viewer.write) throw forbidden("creating repos needs a site admin or the write flag");
    const body = fields(await readJson(c), NEW_REPO);
    const stores = await c.var.deps.stores();
    const repo = await stores.repos.create(pick<NewRepo>(body, NEW_REPO));
    if (!viewer.admin) {
      try {
        await stores.repoPerms.grant(repo.id, viewer.uid, "admin");
      } catch (e) {
        // A repo its creator cannot administer is half made: take it back.
        await stores.repos.delete(repo.id).catch(() => undefined);
        throw e;
      }
    }
    return c.json(repo, 201);
  });

  app.get("/api/repos", async (c) => {
    const stores = await c.var.deps.stores();
    return c.json(await readablePage(stores, c.var.viewer, listOptions(c)));
  });

  app.get(REPO, async (c) => c.json((await repoFor(c, "read")).repo));

  app.patch(REPO, async (c) => {
    const { repo, stores } = await repoFor(c, "admin");
    const body = fields(await readJson(c), REPO_UPDATE);
    return c.json(await stores.repos.update(repo.id, pick<RepoUpdate>(body, REPO_UPDATE)));
  });

  app.delete(REPO, async (c) => {
    // Looked up first, so a private repo stays 404 for those who cannot read it, as everywhere.
    const { repo, stores } = await repoFor(c, "read");
    requireAdmin(c);
    // Graph data is keyed by URI, not by repo: left behind, a new repo of the same URI (public, say)
    // would show a deleted private repo's code. It goes first, so a failure leaves the repo to retry.
    const graph = await c.var.deps.graph();
    for (const { repo: uri, commit } of await graph.commits({ repo: repo.uri })) await graph.deleteCommit({ repo: uri, commit });
    await stores.repos.delete(repo.id);
    return c.body(null, 204);
  });

  app.get(`${REPO}/-/config`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    return c.json(await stores.repoConfigs.get(repo.id));
  });

  app.put(`${REPO}/-/config`, async (c) => {
    const { repo, stores } = await repoFor(c, "admin");
    // The config is free-form: the whole body is the value (the store checks it is JSON data, <= 64 KiB).
    await stores.repoConfigs.put(repo.id, await readJson(c));
    return c.body(null, 204);
  });

  statusRoutes(app);
  permissionRoutes(app);
}

function statusRoutes(app: App): void {
  const commit = (c: Ctx) => c.req.param("commit") ?? "";

  app.get(`${REPO}/-/commits/:commit/statuses`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    return c.json({ items: await stores.repoStatuses.list(repo.id, commit(c)) });
  });

  app.get(`${REPO}/-/commits/:commit/status`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    return c.json(await stores.repoStatuses.combined(repo.id, commit(c)));
  });

  app.post(`${REPO}/-/commits/:commit/statuses`, async (c) => {
    const { repo, stores } = await repoFor(c, "write");
    const body = fields(await readJson(c), NEW_STATUS);
    const status: NewRepoStatus = { ...pick<NewRepoStatus>(body, NEW_STATUS), creatorUID: requireUser(c).uid };
    return c.json(await stores.repoStatuses.create(repo.id, commit(c), status), 201);
  });
}

function permissionRoutes(app: App): void {
  app.get(`${REPO}/-/permissions`, async (c) => {
    const { repo, stores } = await repoFor(c, "admin");
    const grants = await stores.repoPerms.listUsers(repo.id);
    const logins = new Map((await loginsOf(stores, grants.map((p) => p.uid))).map((u) => [u.uid, u.login]));
    const items = grants.filter((p) => logins.has(p.uid)).map((p) => ({ login: logins.get(p.uid)!, uid: p.uid, level: p.level }));
    return c.json({ items });
  });

  app.put(`${REPO}/-/permissions/:login`, async (c) => {
    const { repo, stores } = await repoFor(c, "admin");
    const body = fields(await readJson(c), ["level"]);
    const user = await userByLogin(stores, c.req.param("login"));
    await stores.repoPerms.grant(repo.id, user.uid, body.level as PermLevel);
    return c.body(null, 204);
  });

  app.delete(`${REPO}/-/permissions/:login`, async (c) => {
    const { repo, stores } = await repoFor(c, "admin");
    const user = await userByLogin(stores, c.req.param("login"));
    await stores.repoPerms.revoke(repo.id, user.uid);
    return c.body(null, 204);
  });
}
