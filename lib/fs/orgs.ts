/**
 * Orgs and their members on the fs backend. Layout under orgs/:
 *   id/<id>.json                 the record
 *   login/<lower login>          claim of a login: {"id": n}
 *   index/<id>.<lower login>     one empty file per org: list() reads only these names
 *   members/<id>/<uid>           one empty file per member of the org
 *   of-user/<uid>/<id>           the same membership, seen from the user
 *   next-id                      the ID counter
 * Every change runs under the "orgs" lock. users.ts deletes a user without touching orgs/, so a
 * membership whose user is gone is left behind: every read skips it (a deleted user is no longer a
 * member), and removeMember() and delete() remove it. Lists first finish a transaction a killed
 * process left unfinished (ctx.settle).
 */
import type * as M from "../model.ts";
import type { OrgsStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { afterKey, decodeCursor, loadPage, sortByKey, type CursorKey } from "../cursor.ts";
import { checkNewOrg, checkOrgList } from "../input/orgs.ts";
import { type FsCtx, userPath } from "./context.ts";
import type { Tx } from "./tx.ts";
import { num, segPlain, unseg } from "./names.ts";

const LOCK = "orgs";
const EMPTY = new Uint8Array(0);
const orgPath = (id: number) => `orgs/id/${num(id)}.json`;
const loginPath = (login: string) => `orgs/login/${segPlain(login.toLowerCase())}`;
const indexPath = (o: M.Org) => `orgs/index/${num(o.id)}.${segPlain(o.login.toLowerCase())}`;
const membersDir = (id: number) => `orgs/members/${num(id)}`;
const orgsOfDir = (uid: number) => `orgs/of-user/${num(uid)}`;
const memberPath = (id: number, uid: number) => `${membersDir(id)}/${num(uid)}`;
const orgOfPath = (id: number, uid: number) => `${orgsOfDir(uid)}/${num(id)}`;

/** The numbers named by the files of a directory (member UIDs, org IDs), ascending. */
const numbers = (names: string[]) =>
  names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);


/** Removes every membership of a deleted user (they are unreachable already). */
export async function removeUserMemberships(ctx: FsCtx, uid: number): Promise<void> {
  await ctx.tx(LOCK, async (tx) => {
    for (const id of numbers(await tx.list(orgsOfDir(uid)))) {
      tx.remove(memberPath(id, uid));
      tx.remove(orgOfPath(id, uid));
    }
  });
  await ctx.fs.removeTree(orgsOfDir(uid));
}

export function makeOrgs(ctx: FsCtx): OrgsStore {
  return new FsOrgs(ctx);
}

