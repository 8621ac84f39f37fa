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
 * Lists and counts first finish a transaction a killed process left unfinished (ctx.settle). Every
 * read checks that the repo exists: a deleted repo's items may outlive it until its data is removed.
 */
import type * as M from "../model.ts";
import { notFound } from "../errors.ts";
import { afterKey, loadPage, sortByKey } from "../cursor.ts";
import type { FsCtx } from "./context.ts";
import type { Tx } from "./tx.ts";
import { num } from "./names.ts";
import type { CheckedPage } from "../input/threads.ts";

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

  #lock = (repoID: number) => `repo-${repoID}-${this.#kind}`;
  #dir = (repoID: number) => `repos/id/${num(repoID)}/${this.#kind}`;
  #recordPath = (repoID: number, n: number) => `${this.#dir(repoID)}/${num(n)}/${this.#file}.json`;
  #childDir = (repoID: number, n: number, child: string) => `${this.#dir(repoID)}/${num(n)}/${child}`;
  #indexPath = (repoID: number, n: number, state: string) => `${this.#dir(repoID)}/index/${num(n)}.${state}`;
  #what = (repoID: number, n: number) => `${this.#file} ${n} of repo ${repoID}`;

  /** not_found unless the user exists. */
  mustUser(uid: number): Promise<void> {
    return this.#c.mustHaveUser(uid);
  }

  #mustRepo(repoID: number, tx?: Tx): Promise<void> {
    return this.#c.mustHaveRepo(repoID, tx);
  }

  /** Claims the next number and writes what `build` returns (after the children it writes). */
  create(repoID: number, build: (tx: Tx, number: number) => R): Promise<R> {
    return this.#c.tx(this.#lock(repoID), async (tx) => {
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
   * state changed. Returning the record given means no change: nothing is written. not_found when
   * the repo is gone (its deletion may not have removed its items yet) or the item is missing.
   */
  change(repoID: number, n: number, fn: (tx: Tx, old: R) => R): Promise<R> {
    return this.#c.tx(this.#lock(repoID), async (tx) => {
      await this.#mustRepo(repoID, tx);
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

  /**
   * The item; not_found when it is missing or its repo is gone. The repo is checked after the item is
   * read: IDs are never reused, so the repo existed when the item was read.
   */
  async get(repoID: number, n: number): Promise<R> {
    const rec = await this.#c.mustRead<R>(this.#recordPath(repoID, n), this.#what(repoID, n));
    await this.#mustRepo(repoID);
    return rec;
  }

  /**
   * Newest first, optionally of one state; reads only the index names and the page's records. The
   * record decides: an entry of another state than its record's (a state change being applied, or
   * left half-applied by a crash) is skipped.
   */
  async list(repoID: number, o: CheckedPage & { state: S | undefined }): Promise<M.Page<R>> {
    await this.#mustRepo(repoID);
    await this.#c.settle(this.#lock(repoID));
    const numbers = new Set<number>();
    for (const e of await this.#entries(repoID)) if (o.state === undefined || e.state === o.state) numbers.add(e.number);
    const all = [...numbers];
    const keyOf = (n: number) => [n];
    sortByKey(all, keyOf, true);
    return loadPage(afterKey(all, keyOf, o.after === undefined ? undefined : [o.after], true), {
      limit: o.limit,
      kind: o.kind,
      keyOf,
      load: async (n) => {
        const rec = await this.#c.readJson<R>(this.#recordPath(repoID, n));
        return rec && (o.state === undefined || rec.state === o.state) ? rec : undefined;
      },
    });
  }

  /** Items per state, from index names only. */
  async counts(repoID: number, states: readonly S[]): Promise<Record<S, number>> {
    await this.#mustRepo(repoID);
    await this.#c.settle(this.#lock(repoID));
    const out = Object.fromEntries(states.map((s) => [s, 0])) as Record<S, number>;
    for (const e of await this.#entries(repoID)) if (e.state in out) out[e.state as S] += 1;
    return out;
  }

  /**
   * Children of an item, oldest first; one page when `page` is given. not_found when the item or its
   * repo is missing.
   */
  async children<T>(repoID: number, n: number, child: string, page?: CheckedPage): Promise<M.Page<T>> {
    await this.#c.settle(this.#lock(repoID));
    await this.get(repoID, n);
    const dir = this.#childDir(repoID, n, child);
    const ids: number[] = [];
    for (const name of await this.#c.fs.list(dir)) {
      const m = CHILD.exec(name);
      if (m) ids.push(Number(m[1]));
    }
    const keyOf = (id: number) => [id];
    sortByKey(ids, keyOf);
    const load = (id: number) => this.#c.readJson<T>(`${dir}/${num(id)}.json`);
    if (page) {
      const rest = afterKey(ids, keyOf, page.after === undefined ? undefined : [page.after]);
      return loadPage(rest, { limit: page.limit, kind: page.kind, keyOf, load });
    }
    const items: T[] = [];
    for (const id of ids) {
      const rec = await load(id);
      if (rec) items.push(rec);
    }
    return { items };
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
