/**
 * Repos on the fs backend. Layout under repos/:
 *   id/<num id>/repo.json          the record (repoPath); the directory also holds the repo's other
 *                                  data: config.json, statuses/ (repo configs, statuses), threads/,
 *                                  changesets/ (their stores)
 *   uri/<seg(lower uri)>           claim of a URI: {"id": n, "uri": "..."}
 *   index/<keys>                   one empty file per repo named by its sort and filter keys
 *                                  (see repo-index.ts): lists read names and the records of a page
 *   deleting/<num id>              a deleted repo whose data (directory, permissions) is being removed
 *   next-id                        the ID counter; IDs are never reused, so data left under a deleted
 *                                  repo's directory is never seen by another repo
 * Every change runs under the "repos" lock. list() first finishes a transaction a killed process left
 * unfinished (ctx.settle), and shows an entry only when it is its record's own.
 */
import type * as M from "../model.ts";
import type { ReposStore } from "../stores.ts";
import { alreadyExists, invalid, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { compareKeys, decodeCursor, loadPage, type CursorKey } from "../cursor.ts";
import { type FsCtx, repoPath } from "./context.ts";
import type { Tx } from "./tx.ts";
import { num, seg, unseg } from "./names.ts";
import { checkNewRepo, checkRepoList, checkRepoUpdate, type CheckedRepoList, repoName } from "../input/repos.ts";
import {
  compareText, enc, INDEX_DIR, type IndexEntry, indexName, langKey, lowerName, parseIndex, prefixMatch,
} from "./repo-index.ts";
import { removeRepoAppData } from "./app-storage.ts";
import { removeRepoPerms } from "./repo-perms.ts";

const LOCK = "repos";
const EMPTY = new Uint8Array(0);
const uriPath = async (uri: string) => `repos/uri/${await seg(uri.toLowerCase())}`;
const repoDir = (id: number) => `repos/id/${num(id)}`;
const deletingPath = (id: number) => `repos/deleting/${num(id)}`;

export function makeRepos(ctx: FsCtx): ReposStore {
  return new FsRepos(ctx);
}

export class FsRepos implements ReposStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewRepo): Promise<M.Repo> {
    const r = checkNewRepo(input);
    const claim = await uriPath(r.uri);
    return this.#c.tx(LOCK, async (tx) => {
      if (await tx.read(claim)) throw alreadyExists(`repo ${JSON.stringify(r.uri)}`);
      const now = this.#c.now();
      const id = await tx.next("repos/next-id");
      const rec: M.Repo = {
        id, uri: r.uri, name: repoName(r.uri), description: r.description, language: r.language,
        defaultBranch: r.defaultBranch, private: r.private, fork: r.fork, mirror: r.mirror,
        createdAt: now, updatedAt: now, pushedAt: null,
      };
      tx.putJson(repoPath(id), rec);
      tx.putJson(claim, { id, uri: r.uri });
      tx.put(`${INDEX_DIR}/${await indexName(rec)}`, EMPTY);
      return { ...rec };
    });
  }

  async get(id: number): Promise<M.Repo> {
    v.id("id", id);
    return this.#c.mustRead<M.Repo>(repoPath(id), `repo ${id}`);
  }

  async getByURI(uri: string): Promise<M.Repo> {
    v.repoURI("uri", uri);
    const claim = await this.#c.readJson<{ id: number }>(await uriPath(uri));
    const rec = claim && (await this.#c.readJson<M.Repo>(repoPath(claim.id)));
    if (!rec || rec.uri.toLowerCase() !== uri.toLowerCase()) throw notFound(`repo ${JSON.stringify(uri)}`);
    return rec;
  }

  async update(id: number, update: M.RepoUpdate): Promise<M.Repo> {
    v.id("id", id);
    const patch = checkRepoUpdate(update);
    return this.#c.tx(LOCK, async (tx) => {
      const old = await this.#txRecord(tx, id);
      const rec: M.Repo = { ...old, ...patch, updatedAt: patch.updatedAt ?? this.#c.now() };
      tx.putJson(repoPath(id), rec);
      const [before, after] = [await indexName(old), await indexName(rec)];
      if (before !== after) {
        tx.remove(`${INDEX_DIR}/${before}`);
        tx.put(`${INDEX_DIR}/${after}`, EMPTY);
      }
      return { ...rec };
    });
  }

  async delete(id: number): Promise<void> {
    v.id("id", id);
    await this.#finishDeletes();
    await this.#c.tx(LOCK, async (tx) => {
      const rec = await this.#txRecord(tx, id);
      tx.put(deletingPath(id), EMPTY);
      tx.remove(`${INDEX_DIR}/${await indexName(rec)}`);
      tx.remove(await uriPath(rec.uri));
      tx.remove(repoPath(id));
    });
    await this.#finishDelete(id);
  }

  async list(options: M.RepoListOptions = {}): Promise<M.Page<M.Repo>> {
    const o = checkRepoList(options);
    const after = parseCursor(o);
    const lang = o.language === undefined ? undefined : await langKey(o.language);
    await this.#c.settle(LOCK);
    const entries: IndexEntry[] = [];
    for (const file of await this.#c.fs.list(INDEX_DIR)) {
      const e = parseIndex(file);
      if (!e) continue;
      if (o.private !== undefined && e.private !== o.private) continue;
      if (o.fork !== undefined && e.fork !== o.fork) continue;
      if (o.mirror !== undefined && e.mirror !== o.mirror) continue;
      if (lang !== undefined && e.lang !== lang) continue;
      if (o.query !== undefined) {
        const mu = prefixMatch(e.uri, e.uriCut, o.query), mn = prefixMatch(e.name, e.nameCut, o.query);
        const m = mu === true || mn === true ? true : mu === false && mn === false ? false : undefined;
        if (m === false) continue;
        if (m === undefined) {
          if (!(await this.#resolve(e))) continue;
          if (!e.uri.startsWith(o.query) && !e.name.startsWith(o.query)) continue;
        }
      }
      entries.push(e);
    }
    const desc = o.direction === "desc";
    if (o.sort === "uri") await this.#resolveUriOrder(entries, after);
    const keyOf = keyFn(o.sort);
    const cmp = (a: IndexEntry, b: IndexEntry) => (desc ? -1 : 1) * compareEntryKeys(keyOf(a), keyOf(b));
    const rest = after === undefined ? entries
      : entries.filter((e) => (desc ? -1 : 1) * compareEntryKeys(keyOf(e), after) > 0);
    rest.sort(cmp);
    return loadPage(rest, {
      limit: o.limit,
      kind: cursorKind(o),
      // The key the page was ordered by (the URI is whole in the record; it never changes).
      keyOf: (e, rec) => (o.sort === "uri" ? [enc(rec.uri.toLowerCase()), rec.id] : keyOf(e)),
      // The record decides: an entry whose repo is gone, or whose flags, language or dates an update
      // is moving (or a crash left half-moved), is not the repo's entry and is skipped.
      load: async (e) => {
        const rec = await this.#c.readJson<M.Repo>(repoPath(e.id));
        return rec && (await indexName(rec)) === e.file ? rec : undefined;
      },
    });
  }

  // ---- internals ----------------------------------------------------------------------------------

  async #txRecord(tx: Tx, id: number): Promise<M.Repo> {
    const rec = await tx.readJson<M.Repo>(repoPath(id));
    if (!rec) throw notFound(`repo ${id}`);
    return rec;
  }

  /** Reads the record of a truncated entry to learn its full URI and name; false when it is gone. */
  async #resolve(e: IndexEntry): Promise<boolean> {
    if (!e.uriCut && !e.nameCut) return true;
    const rec = await this.#c.readJson<M.Repo>(repoPath(e.id));
    if (!rec) return false;
    e.uri = rec.uri.toLowerCase();
    e.name = lowerName(e.uri);
    e.uriCut = e.nameCut = false;
    return true;
  }

  /**
   * Makes the URI order of `entries` exact: a truncated URI is read in full only when its kept prefix
   * is a prefix of another entry's URI or of the cursor's (then the order depends on the cut part).
   */
  async #resolveUriOrder(entries: IndexEntry[], after: CursorKey | undefined): Promise<void> {
    entries.sort((a, b) => compareText(a.uri, b.uri));
    const need = entries.filter((e, i) => e.uriCut && (
      (i + 1 < entries.length && entries[i + 1]!.uri.startsWith(e.uri)) ||
      (i > 0 && entries[i - 1]!.uri === e.uri) ||
      (after !== undefined && (after[0] as string).startsWith(e.uri))));
    for (const e of need) {
      if (!(await this.#resolve(e))) entries.splice(entries.indexOf(e), 1);
    }
  }

  /** Finishes deletes a crash interrupted (their records are gone; data may remain). */
  async #finishDeletes(): Promise<void> {
    for (const name of await this.#c.fs.list("repos/deleting")) {
      const id = Number(name);
      if (Number.isSafeInteger(id) && id > 0) await this.#finishDelete(id);
    }
  }

  /**
   * Removes a deleted repo's permissions, app storage and directory (config, statuses, threads, changesets). Best
   * effort: the repo is already gone, so a failure here is not the caller's; the marker stays and the
   * next delete() retries. Until then nothing reads the leftovers (every reader checks the record).
   */
  async #finishDelete(id: number): Promise<void> {
    try {
      await removeRepoPerms(this.#c, id);
      await removeRepoAppData(this.#c, id);
      await this.#c.fs.removeTree(repoDir(id));
      await this.#c.fs.remove(deletingPath(id));
    } catch {
      // retried by the next delete()
    }
  }
}

