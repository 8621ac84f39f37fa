/**
 * What threads and changesets share on the pgsql backend (migrations/0006_tracker.sql): items
 * numbered 1, 2, 3... per repo (the counter row tracker_numbers (repo_id, kind), bumped in the
 * statement that inserts the item), children numbered per item from a count column of the item
 * (comments, reviews, events), lists newest first by keyset, and counts per state from the
 * (repo_id, state, number) index. Table names are constants of the stores, never values.
 *
 * Items go with their repo (ON DELETE CASCADE), so an item that exists has a repo; lists and counts
 * read the repo row in the same statement, to tell an empty repo from a missing one.
 */
import type * as M from "../model.ts";
import type { SqlPort, SqlRow, SqlValue } from "../ports/sql.ts";
import { notFound, type StoreError } from "../errors.ts";
import { encodeCursor } from "../cursor.ts";
import type { CheckedPage } from "../input/threads.ts";
import type { PgCtx } from "./context.ts";

/** The tables of one kind of item. */
export interface Kind {
  /** The item table, also the counter's kind: "threads" or "changesets". */
  table: "threads" | "changesets";
  events: "thread_events" | "changeset_events";
  /** The item's name in messages, as on fs: "thread 3 of repo 7". */
  noun: "thread" | "changeset";
}

const what = (k: Kind, repoID: number, n: number): string => `${k.noun} ${n} of repo ${repoID}`;

/**
 * CTEs `u` and `r` (the author and repo $1, locked against deletion until commit; empty when missing)
 * and `n` (the next number of the repo, claimed only when both exist). `author` is the param index
 * of the author's UID. The repo row is locked before the counter row, the order a repo's deletion
 * takes them in (repo, then its cascade), so the two never deadlock.
 */
export const claimNumber = (k: Kind, author: number): string =>
  `u AS (SELECT uid FROM users WHERE uid = $${author} FOR KEY SHARE),
   r AS (SELECT id FROM repos WHERE id = $1 FOR KEY SHARE),
   n AS (INSERT INTO tracker_numbers AS c (repo_id, kind, last) SELECT r.id, '${k.table}', 1 FROM r CROSS JOIN u
         ON CONFLICT (repo_id, kind) DO UPDATE SET last = c.last + 1 RETURNING last)`;

/**
 * Runs a create statement built on claimNumber (returning the new item). No row: the author or the
 * repo is missing (the author is named first, as on fs).
 */
export async function createItem<R extends SqlRow>(ctx: PgCtx, repoID: number, authorUID: number, text: string, params: SqlValue[]): Promise<R> {
  const [row] = await ctx.query<R>(text, params);
  if (row) return row;
  const [user] = await ctx.query("SELECT 1 FROM users WHERE uid = $1", [authorUID]);
  throw notFound(user ? `repo ${repoID}` : `user ${authorUID}`);
}

/**
 * Inside a transaction: the item, locked until commit, after checking (and locking) the actor.
 * not_found when the actor or the item is missing (the actor is named first, as on fs).
 */
export async function lockItem<R extends SqlRow>(q: SqlPort, k: Kind, repoID: number, n: number, actorUID: number): Promise<R> {
  const [row] = await q.query<R & { actor_ok: boolean | null }>(
    `SELECT i.*, (SELECT true FROM users WHERE uid = $3 FOR KEY SHARE) AS actor_ok
       FROM ${k.table} i WHERE i.repo_id = $1 AND i.number = $2 FOR NO KEY UPDATE OF i`,
    [repoID, n, actorUID],
  );
  if (!row) throw await missing(q, k, repoID, n, actorUID);
  if (!row.actor_ok) throw notFound(`user ${actorUID}`);
  return row;
}

/** The not_found for a change that found nothing to change: the user's when missing, else the item's. */
export async function missing(q: SqlPort, k: Kind, repoID: number, n: number, uid: number): Promise<StoreError> {
  const rows = await q.query("SELECT 1 FROM users WHERE uid = $1", [uid]);
  return notFound(rows.length === 0 ? `user ${uid}` : what(k, repoID, n));
}

/**
 * A CTE `e` appending events to the item updated by the CTE `t` (which returns repo_id and number):
 * `events` is the param index of a JSON array of {id, type, from_title?, to_title?, field?}, `actor`
 * and `now` those of the actor's UID and the time.
 */
export const appendEvents = (k: Kind, p: { actor: number; now: number; events: number }): string =>
  `e AS (INSERT INTO ${k.events} (repo_id, number, id, type, actor_uid, created_at, from_title, to_title, field)
         SELECT t.repo_id, t.number, x.id, x.type, $${p.actor}::int, $${p.now}::timestamptz, x.from_title, x.to_title, x.field
           FROM t CROSS JOIN jsonb_to_recordset($${p.events}::text::jsonb)
             AS x(id int, type text, from_title text, to_title text, field text))`;

/** An event to append: its ID and what the model shows besides actor and time. */
export interface NewEvent {
  id: number;
  type: M.IssueEvent["type"];
  from_title?: string;
  to_title?: string;
  field?: string;
}

