/**
 * Users and their emails on the fs backend. Layout under users/:
 *   uid/<uid>.json                 the record (profile + emails)
 *   login/<lower login>            claim of a login: {"uid": n}
 *   email/<lower email>            claim of an address: {"uid": n}
 *   index/<uid>.<registered ms>.<0|1 disabled>.<lower login>
 *                                  one empty file per user: lists and counts read only these names
 *   next-uid                       the UID counter
 * Every change runs under the "users" lock. list() and count() first finish a transaction a killed
 * process left unfinished (ctx.settle); list() shows an entry only when it is its record's own.
 */
import type * as M from "../model.ts";
import type { UsersStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { afterKey, decodeCursor, loadPage, sortByKey, type CursorKey } from "../cursor.ts";
import { type FsCtx, userPath } from "./context.ts";
import type { Tx } from "./tx.ts";
import { num, seg, segPlain, unseg } from "./names.ts";
import { checkEmailMatch, checkEmails, checkNewUser, checkUserList, checkUserUpdate } from "../input/users.ts";

export interface UserRecord extends M.User {
  emails: M.EmailAddr[];
}

const LOCK = "users";
const EMPTY = new Uint8Array(0);
const loginPath = (login: string) => `users/login/${segPlain(login.toLowerCase())}`;
const emailPath = async (email: string) => `users/email/${await seg(email.toLowerCase())}`;
const indexName = (u: M.User) =>
  `${num(u.uid)}.${u.registeredAt.getTime()}.${u.disabled ? 1 : 0}.${segPlain(u.login.toLowerCase())}`;

interface IndexEntry {
  file: string;
  uid: number;
  registered: number;
  disabled: boolean;
  login: string;
}

function parseIndex(name: string): IndexEntry | undefined {
  const m = /^(\d+)\.(\d+)\.([01])\.(.+)$/.exec(name);
  return m ? { file: name, uid: Number(m[1]), registered: Number(m[2]), disabled: m[3] === "1", login: unseg(m[4]!) } : undefined;
}

export function toUser(r: UserRecord): M.User {
  const { emails: _, ...user } = r;
  return user;
}

export class FsUsers implements UsersStore {
  readonly #c: FsCtx;

  readonly #afterDelete: ((uid: number) => Promise<void>)[];

  /**
   * `afterDelete`: removals of what other stores keep under a deleted UID (memberships, grants,
   * external tokens). Best effort after the user is gone: those records are unreachable from then
   * on anyway, and what a crash leaves is only disk space.
   */
  constructor(ctx: FsCtx, afterDelete: ((uid: number) => Promise<void>)[] = []) {
    this.#c = ctx;
    this.#afterDelete = afterDelete;
  }

  async create(input: M.NewUser): Promise<M.User> {
    const u = checkNewUser(input);
    return this.#c.tx(LOCK, async (tx) => {
      if (await tx.read(loginPath(u.login))) throw alreadyExists(`user with login ${JSON.stringify(u.login)}`);
      const now = this.#c.now();
      const uid = await tx.next("users/next-uid");
      const rec: UserRecord = { uid, ...u, disabled: false, registeredAt: now, updatedAt: now, emails: [] };
      tx.putJson(userPath(uid), rec);
      tx.putJson(loginPath(u.login), { uid });
      tx.put(`users/index/${indexName(rec)}`, EMPTY);
      return toUser(rec);
    });
  }

  async get(uid: number): Promise<M.User> {
    return toUser(await this.#record(v.id("uid", uid)));
  }

  async getByLogin(login: string): Promise<M.User> {
    v.login("login", login);
    const claim = await this.#c.readJson<{ uid: number }>(loginPath(login));
    const rec = claim && (await this.#c.readJson<UserRecord>(userPath(claim.uid)));
    if (!rec || rec.login.toLowerCase() !== login.toLowerCase()) throw notFound(`user ${JSON.stringify(login)}`);
    return toUser(rec);
  }

  async update(uid: number, update: M.UserUpdate): Promise<M.User> {
    v.id("uid", uid);
    const patch = checkUserUpdate(update);
    return this.#c.tx(LOCK, async (tx) => {
      const old = await this.#txRecord(tx, uid);
      const rec: UserRecord = { ...old, ...patch, updatedAt: this.#c.now() };
      tx.putJson(userPath(uid), rec);
      if (rec.disabled !== old.disabled) {
        tx.remove(`users/index/${indexName(old)}`);
        tx.put(`users/index/${indexName(rec)}`, EMPTY);
      }
      return toUser(rec);
    });
  }

  async delete(uid: number): Promise<void> {
    v.id("uid", uid);
    await this.#c.tx(LOCK, async (tx) => {
      const rec = await this.#txRecord(tx, uid);
      tx.remove(`users/index/${indexName(rec)}`);
      tx.remove(loginPath(rec.login));
      for (const e of rec.emails) tx.remove(await emailPath(e.email));
      tx.remove(`users/password/${num(uid)}.json`);
      tx.remove(userPath(uid));
    });
    for (const cleanup of this.#afterDelete) await cleanup(uid).catch(() => undefined);
  }

  async list(options: M.UserListOptions = {}): Promise<M.Page<M.User>> {
    const o = checkUserList(options);
    const desc = o.direction === "desc";
    const keyOf = (e: IndexEntry): CursorKey =>
      o.sort === "uid" ? [e.uid] : o.sort === "registered" ? [e.registered, e.uid] : [e.login];
    const kind = `users:${o.sort}:${o.direction}`;
    const after = decodeCursor(o.cursor, kind, o.sort === "registered" ? 2 : 1);
    const entries = await this.#entries(o.query, o.includeDisabled);
    sortByKey(entries, keyOf, desc);
    return loadPage(afterKey(entries, keyOf, after, desc), {
      limit: o.limit,
      kind,
      keyOf,
      // The record decides: an entry an update is moving (or a crash left behind) is not the user's.
      load: async (e) => {
        const rec = await this.#c.readJson<UserRecord>(userPath(e.uid));
        return rec && indexName(rec) === e.file ? toUser(rec) : undefined;
      },
    });
  }

  async count(options: { query?: string; includeDisabled?: boolean } = {}): Promise<number> {
    const o = checkUserList(options);
    return (await this.#entries(o.query, o.includeDisabled)).length;
  }

  async listEmails(uid: number): Promise<M.EmailAddr[]> {
    return (await this.#record(v.id("uid", uid))).emails;
  }

  async setEmails(uid: number, emails: M.EmailAddr[]): Promise<void> {
    v.id("uid", uid);
    const list = checkEmails(emails);
    await this.#c.tx(LOCK, async (tx) => {
      const rec = await this.#txRecord(tx, uid);
      const keep = new Set(list.map((e) => e.email.toLowerCase()));
      for (const e of list) {
        const claim = await tx.readJson<{ uid: number }>(await emailPath(e.email));
        if (claim && claim.uid !== uid) throw alreadyExists(`email ${JSON.stringify(e.email)} of another user`);
      }
      for (const e of rec.emails) {
        if (!keep.has(e.email.toLowerCase())) tx.remove(await emailPath(e.email));
      }
      for (const e of list) tx.putJson(await emailPath(e.email), { uid, email: e.email });
      tx.putJson(userPath(uid), { ...rec, emails: list, updatedAt: this.#c.now() });
    });
  }

  async getByEmail(email: string, match: { verified?: boolean; primary?: boolean } = {}): Promise<M.User> {
    v.email("email", email);
    const { verified: wantVerified, primary: wantPrimary } = checkEmailMatch(match);
    const claim = await this.#c.readJson<{ uid: number }>(await emailPath(email));
    const rec = claim && (await this.#c.readJson<UserRecord>(userPath(claim.uid)));
    const addr = rec?.emails.find((e) => e.email.toLowerCase() === email.toLowerCase());
    if (!rec || !addr || (wantVerified && !addr.verified) || (wantPrimary && !addr.primary)) {
      throw notFound(`user with email ${JSON.stringify(email)}`);
    }
    return toUser(rec);
  }

  async #record(uid: number): Promise<UserRecord> {
    return this.#c.mustRead<UserRecord>(userPath(uid), `user ${uid}`);
  }

  async #txRecord(tx: Tx, uid: number): Promise<UserRecord> {
    const rec = await tx.readJson<UserRecord>(userPath(uid));
    if (!rec) throw notFound(`user ${uid}`);
    return rec;
  }

  /** The index entries that pass the filters, after finishing a transaction a crash left unfinished. */
  async #entries(query: string | undefined, includeDisabled: boolean): Promise<IndexEntry[]> {
    await this.#c.settle(LOCK);
    const q = query?.toLowerCase();
    const out: IndexEntry[] = [];
    for (const name of await this.#c.fs.list("users/index")) {
      const e = parseIndex(name);
      if (!e || (e.disabled && !includeDisabled) || (q !== undefined && !e.login.startsWith(q))) continue;
      out.push(e);
    }
    return out;
  }
}
