/**
 * Commit statuses on the fs backend, under the repo's directory:
 *   repos/id/<num id>/statuses/<commit>/<seg(context)>.json   the status of one context (the record)
 * Creating a status for a context that has one replaces it, keeping the first one's createdAt and
 * setting updatedAt. Creates of one repo's statuses run under the "repo-<id>-statuses" lock.
 */
import type * as M from "../model.ts";
import type { RepoStatusesStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import { type FsCtx, repoPath, userPath } from "./context.ts";
import { num, seg } from "./names.ts";
import { compareText } from "./repo-index.ts";
import { checkNewStatus, checkStatusKey, combinedState } from "../input/repo-statuses.ts";

const commitDir = (repoID: number, commitID: string) => `repos/id/${num(repoID)}/statuses/${commitID}`;

export function makeRepoStatuses(ctx: FsCtx): RepoStatusesStore {
  return new FsRepoStatuses(ctx);
}

export class FsRepoStatuses implements RepoStatusesStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  /** not_found when the repo, or the user given as creatorUID, is missing. */
  async create(repoID: number, commitID: string, status: M.NewRepoStatus): Promise<M.RepoStatus> {
    const k = checkStatusKey(repoID, commitID);
    const s = checkNewStatus(status);
    const path = `${commitDir(k.repoID, k.commitID)}/${await seg(s.context)}.json`;
    return this.#c.tx(`repo-${k.repoID}-statuses`, async (tx) => {
      if (!(await tx.read(repoPath(k.repoID)))) throw notFound(`repo ${k.repoID}`);
      if (s.creatorUID !== null && !(await tx.read(userPath(s.creatorUID)))) throw notFound(`user ${s.creatorUID}`);
      const old = await tx.readJson<M.RepoStatus>(path);
      const now = this.#c.now();
      const rec: M.RepoStatus = { ...s, createdAt: old?.createdAt ?? now, updatedAt: now };
      tx.putJson(path, rec);
      return { ...rec };
    });
  }

  /** not_found when the repo is missing. */
  async list(repoID: number, commitID: string): Promise<M.RepoStatus[]> {
    const k = checkStatusKey(repoID, commitID);
    await this.#c.mustHaveRepo(k.repoID);
    const dir = commitDir(k.repoID, k.commitID);
    const out: M.RepoStatus[] = [];
    for (const file of await this.#c.fs.list(dir)) {
      if (!file.endsWith(".json")) continue;
      const rec = await this.#c.readJson<M.RepoStatus>(`${dir}/${file}`);
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => compareText(a.context, b.context));
  }

  async combined(repoID: number, commitID: string): Promise<M.CombinedStatus> {
    const statuses = await this.list(repoID, commitID);
    return { commitID, state: combinedState(statuses), statuses };
  }
}
