/**
 * Repos on PostgreSQL: table repos (migrations/0001_users_repos.sql). The URI is kept as given and,
 * lower-cased in JS (as the fs backend folds it), in uri_lower: unique, the "uri" sort and the prefix
 * query; name_lower and language_lower likewise. Every call is one statement; deleting a repo removes
 * its configs, statuses, permissions, threads and changesets by ON DELETE CASCADE.
 */
import type * as M from "../model.ts";
import type { ReposStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { checkNewRepo, checkRepoUpdate, repoName } from "../input/repos.ts";
import { rethrowAs, type PgCtx } from "./context.ts";
import { listRepos, REPO_COLUMNS, type RepoRow, toRepo } from "./repos-list.ts";

export function makeRepos(ctx: PgCtx): ReposStore {
  return new PgRepos(ctx);
}


export class PgRepos implements ReposStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewRepo): Promise<M.Repo> {
    const r = checkNewRepo(input);
    const name = repoName(r.uri);
    // name_lower is the last component of uri_lower, as the fs index folds it.
    const lower = r.uri.toLowerCase();
    const now = this.#c.now();
    const [row] = await rethrowAs(this.#c.query<RepoRow>(
      `INSERT INTO repos (uri, uri_lower, name, name_lower, description, language, language_lower,
         default_branch, private, fork, mirror, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       RETURNING ${REPO_COLUMNS}`,
      [r.uri, lower, name, repoName(lower), r.description, r.language, r.language.toLowerCase(),
        r.defaultBranch, r.private, r.fork, r.mirror, now],
    ), "already_exists", () => alreadyExists(`repo ${JSON.stringify(r.uri)}`));
    return toRepo(row!);
  }

  async get(id: number): Promise<M.Repo> {
    v.id("id", id);
    const [row] = await this.#c.query<RepoRow>(`SELECT ${REPO_COLUMNS} FROM repos WHERE id = $1`, [id]);
    if (!row) throw notFound(`repo ${id}`);
    return toRepo(row);
  }

  async getByURI(uri: string): Promise<M.Repo> {
    v.repoURI("uri", uri);
    const [row] = await this.#c.query<RepoRow>(`SELECT ${REPO_COLUMNS} FROM repos WHERE uri_lower = $1`, [uri.toLowerCase()]);
    if (!row) throw notFound(`repo ${JSON.stringify(uri)}`);
    return toRepo(row);
  }

  /** One UPDATE: fields not given keep the row's current values (so concurrent updates of other fields stay). */
  async update(id: number, update: M.RepoUpdate): Promise<M.Repo> {
    v.id("id", id);
    const u = checkRepoUpdate(update);
    const [row] = await this.#c.query<RepoRow>(
      `UPDATE repos SET
         description = COALESCE($2::text, description),
         language = COALESCE($3::text, language),
         language_lower = COALESCE($4::text, language_lower),
         default_branch = COALESCE($5::text, default_branch),
         private = COALESCE($6::boolean, private),
         fork = COALESCE($7::boolean, fork),
         mirror = COALESCE($8::boolean, mirror),
         pushed_at = COALESCE($9::timestamptz, pushed_at),
         updated_at = $10::timestamptz
       WHERE id = $1
       RETURNING ${REPO_COLUMNS}`,
      [id, u.description ?? null, u.language ?? null, u.language?.toLowerCase() ?? null, u.defaultBranch ?? null,
        u.private ?? null, u.fork ?? null, u.mirror ?? null, u.pushedAt ?? null, u.updatedAt ?? this.#c.now()],
    );
    if (!row) throw notFound(`repo ${id}`);
    return toRepo(row);
  }

  async delete(id: number): Promise<void> {
    v.id("id", id);
    const rows = await this.#c.query("DELETE FROM repos WHERE id = $1 RETURNING id", [id]);
    if (rows.length === 0) throw notFound(`repo ${id}`);
  }

  list(options: M.RepoListOptions = {}): Promise<M.Page<M.Repo>> {
    return listRepos(this.#c, options);
  }
}