type Sort = CheckedRepoList["sort"];

function keyFn(sort: Sort): (e: IndexEntry) => CursorKey {
  switch (sort) {
    case "uri": return (e) => [e.uri, e.id];
    case "id": return (e) => [e.id];
    case "created": return (e) => [e.created, e.id];
    case "pushed": return (e) => [e.pushed, e.id];
  }
}

function compareEntryKeys(a: CursorKey, b: CursorKey): number {
  if (typeof a[0] === "string") {
    const c = compareText(a[0], b[0] as string);
    return c !== 0 ? c : compareKeys(a.slice(1), b.slice(1));
  }
  return compareKeys(a, b);
}

const cursorKind = (o: CheckedRepoList) => `repos:${o.sort}:${o.direction}`;

function parseCursor(o: CheckedRepoList): CursorKey | undefined {
  const key = decodeCursor(o.cursor, cursorKind(o), o.sort === "id" ? 1 : 2);
  if (key === undefined) return undefined;
  const ok = o.sort === "uri"
    ? typeof key[0] === "string" && /^(?:[a-z0-9_-]|%[0-9A-F]{2})+$/.test(key[0]) && Number.isSafeInteger(key[1])
    : key.every((k) => Number.isSafeInteger(k));
  if (!ok) throw invalid("cursor", "is not a cursor returned by this list");
  return o.sort === "uri" ? [unseg(key[0] as string), key[1]!] : key;
}
