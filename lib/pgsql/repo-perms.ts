/**
 * Repo permissions on PostgreSQL: table repo_perms (migrations/0004_repo_meta.sql), one row per
 * (repo, user), gone with the repo or the user (ON DELETE CASCADE), so a grant of a deleted repo or
 * user is never returned. Every call is one statement.
 */
import type * as M from "../model.ts";
import type { RepoPermsStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { checkGrant } from "../input/repo-perms.ts";
import type { PgCtx } from "./context.ts";

interface PermRow {
  [k: string]: unknown;
  repo_id: number | null;
  uid: number | null;
  level: M.PermLevel | null;
}

/** The grants of a LEFT JOIN from the repo or user row (a row of NULLs: that side has none). */
const grants = (rows: PermRow[]): M.RepoPerm[] =>
  rows.filter((r) => r.level !== null).map((r) => ({ repoID: r.repo_id!, uid: r.uid!, level: r.level! }));

export function makeRepoPerms(ctx: PgCtx): RepoPermsStore {
  return new PgRepoPerms(ctx);
}

export class PgRepoPerms implements RepoPermsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  /** One upsert of the selected repo and user; when either is missing nothing is written, and only then do we look which. */
  async grant(repoID: number, uid: number, level: M.PermLevel): Promise<void> {
    const g = checkGrant(repoID, uid, level);
    const rows = await this.#c.query(
      `INSERT INTO repo_perms (repo_id, uid, level) SELECT r.id, u.uid, $3 FROM repos r, users u WHERE r.id = $1 AND u.uid = $2
       ON CONFLICT (repo_id, uid) DO UPDATE SET level = EXCLUDED.level RETURNING repo_id`,
      [g.repoID, g.uid, g.level],
    );
    if (rows.length > 0) return;
    const [repo] = await this.#c.query("SELECT 1 FROM repos WHERE id = $1", [g.repoID]);
    throw notFound(repo ? `user ${g.uid}` : `repo ${g.repoID}`);
  }

  async revoke(repoID: number, uid: number): Promise<void> {
    v.id("repoID", repoID);
    v.id("uid", uid);
    const rows = await this.#c.query("DELETE FROM repo_perms WHERE repo_id = $1 AND uid = $2 RETURNING level", [repoID, uid]);
    if (rows.length === 0) throw notFound(`permission of user ${uid} on repo ${repoID}`);
  }

  async get(repoID: number, uid: number): Promise<M.PermLevel | null> {
    v.id("repoID", repoID);
    v.id("uid", uid);
    const [row] = await this.#c.query<{ level: M.PermLevel }>(
      "SELECT level FROM repo_perms WHERE repo_id = $1 AND uid = $2", [repoID, uid]);
    return row ? row.level : null;
  }

  /** By UID (the primary key's order). not_found when the repo is missing. */
  async listUsers(repoID: number): Promise<M.RepoPerm[]> {
    v.id("repoID", repoID);
    const rows = await this.#c.query<PermRow>(
      `SELECT p.repo_id, p.uid, p.level FROM repos r LEFT JOIN repo_perms p ON p.repo_id = r.id
       WHERE r.id = $1 ORDER BY p.uid`,
      [repoID],
    );
    if (rows.length === 0) throw notFound(`repo ${repoID}`);
    return grants(rows);
  }

  /** By repo ID (repo_perms_uid_idx). not_found when the user is missing. */
  async listRepos(uid: number): Promise<M.RepoPerm[]> {
    v.id("uid", uid);
    const rows = await this.#c.query<PermRow>(
      `SELECT p.repo_id, p.uid, p.level FROM users u LEFT JOIN repo_perms p ON p.uid = u.uid
       WHERE u.uid = $1 ORDER BY p.repo_id`,
      [uid],
    );
    if (rows.length === 0) throw notFound(`user ${uid}`);
    return grants(rows);
  }
}
