/**
 * Changesets on the fs backend, laid out by ./numbered.ts under repos/id/<repo>/changesets/:
 *   next-number, index/<number>.<open|closed|merged>, <number>/changeset.json,
 *   <number>/reviews/<id>.json, <number>/events/<id>.json
 * Every change runs under the lock "repo-<id>-changesets". A review's ID is the changeset's
 * reviewCount after it; an event's ID is its eventCount after it.
 */
import type * as M from "../model.ts";
import type { ChangesetsStore } from "../stores.ts";
import { conflict } from "../errors.ts";
import * as v from "../validate.ts";
import type { FsCtx } from "./context.ts";
import type { Tx } from "./tx.ts";
import { Numbered, type ItemRecord } from "./numbered.ts";
import { checkStateList, PAGE_KINDS } from "../input/threads.ts";
import { checkChangesetUpdate, checkNewChangeset, checkNewReview } from "../input/changesets.ts";

interface ChangesetRecord extends M.Changeset, ItemRecord<M.ChangesetState> {
  reviewCount: number;
}

const STATES = ["open", "closed", "merged"] as const;
const STATE_EVENT = { open: "reopened", closed: "closed", merged: "merged" } as const;

function toChangeset(r: ChangesetRecord): M.Changeset {
  const { eventCount: _e, reviewCount: _r, ...changeset } = r;
  return changeset;
}

const sameRev = (a: M.RevSpec, b: M.RevSpec) => a.branch === b.branch && a.commitID === b.commitID;

export class FsChangesets implements ChangesetsStore {
  readonly #c: FsCtx;
  readonly #n: Numbered<M.ChangesetState, ChangesetRecord>;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
    this.#n = new Numbered(ctx, "changesets", "changeset");
  }

  async create(repoID: number, changeset: M.NewChangeset): Promise<M.Changeset> {
    v.id("repoID", repoID);
    const c = checkNewChangeset(changeset);
    await this.#n.mustUser(c.authorUID);
    const rec = await this.#n.create(repoID, (_tx, number) => {
      const now = this.#c.now();
      return {
        repoID, number, title: c.title, description: c.description, authorUID: c.authorUID, base: c.base,
        head: c.head, state: "open", createdAt: now, updatedAt: now, closedAt: null, mergedAt: null,
        reviewCount: 0, eventCount: 0,
      };
    });
    return toChangeset(rec);
  }

  async get(repoID: number, number: number): Promise<M.Changeset> {
    v.id("repoID", repoID);
    v.id("number", number);
    return toChangeset(await this.#n.get(repoID, number));
  }

  async update(repoID: number, number: number, update: M.ChangesetUpdate): Promise<M.Changeset> {
    v.id("repoID", repoID);
    v.id("number", number);
    const u = checkChangesetUpdate(update);
    await this.#n.mustUser(u.actorUID);
    const rec = await this.#n.change(repoID, number, (tx, old) => this.#apply(tx, old, u));
    return toChangeset(rec);
  }

  /** The changed copy of `old` with one event per change, or `old` itself when nothing changes. */
  #apply(tx: Tx, old: ChangesetRecord, u: M.ChangesetUpdate): ChangesetRecord {
    if (old.state === "merged" && u.state !== undefined && u.state !== "merged") {
      throw conflict(`changeset ${old.number} of repo ${old.repoID} is merged: its state cannot change`);
    }
    const now = this.#c.now();
    const r: ChangesetRecord = { ...old };
    const actor = { actorUID: u.actorUID, createdAt: now };
    if (u.title !== undefined && u.title !== old.title) {
      this.#n.addEvent(tx, r, { type: "renamed", ...actor, from: old.title, to: u.title });
      r.title = u.title;
    }
    if (u.description !== undefined && u.description !== old.description) {
      this.#n.addEvent(tx, r, { type: "updated", ...actor, field: "description" });
      r.description = u.description;
    }
    if (u.base !== undefined && !sameRev(u.base, old.base)) {
      this.#n.addEvent(tx, r, { type: "updated", ...actor, field: "base" });
      r.base = u.base;
    }
    if (u.head !== undefined && !sameRev(u.head, old.head)) {
      this.#n.addEvent(tx, r, { type: "updated", ...actor, field: "head" });
      r.head = u.head;
    }
    if (u.state !== undefined && u.state !== old.state) {
      this.#n.addEvent(tx, r, { type: STATE_EVENT[u.state], ...actor });
      r.state = u.state;
      r.closedAt = u.state === "closed" ? now : null;
      r.mergedAt = u.state === "merged" ? now : null;
    }
    if (r.eventCount === old.eventCount) return old;
    r.updatedAt = now;
    return r;
  }

  async addReview(repoID: number, number: number, review: M.NewReview): Promise<M.Review> {
    v.id("repoID", repoID);
    v.id("number", number);
    const input = checkNewReview(review);
    await this.#n.mustUser(input.authorUID);
    let added!: M.Review;
    await this.#n.change(repoID, number, (tx, old) => {
      const now = this.#c.now();
      const r: ChangesetRecord = { ...old, reviewCount: old.reviewCount + 1, updatedAt: now };
      added = { id: r.reviewCount, ...input, createdAt: now };
      this.#n.putChild(tx, r, "reviews", added.id, added);
      return r;
    });
    return added;
  }

  async listReviews(repoID: number, number: number): Promise<M.Review[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return (await this.#n.children<M.Review>(repoID, number, "reviews")).items;
  }

  async listEvents(repoID: number, number: number): Promise<M.IssueEvent[]> {
    v.id("repoID", repoID);
    v.id("number", number);
    return (await this.#n.children<M.IssueEvent>(repoID, number, "events")).items;
  }

  async list(repoID: number, options: M.ChangesetListOptions = {}): Promise<M.Page<M.Changeset>> {
    v.id("repoID", repoID);
    const o = checkStateList(options, STATES, PAGE_KINDS.changesets);
    const page = await this.#n.list(repoID, o);
    const items = page.items.map(toChangeset);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async counts(repoID: number): Promise<M.StateCounts> {
    v.id("repoID", repoID);
    return this.#n.counts(repoID, STATES);
  }
}

export function makeChangesets(ctx: FsCtx): ChangesetsStore {
  return new FsChangesets(ctx);
}
