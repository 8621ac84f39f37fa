import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

async function setup(stores: Stores) {
  const alice = await stores.users.create({ login: "alice" });
  const bob = await stores.users.create({ login: "bob" });
  const a = await stores.repos.create({ uri: "github.com/x/a" });
  const b = await stores.repos.create({ uri: "github.com/x/b" });
  return { alice: alice.uid, bob: bob.uid, a: a.id, b: b.id };
}

export default function repoPerms(make: Factory) {
  const { test, it } = storeSuite("repo-perms", make);

  it("grant() sets a level; get() returns it, or null without a grant", async ({ stores }) => {
    const { alice, bob, a, b } = await setup(stores);
    await stores.repoPerms.grant(a, alice, "write");
    assert.is(await stores.repoPerms.get(a, alice), "write");
    assert.is(await stores.repoPerms.get(a, bob), null);
    assert.is(await stores.repoPerms.get(b, alice), null);
    assert.is(await stores.repoPerms.get(a + 100, alice), null);
  });

  it("grant() replaces an earlier grant", async ({ stores }) => {
    const { alice, a } = await setup(stores);
    for (const level of ["read", "admin", "write"] as const) {
      await stores.repoPerms.grant(a, alice, level);
      assert.is(await stores.repoPerms.get(a, alice), level);
    }
    assert.equal(await stores.repoPerms.listUsers(a), [{ repoID: a, uid: alice, level: "write" }]);
    assert.equal(await stores.repoPerms.listRepos(alice), [{ repoID: a, uid: alice, level: "write" }]);
  });

  it("listUsers() is by UID and listRepos() by repo ID", async ({ stores }) => {
    const { alice, bob, a, b } = await setup(stores);
    await stores.repoPerms.grant(b, bob, "read");
    await stores.repoPerms.grant(a, bob, "admin");
    await stores.repoPerms.grant(b, alice, "write");
    assert.equal(await stores.repoPerms.listUsers(b), [
      { repoID: b, uid: alice, level: "write" }, { repoID: b, uid: bob, level: "read" },
    ]);
    assert.equal(await stores.repoPerms.listUsers(a), [{ repoID: a, uid: bob, level: "admin" }]);
    assert.equal(await stores.repoPerms.listRepos(bob), [
      { repoID: a, uid: bob, level: "admin" }, { repoID: b, uid: bob, level: "read" },
    ]);
    assert.equal(await stores.repoPerms.listRepos(alice), [{ repoID: b, uid: alice, level: "write" }]);
  });

  it("revoke() removes a grant; not_found when there was none", async ({ stores }) => {
    const { alice, bob, a } = await setup(stores);
    await stores.repoPerms.grant(a, alice, "read");
    await stores.repoPerms.grant(a, bob, "read");
    await stores.repoPerms.revoke(a, alice);
    assert.is(await stores.repoPerms.get(a, alice), null);
    assert.equal(await stores.repoPerms.listUsers(a), [{ repoID: a, uid: bob, level: "read" }]);
    assert.equal(await stores.repoPerms.listRepos(alice), []);
    await rejects(stores.repoPerms.revoke(a, alice), "not_found");
    await rejects(stores.repoPerms.revoke(a + 100, bob), "not_found");
  });

  it("grant() is not_found for a missing repo or user", async ({ stores }) => {
    const { alice, a } = await setup(stores);
    await rejects(stores.repoPerms.grant(a + 100, alice, "read"), "not_found");
    await rejects(stores.repoPerms.grant(a, alice + 100, "read"), "not_found");
    assert.equal(await stores.repoPerms.listUsers(a), []);
  });

  it("listUsers() and listRepos() are not_found for a missing repo or user", async ({ stores }) => {
    const { alice, a } = await setup(stores);
    await rejects(stores.repoPerms.listUsers(a + 100), "not_found");
    await rejects(stores.repoPerms.listRepos(alice + 100), "not_found");
  });

  it("IDs no repo or user can have (beyond 32 bits) are missing ones, for every method", async ({ stores }) => {
    const { alice, a } = await setup(stores);
    const big = 2 ** 31;
    await rejects(stores.repoPerms.grant(big, alice, "read"), "not_found");
    await rejects(stores.repoPerms.grant(a, big, "read"), "not_found");
    await rejects(stores.repoPerms.revoke(big, alice), "not_found");
    await rejects(stores.repoPerms.revoke(a, big), "not_found");
    assert.is(await stores.repoPerms.get(big, alice), null);
    assert.is(await stores.repoPerms.get(a, 2 ** 40), null);
    await rejects(stores.repoPerms.listUsers(big), "not_found");
    await rejects(stores.repoPerms.listRepos(big), "not_found");
    assert.equal(await stores.repoPerms.listUsers(a), []);
  });

  it("every method validates its input and names the field", async ({ stores }) => {
    const { alice, a } = await setup(stores);
    await rejects(stores.repoPerms.grant(a, alice, "owner" as never), "invalid_input", "level");
    await rejects(stores.repoPerms.grant(a, alice, "READ" as never), "invalid_input", "level");
    await rejects(stores.repoPerms.grant(0, alice, "read"), "invalid_input", "repoID");
    await rejects(stores.repoPerms.grant(a, 1.5, "read"), "invalid_input", "uid");
    await rejects(stores.repoPerms.revoke("1" as never, alice), "invalid_input", "repoID");
    await rejects(stores.repoPerms.revoke(a, -1), "invalid_input", "uid");
    await rejects(stores.repoPerms.get(a, 0), "invalid_input", "uid");
    await rejects(stores.repoPerms.listUsers(0), "invalid_input", "repoID");
    await rejects(stores.repoPerms.listRepos(NaN), "invalid_input", "uid");
    assert.equal(await stores.repoPerms.listUsers(a), []);
  });

  it("deleting a repo removes its grants; deleting a user hides theirs", async ({ stores }) => {
    const { alice, bob, a, b } = await setup(stores);
    await stores.repoPerms.grant(a, alice, "admin");
    await stores.repoPerms.grant(b, alice, "read");
    await stores.repoPerms.grant(a, bob, "write");
    await stores.repos.delete(a);
    assert.equal(await stores.repoPerms.listRepos(alice), [{ repoID: b, uid: alice, level: "read" }]);
    assert.equal(await stores.repoPerms.listRepos(bob), []);
    assert.is(await stores.repoPerms.get(a, alice), null);
    await rejects(stores.repoPerms.revoke(a, alice), "not_found");
    await stores.users.delete(alice);
    assert.equal(await stores.repoPerms.listUsers(b), []);
    assert.is(await stores.repoPerms.get(b, alice), null);
  });

  it("concurrent grants and revokes keep both views of a grant in step", async ({ stores }) => {
    const { alice, bob, a, b } = await setup(stores);
    const users = [alice, bob];
    for (let i = 0; i < 6; i++) users.push((await stores.users.create({ login: `u${i}` })).uid);
    const r = await concurrently(16, (i) => stores.repoPerms.grant(i % 2 ? a : b, users[i % 8]!, "read"));
    assert.is(r.ok.length, 16);
    assert.equal((await stores.repoPerms.listUsers(a)).map((p) => p.uid), users.filter((_, i) => i % 2 === 1));
    assert.equal((await stores.repoPerms.listUsers(b)).map((p) => p.uid), users.filter((_, i) => i % 2 === 0));
    const mixed = await concurrently(8, (i) => i % 2
      ? stores.repoPerms.revoke(a, users[i]!)
      : stores.repoPerms.grant(a, users[i]!, "admin"));
    assert.is(mixed.ok.length, 8);
    for (let i = 0; i < 8; i++) {
      const want = i % 2 ? null : "admin";
      assert.is(await stores.repoPerms.get(a, users[i]!), want);
      const inRepos = (await stores.repoPerms.listRepos(users[i]!)).find((p) => p.repoID === a)?.level ?? null;
      assert.is(inRepos, want);
    }
    const race = await concurrently(5, () => stores.repoPerms.revoke(b, alice));
    assert.is(race.ok.length, 1);
    assert.equal(race.codes, Array(4).fill("not_found"));
  });

  return test;
}
