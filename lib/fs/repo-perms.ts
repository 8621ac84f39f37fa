/**
 * Repo permissions on the fs backend. Layout under perms/ (both files hold {"repoID", "uid", "level"}):
 *   by-repo/<num repo>/<num uid>.json   a grant, found from its repo
 *   by-user/<num uid>/<num repo>.json   the same grant, found from its user
 * Every change runs under the "perms" lock. A grant needs the repo and the user to exist; grants of a
 * repo or user that no longer exists (a user's grants outlive it on disk) are never returned.
 */
import type * as M from "../model.ts";
import type { RepoPermsStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { type FsCtx, repoPath, userPath } from "./context.ts";
import { num } from "./names.ts";
import { checkGrant } from "../input/repo-perms.ts";

const LOCK = "perms";
const byRepoDir = (repoID: number) => `perms/by-repo/${num(repoID)}`;
const byUserDir = (uid: number) => `perms/by-user/${num(uid)}`;
const byRepo = (repoID: number, uid: number) => `${byRepoDir(repoID)}/${num(uid)}.json`;
const byUser = (repoID: number, uid: number) => `${byUserDir(uid)}/${num(repoID)}.json`;
const idOf = (file: string): number | undefined => {
  const m = /^(\d+)\.json$/.exec(file);
  return m ? Number(m[1]) : undefined;
};

export function makeRepoPerms(ctx: FsCtx): RepoPermsStore {
  return new FsRepoPerms(ctx);
}

/** Removes every grant on a repo (used by repos.delete). */
export async function removeRepoPerms(ctx: FsCtx, repoID: number): Promise<void> {
  await ctx.tx(LOCK, async (tx) => {
    for (const file of await tx.list(byRepoDir(repoID))) {
      const uid = idOf(file);
      if (uid === undefined) continue;
      tx.remove(byUser(repoID, uid));
      tx.remove(byRepo(repoID, uid));
    }
  });
}

/** Removes every grant of a deleted user (its records are unreachable already). */
export async function removeUserPerms(ctx: FsCtx, uid: number): Promise<void> {
  await ctx.tx(LOCK, async (tx) => {
    for (const file of await tx.list(byUserDir(uid))) {
      const repoID = idOf(file);
      if (repoID === undefined) continue;
      tx.remove(byRepo(repoID, uid));
      tx.remove(byUser(repoID, uid));
    }
  });
  await ctx.fs.removeTree(byUserDir(uid));
}

export class FsRepoPerms implements RepoPermsStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async grant(repoID: number, uid: number, level: M.PermLevel): Promise<void> {
    const g = checkGrant(repoID, uid, level);
    await this.#c.tx(LOCK, async (tx) => {
      if (!(await tx.read(repoPath(g.repoID)))) throw notFound(`repo ${g.repoID}`);
      if (!(await tx.read(userPath(g.uid)))) throw notFound(`user ${g.uid}`);
      tx.putJson(byRepo(g.repoID, g.uid), g);
      tx.putJson(byUser(g.repoID, g.uid), g);
    });
  }

  async revoke(repoID: number, uid: number): Promise<void> {
    v.id("repoID", repoID);
    v.id("uid", uid);
    await this.#c.tx(LOCK, async (tx) => {
      if (!(await tx.read(byRepo(repoID, uid)))) throw notFound(`permission of user ${uid} on repo ${repoID}`);
      tx.remove(byUser(repoID, uid));
      tx.remove(byRepo(repoID, uid));
    });
  }

  async get(repoID: number, uid: number): Promise<M.PermLevel | null> {
    v.id("repoID", repoID);
    v.id("uid", uid);
    const p = await this.#c.readJson<M.RepoPerm>(byRepo(repoID, uid));
    if (!p || !(await this.#exists(repoPath(repoID))) || !(await this.#exists(userPath(uid)))) return null;
    return p.level;
  }

  /** not_found when the repo is missing. */
  async listUsers(repoID: number): Promise<M.RepoPerm[]> {
    v.id("repoID", repoID);
    await this.#c.mustHaveRepo(repoID);
    await this.#c.settle(LOCK);
    return this.#read(byRepoDir(repoID), (uid) => byRepo(repoID, uid), userPath);
  }

  /** not_found when the user is missing. */
  async listRepos(uid: number): Promise<M.RepoPerm[]> {
    v.id("uid", uid);
    await this.#c.mustHaveUser(uid);
    await this.#c.settle(LOCK);
    return this.#read(byUserDir(uid), (repoID) => byUser(repoID, uid), repoPath);
  }

  /** The grants in `dir`, ascending by the ID in their file names, whose other side still exists. */
  async #read(dir: string, path: (id: number) => string, other: (id: number) => string): Promise<M.RepoPerm[]> {
    const ids = (await this.#c.fs.list(dir)).map(idOf).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
    const out: M.RepoPerm[] = [];
    for (const id of ids) {
      const p = await this.#c.readJson<M.RepoPerm>(path(id));
      if (p && (await this.#exists(other(id)))) out.push({ repoID: p.repoID, uid: p.uid, level: p.level });
    }
    return out;
  }

  async #exists(path: string): Promise<boolean> {
    return (await this.#c.fs.readFile(path)) !== undefined;
  }
}