export class FsOrgs implements OrgsStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewOrg): Promise<M.Org> {
    const o = checkNewOrg(input);
    return this.#c.tx(LOCK, async (tx) => {
      if (await tx.read(loginPath(o.login))) throw alreadyExists(`org with login ${JSON.stringify(o.login)}`);
      const id = await tx.next("orgs/next-id");
      const org: M.Org = { id, ...o, createdAt: this.#c.now() };
      tx.putJson(orgPath(id), org);
      tx.putJson(loginPath(o.login), { id });
      tx.put(indexPath(org), EMPTY);
      return { ...org };
    });
  }

  async get(id: number): Promise<M.Org> {
    v.id("id", id);
    return this.#c.mustRead<M.Org>(orgPath(id), `org ${id}`);
  }

  async getByLogin(login: string): Promise<M.Org> {
    v.login("login", login);
    const claim = await this.#c.readJson<{ id: number }>(loginPath(login));
    const org = claim && (await this.#c.readJson<M.Org>(orgPath(claim.id)));
    if (!org || org.login.toLowerCase() !== login.toLowerCase()) throw notFound(`org ${JSON.stringify(login)}`);
    return org;
  }

  async list(options: M.OrgListOptions = {}): Promise<M.Page<M.Org>> {
    const o = checkOrgList(options);
    const kind = "orgs:login:asc";
    const after = decodeCursor(o.cursor, kind, 1);
    await this.#c.settle(LOCK);
    const entries: { file: string; id: number; login: string }[] = [];
    for (const file of await this.#c.fs.list("orgs/index")) {
      const m = /^(\d+)\.(.+)$/.exec(file);
      if (!m) continue;
      const login = unseg(m[2]!);
      if (o.query === undefined || login.startsWith(o.query)) entries.push({ file, id: Number(m[1]), login });
    }
    const keyOf = (e: { login: string }): CursorKey => [e.login];
    sortByKey(entries, keyOf);
    return loadPage(afterKey(entries, keyOf, after), {
      limit: o.limit,
      kind,
      keyOf,
      // The record decides: an entry whose org is gone (or being replaced) is skipped.
      load: async (e) => {
        const org = await this.#c.readJson<M.Org>(orgPath(e.id));
        return org && indexPath(org) === `orgs/index/${e.file}` ? org : undefined;
      },
    });
  }

  async delete(id: number): Promise<void> {
    v.id("id", id);
    await this.#c.tx(LOCK, async (tx) => {
      const org = await this.#txOrg(tx, id);
      tx.remove(indexPath(org));
      tx.remove(loginPath(org.login));
      for (const uid of numbers(await tx.list(membersDir(id)))) {
        tx.remove(orgOfPath(id, uid));
        tx.remove(memberPath(id, uid));
      }
      tx.remove(orgPath(id));
    });
    // The org is gone and IDs are never reused: nothing can be added under its directory any more.
    await this.#c.fs.removeTree(membersDir(id));
  }

  async addMember(orgID: number, uid: number): Promise<void> {
    v.id("orgID", orgID);
    v.id("uid", uid);
    await this.#c.tx(LOCK, async (tx) => {
      await this.#txOrg(tx, orgID);
      if (!(await tx.read(userPath(uid)))) throw notFound(`user ${uid}`);
      if (await tx.read(memberPath(orgID, uid))) throw alreadyExists(`membership of user ${uid} in org ${orgID}`);
      tx.put(memberPath(orgID, uid), EMPTY);
      tx.put(orgOfPath(orgID, uid), EMPTY);
    });
  }

  async removeMember(orgID: number, uid: number): Promise<void> {
    v.id("orgID", orgID);
    v.id("uid", uid);
    const removed = await this.#c.tx(LOCK, async (tx) => {
      if (!(await tx.read(memberPath(orgID, uid)))) return false;
      tx.remove(orgOfPath(orgID, uid));
      tx.remove(memberPath(orgID, uid));
      // A deleted user's membership is removed too, but it was no membership any more.
      return (await tx.read(userPath(uid))) !== undefined;
    });
    if (!removed) throw notFound(`membership of user ${uid} in org ${orgID}`);
  }

  async listMembers(orgID: number): Promise<number[]> {
    v.id("orgID", orgID);
    await this.#c.settle(LOCK);
    await this.get(orgID);
    const uids = numbers(await this.#c.fs.list(membersDir(orgID)));
    const live: number[] = [];
    for (let i = 0; i < uids.length; i += 32) { // a bounded number of files open at once
      const batch = uids.slice(i, i + 32);
      const found = await Promise.all(batch.map((uid) => this.#c.fs.readFile(userPath(uid))));
      live.push(...batch.filter((_, j) => found[j] !== undefined));
    }
    return live;
  }

  async listForUser(uid: number): Promise<M.Org[]> {
    v.id("uid", uid);
    await this.#c.mustHaveUser(uid);
    await this.#c.settle(LOCK);
    const orgs: M.Org[] = [];
    for (const id of numbers(await this.#c.fs.list(orgsOfDir(uid)))) {
      const org = await this.#c.readJson<M.Org>(orgPath(id));
      if (org) orgs.push(org);
    }
    sortByKey(orgs, (o) => [o.login.toLowerCase()]);
    return orgs;
  }

  async #txOrg(tx: Tx, id: number): Promise<M.Org> {
    const org = await tx.readJson<M.Org>(orgPath(id));
    if (!org) throw notFound(`org ${id}`);
    return org;
  }
}
