/**
 * ReposStore.list on PostgreSQL: one statement per page, filtered and ordered by the indexes of
 * migrations/0001_users_repos.sql, keyset-paginated. Orders, keys and cursors are the fs backend's
 * (lib/fs/repos.ts), so both backends page identically and give the same cursors:
 *   "uri"     uri_lower (the URI lower-cased in JS), byte = code point order; key [enc(uri_lower), id]
 *   "id"      id; key [id]
 *   "created" created_at, id; key [ms, id]
 *   "pushed"  COALESCE(pushed_at, '-infinity'), id (never pushed first ascending); key [ms or NEVER_PUSHED, id]
 */
import type * as M from "../model.ts";
import type { SqlValue } from "../ports/sql.ts";
import { invalid } from "../errors.ts";
import { decodeCursor, encodeCursor, type CursorKey } from "../cursor.ts";
import { checkRepoList, type CheckedRepoList } from "../input/repos.ts";
import { type PgCtx, likePrefix } from "./context.ts";

/** The columns of a Repo, in the order of M.Repo. */
export const REPO_COLUMNS =
  "id, uri, name, description, language, default_branch, private, fork, mirror, created_at, updated_at, pushed_at";

export interface RepoRow {
  [k: string]: unknown;
  id: number;
  uri: string;
  name: string;
  description: string;
  language: string;
  default_branch: string;
  private: boolean;
  fork: boolean;
  mirror: boolean;
  created_at: Date;
  updated_at: Date;
  pushed_at: Date | null;
}

export const toRepo = (r: RepoRow): M.Repo => ({
  id: r.id, uri: r.uri, name: r.name, description: r.description, language: r.language,
  defaultBranch: r.default_branch, private: r.private, fork: r.fork, mirror: r.mirror,
  createdAt: r.created_at, updatedAt: r.updated_at, pushedAt: r.pushed_at,
});

/** The sort key of a repo never pushed in cursors (lib/fs/repo-index.ts NEVER_PUSHED): before every date. */
const NEVER_PUSHED = -8_640_000_000_000_001;
/** The largest magnitude of a Date's milliseconds. */
const MAX_MS = 8_640_000_000_000_000;

type Sort = CheckedRepoList["sort"];

/** The ORDER BY expression of each sort (constants: never built from values). */
const SORT_EXPR: Record<Sort, string> = {
  uri: "uri_lower",
  id: "id",
  created: "created_at",
  pushed: "COALESCE(pushed_at, '-infinity'::timestamptz)",
};

export async function listRepos(ctx: PgCtx, options: M.RepoListOptions): Promise<M.Page<M.Repo>> {
  const o = checkRepoList(options);
  const kind = `repos:${o.sort}:${o.direction}`;
  const after = parseCursor(o, kind);
  const params: SqlValue[] = [];
  const p = (v: SqlValue) => `$${params.push(v)}`;
  const where: string[] = [];
  if (o.query !== undefined && o.query !== "") {
    const pat = p(likePrefix(o.query));
    where.push(`(uri_lower LIKE ${pat} OR name_lower LIKE ${pat})`);
  }
  if (o.private !== undefined) where.push(`private = ${p(o.private)}`);
  if (o.fork !== undefined) where.push(`fork = ${p(o.fork)}`);
  if (o.mirror !== undefined) where.push(`mirror = ${p(o.mirror)}`);
  if (o.language !== undefined) where.push(`language_lower = ${p(o.language)}`);
  const desc = o.direction === "desc";
  const cmp = desc ? "<" : ">";
  const dir = desc ? "DESC" : "ASC";
  const expr = SORT_EXPR[o.sort];
  if (after !== undefined) {
    if (o.sort === "id") {
      where.push(`id ${cmp} ${p(after.id)}`);
    } else if (o.sort === "uri") {
      // uri_lower is unique; the id breaks the tie with a deleted repo whose URI was taken again. The
      // first condition is the one the (uri_lower) index serves.
      const k = p(after.key as string);
      where.push(`uri_lower ${cmp}= ${k}`, `(uri_lower, id) ${cmp} (${k}, ${p(after.id)})`);
    } else {
      // The time goes as text (a Date parameter cannot say "-infinity").
      where.push(`(${expr}, id) ${cmp} (${p(after.key as string)}::text::timestamptz, ${p(after.id)})`);
    }
  }
  const order = o.sort === "id" || o.sort === "uri" ? `${expr} ${dir}` : `${expr} ${dir}, id ${dir}`;
  const text = `SELECT ${REPO_COLUMNS}, uri_lower FROM repos` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${order} LIMIT ${p(o.limit + 1)}`;
  const rows = await ctx.query<RepoRow & { uri_lower: string }>(text, params);
  const more = rows.length > o.limit;
  if (more) rows.length = o.limit;
  const items = rows.map(toRepo);
  const last = rows[rows.length - 1];
  return more && last ? { items, nextCursor: encodeCursor(kind, cursorKey(o.sort, last)) } : { items };
}

function cursorKey(sort: Sort, r: RepoRow & { uri_lower: string }): CursorKey {
  switch (sort) {
    case "uri": return [enc(r.uri_lower), r.id];
    case "id": return [r.id];
    case "created": return [r.created_at.getTime(), r.id];
    case "pushed": return [r.pushed_at === null ? NEVER_PUSHED : r.pushed_at.getTime(), r.id];
  }
}

/** The cursor's key as SQL parameters: the lower-cased URI, or a time as text ("-infinity" for never). */
function parseCursor(o: CheckedRepoList, kind: string): { key?: string; id: number } | undefined {
  const key = decodeCursor(o.cursor, kind, o.sort === "id" ? 1 : 2);
  if (key === undefined) return undefined;
  const bad = () => invalid("cursor", "is not a cursor returned by this list");
  const id = key[key.length - 1];
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw bad();
  if (o.sort === "id") return { id };
  const k = key[0];
  if (o.sort === "uri") {
    if (typeof k !== "string" || !/^(?:[a-z0-9_-]|%[0-9A-F]{2})+$/.test(k)) throw bad();
    const uri = unenc(k);
    if (uri.includes("\u0000")) throw bad();
    return { key: uri, id };
  }
  if (typeof k !== "number" || !Number.isSafeInteger(k)) throw bad();
  if (o.sort === "pushed" && k === NEVER_PUSHED) return { key: "-infinity", id };
  if (Math.abs(k) > MAX_MS) throw bad();
  return { key: new Date(k).toISOString(), id };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * The fs index encoding of a key (lib/fs/repo-index.ts `enc`): [a-z0-9_-] as they are, every other
 * UTF-8 byte (dots included) as "%XX". Latin-1 only, as cursors need; reversible.
 */
function enc(s: string): string {
  let out = "";
  for (const b of utf8.encode(s)) {
    const ch = String.fromCharCode(b);
    out += /[a-z0-9_-]/.test(ch) ? ch : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out === "" ? "%" : out;
}

function unenc(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return fromUtf8.decode(new Uint8Array(bytes));
}
