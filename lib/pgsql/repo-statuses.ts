/**
 * Commit statuses on PostgreSQL: table repo_statuses (migrations/0004_repo_meta.sql), one row per
 * (repo, commit, context). A create is one upsert that keeps the first created_at; its primary key
 * serves list() in context order ("C": code point order, as on the fs backend).
 */
import type * as M from "../model.ts";
import type { RepoStatusesStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import { checkNewStatus, checkStatusKey, combinedState } from "../input/repo-statuses.ts";
import type { PgCtx } from "./context.ts";

const COLUMNS = "context, state, description, target_url, creator_uid, created_at, updated_at";
const S_COLUMNS = COLUMNS.split(", ").map((c) => `s.${c}`).join(", ");

interface StatusRow {
  [k: string]: unknown;
  context: string;
  state: M.StatusState;
  description: string;
  target_url: string;
  creator_uid: number | null;
  created_at: Date;
  updated_at: Date;
}

const toStatus = (r: StatusRow): M.RepoStatus => ({
  context: r.context, state: r.state, description: r.description, targetURL: r.target_url,
  creatorUID: r.creator_uid, createdAt: r.created_at, updatedAt: r.updated_at,
});

export function makeRepoStatuses(ctx: PgCtx): RepoStatusesStore {
  return new PgRepoStatuses(ctx);
}

export class PgRepoStatuses implements RepoStatusesStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  /**
   * One statement writing the selected repo's row: the creator (when given) is locked FOR KEY SHARE so
   * it cannot be deleted meanwhile, and nothing is written when the repo or the creator is missing.
   */
  async create(repoID: number, commitID: string, status: M.NewRepoStatus): Promise<M.RepoStatus> {
    const k = checkStatusKey(repoID, commitID);
    const s = checkNewStatus(status);
    const [row] = await this.#c.query<StatusRow>(
      `WITH creator AS (SELECT uid FROM users WHERE uid = $7::int8 FOR KEY SHARE)
       INSERT INTO repo_statuses AS s (repo_id, commit_id, context, state, description, target_url, creator_uid,
         created_at, updated_at)
       SELECT r.id, $2::text, $3::text, $4::text, $5::text, $6::text, (SELECT uid FROM creator), $8::timestamptz, $8::timestamptz
         FROM repos r WHERE r.id = $1 AND ($7::int8 IS NULL OR EXISTS (SELECT 1 FROM creator))
       ON CONFLICT (repo_id, commit_id, context) DO UPDATE SET
         state = EXCLUDED.state, description = EXCLUDED.description, target_url = EXCLUDED.target_url,
         creator_uid = EXCLUDED.creator_uid, updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [k.repoID, k.commitID, s.context, s.state, s.description, s.targetURL, s.creatorUID, this.#c.now()],
    );
    if (row) return toStatus(row);
    // Nothing written: the creator is missing (or the repo too: then report the repo, as fs does).
    const [repo] = await this.#c.query("SELECT 1 FROM repos WHERE id = $1", [k.repoID]);
    throw notFound(repo ? `user ${s.creatorUID}` : `repo ${k.repoID}`);
  }

  /** One statement: no row at all means no repo; a repo without statuses gives one row of NULLs. */
  async list(repoID: number, commitID: string): Promise<M.RepoStatus[]> {
    const k = checkStatusKey(repoID, commitID);
    const rows = await this.#c.query<StatusRow>(
      `SELECT ${S_COLUMNS}
       FROM repos r LEFT JOIN repo_statuses s ON s.repo_id = r.id AND s.commit_id = $2
       WHERE r.id = $1
       ORDER BY s.context`,
      [k.repoID, k.commitID],
    );
    if (rows.length === 0) throw notFound(`repo ${k.repoID}`);
    return rows.filter((r) => r.context !== null).map(toStatus);
  }

  async combined(repoID: number, commitID: string): Promise<M.CombinedStatus> {
    const statuses = await this.list(repoID, commitID);
    return { commitID, state: combinedState(statuses), statuses };
  }
}
