/**
 * What threads and changesets share on the fs backend: items numbered 1, 2, 3... per repo, an index
 * directory whose names carry number and state, and child records numbered per item (comments,
 * reviews, events). Layout under repos/id/<repo>/<kind>/ (kind "threads" or "changesets"):
 *   next-number                  the number counter of the repo
 *   index/<number>.<state>       one empty file per item: lists and counts read only these names
 *   <number>/<record>.json       the item ("thread.json" or "changeset.json")
 *   <number>/<child>/<id>.json   its comments, reviews or events, 1, 2, 3... in order
 * Every change runs under the lock "repo-<id>-<kind>". Within a transaction children are written
 * before the item and the item before its index entry, so a reader never meets a name pointing nowhere.
 */
import type * as M from "../model.ts";
import { notFound } from "../errors.ts";
import { pageOf, sortByKey } from "../cursor.ts";
import { type FsCtx, repoPath, userPath } from "./context.ts";
import type { Tx } from "./tx.ts";
import { num } from "./names.ts";

const EMPTY = new Uint8Array(0);
const INDEX = /^(\d+)\.([a-z]+)$/;
const CHILD = /^(\d+)\.json$/;

/** The stored item: the model's fields plus the count of its events (the last event ID). */
export interface ItemRecord<S extends string> {
  repoID: number;
  number: number;
  state: S;
  updatedAt: Date;
  eventCount: number;
}

export class Numbered<S extends string, R extends ItemRecord<S>> {
  readonly #c: FsCtx;
  readonly #kind: string;
  readonly #file: string;

  /** kind: "threads" or "changesets"; file: the record's name ("thread", "changeset"). */
  constructor(ctx: FsCtx, kind: string, file: string) {
    this.#c = ctx;
    this.#kind = kind;
    this.#file = file;
  }

  #dir = (repoID: number) => `repos/id/${num(repoID)}/${this.#kind}`;
  #recordPath = (repoID: number, n: number) => `${this.#dir(repoID)}/${num(n)}/${this.#file}.json`;
  #childDir = (repoID: number, n: number, child: string) => `${this.#dir(repoID)}/${num(n)}/${child}`;
  #indexPath = (repoID: number, n: number, state: string) => `${this.#dir(repoID)}/index/${num(n)}.${state}`;
  #what = (repoID: number, n: number) => `${this.#file} ${n} of repo ${repoID}`;

