/**
 * App storage on PostgreSQL: table app_storage (migrations/0005_app_storage.sql), one row per
 * (app, repo_key, bucket, key), repo_key being the scope's repo ID or 0 for the app's global scope.
 *
 * get, put, putNoOverwrite, delete, exists and list are one statement each. Rows of a deleted repo go
 * with it (ON DELETE CASCADE), so a row found proves its repo exists: only an empty answer for a repo
 * scope needs a second look, at repos, to tell "repo not found" from "key not found" (or an empty
 * bucket). put and putNoOverwrite insert only with the scope's repo selected (or none, for the global
 * scope), so a missing repo writes nothing. deleteBucket is one statement that also answers whether
 * the repo exists.
 */
import type * as M from "../model.ts";
import type { AppStorageStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import { checkKey, checkScope, checkValue, type CheckedScope } from "../input/app-storage.ts";
import type { PgCtx } from "./context.ts";

const WHERE_KEY = "app = $1 AND repo_key = $2 AND bucket = $3 AND key = $4";
const WHERE_BUCKET = "app = $1 AND repo_key = $2 AND bucket = $3";

const GET = `SELECT value FROM app_storage WHERE ${WHERE_KEY}`;
const EXISTS = `SELECT 1 AS x FROM app_storage WHERE ${WHERE_KEY}`;
const LIST = `SELECT key FROM app_storage WHERE ${WHERE_BUCKET} ORDER BY key`;
const DELETE = `DELETE FROM app_storage WHERE ${WHERE_KEY} RETURNING 1 AS x`;
/** The row to insert: $2 NULL (global scope), or the repo $2 when it exists (else no row). */
const NEW_ROW = `SELECT $1, r.id, $3, $4, $5 FROM (SELECT $2::int8 AS id) AS p LEFT JOIN repos r ON r.id = p.id
  WHERE p.id IS NULL OR r.id IS NOT NULL`;
const PUT = `INSERT INTO app_storage (app, repo_id, bucket, key, value) ${NEW_ROW}
  ON CONFLICT (app, repo_key, bucket, key) DO UPDATE SET value = EXCLUDED.value RETURNING 1 AS x`;
const PUT_NEW = `INSERT INTO app_storage (app, repo_id, bucket, key, value) ${NEW_ROW}
  ON CONFLICT (app, repo_key, bucket, key) DO NOTHING RETURNING 1 AS x`;
const DELETE_BUCKET_GLOBAL = `DELETE FROM app_storage WHERE ${WHERE_BUCKET}`;
/** The DELETE in WITH runs whether or not the outer query reads it. */
const DELETE_BUCKET_REPO = `WITH d AS (DELETE FROM app_storage WHERE ${WHERE_BUCKET})
  SELECT EXISTS (SELECT 1 FROM repos WHERE id = $2) AS ok`;
const REPO_EXISTS = "SELECT 1 AS x FROM repos WHERE id = $1";

export function makeAppStorage(ctx: PgCtx): AppStorageStore {
  return new PgAppStorage(ctx);
}

class PgAppStorage implements AppStorageStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async get(scope: M.StorageScope, key: M.StorageKey): Promise<Uint8Array> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const rows = await this.#c.query<{ value: Uint8Array }>(GET, [s.app, repoKey(s), s.bucket, k]);
    if (rows.length === 0) {
      await this.#mustHaveRepo(s);
      throw notFound("key");
    }
    return new Uint8Array(rows[0]!.value); // a plain copy, not the driver's Buffer
  }

  async put(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const v = checkValue(value).slice(); // copied before any await: later changes by the caller don't count
    const rows = await this.#c.query(PUT, [s.app, s.repoID ?? null, s.bucket, k, v]);
    if (rows.length === 0) throw notFound(`repo ${s.repoID}`);
  }

  async putNoOverwrite(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const v = checkValue(value).slice();
    const rows = await this.#c.query(PUT_NEW, [s.app, s.repoID ?? null, s.bucket, k, v]);
    if (rows.length > 0) return;
    await this.#mustHaveRepo(s);
    throw alreadyExists("key");
  }

  async delete(scope: M.StorageScope, key: M.StorageKey): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const rows = await this.#c.query(DELETE, [s.app, repoKey(s), s.bucket, k]);
    if (rows.length === 0) {
      await this.#mustHaveRepo(s);
      throw notFound("key");
    }
  }

  async deleteBucket(scope: M.StorageScope): Promise<void> {
    const s = checkScope(scope);
    const params = [s.app, repoKey(s), s.bucket];
    if (s.repoID === undefined) {
      await this.#c.query(DELETE_BUCKET_GLOBAL, params);
      return;
    }
    const [row] = await this.#c.query<{ ok: boolean }>(DELETE_BUCKET_REPO, params);
    if (!row?.ok) throw notFound(`repo ${s.repoID}`);
  }

  async exists(scope: M.StorageScope, key: M.StorageKey): Promise<boolean> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const rows = await this.#c.query(EXISTS, [s.app, repoKey(s), s.bucket, k]);
    if (rows.length > 0) return true;
    await this.#mustHaveRepo(s);
    return false;
  }

  async list(scope: M.StorageScope): Promise<Uint8Array[]> {
    const s = checkScope(scope);
    const rows = await this.#c.query<{ key: Uint8Array }>(LIST, [s.app, repoKey(s), s.bucket]);
    if (rows.length === 0) await this.#mustHaveRepo(s);
    return rows.map((r) => new Uint8Array(r.key));
  }

  /** not_found unless the scope is global or its repo exists (after an empty answer only). */
  async #mustHaveRepo(s: CheckedScope): Promise<void> {
    if (s.repoID === undefined) return;
    const rows = await this.#c.query(REPO_EXISTS, [s.repoID]);
    if (rows.length === 0) throw notFound(`repo ${s.repoID}`);
  }
}

/** The primary key's encoding of the scope's repo: its ID, or 0 for the global scope. */
const repoKey = (s: CheckedScope): number => s.repoID ?? 0;
