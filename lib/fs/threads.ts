/**
 * Tracker threads on the fs backend, laid out by ./numbered.ts under repos/id/<repo>/threads/:
 *   next-number, index/<number>.<open|closed>, <number>/thread.json,
 *   <number>/comments/<id>.json (comment 1 is the body), <number>/events/<id>.json
 * Every change runs under the lock "repo-<id>-threads". A comment's ID is the thread's commentCount
 * after it; an event's ID is the thread's eventCount after it.
 */
import type * as M from "../model.ts";
import type { ThreadsStore } from "../stores.ts";
import * as v from "../validate.ts";
import type { FsCtx } from "./context.ts";
import { Numbered, type ItemRecord } from "./numbered.ts";
import { checkComment, checkNewThread, checkPage, checkStateList, checkThreadUpdate, PAGE_KINDS } from "../input/threads.ts";

interface ThreadRecord extends M.Thread, ItemRecord<M.ThreadState> {}

const STATES = ["open", "closed"] as const;

function toThread(r: ThreadRecord): M.Thread {
  const { eventCount: _, ...thread } = r;
  return thread;
}

export class FsThreads implements ThreadsStore {
  readonly #c: FsCtx;
  readonly #n: Numbered<M.ThreadState, ThreadRecord>;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
    this.#n = new Numbered(ctx, "threads", "thread");
  }

  async create(repoID: number, thread: M.NewThread): Promise<M.Thread> {
    v.id("repoID", repoID);
    const t = checkNewThread(thread);
    await this.#n.mustUser(t.authorUID);
    const rec = await this.#n.create(repoID, (tx, number) => {
      const now = this.#c.now();
      const r: ThreadRecord = {
        repoID, number, title: t.title, state: "open", authorUID: t.authorUID, createdAt: now, updatedAt: now,
        closedAt: null, codeRef: t.codeRef, commentCount: 1, eventCount: 0,
      };
      const body: M.Comment = { id: 1, authorUID: t.authorUID, body: t.body, createdAt: now };
      this.#n.putChild(tx, r, "comments", 1, body);
      return r;
    });
    return toThread(rec);
  }

  async get(repoID: number, number: number): Promise<M.Thread> {
    v.id("repoID", repoID);
    v.id("number", number);
    return toThread(await this.#n.get(repoID, number));
  }

  async update(repoID: number, number: number, update: M.ThreadUpdate): Promise<M.Thread> {
    v.id("repoID", repoID);
    v.id("number", number);
    const u = checkThreadUpdate(update);
    await this.#n.mustUser(u.actorUID);
    const rec = await this.#n.change(repoID, number, (tx, old) => {
      const now = this.#c.now();
      const r: ThreadRecord = { ...old };
      const actor = { actorUID: u.actorUID, createdAt: now };
      if (u.title !== undefined && u.title !== old.title) {
        this.#n.addEvent(tx, r, { type: "renamed", ...actor, from: old.title, to: u.title });
        r.title = u.title;
      }
      if (u.state !== undefined && u.state !== old.state) {
        this.#n.addEvent(tx, r, { type: u.state === "closed" ? "closed" : "reopened", ...actor });
        r.state = u.state;
        r.closedAt = u.state === "closed" ? now : null;
      }
      if (r.eventCount === old.eventCount) return old;
      r.updatedAt = now;
      return r;
    });
    return toThread(rec);
  }

  async addComment(repoID: number, number: number, comment: { authorUID: number; body: string }): Promise<M.Comment> {
    v.id("repoID", repoID);
    v.id("number", number);
    const c = checkComment(comment);
    await this.#n.mustUser(c.authorUID);
    let added!: M.Comment;
    await this.#n.change(repoID, number, (tx, old) => {
      const now = this.#c.now();
      const r: ThreadRecord = { ...old, commentCount: old.commentCount + 1, updatedAt: now };
      added = { id: r.commentCount, authorUID: c.authorUID, body: c.body, createdAt: now };
      this.#n.putChild(tx, r, "comments", added.id, added);
      return r;
    });
    return added;
  }

  async listComments(repoID: number, number: number, options: M.PageOptions = {}): Promise<M.Page<M.Comment>> {
    v.id("repoID", repoID);
    v.id("number", number);
    const page = checkPage(options, PAGE_KINDS.comments);
    return this.#n.children<M.Comment>(repoID, number, "comments", page);
  }

  async listEvents(repoID: number, number: number): Promise<M.IssueEvent[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return (await this.#n.children<M.IssueEvent>(repoID, number, "events")).items;
  }

  async list(repoID: number, options: M.ThreadListOptions = {}): Promise<M.Page<M.Thread>> {
    v.id("repoID", repoID);
    const o = checkStateList(options, STATES, PAGE_KINDS.threads);
    const page = await this.#n.list(repoID, o);
    const items = page.items.map(toThread);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async counts(repoID: number): Promise<{ open: number; closed: number }> {
    v.id("repoID", repoID);
    return this.#n.counts(repoID, STATES);
  }
}

export function makeThreads(ctx: FsCtx): ThreadsStore {
  return new FsThreads(ctx);
}