  /** not_found unless the user exists. */
  async mustUser(uid: number): Promise<void> {
    if ((await this.#c.fs.readFile(userPath(uid))) === undefined) throw notFound(`user ${uid}`);
  }

  async #mustRepo(repoID: number, tx?: Tx): Promise<void> {
    const bytes = tx ? await tx.read(repoPath(repoID)) : await this.#c.fs.readFile(repoPath(repoID));
    if (bytes === undefined) throw notFound(`repo ${repoID}`);
  }

  /** Claims the next number and writes what `build` returns (after the children it writes). */
  create(repoID: number, build: (tx: Tx, number: number) => R): Promise<R> {
    return this.#c.tx(`repo-${repoID}-${this.#kind}`, async (tx) => {
      await this.#mustRepo(repoID, tx);
      const n = await tx.next(`${this.#dir(repoID)}/next-number`);
      const rec = build(tx, n);
      tx.putJson(this.#recordPath(repoID, n), rec);
      tx.put(this.#indexPath(repoID, n, rec.state), EMPTY);
      return rec;
    });
  }

  /**
   * Runs `fn` on the item under the lock and stores what it returns, moving the index entry when the
   * state changed. Returning the record given means no change: nothing is written.
   */
  change(repoID: number, n: number, fn: (tx: Tx, old: R) => R): Promise<R> {
    return this.#c.tx(`repo-${repoID}-${this.#kind}`, async (tx) => {
      const old = await tx.readJson<R>(this.#recordPath(repoID, n));
      if (!old) throw notFound(this.#what(repoID, n));
      const rec = fn(tx, old);
      if (rec === old) return old;
      tx.putJson(this.#recordPath(repoID, n), rec);
      if (rec.state !== old.state) {
        tx.put(this.#indexPath(repoID, n, rec.state), EMPTY);
        tx.remove(this.#indexPath(repoID, n, old.state));
      }
      return rec;
    });
  }

  /** Writes child `id` of the item (inside a transaction, before the item itself). */
  putChild(tx: Tx, rec: R, child: string, id: number, value: unknown): void {
    tx.putJson(`${this.#childDir(rec.repoID, rec.number, child)}/${num(id)}.json`, value);
  }

  /** Appends an event to `rec` (a copy being changed), counting it in rec.eventCount. */
  addEvent(tx: Tx, rec: R, event: Omit<M.IssueEvent, "id">): void {
    rec.eventCount += 1;
    this.putChild(tx, rec, "events", rec.eventCount, { id: rec.eventCount, ...event });
  }

  get(repoID: number, n: number): Promise<R> {
    return this.#c.mustRead<R>(this.#recordPath(repoID, n), this.#what(repoID, n));
  }

  /** Newest first, optionally of one state; reads only the index names and the page's records. */
  async list(repoID: number, o: { state: S | undefined; limit: number; cursor: string | undefined }): Promise<M.Page<R>> {
    await this.#mustRepo(repoID);
    const numbers = new Set<number>();
    for (const e of await this.#entries(repoID)) if (o.state === undefined || e.state === o.state) numbers.add(e.number);
    const all = [...numbers];
    const keyOf = (n: number) => [n];
    sortByKey(all, keyOf, true);
    const page = pageOf(all, keyOf, { cursor: o.cursor, limit: o.limit, desc: true, arity: 1 });
    const items: R[] = [];
    for (const n of page.items) {
      const rec = await this.#c.readJson<R>(this.#recordPath(repoID, n));
      // A state change being applied may briefly show an item under both states: the record decides.
      if (rec && (o.state === undefined || rec.state === o.state)) items.push(rec);
    }
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  /** Items per state, from index names only. */
  async counts(repoID: number, states: readonly S[]): Promise<Record<S, number>> {
    await this.#mustRepo(repoID);
    const out = Object.fromEntries(states.map((s) => [s, 0])) as Record<S, number>;
    for (const e of await this.#entries(repoID)) if (e.state in out) out[e.state as S] += 1;
    return out;
  }

  /** Children of an item, oldest first; one page when `page` is given. not_found when the item is missing. */
  async children<T>(repoID: number, n: number, child: string, page?: { limit: number; cursor: string | undefined }): Promise<M.Page<T>> {
    await this.get(repoID, n);
    const dir = this.#childDir(repoID, n, child);
    const ids: number[] = [];
    for (const name of await this.#c.fs.list(dir)) {
      const m = CHILD.exec(name);
      if (m) ids.push(Number(m[1]));
    }
    const keyOf = (id: number) => [id];
    sortByKey(ids, keyOf);
    const p: M.Page<number> = page ? pageOf(ids, keyOf, { cursor: page.cursor, limit: page.limit, arity: 1 }) : { items: ids };
    const items: T[] = [];
    for (const id of p.items) {
      const rec = await this.#c.readJson<T>(`${dir}/${num(id)}.json`);
      if (rec) items.push(rec);
    }
    return p.nextCursor ? { items, nextCursor: p.nextCursor } : { items };
  }

  async #entries(repoID: number): Promise<{ number: number; state: string }[]> {
    const out: { number: number; state: string }[] = [];
    for (const name of await this.#c.fs.list(`${this.#dir(repoID)}/index`)) {
      const m = INDEX.exec(name);
      if (m) out.push({ number: Number(m[1]), state: m[2]! });
    }
    return out;
  }
}

/** Items of a kind over every repo, from directory listings only (for `src store info`). */
export async function countPerRepo(ctx: FsCtx, kind: string): Promise<number> {
  let total = 0;
  for (const repo of await ctx.fs.list("repos/id")) {
    if (/^\d+$/.test(repo)) total += (await ctx.fs.list(`repos/id/${repo}/${kind}/index`)).length;
  }
  return total;
}
