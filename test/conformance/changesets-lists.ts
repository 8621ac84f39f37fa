/** Part of the changesets suite (changesets.ts registers these): lists, counts, concurrency, repo deletion; and the fixture. */
import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import type { NewChangeset } from "../../lib/model.ts";
import { concurrently, drain, rejects, type storeSuite } from "./harness.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

type It = ReturnType<typeof storeSuite>["it"];

/** Two users and two repos: what every changeset needs. */
export async function setup(stores: Stores) {
  const alice = (await stores.users.create({ login: "alice" })).uid;
  const bob = (await stores.users.create({ login: "bob" })).uid;
  const repo = (await stores.repos.create({ uri: "example.com/acme/widgets" })).id;
  const other = (await stores.repos.create({ uri: "example.com/acme/gadgets" })).id;
  const cs = (title: string, authorUID = alice): NewChangeset =>
    ({ title, authorUID, base: { branch: "master", commitID: A }, head: { branch: "feature/x", commitID: B } });
  return { alice, bob, repo, other, cs };
}

export function changesetsLists(it: It): void {
  it("list() shows newest first, filters by state and pages with cursors", async ({ stores }) => {
    const { alice, repo, other, cs } = await setup(stores);
    for (let i = 1; i <= 8; i++) await stores.changesets.create(repo, cs(`c${i}`));
    await stores.changesets.create(other, cs("elsewhere"));
    for (const n of [2, 6]) await stores.changesets.update(repo, n, { actorUID: alice, state: "closed" });
    for (const n of [3, 7, 8]) await stores.changesets.update(repo, n, { actorUID: alice, state: "merged" });
    const numbers = async (o: object) => (await stores.changesets.list(repo, o)).items.map((c) => c.number);
    assert.equal(await numbers({}), [8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(await numbers({ state: "open" }), [5, 4, 1]);
    assert.equal(await numbers({ state: "closed" }), [6, 2]);
    assert.equal(await numbers({ state: "merged" }), [8, 7, 3]);
    const p1 = await stores.changesets.list(repo, { limit: 5 });
    assert.equal(p1.items.map((c) => c.number), [8, 7, 6, 5, 4]);
    const p2 = await stores.changesets.list(repo, { limit: 5, cursor: p1.nextCursor! });
    assert.equal(p2.items.map((c) => c.number), [3, 2, 1]);
    assert.not.ok("nextCursor" in p2);
    assert.equal((await stores.changesets.list(repo, { state: "merged", limit: 1 })).items, [await stores.changesets.get(repo, 8)]);
    assert.equal(await stores.changesets.counts(repo), { open: 3, closed: 2, merged: 3 });
    assert.equal(await stores.changesets.counts(other), { open: 1, closed: 0, merged: 0 });
    await rejects(stores.changesets.list(repo, { state: "draft" as never }), "invalid_input", "state");
    await rejects(stores.changesets.list(repo, { limit: 0 }), "invalid_input", "limit");
    await rejects(stores.changesets.list(repo, { cursor: "garbage!" }), "invalid_input", "cursor");
    await rejects(stores.changesets.list(repo, { query: "c" } as never), "invalid_input", "options.query");
    await rejects(stores.changesets.list(repo + 1000), "not_found");
    await rejects(stores.changesets.counts(repo + 1000), "not_found");
  });

  it("list() pages never skip or repeat while changesets are created and merged", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    for (let i = 0; i < 15; i++) await stores.changesets.create(repo, cs(`c${i}`));
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores.changesets.list(repo, { limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.number));
      const n = (await stores.changesets.create(repo, cs("new"))).number;
      await stores.changesets.update(repo, n, { actorUID: alice, state: "merged" });
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen, Array.from({ length: 15 }, (_, i) => 15 - i));
    const merged = await drain((c) => stores.changesets.list(repo, { state: "merged", limit: 2, ...(c ? { cursor: c } : {}) }));
    assert.is(merged.length, (await stores.changesets.counts(repo)).merged);
  });

  it("30 concurrent create() calls in one repo get exactly the numbers 1..30", async ({ stores }) => {
    const { repo, cs } = await setup(stores);
    const r = await concurrently(30, (i) => stores.changesets.create(repo, cs(`c${i}`)));
    assert.equal(r.codes, []);
    assert.equal(r.ok.map((c) => c.number).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal(await stores.changesets.counts(repo), { open: 30, closed: 0, merged: 0 });
  });

  it("concurrent create() calls in two repos number each repo independently", async ({ stores }) => {
    const { repo, other, cs } = await setup(stores);
    const r = await concurrently(20, (i) => stores.changesets.create(i % 2 ? repo : other, cs(`c${i}`)));
    assert.equal(r.codes, []);
    for (const id of [repo, other]) {
      const numbers = r.ok.filter((c) => c.repoID === id).map((c) => c.number).sort((a, b) => a - b);
      assert.equal(numbers, Array.from({ length: 10 }, (_, i) => i + 1));
    }
  });

  it("20 concurrent addReview() calls get the IDs 1..20 without gaps", async ({ stores }) => {
    const { alice, bob, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const r = await concurrently(20, (i) => stores.changesets.addReview(repo, 1, { authorUID: i % 2 ? alice : bob, body: `r${i}` }));
    assert.equal(r.codes, []);
    assert.equal(r.ok.map((x) => x.id).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal((await stores.changesets.listReviews(repo, 1)).map((x) => x.id), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("concurrent merges of one changeset record one merged event; a racing reopen after it conflicts", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const r = await concurrently(10, () => stores.changesets.update(repo, 1, { actorUID: alice, state: "merged" }));
    assert.equal(r.codes, []);
    assert.equal((await stores.changesets.listEvents(repo, 1)).map((e) => e.type), ["merged"]);
    const race = await concurrently(5, () => stores.changesets.update(repo, 1, { actorUID: alice, state: "open" }));
    assert.equal(race.codes, Array(5).fill("conflict"));
    assert.equal(await stores.changesets.counts(repo), { open: 0, closed: 0, merged: 1 });
  });

  it("deleting the repo removes its changesets; a repo made again numbers from 1", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    await stores.changesets.addReview(repo, 1, { authorUID: alice, body: "r" });
    await stores.repos.delete(repo);
    await rejects(stores.changesets.get(repo, 1), "not_found");
    await rejects(stores.changesets.listReviews(repo, 1), "not_found");
    await rejects(stores.changesets.counts(repo), "not_found");
    await rejects(stores.changesets.create(repo, cs("t")), "not_found");
    const again = (await stores.repos.create({ uri: "example.com/acme/widgets" })).id;
    assert.is((await stores.changesets.create(again, cs("t"))).number, 1);
  });

  it("after the repo is deleted its changesets can be neither read nor changed", async ({ stores }) => {
    const { alice, repo, other, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    await stores.changesets.update(repo, 1, { actorUID: alice, state: "closed" });
    await stores.changesets.addReview(repo, 1, { authorUID: alice, body: "r" });
    await stores.changesets.create(other, cs("kept"));
    await stores.repos.delete(repo);
    await rejects(stores.changesets.get(repo, 1), "not_found");
    await rejects(stores.changesets.update(repo, 1, { actorUID: alice, state: "open" }), "not_found");
    await rejects(stores.changesets.update(repo, 1, { actorUID: alice, title: "renamed" }), "not_found");
    await rejects(stores.changesets.addReview(repo, 1, { authorUID: alice, body: "r2" }), "not_found");
    await rejects(stores.changesets.listReviews(repo, 1), "not_found");
    await rejects(stores.changesets.listEvents(repo, 1), "not_found");
    await rejects(stores.changesets.list(repo), "not_found");
    await rejects(stores.changesets.counts(repo), "not_found");
    assert.equal((await stores.changesets.get(other, 1)).title, "kept");
  });

  it("changes racing the repo's deletion leave nothing of its changesets readable", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    await stores.changesets.create(repo, cs("t"));
    const r = await concurrently<unknown>(24, (i) =>
      i === 4 ? stores.repos.delete(repo)
      : i % 2 ? stores.changesets.addReview(repo, 1, { authorUID: alice, body: `r${i}` })
      : stores.changesets.update(repo, 1, { actorUID: alice, title: `t${i}`, state: i % 4 ? "closed" : "open" }));
    assert.ok(r.codes.every((c) => c === "not_found"), r.codes.join());
    await rejects(stores.changesets.get(repo, 1), "not_found");
    await rejects(stores.changesets.listReviews(repo, 1), "not_found");
    await rejects(stores.changesets.listEvents(repo, 1), "not_found");
    await rejects(stores.changesets.addReview(repo, 1, { authorUID: alice, body: "late" }), "not_found");
    await rejects(stores.changesets.counts(repo), "not_found");
  });

  it("a cursor is valid only in the list it was made for", async ({ stores }) => {
    const { alice, repo, cs } = await setup(stores);
    for (let i = 0; i < 3; i++) await stores.changesets.create(repo, cs(`c${i}`));
    for (let i = 0; i < 3; i++) await stores.threads.create(repo, { title: `t${i}`, body: "b", authorUID: alice });
    await stores.threads.addComment(repo, 1, { authorUID: alice, body: "c" });
    const own = (await stores.changesets.list(repo, { state: "open", limit: 1 })).nextCursor!;
    assert.equal((await stores.changesets.list(repo, { cursor: own })).items.map((c) => c.number), [2, 1]);
    const ofThreads = (await stores.threads.list(repo, { limit: 1 })).nextCursor!;
    const ofComments = (await stores.threads.listComments(repo, 1, { limit: 1 })).nextCursor!;
    await rejects(stores.changesets.list(repo, { cursor: ofThreads }), "invalid_input", "cursor");
    await rejects(stores.changesets.list(repo, { cursor: ofComments }), "invalid_input", "cursor");
    await rejects(stores.threads.list(repo, { cursor: own }), "invalid_input", "cursor");
  });
}
