/**
 * Changesets of a repo, under `${REPO}/-/changesets`, read and written like threads (threads.ts):
 * reading needs read on the repo, creating, changing and reviewing need write; the author or actor is
 * the caller. A merged changeset is final: changing its state is a conflict (409) from the store.
 */
import type * as M from "../../model.ts";
import { REPO, type App } from "../context.ts";
import { repoFor } from "../access.ts";
import { intParam, pick, queryOf } from "../body.ts";
import { N, numberedReadRoutes, writeInput } from "./threads.ts";

export function changesetRoutes(app: App): void {
  const base = `${REPO}/-/changesets`;
  numberedReadRoutes(app, base, (s) => s.changesets);

  app.post(base, async (c) => {
    const { repo, stores, viewer, body } = await writeInput(c, ["title", "description", "base", "head"]);
    const changeset: M.NewChangeset = {
      ...pick<Partial<M.NewChangeset>>(body, ["description"]),
      title: body.title as string,
      base: body.base as M.RevSpec,
      head: body.head as M.RevSpec,
      authorUID: viewer.uid,
    };
    return c.json(await stores.changesets.create(repo.id, changeset), 201);
  });

  app.patch(`${base}/${N}`, async (c) => {
    const keys = ["title", "description", "base", "head", "state"] as const;
    const { repo, stores, viewer, body } = await writeInput(c, keys);
    const update: M.ChangesetUpdate = { ...pick<Partial<M.ChangesetUpdate>>(body, keys), actorUID: viewer.uid };
    return c.json(await stores.changesets.update(repo.id, intParam(c, "n"), update));
  });

  app.get(`${base}/${N}/reviews`, async (c) => {
    const { repo, stores } = await repoFor(c, "read");
    queryOf(c, []);
    return c.json({ items: await stores.changesets.listReviews(repo.id, intParam(c, "n")) });
  });

  // NewReview without authorUID: a body, line comments ([{path, line, body}]), or both.
  app.post(`${base}/${N}/reviews`, async (c) => {
    const { repo, stores, viewer, body } = await writeInput(c, ["body", "comments"]);
    const review: M.NewReview = { ...pick<Partial<M.NewReview>>(body, ["body", "comments"]), authorUID: viewer.uid };
    return c.json(await stores.changesets.addReview(repo.id, intParam(c, "n"), review), 201);
  });
}
