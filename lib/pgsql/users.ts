/**
 * Users and their emails on PostgreSQL: tables users and user_emails (migrations/0001_users_repos.sql).
 * create, get, getByLogin, update and delete are one statement each; setEmails is one transaction.
 * Logins are unique by lower(login) (ASCII, "C" collation), emails by email_lower (JS toLowerCase, as
 * on the fs backend). Deleting a user cascades (foreign keys) to everything kept under its UID.
 */
import type * as M from "../model.ts";
import type { UsersStore } from "../stores.ts";
import type { SqlPort } from "../ports/sql.ts";
import { alreadyExists, invalid, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { decodeCursor, encodeCursor, type CursorKey } from "../cursor.ts";
import { checkEmailMatch, checkEmails, checkNewUser, checkUserList, checkUserUpdate } from "../input/users.ts";
import { likePrefix, rethrowAs, type PgCtx } from "./context.ts";

interface UserRow {
  uid: number;
  login: string;
  name: string;
  avatar_url: string;
  location: string;
  company: string;
  homepage_url: string;
  admin: boolean;
  write: boolean;
  disabled: boolean;
  registered_at: Date;
  updated_at: Date;
  [k: string]: unknown;
}

/** The columns of a User, qualified by `u`. */
const COLS = "u.uid, u.login, u.name, u.avatar_url, u.location, u.company, u.homepage_url, u.admin, u.write, u.disabled, u.registered_at, u.updated_at";

const toUser = (r: UserRow): M.User => ({
  uid: r.uid,
  login: r.login,
  name: r.name,
  avatarURL: r.avatar_url,
  location: r.location,
  company: r.company,
  homepageURL: r.homepage_url,
  admin: r.admin,
  write: r.write,
  disabled: r.disabled,
  registeredAt: new Date(r.registered_at.getTime()),
  updatedAt: new Date(r.updated_at.getTime()),
});

const SQL_CREATE = `INSERT INTO users AS u (login, name, avatar_url, location, company, homepage_url, admin, write, registered_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLS}`;
const SQL_GET = `SELECT ${COLS} FROM users u WHERE u.uid = $1`;
const SQL_GET_BY_LOGIN = `SELECT ${COLS} FROM users u WHERE lower(u.login) = $1`;
// Null means "not given": no profile column is nullable.
const SQL_UPDATE = `UPDATE users AS u SET
  name = COALESCE($2::text, u.name), avatar_url = COALESCE($3::text, u.avatar_url),
  location = COALESCE($4::text, u.location), company = COALESCE($5::text, u.company),
  homepage_url = COALESCE($6::text, u.homepage_url), admin = COALESCE($7::boolean, u.admin),
  write = COALESCE($8::boolean, u.write), disabled = COALESCE($9::boolean, u.disabled), updated_at = $10
  WHERE u.uid = $1 RETURNING ${COLS}`;
const SQL_DELETE = "DELETE FROM users WHERE uid = $1 RETURNING uid";
const SQL_GET_BY_EMAIL = `SELECT ${COLS} FROM user_emails e JOIN users u ON u.uid = e.uid
  WHERE e.email_lower = $1 AND (e.verified OR NOT $2::boolean) AND (e."primary" OR NOT $3::boolean)`;
const SQL_LIST_EMAILS = `SELECT e.email, e.verified, e."primary" FROM users u
  LEFT JOIN user_emails e ON e.uid = u.uid WHERE u.uid = $1 ORDER BY e.email_lower`;

/** Per sort: the SQL key expressions (index order) and the cursor key of a row. */
const SORTS = {
  login: { cols: ["lower(u.login)"], key: (r: UserRow): CursorKey => [r.login.toLowerCase()], types: ["string"] },
  uid: { cols: ["u.uid"], key: (r: UserRow): CursorKey => [r.uid], types: ["number"] },
  registered: {
    cols: ["u.registered_at", "u.uid"],
    key: (r: UserRow): CursorKey => [r.registered_at.getTime(), r.uid],
    types: ["number", "number"],
  },
} as const;

/** Filters of list() and count(): disabled users, login prefix. Appends params; returns the conditions. */
function filters(o: { query: string | undefined; includeDisabled: boolean }, params: (string | number | Date)[]): string[] {
  const where: string[] = [];
  if (!o.includeDisabled) where.push("NOT u.disabled");
  if (o.query !== undefined && o.query !== "") {
    params.push(likePrefix(o.query.toLowerCase()));
    where.push(`lower(u.login) LIKE $${params.length}`);
  }
  return where;
}

class PgUsers implements UsersStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewUser): Promise<M.User> {
    const u = checkNewUser(input);
    const [row] = await rethrowAs(this.#c.query<UserRow>(SQL_CREATE, [
      u.login, u.name, u.avatarURL, u.location, u.company, u.homepageURL, u.admin, u.write, this.#c.now(),
    ]), "already_exists", () => alreadyExists(`user with login ${JSON.stringify(u.login)}`));
    return toUser(row!);
  }

  async get(uid: number): Promise<M.User> {
    v.id("uid", uid);
    const [row] = await this.#c.query<UserRow>(SQL_GET, [uid]);
    if (!row) throw notFound(`user ${uid}`);
    return toUser(row);
  }

  async getByLogin(login: string): Promise<M.User> {
    v.login("login", login);
    const [row] = await this.#c.query<UserRow>(SQL_GET_BY_LOGIN, [login.toLowerCase()]);
    if (!row) throw notFound(`user ${JSON.stringify(login)}`);
    return toUser(row);
  }

  async update(uid: number, update: M.UserUpdate): Promise<M.User> {
    v.id("uid", uid);
    const p = checkUserUpdate(update);
    const [row] = await this.#c.query<UserRow>(SQL_UPDATE, [
      uid, p.name ?? null, p.avatarURL ?? null, p.location ?? null, p.company ?? null, p.homepageURL ?? null,
      p.admin ?? null, p.write ?? null, p.disabled ?? null, this.#c.now(),
    ]);
    if (!row) throw notFound(`user ${uid}`);
    return toUser(row);
  }

  async delete(uid: number): Promise<void> {
    v.id("uid", uid);
    const rows = await this.#c.query(SQL_DELETE, [uid]);
    if (rows.length === 0) throw notFound(`user ${uid}`);
  }

  async list(options: M.UserListOptions = {}): Promise<M.Page<M.User>> {
    const o = checkUserList(options);
    const sort = SORTS[o.sort];
    const kind = `users:${o.sort}:${o.direction}`;
    const after = decodeCursor(o.cursor, kind, sort.cols.length);
    const params: (string | number | Date)[] = [];
    const where = filters(o, params);
    const desc = o.direction === "desc";
    if (after !== undefined) {
      // A forged key of the right kind: refused like any other bad cursor (a Date out of range included).
      const bad = (k: string | number, i: number) =>
        typeof k !== sort.types[i] || (typeof k === "number" && (!Number.isSafeInteger(k) || Number.isNaN(new Date(k).getTime())));
      if (after.some(bad)) throw invalid("cursor", "is not a cursor returned by this list");
      const ph = after.map((k, i) => {
        params.push(o.sort === "registered" && i === 0 ? new Date(k as number) : k);
        return `$${params.length}`;
      });
      where.push(`(${sort.cols.join(", ")}) ${desc ? "<" : ">"} (${ph.join(", ")})`);
    }
    params.push(o.limit + 1);
    const dir = desc ? " DESC" : "";
    const rows = await this.#c.query<UserRow>(
      `SELECT ${COLS} FROM users u${where.length ? ` WHERE ${where.join(" AND ")}` : ""}
       ORDER BY ${sort.cols.map((c) => c + dir).join(", ")} LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, o.limit);
    const page: M.Page<M.User> = { items: items.map(toUser) };
    if (rows.length > o.limit) page.nextCursor = encodeCursor(kind, sort.key(items[items.length - 1]!));
    return page;
  }

  async count(options: { query?: string; includeDisabled?: boolean } = {}): Promise<number> {
    const o = checkUserList(options);
    const params: (string | number | Date)[] = [];
    const where = filters(o, params);
    const [row] = await this.#c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`,
      params,
    );
    return row!.n;
  }

  async listEmails(uid: number): Promise<M.EmailAddr[]> {
    v.id("uid", uid);
    const rows = await this.#c.query<{ email: string | null; verified: boolean; primary: boolean }>(
      SQL_LIST_EMAILS, [uid]);
    if (rows.length === 0) throw notFound(`user ${uid}`);
    const out = rows.filter((r) => r.email !== null).map((r) => ({ email: r.email!, verified: r.verified, primary: r.primary }));
    // The fs order exactly (code units of the lower-cased address), where it differs from UTF-8 bytes.
    return out.sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : 1));
  }

  async setEmails(uid: number, emails: M.EmailAddr[]): Promise<void> {
    v.id("uid", uid);
    const list = checkEmails(emails);
    const rows = JSON.stringify(list.map((e) => ({ ...e, email_lower: e.email.toLowerCase() })));
    await this.#c.tx((q) => this.#replaceEmails(q, uid, rows));
  }

  async #replaceEmails(q: SqlPort, uid: number, rows: string): Promise<void> {
    // Locks the user row: setEmails of one user run one after the other; a delete waits.
    const user = await q.query("UPDATE users SET updated_at = $2 WHERE uid = $1 RETURNING uid", [uid, this.#c.now()]);
    if (user.length === 0) throw notFound(`user ${uid}`);
    const [taken] = await q.query<{ email: string }>(
      `SELECT e.email FROM user_emails e
       WHERE e.email_lower IN (SELECT x.email_lower FROM jsonb_to_recordset($2::text::jsonb) AS x(email_lower text)) AND e.uid <> $1
       ORDER BY e.email_lower LIMIT 1`,
      [uid, rows],
    );
    if (taken) throw alreadyExists(`email ${JSON.stringify(taken.email)} of another user`);
    await q.query("DELETE FROM user_emails WHERE uid = $1", [uid]);
    // The unique index catches an address claimed concurrently, after the check above.
    await rethrowAs(q.query(
      `INSERT INTO user_emails (uid, email, email_lower, verified, "primary")
       SELECT $1, x.email, x.email_lower, x.verified, x."primary"
       FROM jsonb_to_recordset($2::text::jsonb) AS x(email text, email_lower text, verified boolean, "primary" boolean)
       ORDER BY x.email_lower`,
      [uid, rows],
    ), "already_exists", () => alreadyExists("email of another user"));
  }

  async getByEmail(email: string, match: { verified?: boolean; primary?: boolean } = {}): Promise<M.User> {
    v.email("email", email);
    const m = checkEmailMatch(match);
    const [row] = await this.#c.query<UserRow>(SQL_GET_BY_EMAIL, [email.toLowerCase(), m.verified, m.primary]);
    if (!row) throw notFound(`user with email ${JSON.stringify(email)}`);
    return toUser(row);
  }
}

export function makeUsers(ctx: PgCtx): UsersStore {
  return new PgUsers(ctx);
}
