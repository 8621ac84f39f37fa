/**
 * Changesets on PostgreSQL (migrations/0006_tracker.sql): changesets, changeset_reviews (line comments
 * as a JSON array), changeset_events. A review's ID is the changeset's review_count after it, an
 * event's ID its event_count after it, both bumped in the statement that inserts the child. Shared
 * parts: ./numbered.ts.
 */
import type * as M from "../model.ts";
import type { ChangesetsStore } from "../stores.ts";
import type { SqlRow } from "../ports/sql.ts";
import { conflict } from "../errors.ts";
import * as v from "../validate.ts";
import type { PgCtx } from "./context.ts";
import { checkStateList, PAGE_KINDS } from "../input/threads.ts";
import { checkChangesetUpdate, checkNewChangeset, checkNewReview } from "../input/changesets.ts";
import {
  appendEvents, children, claimNumber, countStates, createItem, getItem, listEvents, listItems, lockItem, missing,
  type Kind, type NewEvent,
} from "./numbered.ts";

const K: Kind = { table: "changesets", events: "changeset_events", noun: "changeset" };
const STATES = ["open", "closed", "merged"] as const;
const STATE_EVENT = { open: "reopened", closed: "closed", merged: "merged" } as const;
const COLS = "repo_id, number, title, description, author_uid, base_branch, base_commit, head_branch, head_commit, " +
  "state, created_at, updated_at, closed_at, merged_at, review_count, event_count";
const REVIEW_COLS = "id, author_uid, body, comments, created_at";

interface ChangesetRow extends SqlRow {
  repo_id: number;
  number: number;
  title: string;
  description: string;
  author_uid: number;
  base_branch: string;
  base_commit: string;
  head_branch: string;
  head_commit: string;
  state: M.ChangesetState;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  merged_at: Date | null;
  review_count: number;
  event_count: number;
}

interface ReviewRow extends SqlRow {
  id: number;
  author_uid: number;
  body: string;
  comments: M.LineComment[];
  created_at: Date;
}

function toChangeset(r: ChangesetRow): M.Changeset {
  return {
    repoID: r.repo_id, number: r.number, title: r.title, description: r.description, authorUID: r.author_uid,
    base: { branch: r.base_branch, commitID: r.base_commit }, head: { branch: r.head_branch, commitID: r.head_commit },
    state: r.state, createdAt: r.created_at, updatedAt: r.updated_at, closedAt: r.closed_at, mergedAt: r.merged_at,
  };
}

const toReview = (r: ReviewRow): M.Review => ({
  id: r.id, authorUID: r.author_uid, body: r.body,
  comments: r.comments.map((c) => ({ path: c.path, line: c.line, body: c.body })), createdAt: r.created_at,
});

const sameRev = (a: M.RevSpec, b: M.RevSpec) => a.branch === b.branch && a.commitID === b.commitID;

/** $1 repo, $2 author, $3 title, $4 description, $5-$8 base branch and commit, head branch and commit, $9 now. */
const CREATE = `WITH ${claimNumber(K, 2)},
  t AS (INSERT INTO changesets (${COLS})
        SELECT r.id, n.last, $3::text, $4::text, u.uid, $5::text, $6::text, $7::text, $8::text, 'open',
               $9::timestamptz, $9::timestamptz, NULL, NULL, 0, 0 FROM n, r, u
        RETURNING ${COLS})
  SELECT * FROM t`;

/**
 * $1 repo, $2 number, $3 title, $4 description, $5-$8 base and head, $9 state, $10 closed_at,
 * $11 merged_at, $12 now, $13 event_count, $14 actor, $15 events (JSON).
 */
const UPDATE = `WITH t AS (UPDATE changesets SET title = $3, description = $4, base_branch = $5, base_commit = $6,
                   head_branch = $7, head_commit = $8, state = $9, closed_at = $10, merged_at = $11, updated_at = $12,
                   event_count = $13
                 WHERE repo_id = $1 AND number = $2 RETURNING ${COLS}),
  ${appendEvents(K, { actor: 14, now: 12, events: 15 })}
  SELECT * FROM t`;

/** $1 repo, $2 number, $3 author, $4 body, $5 line comments (JSON), $6 now. */
const ADD_REVIEW = `WITH u AS (SELECT uid FROM users WHERE uid = $3 FOR KEY SHARE),
  t AS (UPDATE changesets SET review_count = review_count + 1, updated_at = $6
         WHERE repo_id = $1 AND number = $2 AND EXISTS (SELECT 1 FROM u) RETURNING repo_id, number, review_count)
  INSERT INTO changeset_reviews (repo_id, number, id, author_uid, body, comments, created_at)
  SELECT t.repo_id, t.number, t.review_count, u.uid, $4::text, $5::text::jsonb, $6::timestamptz FROM t, u
  RETURNING ${REVIEW_COLS}`;

