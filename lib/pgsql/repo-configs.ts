/**
 * Repo configs on PostgreSQL: table repo_configs (migrations/0004_repo_meta.sql), one row per repo
 * holding the config's JSON text as put, so it comes back exactly as the fs backend returns it (key
 * order kept, nothing revived). No row: the config is {}. A put is one upsert, last writer wins.
 */
import type * as M from "../model.ts";
import type { RepoConfigsStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { checkConfig } from "../input/repo-configs.ts";
import type { PgCtx } from "./context.ts";

export function makeRepoConfigs(ctx: PgCtx): RepoConfigsStore {
  return new PgRepoConfigs(ctx);
}

export class PgRepoConfigs implements RepoConfigsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  /** No repo row: not_found; a repo without a config row: {}. */
  async get(repoID: number): Promise<M.RepoConfig> {
    v.id("repoID", repoID);
    const [row] = await this.#c.query<{ config: string | null }>(
      "SELECT c.config FROM repos r LEFT JOIN repo_configs c ON c.repo_id = r.id WHERE r.id = $1",
      [repoID],
    );
    if (!row) throw notFound(`repo ${repoID}`);
    return row.config === null ? {} : (JSON.parse(row.config) as M.RepoConfig);
  }

  /** Writes the selected repo's row: a missing repo writes nothing (a concurrent delete fails the foreign key). */
  async put(repoID: number, config: M.RepoConfig): Promise<void> {
    v.id("repoID", repoID);
    const json = checkConfig(config);
    const rows = await this.#c.query(
      `INSERT INTO repo_configs (repo_id, config) SELECT id, $2 FROM repos WHERE id = $1
       ON CONFLICT (repo_id) DO UPDATE SET config = EXCLUDED.config RETURNING repo_id`,
      [repoID, json],
    );
    if (rows.length === 0) throw notFound(`repo ${repoID}`);
  }
}
