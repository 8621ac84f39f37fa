import * as assert from "uvu/assert";
import type { NewChangeset } from "../../lib/model.ts";
import { rejects, storeSuite, type Factory } from "./harness.ts";
import { changesetsLists, setup } from "./changesets-lists.ts";

const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const at = (ms: number) => new Date(T0.getTime() + ms);
const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(64);

export default function changesets(make: Factory) {
  const { test, it } = storeSuite("changesets", make);

  it("create() numbers changesets 1, 2, 3 per repo, open, with an empty default description", async ({ stores, clock }) => {
    const { alice, bob, repo, other, cs } = await setup(stores);
    const c1 = await stores.changesets.create(repo, cs("Add widgets"));
    clock.advance(1000);
    const c2 = await stores.changesets.create(repo, { ...cs("Fix", bob), description: "Fixes #1.\n\nDetails." });
    const o1 = await stores.changesets.create(other, cs("Elsewhere"));
    assert.equal(c1, {
      repoID: repo, number: 1, title: "Add widgets", description: "", authorUID: alice,
      base: { branch: "master", commitID: A }, head: { branch: "feature/x", commitID: B }, state: "open",
      createdAt: T0, updatedAt: T0, closedAt: null, mergedAt: null,
    });
    assert.is(c2.number, 2);
    assert.is(c2.description, "Fixes #1.\n\nDetails.");
    assert.equal(c2.createdAt, at(1000));
    assert.is(o1.number, 1);
    assert.equal(await stores.changesets.get(repo, 1), c1);
    assert.equal(await stores.changesets.get(repo, 2), c2);
    assert.equal(await stores.changesets.listReviews(repo, 1), []);
    assert.equal(await stores.changesets.listEvents(repo, 1), []);
  });

  it("create() validates every field and names it; nothing is created", async ({ stores }) => {
    const { repo, cs } = await setup(stores);
    const bad = (o: Record<string, unknown>) => stores.changesets.create(repo, { ...cs("t"), ...o } as NewChangeset);
    await rejects(bad({ title: "" }), "invalid_input", "title");
    await rejects(bad({ title: "x".repeat(256) }), "invalid_input", "title");
    await rejects(bad({ title: "a\tb" }), "invalid_input", "title");
    await rejects(bad({ description: "a\u0007b" }), "invalid_input", "description");
    await rejects(bad({ description: 3 }), "invalid_input", "description");
    await rejects(bad({ authorUID: 0 }), "invalid_input", "authorUID");
    await rejects(bad({ base: undefined }), "invalid_input", "base");
    await rejects(bad({ base: { branch: "", commitID: A } }), "invalid_input", "base.branch");
    await rejects(bad({ base: { branch: "x".repeat(256), commitID: A } }), "invalid_input", "base.branch");
    await rejects(bad({ base: { branch: "a\nb", commitID: A } }), "invalid_input", "base.branch");
    await rejects(bad({ base: { branch: "main", commitID: "HEAD" } }), "invalid_input", "base.commitID");
    await rejects(bad({ head: { branch: "main", commitID: A, tag: "v1" } }), "invalid_input", "head.tag");
    await rejects(bad({ head: "main" }), "invalid_input", "head");
    await rejects(bad({ state: "merged" }), "invalid_input", "changeset.state");
    await rejects(stores.changesets.create(repo, null as never), "invalid_input", "changeset");
    await rejects(stores.changesets.create(0, cs("t")), "invalid_input", "repoID");
    assert.equal(await stores.changesets.counts(repo), { open: 0, closed: 0, merged: 0 });
  });

  it("create() in a missing repo or by a missing user is not_found", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await rejects(stores.changesets.create(repo + 1000, cs("t")), "not_found");
    await rejects(stores.changesets.create(repo, cs("t", alice + 1000)), "not_found");
    assert.is((await stores.changesets.create(repo, cs("t"))).number, 1);
    await rejects(stores.changesets.get(repo, 2), "not_found");
    await rejects(stores.changesets.get(repo + 1000, 1), "not_found");
    await rejects(stores.changesets.get(repo, 0), "invalid_input", "number");
  });

  it("repo IDs, numbers and UIDs beyond 32 bits name nothing: not_found, for every method", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const big = 2 ** 31;
    await rejects(stores.changesets.create(big, cs("t")), "not_found");
    await rejects(stores.changesets.create(repo, cs("t", big)), "not_found");
    await rejects(stores.changesets.get(big, 1), "not_found");
    await rejects(stores.changesets.get(repo, big), "not_found");
    await rejects(stores.changesets.update(repo, big, { actorUID: alice, state: "merged" }), "not_found");
    await rejects(stores.changesets.update(repo, 1, { actorUID: big, state: "merged" }), "not_found");
    await rejects(stores.changesets.addReview(repo, big, { authorUID: alice, body: "r" }), "not_found");
    await rejects(stores.changesets.addReview(repo, 1, { authorUID: big, body: "r" }), "not_found");
    await rejects(stores.changesets.listReviews(big, 1), "not_found");
    await rejects(stores.changesets.listEvents(repo, big), "not_found");
    await rejects(stores.changesets.list(big), "not_found");
    await rejects(stores.changesets.counts(big), "not_found");
    assert.is((await stores.changesets.get(repo, 1)).state, "open");
    assert.is((await stores.changesets.create(repo, cs("t"))).number, 2);
  });

  it("update() records renamed and updated events, one per changed field, in order", async ({ stores, clock }) => {
    const { alice, bob, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("Old"));
    clock.advance(1000);
    const c = await stores.changesets.update(repo, 1, {
      actorUID: bob, title: "New", description: "now described",
      base: { branch: "main", commitID: A }, head: { branch: "feature/x", commitID: C },
    });
    assert.is(c.title, "New");
    assert.is(c.description, "now described");
    assert.equal(c.base, { branch: "main", commitID: A });
    assert.equal(c.head, { branch: "feature/x", commitID: C });
    assert.equal(c.updatedAt, at(1000));
    assert.equal(await stores.changesets.get(repo, 1), c);
    assert.equal(await stores.changesets.listEvents(repo, 1), [
      { id: 1, type: "renamed", actorUID: bob, createdAt: at(1000), from: "Old", to: "New" },
      { id: 2, type: "updated", actorUID: bob, createdAt: at(1000), field: "description" },
      { id: 3, type: "updated", actorUID: bob, createdAt: at(1000), field: "base" },
      { id: 4, type: "updated", actorUID: bob, createdAt: at(1000), field: "head" },
    ]);
    clock.advance(1000);
    await stores.changesets.update(repo, 1, { actorUID: alice, head: { branch: "feature/y", commitID: C } });
    assert.equal((await stores.changesets.listEvents(repo, 1)).slice(4), [{ id: 5, type: "updated", actorUID: alice, createdAt: at(2000), field: "head" }]);
  });

  it("update() without a real change records no event and keeps updatedAt", async ({ stores, clock }) => {
    const { alice, repo, cs } = await setup(stores);
    const c = await stores.changesets.create(repo, cs("t"));
    clock.advance(1000);
    assert.equal(await stores.changesets.update(repo, 1, {
      actorUID: alice, title: "t", description: "", state: "open", base: { ...c.base }, head: { ...c.head },
    }), c);
    assert.equal(await stores.changesets.update(repo, 1, { actorUID: alice }), c);
    assert.equal(await stores.changesets.listEvents(repo, 1), []);
  });

  it("update() closes, reopens and merges: closedAt, mergedAt, events and counts follow", async ({ stores, clock }) => {
    const { alice, bob, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    clock.advance(1000);
    const closed = await stores.changesets.update(repo, 1, { actorUID: bob, state: "closed" });
    assert.equal([closed.state, closed.closedAt, closed.mergedAt, closed.updatedAt], ["closed", at(1000), null, at(1000)]);
    assert.equal(await stores.changesets.counts(repo), { open: 0, closed: 1, merged: 0 });
    clock.advance(1000);
    const again = await stores.changesets.update(repo, 1, { actorUID: bob, state: "closed" });
    assert.equal(again, closed, "closing a closed changeset is a no-op");
    const open = await stores.changesets.update(repo, 1, { actorUID: alice, state: "open" });
    assert.equal([open.state, open.closedAt, open.mergedAt, open.updatedAt], ["open", null, null, at(2000)]);
    clock.advance(1000);
    const merged = await stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" });
    assert.equal([merged.state, merged.closedAt, merged.mergedAt, merged.updatedAt], ["merged", null, at(3000), at(3000)]);
    assert.equal(await stores.changesets.counts(repo), { open: 0, closed: 0, merged: 1 });
    assert.equal(await stores.changesets.listEvents(repo, 1), [
      { id: 1, type: "closed", actorUID: bob, createdAt: at(1000) },
      { id: 2, type: "reopened", actorUID: alice, createdAt: at(2000) },
      { id: 3, type: "merged", actorUID: alice, createdAt: at(3000) },
    ]);
  });

  it("a merged changeset is final: a state change is a conflict that changes nothing", async ({ stores, clock }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const merged = await stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" });
    clock.advance(1000);
    await rejects(stores.changesets.update(repo, 1, { actorUID: alice, state: "open" }), "conflict");
    await rejects(stores.changesets.update(repo, 1, { actorUID: alice, state: "closed", title: "renamed too" }), "conflict");
    assert.equal(await stores.changesets.get(repo, 1), merged);
    assert.equal(await stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" }), merged, "merging again is a no-op");
    const renamed = await stores.changesets.update(repo, 1, { actorUID: alice, title: "after merge" });
    assert.is(renamed.state, "merged");
    assert.equal((await stores.changesets.listEvents(repo, 1)).map((e) => e.type), ["merged", "renamed"]);
  });

  it("a closed changeset can be merged", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    await stores.changesets.update(repo, 1, { actorUID: alice, state: "closed" });
    const merged = await stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" });
    assert.equal([merged.state, merged.closedAt], ["merged", null]);
    assert.equal(await stores.changesets.counts(repo), { open: 0, closed: 0, merged: 1 });
  });

  it("update() validates, and is not_found for a missing changeset or actor", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const bad = (u: Record<string, unknown>) => stores.changesets.update(repo, 1, { actorUID: alice, ...u });
    await rejects(bad({ title: "" }), "invalid_input", "update.title");
    await rejects(bad({ description: "\u0000" }), "invalid_input", "update.description");
    await rejects(bad({ state: "draft" }), "invalid_input", "update.state");
    await rejects(bad({ base: { branch: "" , commitID: A } }), "invalid_input", "update.base.branch");
    await rejects(bad({ head: { branch: "x", commitID: "z" } }), "invalid_input", "update.head.commitID");
    await rejects(bad({ head: null }), "invalid_input", "update.head");
    await rejects(bad({ mergedAt: new Date() }), "invalid_input", "update.mergedAt");
    await rejects(bad({ actorUID: "1" }), "invalid_input", "update.actorUID");
    await rejects(stores.changesets.update(repo, 2, { actorUID: alice, title: "x" }), "not_found");
    await rejects(stores.changesets.update(repo, 1, { actorUID: alice + 1000, title: "x" }), "not_found");
    assert.is((await stores.changesets.get(repo, 1)).title, "t");
    assert.equal(await stores.changesets.listEvents(repo, 1), []);
  });

  it("addReview() takes a body, line comments or both, numbered 1, 2, 3 and listed oldest first", async ({ stores, clock }) => {
    const { alice, bob, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    clock.advance(1000);
    const r1 = await stores.changesets.addReview(repo, 1, { authorUID: bob, body: "LGTM" });
    clock.advance(1000);
    const r2 = await stores.changesets.addReview(repo, 1, { authorUID: bob, comments: [{ path: "a/b.go", line: 3, body: "nit" }] });
    const r3 = await stores.changesets.addReview(repo, 1, {
      authorUID: alice, body: "see inline", comments: [{ path: "x.go", line: 1, body: "why?" }, { path: "x.go", line: 9, body: "ok\nthanks" }],
    });
    assert.equal(r1, { id: 1, authorUID: bob, body: "LGTM", comments: [], createdAt: at(1000) });
    assert.equal(r2, { id: 2, authorUID: bob, body: "", comments: [{ path: "a/b.go", line: 3, body: "nit" }], createdAt: at(2000) });
    assert.is(r3.id, 3);
    assert.equal(await stores.changesets.listReviews(repo, 1), [r1, r2, r3]);
    assert.equal((await stores.changesets.get(repo, 1)).updatedAt, at(2000), "a review sets updatedAt");
    assert.equal(await stores.changesets.listEvents(repo, 1), [], "a review is not an event");
    await stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" });
    assert.is((await stores.changesets.addReview(repo, 1, { authorUID: bob, body: "late" })).id, 4);
  });

  it("addReview() validates, and is not_found for a missing changeset or author", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const bad = (r: Record<string, unknown>) => stores.changesets.addReview(repo, 1, { authorUID: alice, ...r });
    await rejects(bad({}), "invalid_input", "review");
    await rejects(bad({ body: "  ", comments: [] }), "invalid_input", "review");
    await rejects(bad({ body: "\u0000" }), "invalid_input", "body");
    await rejects(bad({ comments: "nit" }), "invalid_input", "comments");
    await rejects(bad({ comments: [{ path: "/abs", line: 1, body: "x" }] }), "invalid_input", "comments[0].path");
    await rejects(bad({ comments: [{ path: "a", line: 1, body: "x" }, { path: "", line: 1, body: "x" }] }), "invalid_input", "comments[1].path");
    await rejects(bad({ comments: [{ path: "a", line: 0, body: "x" }] }), "invalid_input", "comments[0].line");
    await rejects(bad({ comments: [{ path: "a", line: 1, body: "" }] }), "invalid_input", "comments[0].body");
    await rejects(bad({ comments: [{ path: "a", line: 1, body: "x", side: "left" }] }), "invalid_input", "comments[0].side");
    await rejects(bad({ comments: [null] }), "invalid_input", "comments[0]");
    await rejects(bad({ body: "x", approve: true }), "invalid_input", "review.approve");
    await rejects(bad({ body: "x", authorUID: 0 }), "invalid_input", "authorUID");
    await rejects(stores.changesets.addReview(repo, 2, { authorUID: alice, body: "x" }), "not_found");
    await rejects(stores.changesets.addReview(repo, 1, { authorUID: alice + 1000, body: "x" }), "not_found");
    await rejects(stores.changesets.listReviews(repo, 2), "not_found");
    await rejects(stores.changesets.listEvents(repo, 2), "not_found");
    assert.equal(await stores.changesets.listReviews(repo, 1), []);
  });

  changesetsLists(it);

  return test;
}
