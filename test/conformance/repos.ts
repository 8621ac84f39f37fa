import * as assert from "uvu/assert";
import type { Repo } from "../../lib/model.ts";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";
import { reposList } from "./repos-list.ts";

const START = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

export default function repos(make: Factory) {
  const { test, it } = storeSuite("repos", make);

  it("create() assigns increasing IDs, the clock's time and the defaults", async ({ stores, clock }) => {
    const a = await stores.repos.create({ uri: "github.com/Gorilla/Mux" });
    clock.advance(1000);
    const b = await stores.repos.create({
      uri: "example.com/a/b/Tool", description: "A tool.\nTwo lines.", language: "Go", defaultBranch: "main",
      private: true, fork: true, mirror: true,
    });
    assert.ok(a.id >= 1);
    assert.ok(b.id > a.id);
    assert.equal(a, {
      id: a.id, uri: "github.com/Gorilla/Mux", name: "Mux", description: "", language: "", defaultBranch: "master",
      private: false, fork: false, mirror: false, createdAt: START, updatedAt: START, pushedAt: null,
    });
    assert.equal(b, {
      id: b.id, uri: "example.com/a/b/Tool", name: "Tool", description: "A tool.\nTwo lines.", language: "Go",
      defaultBranch: "main", private: true, fork: true, mirror: true,
      createdAt: new Date(START.getTime() + 1000), updatedAt: new Date(START.getTime() + 1000), pushedAt: null,
    });
    const single = await stores.repos.create({ uri: "localrepo" });
    assert.is(single.name, "localrepo", "a URI of one component is its own name");
  });

  it("create() refuses a URI taken in any letter case", async ({ stores }) => {
    await stores.repos.create({ uri: "github.com/gorilla/mux" });
    await rejects(stores.repos.create({ uri: "GitHub.com/Gorilla/MUX" }), "already_exists");
    await rejects(stores.repos.create({ uri: "github.com/gorilla/mux" }), "already_exists");
    assert.is((await stores.repos.list()).items.length, 1);
  });

  it("create() validates the URI: no scheme, no '..', no control characters", async ({ stores }) => {
    const bad = [
      "", "https://github.com/a/b", "git:github.com/a/b", "github.com/../etc", "..", "a/./b", "/abs/path", "a//b",
      "a/b/", "a\u0000b", "a\nb", "a\u007fb", "a b", "a\\b", "x".repeat(256), "a/\ud800", 42,
    ];
    for (const uri of bad) await rejects(stores.repos.create({ uri } as never), "invalid_input", "uri");
    assert.is((await stores.repos.list()).items.length, 0);
    const ok = await stores.repos.create({ uri: "x".repeat(255) });
    assert.is(ok.uri.length, 255);
    const unicode = await stores.repos.create({ uri: "gitlab.example/Équipe/Café-☕" });
    assert.is(unicode.name, "Café-☕");
    assert.equal(await stores.repos.getByURI("GITLAB.example/équipe/CAFÉ-☕"), unicode);
  });

  it("create() validates every other field and names it", async ({ stores }) => {
    const uri = "github.com/a/b";
    await rejects(stores.repos.create({ uri, description: 5 } as never), "invalid_input", "description");
    await rejects(stores.repos.create({ uri, description: "x".repeat(1025) }), "invalid_input", "description");
    await rejects(stores.repos.create({ uri, language: "a\u0001" }), "invalid_input", "language");
    await rejects(stores.repos.create({ uri, language: "x".repeat(65) }), "invalid_input", "language");
    await rejects(stores.repos.create({ uri, defaultBranch: "" }), "invalid_input", "defaultBranch");
    await rejects(stores.repos.create({ uri, defaultBranch: "a b" }), "invalid_input", "defaultBranch");
    await rejects(stores.repos.create({ uri, defaultBranch: "a..b" }), "invalid_input", "defaultBranch");
    await rejects(stores.repos.create({ uri, private: "yes" } as never), "invalid_input", "private");
    await rejects(stores.repos.create({ uri, fork: 1 } as never), "invalid_input", "fork");
    await rejects(stores.repos.create({ uri, mirror: null } as never), "invalid_input", "mirror");
    await rejects(stores.repos.create({ uri, privat: true } as never), "invalid_input", "repo.privat");
    await rejects(stores.repos.create({ uri, id: 7 } as never), "invalid_input", "repo.id");
    await rejects(stores.repos.create(null as never), "invalid_input", "repo");
    assert.is((await stores.repos.list()).items.length, 0);
  });

  it("get() and getByURI() find the repo; getByURI ignores case", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/Gorilla/Mux" });
    assert.equal(await stores.repos.get(a.id), a);
    assert.equal(await stores.repos.getByURI("github.com/gorilla/mux"), a);
    assert.equal(await stores.repos.getByURI("GITHUB.COM/GORILLA/MUX"), a);
    await rejects(stores.repos.get(a.id + 100), "not_found");
    await rejects(stores.repos.getByURI("github.com/gorilla/mu"), "not_found");
    await rejects(stores.repos.getByURI("github.com/gorilla/muxx"), "not_found");
    await rejects(stores.repos.get(0), "invalid_input", "id");
    await rejects(stores.repos.get(1.5), "invalid_input", "id");
    await rejects(stores.repos.getByURI("https://github.com/gorilla/mux"), "invalid_input", "uri");
    await rejects(stores.repos.getByURI("../x"), "invalid_input", "uri");
  });

  it("returned repos are copies", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b", description: "d" });
    a.description = "changed";
    a.createdAt.setTime(0);
    const g = await stores.repos.get(a.id);
    assert.is(g.description, "d");
    assert.equal(g.createdAt, START);
    g.language = "changed";
    assert.is((await stores.repos.get(a.id)).language, "");
  });

  it("update() changes only the fields given; updatedAt defaults to now", async ({ stores, clock }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b", description: "d", language: "Go" });
    clock.advance(5000);
    const u = await stores.repos.update(a.id, { description: "new", fork: true });
    assert.equal(u, { ...a, description: "new", fork: true, updatedAt: new Date(START.getTime() + 5000) });
    assert.equal(await stores.repos.get(a.id), u);
    const u2 = await stores.repos.update(a.id, { language: "Rust", defaultBranch: "main", mirror: true });
    assert.equal(u2, { ...u, language: "Rust", defaultBranch: "main", mirror: true });
    const none = await stores.repos.update(a.id, {});
    assert.equal(none, u2, "an empty update changes nothing but updatedAt (the same time here)");
  });

  it("update() sets pushedAt and updatedAt when given", async ({ stores, clock }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    clock.advance(60_000);
    const pushed = new Date(Date.UTC(2025, 5, 1));
    const u = await stores.repos.update(a.id, { pushedAt: pushed });
    assert.equal(u.pushedAt, pushed);
    assert.equal(u.updatedAt, new Date(START.getTime() + 60_000));
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const u2 = await stores.repos.update(a.id, { updatedAt: when, pushedAt: when });
    assert.equal(u2.updatedAt, when);
    assert.equal(u2.pushedAt, when);
    assert.equal(await stores.repos.get(a.id), u2);
    await rejects(stores.repos.update(a.id, { pushedAt: "2025-01-01" } as never), "invalid_input", "pushedAt");
    await rejects(stores.repos.update(a.id, { updatedAt: new Date(NaN) }), "invalid_input", "updatedAt");
    // Years outside 1000-9999 do not round-trip through every driver: refused on every backend.
    await rejects(stores.repos.update(a.id, { pushedAt: new Date("0099-01-01T00:00:00Z") }), "invalid_input", "pushedAt");
    await rejects(stores.repos.update(a.id, { pushedAt: new Date("+010000-01-01T00:00:00Z") }), "invalid_input", "pushedAt");
    // An unpaired surrogate is not text: refused, not silently replaced by U+FFFD.
    await rejects(stores.repos.update(a.id, { description: "bad \uD800 half" }), "invalid_input", "description");
    await rejects(stores.repos.create({ uri: "example.com/\uDC00" }), "invalid_input", "uri");
  });

  it("update() makes a repo private or public; both at once is invalid_input", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    assert.is((await stores.repos.update(a.id, { private: true })).private, true);
    assert.is((await stores.repos.get(a.id)).private, true);
    assert.is((await stores.repos.update(a.id, { public: true })).private, false);
    await rejects(stores.repos.update(a.id, { private: true, public: true }), "invalid_input", "update");
    await rejects(stores.repos.update(a.id, { private: false } as never), "invalid_input", "private");
    await rejects(stores.repos.update(a.id, { public: "yes" } as never), "invalid_input", "public");
    assert.is((await stores.repos.get(a.id)).private, false);
  });

  it("update() validates, rejects unknown keys, and is not_found for a missing repo", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    await rejects(stores.repos.update(a.id, { uri: "github.com/x/y" } as never), "invalid_input", "update.uri");
    await rejects(stores.repos.update(a.id, { createdAt: new Date() } as never), "invalid_input", "update.createdAt");
    await rejects(stores.repos.update(a.id, { description: 3 } as never), "invalid_input", "description");
    await rejects(stores.repos.update(a.id, { defaultBranch: "" }), "invalid_input", "defaultBranch");
    await rejects(stores.repos.update(a.id, { fork: "no" } as never), "invalid_input", "fork");
    await rejects(stores.repos.update(a.id, null as never), "invalid_input", "update");
    await rejects(stores.repos.update(0, {}), "invalid_input", "id");
    await rejects(stores.repos.update(a.id + 1, { description: "x" }), "not_found");
    assert.equal(await stores.repos.get(a.id), a);
  });

  it("concurrent updates of different fields are all kept", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    const r = await concurrently(4, (i) => stores.repos.update(a.id, [
      { description: "d" }, { language: "Go" }, { fork: true }, { defaultBranch: "main" },
    ][i]!));
    assert.is(r.ok.length, 4);
    const g = await stores.repos.get(a.id);
    assert.equal([g.description, g.language, g.fork, g.defaultBranch], ["d", "Go", true, "main"]);
  });

  it("delete() removes the repo and frees its URI; IDs are not reused", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    const keep = await stores.repos.create({ uri: "github.com/a/c" });
    await stores.repos.delete(a.id);
    await rejects(stores.repos.get(a.id), "not_found");
    await rejects(stores.repos.getByURI("github.com/a/b"), "not_found");
    await rejects(stores.repos.delete(a.id), "not_found");
    await rejects(stores.repos.update(a.id, { description: "x" }), "not_found");
    assert.equal((await stores.repos.list()).items, [keep]);
    const again = await stores.repos.create({ uri: "GitHub.com/A/B" });
    assert.ok(again.id !== a.id && again.id > keep.id, "IDs are not reused");
    await rejects(stores.repos.delete(-1), "invalid_input", "id");
  });

  it("delete() removes the repo's config, statuses and permissions", async ({ stores }) => {
    const u = await stores.users.create({ login: "alice" });
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    const other = await stores.repos.create({ uri: "github.com/a/other" });
    const commit = "a".repeat(40);
    await stores.repoConfigs.put(a.id, { x: 1 });
    await stores.repoStatuses.create(a.id, commit, { context: "ci", state: "success" });
    await stores.repoPerms.grant(a.id, u.uid, "admin");
    await stores.repoPerms.grant(other.id, u.uid, "read");
    await stores.repos.delete(a.id);
    await rejects(stores.repoConfigs.get(a.id), "not_found");
    await rejects(stores.repoStatuses.list(a.id, commit), "not_found");
    assert.is(await stores.repoPerms.get(a.id, u.uid), null);
    assert.equal(await stores.repoPerms.listRepos(u.uid), [{ repoID: other.id, uid: u.uid, level: "read" }]);
    const b = await stores.repos.create({ uri: "github.com/a/b" });
    assert.equal(await stores.repoConfigs.get(b.id), {});
    assert.equal(await stores.repoStatuses.list(b.id, commit), []);
    assert.equal(await stores.repoPerms.listUsers(b.id), []);
  });

  it("delete() removes the repo's threads and changesets", async ({ stores }) => {
    const u = await stores.users.create({ login: "alice" });
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    const rev = { branch: "main", commitID: "b".repeat(40) };
    await stores.threads.create(a.id, { title: "t", body: "b", authorUID: u.uid });
    await stores.changesets.create(a.id, { title: "c", authorUID: u.uid, base: rev, head: { ...rev, branch: "topic" } });
    await stores.repos.delete(a.id);
    await rejects(stores.threads.get(a.id, 1), "not_found");
    await rejects(stores.changesets.get(a.id, 1), "not_found");
    const b = await stores.repos.create({ uri: "github.com/a/b" });
    assert.equal((await stores.threads.list(b.id)).items, []);
    assert.equal((await stores.changesets.list(b.id)).items, []);
    assert.equal(await stores.threads.counts(b.id), { open: 0, closed: 0 });
  });

  it("an ID no repo can have (beyond 32 bits) is not_found, not invalid", async ({ stores }) => {
    const big = 2 ** 31;
    await rejects(stores.repos.get(big), "not_found");
    await rejects(stores.repos.update(big, { description: "x" }), "not_found");
    await rejects(stores.repos.delete(big), "not_found");
    await rejects(stores.repos.update(2 ** 40, { private: "x" as never }), "invalid_input", "private");
  });

  it("create() of one URI by many callers at once: exactly one wins", async ({ stores }) => {
    const r = await concurrently(12, (i) => stores.repos.create({ uri: i % 2 ? "github.com/race/r" : "GITHUB.com/Race/R" }));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(11).fill("already_exists"));
    const many = await concurrently(20, (i) => stores.repos.create({ uri: `github.com/many/r${i}` }));
    assert.is(many.ok.length, 20);
    assert.is(new Set(many.ok.map((x) => x.id)).size, 20, "IDs are unique");
    assert.is((await stores.repos.list({ limit: 1000 })).items.length, 21);
  });

  it("create() and delete() of one URI at once: at most one repo holds it", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/b" });
    const r = await concurrently<Repo | void>(6, (i) =>
      i === 0 ? stores.repos.delete(a.id) : stores.repos.create({ uri: "github.com/a/b" }));
    assert.ok(r.codes.every((c) => c === "already_exists"), r.codes.join());
    await rejects(stores.repos.get(a.id), "not_found");
    const created = r.ok.filter((x) => x !== undefined);
    assert.ok(created.length <= 1);
    assert.equal((await stores.repos.list()).items, created);
  });

  reposList(it);
  return test;
}