export class PgChangesets implements ChangesetsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(repoID: number, changeset: M.NewChangeset): Promise<M.Changeset> {
    v.id("repoID", repoID);
    const c = checkNewChangeset(changeset);
    const row = await createItem<ChangesetRow>(this.#c, repoID, c.authorUID, CREATE, [
      repoID, c.authorUID, c.title, c.description, c.base.branch, c.base.commitID, c.head.branch, c.head.commitID, this.#c.now(),
    ]);
    return toChangeset(row);
  }

  async get(repoID: number, number: number): Promise<M.Changeset> {
    v.id("repoID", repoID);
    v.id("number", number);
    return toChangeset(await getItem<ChangesetRow>(this.#c, K, repoID, number));
  }

  async update(repoID: number, number: number, update: M.ChangesetUpdate): Promise<M.Changeset> {
    v.id("repoID", repoID);
    v.id("number", number);
    const u = checkChangesetUpdate(update);
    return this.#c.tx(async (q) => {
      const old = await lockItem<ChangesetRow>(q, K, repoID, number, u.actorUID);
      const cur = toChangeset(old);
      if (cur.state === "merged" && u.state !== undefined && u.state !== "merged") {
        throw conflict(`changeset ${number} of repo ${repoID} is merged: its state cannot change`);
      }
      const now = this.#c.now();
      const next = { ...cur };
      const events: NewEvent[] = [];
      const add = (e: Omit<NewEvent, "id">) => events.push({ id: old.event_count + events.length + 1, ...e });
      if (u.title !== undefined && u.title !== cur.title) {
        add({ type: "renamed", from_title: cur.title, to_title: u.title });
        next.title = u.title;
      }
      if (u.description !== undefined && u.description !== cur.description) {
        add({ type: "updated", field: "description" });
        next.description = u.description;
      }
      if (u.base !== undefined && !sameRev(u.base, cur.base)) {
        add({ type: "updated", field: "base" });
        next.base = u.base;
      }
      if (u.head !== undefined && !sameRev(u.head, cur.head)) {
        add({ type: "updated", field: "head" });
        next.head = u.head;
      }
      if (u.state !== undefined && u.state !== cur.state) {
        add({ type: STATE_EVENT[u.state] });
        next.state = u.state;
        next.closedAt = u.state === "closed" ? now : null;
        next.mergedAt = u.state === "merged" ? now : null;
      }
      if (events.length === 0) return cur;
      const [row] = await q.query<ChangesetRow>(UPDATE, [
        repoID, number, next.title, next.description, next.base.branch, next.base.commitID, next.head.branch,
        next.head.commitID, next.state, next.closedAt, next.mergedAt, now, old.event_count + events.length, u.actorUID,
        JSON.stringify(events),
      ]);
      return toChangeset(row!);
    });
  }

  async addReview(repoID: number, number: number, review: M.NewReview): Promise<M.Review> {
    v.id("repoID", repoID);
    v.id("number", number);
    const r = checkNewReview(review);
    const [row] = await this.#c.query<ReviewRow>(ADD_REVIEW, [
      repoID, number, r.authorUID, r.body, JSON.stringify(r.comments), this.#c.now(),
    ]);
    if (!row) throw await missing(this.#c.sql, K, repoID, number, r.authorUID);
    return toReview(row);
  }

  async listReviews(repoID: number, number: number): Promise<M.Review[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return (await children<ReviewRow>(this.#c, K, "changeset_reviews", REVIEW_COLS, repoID, number)).items.map(toReview);
  }

  async listEvents(repoID: number, number: number): Promise<M.IssueEvent[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return listEvents(this.#c, K, repoID, number);
  }

  async list(repoID: number, options: M.ChangesetListOptions = {}): Promise<M.Page<M.Changeset>> {
    v.id("repoID", repoID);
    const o = checkStateList(options, STATES, PAGE_KINDS.changesets);
    const page = await listItems<ChangesetRow>(this.#c, K, repoID, o);
    const items = page.items.map(toChangeset);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async counts(repoID: number): Promise<M.StateCounts> {
    v.id("repoID", repoID);
    return countStates(this.#c, K, repoID, STATES);
  }
}

export function makeChangesets(ctx: PgCtx): ChangesetsStore {
  return new PgChangesets(ctx);
}
