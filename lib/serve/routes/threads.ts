/**
 * Tracker threads of a repo, under `${REPO}/-/threads`. Whoever can read the repo reads its threads
 * (anonymous callers too, on a public repo); creating, changing and commenting need write on it. The
 * author or actor is always the caller, never a field of the body.
 *
 * Also here: what changesets share with threads (list, counts, one item, its events, the write input).
 */
import type * as M from "../../model.ts";
import type { Stores } from "../../stores.ts";
import { REPO, type App, type Ctx } from "../context.ts";
import { repoFor, requireUser } from "../access.ts";
import { fields, intParam, pageOptions, pick, queryOf, readJson } from "../body.ts";

/** A thread or changeset number in a path; intParam refuses 0 and leading zeros (400). */
export const N = ":n{[0-9]+}";

/** The part of ThreadsStore and ChangesetsStore that reads numbered items the same way. */
interface NumberedStore<S extends string> {
  list(repoID: number, options: M.PageOptions & { state?: S }): Promise<M.Page<unknown>>;
  counts(repoID: number): Promise<unknown>;
  get(repoID: number, number: number): Promise<unknown>;
  listEvents(repoID: number, number: number): Promise<M.IssueEvent[]>;
}

/**
 * The read routes of numbered items under `base`: `GET base?state&limit&cursor` (newest first),
 * `GET base/counts`, `GET base/:n`, `GET base/:n/events`. The repo is checked first, so a private
 * repo is 404 whatever the query says.
 */
export function numberedReadRoutes<S extends string>(app: App, base: string, store: (s: Stores) => NumberedStore<S>): void {
  app.get(base, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    const q = queryOf(c, ["state", "limit", "cursor"]);
    // The store checks the state against its own list (invalid_input "state" -> 400).
    const state = q.state === undefined ? {} : { state: q.state as S };
    return c.json(await store(stores).list(repo.id, { ...pageOptions(c), ...state }));
  });
  app.get(`${base}/counts`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    queryOf(c, []);
    return c.json(await store(stores).counts(repo.id));
  });
  app.get(`${base}/${N}`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    queryOf(c, []);
    return c.json(await store(stores).get(repo.id, intParam(c, "n")));
  });
  app.get(`${base}/${N}/events`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    queryOf(c, []);
    return c.json({ items: await store(stores).listEvents(repo.id, intParam(c, "n")) });
  });
}

/** The repo (the caller needs write on it), the caller, and the body with only `allowed` fields. */
export async function writeInput(c: Ctx, allowed: readonly string[]) {
  const { repo, stores } = await repoFor(c, "write");
  const viewer = requireUser(c);
  queryOf(c, []);
  const body = fields(await readJson(c), allowed);
  return { repo, stores, viewer, body };
}

export function threadRoutes(app: App): void {
  const base = `${REPO}/-/threads`;
  numberedReadRoutes(app, base, (s) => s.threads);

  app.post(base, async (c) => {
    const { repo, stores, viewer, body } = await writeInput(c, ["title", "body", "codeRef"]);
    const thread: M.NewThread = { ...pick<Partial<M.NewThread>>(body, ["codeRef"]), title: body.title as string, body: body.body as string, authorUID: viewer.uid };
    return c.json(await stores.threads.create(repo.id, thread), 201);
  });

  app.patch(`${base}/${N}`, async (c) => {
    const { repo, stores, viewer, body } = await writeInput(c, ["title", "state"]);
    const update: M.ThreadUpdate = { ...pick<Partial<M.ThreadUpdate>>(body, ["title", "state"]), actorUID: viewer.uid };
    return c.json(await stores.threads.update(repo.id, intParam(c, "n"), update));
  });

  app.get(`${base}/${N}/comments`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    queryOf(c, ["limit", "cursor"]);
    return c.json(await stores.threads.listComments(repo.id, intParam(c, "n"), pageOptions(c)));
  });

  app.post(`${base}/${N}/comments`, async (c) => {
    const { repo, stores, viewer, body } = await writeInput(c, ["body"]);
    return c.json(await stores.threads.addComment(repo.id, intParam(c, "n"), { authorUID: viewer.uid, body: body.body as string }), 201);
  });
}
