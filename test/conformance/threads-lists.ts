/** Part of the threads suite (threads.ts registers these): lists, counts, concurrency, repo deletion; and the fixture. */
import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { concurrently, drain, rejects, type storeSuite } from "./harness.ts";

type It = ReturnType<typeof storeSuite>["it"];

/** Two users and a repo: what every thread needs. */
export async function setup(stores: Stores) {
  const alice = (await stores.users.create({ login: "alice" })).uid;
  const bob = (await stores.users.create({ login: "bob" })).uid;
  const repo = (await stores.repos.create({ uri: "example.com/acme/widgets" })).id;
  const other = (await stores.repos.create({ uri: "example.com/acme/gadgets" })).id;
  return { alice, bob, repo, other };
}

export function threadsLists(it: It): void {
  it("list() shows newest first, filters by state and pages with cursors", async ({ stores }) => {
    const { alice, repo, other } = await setup(stores);
    for (let i = 1; i <= 7; i++) await stores.threads.create(repo, { title: `t${i}`, body: "b", authorUID: alice });
    await stores.threads.create(other, { title: "elsewhere", body: "b", authorUID: alice });
    for (const n of [2, 5, 6]) await stores.threads.update(repo, n, { actorUID: alice, state: "closed" });
    const numbers = async (o: object) => (await stores.threads.list(repo, o)).items.map((t) => t.number);
    assert.equal(await numbers({}), [7, 6, 5, 4, 3, 2, 1]);
    assert.equal(await numbers({ state: "open" }), [7, 4, 3, 1]);
    assert.equal(await numbers({ state: "closed" }), [6, 5, 2]);
    const p1 = await stores.threads.list(repo, { state: "open", limit: 3 });
    assert.equal(p1.items.map((t) => t.number), [7, 4, 3]);
    const p2 = await stores.threads.list(repo, { state: "open", limit: 3, cursor: p1.nextCursor! });
    assert.equal(p2.items.map((t) => t.number), [1]);
    assert.not.ok("nextCursor" in p2);
    assert.equal((await stores.threads.list(repo)).items[0], await stores.threads.get(repo, 7));
    assert.equal((await stores.threads.list(other)).items.map((t) => t.title), ["elsewhere"]);
    await rejects(stores.threads.list(repo, { state: "merged" as never }), "invalid_input", "state");
    await rejects(stores.threads.list(repo, { limit: 1001 }), "invalid_input", "limit");
    await rejects(stores.threads.list(repo, { cursor: "garbage!" }), "invalid_input", "cursor");
    await rejects(stores.threads.list(repo, { sort: "number" } as never), "invalid_input", "options.sort");
    await rejects(stores.threads.list(repo + 1000), "not_found");
  });

  it("list() pages never skip or repeat while threads are created and closed", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    for (let i = 0; i < 20; i++) await stores.threads.create(repo, { title: `t${i}`, body: "b", authorUID: alice });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores.threads.list(repo, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((t) => t.number));
      await stores.threads.create(repo, { title: "new", body: "b", authorUID: alice });
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen, Array.from({ length: 20 }, (_, i) => 20 - i));
    const all = await drain((c) => stores.threads.list(repo, { limit: 4, ...(c ? { cursor: c } : {}) }));
    assert.is(all.length, (await stores.threads.counts(repo)).open);
  });

  it("counts() counts threads per state; a missing repo is not_found", async ({ stores }) => {
    const { alice, repo, other } = await setup(stores);
    assert.equal(await stores.threads.counts(repo), { open: 0, closed: 0 });
    for (let i = 0; i < 4; i++) await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await stores.threads.update(repo, 3, { actorUID: alice, state: "closed" });
    assert.equal(await stores.threads.counts(repo), { open: 3, closed: 1 });
    assert.equal(await stores.threads.counts(other), { open: 0, closed: 0 });
    await rejects(stores.threads.counts(repo + 1000), "not_found");
    await rejects(stores.threads.counts(0), "invalid_input", "repoID");
  });

  it("30 concurrent create() calls in one repo get exactly the numbers 1..30", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    const r = await concurrently(30, (i) => stores.threads.create(repo, { title: `t${i}`, body: "b", authorUID: alice }));
    assert.equal(r.codes, []);
    assert.equal(r.ok.map((t) => t.number).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal(await stores.threads.counts(repo), { open: 30, closed: 0 });
    for (const t of r.ok) assert.equal(await stores.threads.get(repo, t.number), t);
  });

  it("concurrent create() calls in two repos number each repo independently", async ({ stores }) => {
    const { alice, repo, other } = await setup(stores);
    const r = await concurrently(20, (i) => stores.threads.create(i % 2 ? repo : other, { title: `t${i}`, body: "b", authorUID: alice }));
    assert.equal(r.codes, []);
    for (const id of [repo, other]) {
      const numbers = r.ok.filter((t) => t.repoID === id).map((t) => t.number).sort((a, b) => a - b);
      assert.equal(numbers, Array.from({ length: 10 }, (_, i) => i + 1));
    }
  });

  it("20 concurrent addComment() calls get the IDs 2..21 after the body, without gaps", async ({ stores }) => {
    const { alice, bob, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    const r = await concurrently(20, (i) => stores.threads.addComment(repo, 1, { authorUID: i % 2 ? alice : bob, body: `c${i}` }));
    assert.equal(r.codes, []);
    assert.equal(r.ok.map((c) => c.id).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 2));
    const all = await drain((c) => stores.threads.listComments(repo, 1, { limit: 6, ...(c ? { cursor: c } : {}) }));
    assert.equal(all.map((c) => c.id), Array.from({ length: 21 }, (_, i) => i + 1));
    assert.is((await stores.threads.get(repo, 1)).commentCount, 21);
  });

  it("concurrent closes of one thread record one closed event", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    const r = await concurrently(10, () => stores.threads.update(repo, 1, { actorUID: alice, state: "closed" }));
    assert.equal(r.codes, []);
    assert.equal((await stores.threads.listEvents(repo, 1)).map((e) => e.type), ["closed"]);
    assert.equal(await stores.threads.counts(repo), { open: 0, closed: 1 });
  });

  it("deleting the repo removes its threads; a repo made again numbers from 1", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await stores.threads.addComment(repo, 1, { authorUID: alice, body: "c" });
    await stores.repos.delete(repo);
    await rejects(stores.threads.get(repo, 1), "not_found");
    await rejects(stores.threads.listComments(repo, 1), "not_found");
    await rejects(stores.threads.list(repo), "not_found");
    await rejects(stores.threads.create(repo, { title: "t", body: "b", authorUID: alice }), "not_found");
    const again = (await stores.repos.create({ uri: "example.com/acme/widgets" })).id;
    assert.is((await stores.threads.create(again, { title: "t", body: "b", authorUID: alice })).number, 1);
  });

  it("after the repo is deleted its threads can be neither read nor changed", async ({ stores }) => {
    const { alice, repo, other } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await stores.threads.update(repo, 1, { actorUID: alice, state: "closed" });
    await stores.threads.create(other, { title: "kept", body: "b", authorUID: alice });
    await stores.repos.delete(repo);
    await rejects(stores.threads.get(repo, 1), "not_found");
    await rejects(stores.threads.update(repo, 1, { actorUID: alice, state: "open" }), "not_found");
    await rejects(stores.threads.update(repo, 1, { actorUID: alice, title: "renamed" }), "not_found");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice, body: "c" }), "not_found");
    await rejects(stores.threads.listComments(repo, 1), "not_found");
    await rejects(stores.threads.listEvents(repo, 1), "not_found");
    await rejects(stores.threads.list(repo), "not_found");
    await rejects(stores.threads.counts(repo), "not_found");
    assert.equal((await stores.threads.get(other, 1)).title, "kept");
  });

  it("changes racing the repo's deletion leave nothing of its threads readable", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    const r = await concurrently<unknown>(24, (i) =>
      i === 4 ? stores.repos.delete(repo)
      : i % 2 ? stores.threads.addComment(repo, 1, { authorUID: alice, body: `c${i}` })
      : stores.threads.update(repo, 1, { actorUID: alice, title: `t${i}`, state: i % 4 ? "closed" : "open" }));
    assert.ok(r.codes.every((c) => c === "not_found"), r.codes.join());
    await rejects(stores.threads.get(repo, 1), "not_found");
    await rejects(stores.threads.listComments(repo, 1), "not_found");
    await rejects(stores.threads.listEvents(repo, 1), "not_found");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice, body: "late" }), "not_found");
    await rejects(stores.threads.counts(repo), "not_found");
  });

  it("a cursor is valid only in the list it was made for", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    for (let i = 0; i < 3; i++) await stores.threads.create(repo, { title: `t${i}`, body: "b", authorUID: alice });
    for (let i = 0; i < 3; i++) await stores.threads.addComment(repo, 1, { authorUID: alice, body: `c${i}` });
    const ofList = (await stores.threads.list(repo, { limit: 1 })).nextCursor!;
    const ofOpen = (await stores.threads.list(repo, { state: "open", limit: 1 })).nextCursor!;
    const ofComments = (await stores.threads.listComments(repo, 1, { limit: 1 })).nextCursor!;
    assert.equal((await stores.threads.list(repo, { cursor: ofOpen })).items.map((t) => t.number), [2, 1]);
    assert.equal((await stores.threads.listComments(repo, 1, { cursor: ofComments })).items.map((c) => c.id), [2, 3, 4]);
    await rejects(stores.threads.listComments(repo, 1, { cursor: ofList }), "invalid_input", "cursor");
    await rejects(stores.threads.list(repo, { cursor: ofComments }), "invalid_input", "cursor");
    await stores.changesets.create(repo, { title: "c", authorUID: alice, base: { branch: "m", commitID: "a".repeat(40) }, head: { branch: "f", commitID: "b".repeat(40) } });
    await stores.changesets.create(repo, { title: "d", authorUID: alice, base: { branch: "m", commitID: "a".repeat(40) }, head: { branch: "f", commitID: "b".repeat(40) } });
    const ofChangesets = (await stores.changesets.list(repo, { limit: 1 })).nextCursor!;
    await rejects(stores.threads.list(repo, { cursor: ofChangesets }), "invalid_input", "cursor");
    await rejects(stores.threads.listComments(repo, 1, { cursor: ofChangesets }), "invalid_input", "cursor");
  });
}
