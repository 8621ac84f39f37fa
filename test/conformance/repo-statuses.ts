import * as assert from "uvu/assert";
import type { RepoStatus } from "../../lib/model.ts";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

const C1 = "0123456789abcdef0123456789abcdef01234567";
const C2 = "f".repeat(40);
const C256 = "ab".repeat(32);
const START = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

export default function repoStatuses(make: Factory) {
  const { test, it } = storeSuite("repo-statuses", make);

  it("create() records a status with the clock's time and the defaults", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const u = await stores.users.create({ login: "ci-bot" });
    const s = await stores.repoStatuses.create(r.id, C1, { context: "ci/build", state: "pending" });
    assert.equal(s, {
      context: "ci/build", state: "pending", description: "", targetURL: "", creatorUID: null,
      createdAt: START, updatedAt: START,
    });
    const full = await stores.repoStatuses.create(r.id, C1, {
      context: "lint", state: "success", description: "All good", targetURL: "https://ci.example/run/1", creatorUID: u.uid,
    });
    assert.equal(full, {
      context: "lint", state: "success", description: "All good", targetURL: "https://ci.example/run/1",
      creatorUID: u.uid, createdAt: START, updatedAt: START,
    });
    assert.equal(await stores.repoStatuses.list(r.id, C1), [s, full]);
  });

  it("list() has one status per context, sorted by context; contexts are case-sensitive", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const contexts = ["zeta", "CI", "ci", "ci/build", "a b: c", "ünïcode ☕", "c".repeat(255)];
    for (const context of contexts) await stores.repoStatuses.create(r.id, C1, { context, state: "success" });
    const got = (await stores.repoStatuses.list(r.id, C1)).map((s) => s.context);
    assert.equal(got, ["CI", "a b: c", "c".repeat(255), "ci", "ci/build", "zeta", "ünïcode ☕"]);
  });

  it("a later status for a context replaces the earlier one, keeping its createdAt", async ({ stores, clock }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    await stores.repoStatuses.create(r.id, C1, { context: "ci", state: "pending", description: "running", targetURL: "http://x/1" });
    await stores.repoStatuses.create(r.id, C1, { context: "other", state: "success" });
    clock.advance(30_000);
    const later = await stores.repoStatuses.create(r.id, C1, { context: "ci", state: "failure" });
    assert.equal(later, {
      context: "ci", state: "failure", description: "", targetURL: "", creatorUID: null,
      createdAt: START, updatedAt: new Date(START.getTime() + 30_000),
    });
    const list = await stores.repoStatuses.list(r.id, C1);
    assert.equal(list.map((s) => [s.context, s.state]), [["ci", "failure"], ["other", "success"]]);
    assert.equal(list[0], later);
  });

  it("statuses are per repo and per commit", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "github.com/a/a" });
    const b = await stores.repos.create({ uri: "github.com/a/b" });
    await stores.repoStatuses.create(a.id, C1, { context: "ci", state: "success" });
    await stores.repoStatuses.create(a.id, C256, { context: "ci", state: "error" });
    assert.equal((await stores.repoStatuses.list(a.id, C1)).map((s) => s.state), ["success"]);
    assert.equal((await stores.repoStatuses.list(a.id, C256)).map((s) => s.state), ["error"]);
    assert.equal(await stores.repoStatuses.list(a.id, C2), []);
    assert.equal(await stores.repoStatuses.list(b.id, C1), []);
  });

  it("combined(): any failure or error fails; else any pending (or none) is pending; else success", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const state = async () => (await stores.repoStatuses.combined(r.id, C1)).state;
    assert.equal(await stores.repoStatuses.combined(r.id, C1), { commitID: C1, state: "pending", statuses: [] });
    await stores.repoStatuses.create(r.id, C1, { context: "a", state: "success" });
    assert.is(await state(), "success");
    await stores.repoStatuses.create(r.id, C1, { context: "b", state: "pending" });
    assert.is(await state(), "pending");
    await stores.repoStatuses.create(r.id, C1, { context: "c", state: "error" });
    assert.is(await state(), "failure");
    await stores.repoStatuses.create(r.id, C1, { context: "c", state: "success" });
    assert.is(await state(), "pending");
    await stores.repoStatuses.create(r.id, C1, { context: "b", state: "failure" });
    assert.is(await state(), "failure");
    await stores.repoStatuses.create(r.id, C1, { context: "b", state: "success" });
    const combined = await stores.repoStatuses.combined(r.id, C1);
    assert.is(combined.state, "success");
    assert.is(combined.commitID, C1);
    assert.equal(combined.statuses, await stores.repoStatuses.list(r.id, C1));
    assert.equal(combined.statuses.map((s) => s.context), ["a", "b", "c"]);
  });

  it("create() validates every field and names it", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const ok = { context: "ci", state: "success" } as const;
    await rejects(stores.repoStatuses.create(r.id, "abc", ok), "invalid_input", "commitID");
    await rejects(stores.repoStatuses.create(r.id, C1.toUpperCase(), ok), "invalid_input", "commitID");
    await rejects(stores.repoStatuses.create(r.id, "../" + C1.slice(3), ok), "invalid_input", "commitID");
    await rejects(stores.repoStatuses.create(0, C1, ok), "invalid_input", "repoID");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, context: "" }), "invalid_input", "context");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, context: "a\nb" }), "invalid_input", "context");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, context: "c".repeat(256) }), "invalid_input", "context");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, context: 7 } as never), "invalid_input", "context");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, state: "ok" } as never), "invalid_input", "state");
    await rejects(stores.repoStatuses.create(r.id, C1, { context: "ci" } as never), "invalid_input", "state");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, description: "d".repeat(1025) }), "invalid_input", "description");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, targetURL: "ftp://x/y" }), "invalid_input", "targetURL");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, targetURL: "/relative" }), "invalid_input", "targetURL");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, creatorUID: 0 }), "invalid_input", "creatorUID");
    await rejects(stores.repoStatuses.create(r.id, C1, { ...ok, sha: C1 } as never), "invalid_input", "status.sha");
    await rejects(stores.repoStatuses.create(r.id, C1, null as never), "invalid_input", "status");
    await rejects(stores.repoStatuses.list(r.id, "nope"), "invalid_input", "commitID");
    await rejects(stores.repoStatuses.combined(-1, C1), "invalid_input", "repoID");
    assert.equal(await stores.repoStatuses.list(r.id, C1), []);
    const s = await stores.repoStatuses.create(r.id, C1, { ...ok, description: "d".repeat(1024), targetURL: "" });
    assert.is(s.description.length, 1024);
  });

  it("not_found for a missing repo or a missing creator", async ({ stores }) => {
    await rejects(stores.repoStatuses.create(1, C1, { context: "ci", state: "success" }), "not_found");
    await rejects(stores.repoStatuses.list(1, C1), "not_found");
    await rejects(stores.repoStatuses.combined(1, C1), "not_found");
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    await rejects(stores.repoStatuses.create(r.id, C1, { context: "ci", state: "success", creatorUID: 999 }), "not_found");
    assert.equal(await stores.repoStatuses.list(r.id, C1), []);
    // IDs no repo or user can have (beyond 32 bits) are missing ones too.
    await rejects(stores.repoStatuses.create(2 ** 31, C1, { context: "ci", state: "success" }), "not_found");
    await rejects(stores.repoStatuses.create(r.id, C1, { context: "ci", state: "success", creatorUID: 2 ** 31 }), "not_found");
    await rejects(stores.repoStatuses.list(2 ** 40, C1), "not_found");
    await rejects(stores.repoStatuses.combined(2 ** 40, C1), "not_found");
    assert.equal(await stores.repoStatuses.list(r.id, C1), []);
  });

  it("concurrent creates: one status per context, every context kept", async ({ stores, clock }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const same = await concurrently(10, (i) =>
      stores.repoStatuses.create(r.id, C1, { context: "ci", state: i % 2 ? "success" : "failure", description: `run ${i}` }));
    assert.is(same.ok.length, 10);
    let list: RepoStatus[] = await stores.repoStatuses.list(r.id, C1);
    assert.is(list.length, 1);
    assert.ok(same.ok.some((s) => s.description === list[0]!.description && s.state === list[0]!.state));
    clock.advance(1000);
    const many = await concurrently(10, (i) => stores.repoStatuses.create(r.id, C1, { context: `ctx${i}`, state: "success" }));
    assert.is(many.ok.length, 10);
    list = await stores.repoStatuses.list(r.id, C1);
    assert.equal(list.map((s) => s.context), ["ci", ...Array.from({ length: 10 }, (_, i) => `ctx${i}`)]);
    assert.equal(list[0]!.createdAt, START);
  });

  return test;
}
