/**
 * Tracker threads on PostgreSQL (migrations/0006_tracker.sql): threads, thread_comments (comment 1 is
 * the body), thread_events. A comment's ID is the thread's comment_count after it, an event's ID its
 * event_count after it, both bumped in the statement that inserts the child. Shared parts:
 * ./numbered.ts.
 */
import type * as M from "../model.ts";
import type { ThreadsStore } from "../stores.ts";
import type { SqlRow } from "../ports/sql.ts";
import * as v from "../validate.ts";
import type { PgCtx } from "./context.ts";
import { checkComment, checkNewThread, checkPage, checkStateList, checkThreadUpdate, PAGE_KINDS } from "../input/threads.ts";
import {
  appendEvents, children, claimNumber, countStates, createItem, getItem, listEvents, listItems, lockItem, missing,
  type Kind, type NewEvent,
} from "./numbered.ts";

const K: Kind = { table: "threads", events: "thread_events", noun: "thread" };
const STATES = ["open", "closed"] as const;
const COLS = "repo_id, number, title, state, author_uid, created_at, updated_at, closed_at, code_ref, comment_count, event_count";
const COMMENT_COLS = "id, author_uid, body, created_at";

interface ThreadRow extends SqlRow {
  repo_id: number;
  number: number;
  title: string;
  state: M.ThreadState;
  author_uid: number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  code_ref: M.CodeRef | null;
  comment_count: number;
  event_count: number;
}

interface CommentRow extends SqlRow {
  id: number;
  author_uid: number;
  body: string;
  created_at: Date;
}

function toThread(r: ThreadRow): M.Thread {
  const c = r.code_ref;
  return {
    repoID: r.repo_id, number: r.number, title: r.title, state: r.state, authorUID: r.author_uid,
    createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at,
    codeRef: c && { repo: c.repo, path: c.path, commitID: c.commitID, startLine: c.startLine, endLine: c.endLine },
    commentCount: r.comment_count,
  };
}

const toComment = (r: CommentRow): M.Comment => ({ id: r.id, authorUID: r.author_uid, body: r.body, createdAt: r.created_at });

/** $1 repo, $2 author, $3 title, $4 now, $5 code ref (JSON text or null), $6 body. */
const CREATE = `WITH ${claimNumber(K, 2)},
  t AS (INSERT INTO threads (${COLS})
        SELECT r.id, n.last, $3::text, 'open', u.uid, $4::timestamptz, $4::timestamptz, NULL, $5::text::jsonb, 1, 0 FROM n, r, u
        RETURNING ${COLS}),
  b AS (INSERT INTO thread_comments (repo_id, number, id, author_uid, body, created_at)
        SELECT repo_id, number, 1, author_uid, $6::text, created_at FROM t)
  SELECT * FROM t`;

/** $1 repo, $2 number, $3 title, $4 state, $5 closed_at, $6 now, $7 event_count, $8 actor, $9 events (JSON). */
const UPDATE = `WITH t AS (UPDATE threads SET title = $3, state = $4, closed_at = $5, updated_at = $6, event_count = $7
                 WHERE repo_id = $1 AND number = $2 RETURNING ${COLS}),
  ${appendEvents(K, { actor: 8, now: 6, events: 9 })}
  SELECT * FROM t`;

/** $1 repo, $2 number, $3 author, $4 body, $5 now. */
const ADD_COMMENT = `WITH u AS (SELECT uid FROM users WHERE uid = $3 FOR KEY SHARE),
  t AS (UPDATE threads SET comment_count = comment_count + 1, updated_at = $5
         WHERE repo_id = $1 AND number = $2 AND EXISTS (SELECT 1 FROM u) RETURNING repo_id, number, comment_count)
  INSERT INTO thread_comments (repo_id, number, id, author_uid, body, created_at)
  SELECT t.repo_id, t.number, t.comment_count, u.uid, $4::text, $5::timestamptz FROM t, u
  RETURNING ${COMMENT_COLS}`;

export class PgThreads implements ThreadsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(repoID: number, thread: M.NewThread): Promise<M.Thread> {
    v.id("repoID", repoID);
    const t = checkNewThread(thread);
    const ref = t.codeRef && JSON.stringify(t.codeRef);
    const row = await createItem<ThreadRow>(this.#c, repoID, t.authorUID, CREATE, [repoID, t.authorUID, t.title, this.#c.now(), ref, t.body]);
    return toThread(row);
  }

  async get(repoID: number, number: number): Promise<M.Thread> {
    v.id("repoID", repoID);
    v.id("number", number);
    return toThread(await getItem<ThreadRow>(this.#c, K, repoID, number));
  }

  async update(repoID: number, number: number, update: M.ThreadUpdate): Promise<M.Thread> {
    v.id("repoID", repoID);
    v.id("number", number);
    const u = checkThreadUpdate(update);
    return this.#c.tx(async (q) => {
      const old = await lockItem<ThreadRow>(q, K, repoID, number, u.actorUID);
      const now = this.#c.now();
      const events: NewEvent[] = [];
      const id = () => old.event_count + events.length + 1;
      let title = old.title, state = old.state, closedAt = old.closed_at;
      if (u.title !== undefined && u.title !== old.title) {
        events.push({ id: id(), type: "renamed", from_title: old.title, to_title: u.title });
        title = u.title;
      }
      if (u.state !== undefined && u.state !== old.state) {
        events.push({ id: id(), type: u.state === "closed" ? "closed" : "reopened" });
        state = u.state;
        closedAt = u.state === "closed" ? now : null;
      }
      if (events.length === 0) return toThread(old);
      const [row] = await q.query<ThreadRow>(UPDATE, [
        repoID, number, title, state, closedAt, now, old.event_count + events.length, u.actorUID, JSON.stringify(events),
      ]);
      return toThread(row!);
    });
  }

  async addComment(repoID: number, number: number, comment: { authorUID: number; body: string }): Promise<M.Comment> {
    v.id("repoID", repoID);
    v.id("number", number);
    const c = checkComment(comment);
    const [row] = await this.#c.query<CommentRow>(ADD_COMMENT, [repoID, number, c.authorUID, c.body, this.#c.now()]);
    if (!row) throw await missing(this.#c.sql, K, repoID, number, c.authorUID);
    return toComment(row);
  }

  async listComments(repoID: number, number: number, options: M.PageOptions = {}): Promise<M.Page<M.Comment>> {
    v.id("repoID", repoID);
    v.id("number", number);
    const pg = checkPage(options, PAGE_KINDS.comments);
    const page = await children<CommentRow>(this.#c, K, "thread_comments", COMMENT_COLS, repoID, number, pg);
    const items = page.items.map(toComment);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async listEvents(repoID: number, number: number): Promise<M.IssueEvent[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return listEvents(this.#c, K, repoID, number);
  }

  async list(repoID: number, options: M.ThreadListOptions = {}): Promise<M.Page<M.Thread>> {
    v.id("repoID", repoID);
    const o = checkStateList(options, STATES, PAGE_KINDS.threads);
    const page = await listItems<ThreadRow>(this.#c, K, repoID, o);
    const items = page.items.map(toThread);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async counts(repoID: number): Promise<{ open: number; closed: number }> {
    v.id("repoID", repoID);
    return countStates(this.#c, K, repoID, STATES);
  }
}

export function makeThreads(ctx: PgCtx): ThreadsStore {
  return new PgThreads(ctx);
}