interface EventRow extends SqlRow {
  id: number;
  type: M.IssueEvent["type"];
  actor_uid: number;
  created_at: Date;
  from_title: string | null;
  to_title: string | null;
  field: string | null;
}

const EVENT_COLS = "id, type, actor_uid, created_at, from_title, to_title, field";

/** The item's events, oldest first; not_found when the item is missing. */
export async function listEvents(ctx: PgCtx, k: Kind, repoID: number, n: number): Promise<M.IssueEvent[]> {
  return (await children<EventRow>(ctx, k, k.events, EVENT_COLS, repoID, n)).items.map(toEvent);
}

function toEvent(r: EventRow): M.IssueEvent {
  const e: M.IssueEvent = { id: r.id, type: r.type, actorUID: r.actor_uid, createdAt: r.created_at };
  if (r.from_title !== null) e.from = r.from_title;
  if (r.to_title !== null) e.to = r.to_title;
  if (r.field !== null) e.field = r.field;
  return e;
}

/** The item; not_found when it (or its repo) is missing. */
export async function getItem<R extends SqlRow>(ctx: PgCtx, k: Kind, repoID: number, n: number): Promise<R> {
  const [row] = await ctx.query<R>(`SELECT * FROM ${k.table} WHERE repo_id = $1 AND number = $2`, [repoID, n]);
  if (!row) throw notFound(what(k, repoID, n));
  return row;
}

/**
 * One page of the repo's items, newest first, optionally of one state: one statement on the primary
 * key (or the state index) from the cursor's number down. not_found when the repo is missing.
 */
export async function listItems<R extends SqlRow>(
  ctx: PgCtx, k: Kind, repoID: number, o: CheckedPage & { state: string | undefined },
): Promise<M.Page<R>> {
  const params: SqlValue[] = [repoID, o.limit + 1];
  const where = ["i.repo_id = r.id"];
  if (o.state !== undefined) where.push(`i.state = $${params.push(o.state)}`);
  if (o.after !== undefined) where.push(`i.number < $${params.push(o.after)}`);
  const rows = await ctx.query<R>(
    `SELECT i.* FROM repos r
       LEFT JOIN LATERAL (SELECT * FROM ${k.table} i WHERE ${where.join(" AND ")} ORDER BY i.number DESC LIMIT $2) i ON true
      WHERE r.id = $1`,
    params,
  );
  if (rows.length === 0) throw notFound(`repo ${repoID}`);
  return page(rows.filter((r) => r.number !== null), o, (r) => r.number as number);
}

/**
 * Items per state: one count per state, each a range of the (repo_id, state, number) index, in one
 * statement that reads the repo row too. not_found when the repo is missing.
 */
export async function countStates<S extends string>(ctx: PgCtx, k: Kind, repoID: number, states: readonly S[]): Promise<Record<S, number>> {
  const counts = states.map((_, i) => `(SELECT count(*) FROM ${k.table} i WHERE i.repo_id = r.id AND i.state = $${i + 2})::int AS s${i}`);
  const [row] = await ctx.query<Record<string, number>>(`SELECT ${counts.join(", ")} FROM repos r WHERE r.id = $1`, [repoID, ...states]);
  if (!row) throw notFound(`repo ${repoID}`);
  return Object.fromEntries(states.map((s, i) => [s, row[`s${i}`]!])) as Record<S, number>;
}

/**
 * Children of an item (`child`: a table keyed by repo_id, number, id), oldest first; one page when
 * `pg` is given. One statement that reads the item too: not_found when it is missing.
 */
export async function children<R extends SqlRow>(
  ctx: PgCtx, k: Kind, child: string, cols: string, repoID: number, n: number, pg?: CheckedPage,
): Promise<M.Page<R>> {
  const params: SqlValue[] = [repoID, n];
  let cond = "";
  let limit = "";
  if (pg) {
    limit = ` LIMIT $${params.push(pg.limit + 1)}`;
    if (pg.after !== undefined) cond = ` AND c.id > $${params.push(pg.after)}`;
  }
  const rows = await ctx.query<R>(
    `SELECT c.* FROM ${k.table} p
       LEFT JOIN LATERAL (SELECT ${cols} FROM ${child} c WHERE c.repo_id = p.repo_id AND c.number = p.number${cond}
                           ORDER BY c.id${limit}) c ON true
      WHERE p.repo_id = $1 AND p.number = $2`,
    params,
  );
  if (rows.length === 0) throw notFound(what(k, repoID, n));
  const items = rows.filter((r) => r.id !== null);
  return pg ? page(items, pg, (r) => r.id as number) : { items };
}

/** The page of `rows` (read with limit + 1): a cursor naming the last item when more follow. */
function page<R>(rows: R[], o: CheckedPage, keyOf: (r: R) => number): M.Page<R> {
  if (rows.length <= o.limit) return { items: rows };
  const items = rows.slice(0, o.limit);
  return { items, nextCursor: encodeCursor(o.kind, [keyOf(items[items.length - 1]!)]) };
}
