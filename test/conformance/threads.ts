import * as assert from "uvu/assert";
import type { CodeRef, NewThread } from "../../lib/model.ts";
import { rejects, storeSuite, type Factory } from "./harness.ts";
import { setup, threadsLists } from "./threads-lists.ts";

const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const SHA = "0123456789abcdef0123456789abcdef01234567";

const ref = (o: Partial<CodeRef> = {}): CodeRef =>
  ({ repo: "example.com/acme/widgets", path: "src/main.go", commitID: SHA, startLine: 3, endLine: 7, ...o });

export default function threads(make: Factory) {
  const { test, it } = storeSuite("threads", make);

  it("create() numbers threads 1, 2, 3 per repo and keeps the body as comment 1", async ({ stores, clock }) => {
    const { alice, bob, repo } = await setup(stores);
    const t1 = await stores.threads.create(repo, { title: "Crash on start", body: "It crashes.\nEvery time.", authorUID: alice });
    clock.advance(1000);
    const t2 = await stores.threads.create(repo, { title: "Typo", body: "", authorUID: bob });
    assert.equal(t1, {
      repoID: repo, number: 1, title: "Crash on start", state: "open", authorUID: alice, createdAt: T0, updatedAt: T0,
      closedAt: null, codeRef: null, commentCount: 1,
    });
    assert.is(t2.number, 2);
    assert.is(t2.createdAt.getTime() - T0.getTime(), 1000);
    assert.equal(await stores.threads.get(repo, 1), t1);
    assert.equal(await stores.threads.get(repo, 2), t2);
    assert.equal((await stores.threads.listComments(repo, 1)).items, [{ id: 1, authorUID: alice, body: "It crashes.\nEvery time.", createdAt: T0 }]);
    assert.equal((await stores.threads.listComments(repo, 2)).items.map((c) => c.body), [""]);
    assert.equal(await stores.threads.listEvents(repo, 1), []);
  });

  it("create() keeps an optional code reference, which may name another repo", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    const codeRef = ref({ repo: "github.com/other/lib", startLine: 5, endLine: 5 });
    const t = await stores.threads.create(repo, { title: "Look here", body: "b", authorUID: alice, codeRef });
    assert.equal(t.codeRef, codeRef);
    assert.equal((await stores.threads.get(repo, t.number)).codeRef, codeRef);
  });

  it("create() validates every field and names it; nothing is created", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    const ok: NewThread = { title: "t", body: "b", authorUID: alice };
    const bad = (o: Record<string, unknown>) => stores.threads.create(repo, { ...ok, ...o } as NewThread);
    await rejects(bad({ title: "" }), "invalid_input", "title");
    await rejects(bad({ title: "   " }), "invalid_input", "title");
    await rejects(bad({ title: "x".repeat(256) }), "invalid_input", "title");
    await rejects(bad({ title: "a\nb" }), "invalid_input", "title");
    await rejects(bad({ title: 5 }), "invalid_input", "title");
    await rejects(bad({ body: undefined }), "invalid_input", "body");
    await rejects(bad({ body: "x".repeat(65_537) }), "invalid_input", "body");
    await rejects(bad({ body: "a\u0000b" }), "invalid_input", "body");
    await rejects(bad({ authorUID: 0 }), "invalid_input", "authorUID");
    await rejects(bad({ authorUID: "1" }), "invalid_input", "authorUID");
    await rejects(bad({ titel: "typo" }), "invalid_input", "thread.titel");
    await rejects(stores.threads.create(repo, null as never), "invalid_input", "thread");
    await rejects(stores.threads.create(0, ok), "invalid_input", "repoID");
    await rejects(stores.threads.create(1.5, ok), "invalid_input", "repoID");
    await rejects(bad({ codeRef: "src/main.go" }), "invalid_input", "codeRef");
    await rejects(bad({ codeRef: ref({ repo: "https://example.com/x" }) }), "invalid_input", "codeRef.repo");
    await rejects(bad({ codeRef: ref({ path: "" }) }), "invalid_input", "codeRef.path");
    await rejects(bad({ codeRef: ref({ path: "/etc/passwd" }) }), "invalid_input", "codeRef.path");
    await rejects(bad({ codeRef: ref({ path: "a\u0001b" }) }), "invalid_input", "codeRef.path");
    await rejects(bad({ codeRef: ref({ path: "a/".repeat(513) }) }), "invalid_input", "codeRef.path");
    await rejects(bad({ codeRef: ref({ commitID: "abc123" }) }), "invalid_input", "codeRef.commitID");
    await rejects(bad({ codeRef: ref({ commitID: SHA.toUpperCase() }) }), "invalid_input", "codeRef.commitID");
    await rejects(bad({ codeRef: ref({ startLine: 0 }) }), "invalid_input", "codeRef.startLine");
    await rejects(bad({ codeRef: ref({ startLine: 2.5 }) }), "invalid_input", "codeRef.startLine");
    await rejects(bad({ codeRef: ref({ startLine: 8, endLine: 7 }) }), "invalid_input", "codeRef.endLine");
    await rejects(bad({ codeRef: { ...ref(), line: 1 } }), "invalid_input", "codeRef.line");
    assert.equal(await stores.threads.counts(repo), { open: 0, closed: 0 });
  });

  it("create() in a missing repo or by a missing user is not_found, and uses no number", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await rejects(stores.threads.create(repo + 1000, { title: "t", body: "b", authorUID: alice }), "not_found");
    await rejects(stores.threads.create(repo, { title: "t", body: "b", authorUID: alice + 1000 }), "not_found");
    const t = await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    assert.is(t.number, 1);
  });

  it("get() is not_found for a missing number, or for a number of another repo", async ({ stores }) => {
    const { alice, repo, other } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await rejects(stores.threads.get(repo, 2), "not_found");
    await rejects(stores.threads.get(other, 1), "not_found");
    await rejects(stores.threads.get(repo + 1000, 1), "not_found");
    await rejects(stores.threads.get(repo, 0), "invalid_input", "number");
    await rejects(stores.threads.get(-1, 1), "invalid_input", "repoID");
  });

  it("repo IDs, numbers and UIDs beyond 32 bits name nothing: not_found, for every method", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    const big = 2 ** 31;
    await rejects(stores.threads.create(big, { title: "t", body: "b", authorUID: alice }), "not_found");
    await rejects(stores.threads.create(repo, { title: "t", body: "b", authorUID: big }), "not_found");
    await rejects(stores.threads.get(big, 1), "not_found");
    await rejects(stores.threads.get(repo, big), "not_found");
    await rejects(stores.threads.update(repo, big, { actorUID: alice, state: "closed" }), "not_found");
    await rejects(stores.threads.update(repo, 1, { actorUID: big, state: "closed" }), "not_found");
    await rejects(stores.threads.addComment(repo, big, { authorUID: alice, body: "c" }), "not_found");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: big, body: "c" }), "not_found");
    await rejects(stores.threads.listComments(big, 1), "not_found");
    await rejects(stores.threads.listEvents(repo, big), "not_found");
    await rejects(stores.threads.list(big), "not_found");
    await rejects(stores.threads.counts(big), "not_found");
    assert.equal((await stores.threads.get(repo, 1)).commentCount, 1);
    assert.is((await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice })).number, 2);
  });

  it("update() renames with a renamed event holding the old and new title", async ({ stores, clock }) => {
    const { alice, bob, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "Old", body: "b", authorUID: alice });
    clock.advance(5000);
    const t = await stores.threads.update(repo, 1, { actorUID: bob, title: "New" });
    const at = new Date(T0.getTime() + 5000);
    assert.is(t.title, "New");
    assert.equal(t.updatedAt, at);
    assert.equal(t.createdAt, T0);
    assert.equal(await stores.threads.get(repo, 1), t);
    assert.equal(await stores.threads.listEvents(repo, 1), [{ id: 1, type: "renamed", actorUID: bob, createdAt: at, from: "Old", to: "New" }]);
  });

  it("update() closes and reopens: closedAt, events and counts follow", async ({ stores, clock }) => {
    const { alice, bob, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    clock.advance(1000);
    const closed = await stores.threads.update(repo, 1, { actorUID: bob, state: "closed" });
    assert.is(closed.state, "closed");
    assert.equal(closed.closedAt, new Date(T0.getTime() + 1000));
    assert.equal(closed.updatedAt, closed.closedAt);
    assert.equal(await stores.threads.counts(repo), { open: 0, closed: 1 });
    clock.advance(1000);
    const open = await stores.threads.update(repo, 1, { actorUID: alice, state: "open" });
    assert.is(open.state, "open");
    assert.is(open.closedAt, null);
    assert.equal(open.updatedAt, new Date(T0.getTime() + 2000));
    assert.equal(await stores.threads.counts(repo), { open: 1, closed: 0 });
    assert.equal(await stores.threads.listEvents(repo, 1), [
      { id: 1, type: "closed", actorUID: bob, createdAt: new Date(T0.getTime() + 1000) },
      { id: 2, type: "reopened", actorUID: alice, createdAt: new Date(T0.getTime() + 2000) },
    ]);
  });

  it("update() of title and state at once records renamed, then the state event", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "a", body: "b", authorUID: alice });
    const t = await stores.threads.update(repo, 1, { actorUID: alice, title: "b", state: "closed" });
    assert.is(t.title, "b");
    assert.is(t.state, "closed");
    assert.equal((await stores.threads.listEvents(repo, 1)).map((e) => [e.id, e.type]), [[1, "renamed"], [2, "closed"]]);
  });

  it("update() without a real change records no event and keeps updatedAt", async ({ stores, clock }) => {
    const { alice, repo } = await setup(stores);
    const t = await stores.threads.create(repo, { title: "same", body: "b", authorUID: alice });
    clock.advance(1000);
    assert.equal(await stores.threads.update(repo, 1, { actorUID: alice, title: "same", state: "open" }), t);
    assert.equal(await stores.threads.update(repo, 1, { actorUID: alice }), t);
    assert.equal(await stores.threads.listEvents(repo, 1), []);
    await stores.threads.update(repo, 1, { actorUID: alice, state: "closed" });
    const again = await stores.threads.update(repo, 1, { actorUID: alice, state: "closed" });
    assert.equal(again.closedAt, new Date(T0.getTime() + 1000), "closing a closed thread keeps closedAt");
    assert.is((await stores.threads.listEvents(repo, 1)).length, 1);
  });

  it("update() validates, and is not_found for a missing thread or actor", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await rejects(stores.threads.update(repo, 1, { actorUID: alice, title: "" }), "invalid_input", "update.title");
    await rejects(stores.threads.update(repo, 1, { actorUID: alice, state: "merged" as never }), "invalid_input", "update.state");
    await rejects(stores.threads.update(repo, 1, { actorUID: 0 }), "invalid_input", "update.actorUID");
    await rejects(stores.threads.update(repo, 1, { title: "x" } as never), "invalid_input", "update.actorUID");
    await rejects(stores.threads.update(repo, 1, { actorUID: alice, body: "x" } as never), "invalid_input", "update.body");
    await rejects(stores.threads.update(repo, 1, null as never), "invalid_input", "update");
    await rejects(stores.threads.update(repo, 0, { actorUID: alice }), "invalid_input", "number");
    await rejects(stores.threads.update(repo, 2, { actorUID: alice, title: "x" }), "not_found");
    await rejects(stores.threads.update(repo, 1, { actorUID: alice + 1000, title: "x" }), "not_found");
    assert.is((await stores.threads.get(repo, 1)).title, "t");
    assert.equal(await stores.threads.listEvents(repo, 1), []);
  });

  it("addComment() numbers comments after the body, counts them and sets updatedAt", async ({ stores, clock }) => {
    const { alice, bob, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "body", authorUID: alice });
    clock.advance(1000);
    const c2 = await stores.threads.addComment(repo, 1, { authorUID: bob, body: "me too" });
    clock.advance(1000);
    const c3 = await stores.threads.addComment(repo, 1, { authorUID: alice, body: "fixed\n\nin abc" });
    assert.equal(c2, { id: 2, authorUID: bob, body: "me too", createdAt: new Date(T0.getTime() + 1000) });
    assert.is(c3.id, 3);
    const t = await stores.threads.get(repo, 1);
    assert.is(t.commentCount, 3);
    assert.equal(t.updatedAt, c3.createdAt);
    assert.equal((await stores.threads.listComments(repo, 1)).items.map((c) => [c.id, c.body]), [[1, "body"], [2, "me too"], [3, "fixed\n\nin abc"]]);
    await stores.threads.update(repo, 1, { actorUID: alice, state: "closed" });
    assert.is((await stores.threads.addComment(repo, 1, { authorUID: bob, body: "closed threads take comments" })).id, 4);
  });

  it("addComment() validates, and is not_found for a missing thread or author", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "b", authorUID: alice });
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice, body: "" }), "invalid_input", "body");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice, body: "x".repeat(65_537) }), "invalid_input", "body");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: -3, body: "x" }), "invalid_input", "authorUID");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice, body: "x", id: 9 } as never), "invalid_input", "comment.id");
    await rejects(stores.threads.addComment(repo, 2, { authorUID: alice, body: "x" }), "not_found");
    await rejects(stores.threads.addComment(repo + 1000, 1, { authorUID: alice, body: "x" }), "not_found");
    await rejects(stores.threads.addComment(repo, 1, { authorUID: alice + 1000, body: "x" }), "not_found");
    assert.is((await stores.threads.get(repo, 1)).commentCount, 1);
  });

  it("listComments() pages oldest first, without skips or repeats while comments are added", async ({ stores }) => {
    const { alice, repo } = await setup(stores);
    await stores.threads.create(repo, { title: "t", body: "c1", authorUID: alice });
    for (let i = 2; i <= 10; i++) await stores.threads.addComment(repo, 1, { authorUID: alice, body: `c${i}` });
    const first = await stores.threads.listComments(repo, 1, { limit: 4 });
    assert.equal(first.items.map((c) => c.id), [1, 2, 3, 4]);
    assert.ok(first.nextCursor);
    const seen = [...first.items];
    let cursor: string | undefined = first.nextCursor;
    while (cursor) {
      await stores.threads.addComment(repo, 1, { authorUID: alice, body: "late" });
      const page = await stores.threads.listComments(repo, 1, { limit: 4, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    const ids = seen.map((c) => c.id);
    assert.equal(ids, Array.from({ length: ids.length }, (_, i) => i + 1), "every comment once, in order");
    assert.ok(ids.length >= 10);
    const last = await stores.threads.listComments(repo, 1, { limit: 1000 });
    assert.is(last.nextCursor, undefined);
    assert.not.ok("nextCursor" in last, "no nextCursor key on the last page");
    await rejects(stores.threads.listComments(repo, 1, { limit: 0 }), "invalid_input", "limit");
    await rejects(stores.threads.listComments(repo, 1, { cursor: "nope!" }), "invalid_input", "cursor");
    await rejects(stores.threads.listComments(repo, 1, { state: "open" } as never), "invalid_input", "options.state");
    await rejects(stores.threads.listComments(repo, 2), "not_found");
    await rejects(stores.threads.listEvents(repo, 2), "not_found");
  });

  threadsLists(it);

  return test;
}
