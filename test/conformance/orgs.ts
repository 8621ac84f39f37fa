import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { concurrently, drain, rejects, storeSuite, type Factory } from "./harness.ts";

export default function orgs(make: Factory) {
  const { test, it } = storeSuite("orgs", make);

  const users = async (stores: Stores, ...logins: string[]) => {
    const uids: number[] = [];
    for (const login of logins) uids.push((await stores.users.create({ login })).uid);
    return uids;
  };
  const logins = (orgs: { login: string }[]) => orgs.map((o) => o.login);

  it("IDs no org or user can have (beyond 32 bits) are missing ones, for every method", async ({ stores }) => {
    const [alice] = await users(stores, "alice");
    const org = await stores.orgs.create({ login: "acme" });
    const big = 2 ** 31;
    await rejects(stores.orgs.get(big), "not_found");
    await rejects(stores.orgs.delete(big), "not_found");
    await rejects(stores.orgs.addMember(big, alice!), "not_found");
    await rejects(stores.orgs.addMember(org.id, big), "not_found");
    await rejects(stores.orgs.removeMember(org.id, big), "not_found");
    await rejects(stores.orgs.listMembers(big), "not_found");
    await rejects(stores.orgs.listForUser(big), "not_found");
  });

  it("create() assigns increasing IDs and the clock's time", async ({ stores, clock }) => {
    const a = await stores.orgs.create({ login: "acme", name: "Acme Inc.", description: "Rockets" });
    clock.advance(1000);
    const b = await stores.orgs.create({ login: "globex" });
    assert.ok(a.id >= 1);
    assert.ok(b.id > a.id);
    assert.equal(a, { id: a.id, login: "acme", name: "Acme Inc.", description: "Rockets", createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)) });
    assert.equal(b, { id: b.id, login: "globex", name: "", description: "", createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 1)) });
    assert.equal(await stores.orgs.get(a.id), a);
  });

  it("create() refuses a login taken in any letter case", async ({ stores }) => {
    await stores.orgs.create({ login: "Acme" });
    await rejects(stores.orgs.create({ login: "acme" }), "already_exists");
    await rejects(stores.orgs.create({ login: "ACME", name: "other" }), "already_exists");
    assert.equal(logins((await stores.orgs.list()).items), ["Acme"]);
  });

  it("create() validates every field and names it", async ({ stores }) => {
    await rejects(stores.orgs.create({ login: "" }), "invalid_input", "login");
    await rejects(stores.orgs.create({ login: "../etc" }), "invalid_input", "login");
    await rejects(stores.orgs.create({ login: "a/b" }), "invalid_input", "login");
    await rejects(stores.orgs.create({ login: "x".repeat(40) }), "invalid_input", "login");
    await rejects(stores.orgs.create({ login: 5 as never }), "invalid_input", "login");
    await rejects(stores.orgs.create({ login: "ok", name: 5 as never }), "invalid_input", "name");
    await rejects(stores.orgs.create({ login: "ok", name: "x".repeat(256) }), "invalid_input", "name");
    await rejects(stores.orgs.create({ login: "ok", description: "a\u0000b" }), "invalid_input", "description");
    await rejects(stores.orgs.create({ login: "ok", descripton: "typo" } as never), "invalid_input", "org.descripton");
    await rejects(stores.orgs.create(null as never), "invalid_input", "org");
    assert.equal((await stores.orgs.list()).items, []);
  });

  it("get() and getByLogin() find the org; getByLogin ignores case", async ({ stores }) => {
    const a = await stores.orgs.create({ login: "Acme" });
    assert.equal(await stores.orgs.getByLogin("aCME"), a);
    await rejects(stores.orgs.get(a.id + 1), "not_found");
    await rejects(stores.orgs.getByLogin("globex"), "not_found");
    await rejects(stores.orgs.get(0), "invalid_input", "id");
    await rejects(stores.orgs.get(2.5), "invalid_input", "id");
    await rejects(stores.orgs.getByLogin("a/b"), "invalid_input", "login");
  });

  it("create() of one login by many callers at once: exactly one wins", async ({ stores }) => {
    const r = await concurrently(12, () => stores.orgs.create({ login: "racer" }));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(11).fill("already_exists"));
    assert.equal(await stores.orgs.getByLogin("RACER"), r.ok[0]);
    const many = await concurrently(15, (i) => stores.orgs.create({ login: `org${i}` }));
    assert.is(many.ok.length, 15);
    assert.is(new Set(many.ok.map((o) => o.id)).size, 15, "IDs are unique");
  });

  it("list() orders by login, case-insensitively, and filters by a login prefix", async ({ stores }) => {
    for (const login of ["carol", "Alpha", "bob", "al", "ALFA"]) await stores.orgs.create({ login });
    assert.equal(logins((await stores.orgs.list()).items), ["al", "ALFA", "Alpha", "bob", "carol"]);
    assert.equal(logins((await stores.orgs.list({ query: "AL" })).items), ["al", "ALFA", "Alpha"]);
    assert.equal(logins((await stores.orgs.list({ query: "alp" })).items), ["Alpha"]);
    assert.equal((await stores.orgs.list({ query: "zz" })).items, []);
    const page = await stores.orgs.list({ limit: 2 });
    assert.equal(logins(page.items), ["al", "ALFA"]);
    assert.type(page.nextCursor, "string");
    const last = await stores.orgs.list({ limit: 3, cursor: page.nextCursor! });
    assert.equal(logins(last.items), ["Alpha", "bob", "carol"]);
    assert.ok(!("nextCursor" in last), "no nextCursor on the last page");
  });

  it("list() validates its options", async ({ stores }) => {
    await rejects(stores.orgs.list({ limit: 0 }), "invalid_input", "limit");
    await rejects(stores.orgs.list({ limit: 1001 }), "invalid_input", "limit");
    await rejects(stores.orgs.list({ cursor: "garbage!" }), "invalid_input", "cursor");
    await rejects(stores.orgs.list({ query: 5 as never }), "invalid_input", "query");
    await rejects(stores.orgs.list({ sort: "id" } as never), "invalid_input", "options.sort");
  });

  it("list() refuses a cursor made for another list", async ({ stores }) => {
    for (const login of ["acme", "beta", "corp"]) {
      await stores.orgs.create({ login });
      await stores.users.create({ login });
      await stores.oauthClients.create({ id: login, secret: "s".repeat(32) });
    }
    const own = (await stores.orgs.list({ limit: 1 })).nextCursor!;
    assert.equal((await stores.orgs.list({ cursor: own, query: "" })).items.map((o) => o.login), ["beta", "corp"]);
    for (const o of [{}, { direction: "desc" }, { sort: "uid" }] as const) {
      const cursor = (await stores.users.list({ ...o, limit: 1 })).nextCursor!;
      await rejects(stores.orgs.list({ cursor }), "invalid_input", "cursor");
    }
    const ofClients = (await stores.oauthClients.list({ limit: 1 })).nextCursor!;
    await rejects(stores.orgs.list({ cursor: ofClients }), "invalid_input", "cursor");
  });

  it("list() pages never skip or repeat while orgs are added", async ({ stores }) => {
    for (let i = 0; i < 20; i++) await stores.orgs.create({ login: `o${String(i * 2).padStart(3, "0")}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = 0;
    for (;;) {
      const page = await stores.orgs.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...logins(page.items));
      if (added < 10) {
        await concurrently(2, (i) => stores.orgs.create({ login: `o${String(added * 4 + 1 + i * 2).padStart(3, "0")}x` }));
        added++;
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.is(new Set(seen).size, seen.length, "no repeats");
    assert.equal(seen, [...seen].sort(), "in order");
    for (let i = 0; i < 20; i++) assert.ok(seen.includes(`o${String(i * 2).padStart(3, "0")}`), "nothing present at the start is skipped");
    const all = await drain((c) => stores.orgs.list({ limit: 7, ...(c ? { cursor: c } : {}) }));
    assert.is(all.length, 20 + 2 * added);
  });

  it("addMember() and listMembers(): UIDs ascending", async ({ stores }) => {
    const [a, b, c] = await users(stores, "alice", "bob", "carol");
    const org = await stores.orgs.create({ login: "acme" });
    assert.equal(await stores.orgs.listMembers(org.id), []);
    await stores.orgs.addMember(org.id, c!);
    await stores.orgs.addMember(org.id, a!);
    await stores.orgs.addMember(org.id, b!);
    assert.equal(await stores.orgs.listMembers(org.id), [a, b, c]);
  });

  it("addMember() of a member is already_exists; of a missing org or user not_found", async ({ stores }) => {
    const [a] = await users(stores, "alice");
    const org = await stores.orgs.create({ login: "acme" });
    await stores.orgs.addMember(org.id, a!);
    await rejects(stores.orgs.addMember(org.id, a!), "already_exists");
    await rejects(stores.orgs.addMember(org.id + 1, a!), "not_found");
    await rejects(stores.orgs.addMember(org.id, a! + 1), "not_found");
    await rejects(stores.orgs.addMember(0, a!), "invalid_input", "orgID");
    await rejects(stores.orgs.addMember(org.id, -1), "invalid_input", "uid");
    await rejects(stores.orgs.addMember(org.id, "1" as never), "invalid_input", "uid");
    assert.equal(await stores.orgs.listMembers(org.id), [a]);
  });

  it("addMember() of one pair by many callers at once: exactly one succeeds", async ({ stores }) => {
    const uids = await users(stores, "alice", "bob", "carol", "dave");
    const org = await stores.orgs.create({ login: "acme" });
    const r = await concurrently(10, () => stores.orgs.addMember(org.id, uids[0]!));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(9).fill("already_exists"));
    const others = await concurrently(3, (i) => stores.orgs.addMember(org.id, uids[i + 1]!));
    assert.is(others.ok.length, 3);
    assert.equal(await stores.orgs.listMembers(org.id), uids);
  });

  it("removeMember() removes the membership; not_found when not a member", async ({ stores }) => {
    const [a, b] = await users(stores, "alice", "bob");
    const org = await stores.orgs.create({ login: "acme" });
    await stores.orgs.addMember(org.id, a!);
    await stores.orgs.addMember(org.id, b!);
    await stores.orgs.removeMember(org.id, a!);
    assert.equal(await stores.orgs.listMembers(org.id), [b]);
    assert.equal(await stores.orgs.listForUser(a!), []);
    await rejects(stores.orgs.removeMember(org.id, a!), "not_found");
    await rejects(stores.orgs.removeMember(org.id + 1, b!), "not_found");
    await rejects(stores.orgs.removeMember(org.id, "x" as never), "invalid_input", "uid");
    await rejects(stores.orgs.removeMember(null as never, b!), "invalid_input", "orgID");
    await stores.orgs.addMember(org.id, a!);
    assert.equal(await stores.orgs.listMembers(org.id), [a, b], "a removed member can be added again");
    const r = await concurrently(5, () => stores.orgs.removeMember(org.id, b!));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(4).fill("not_found"));
  });

  it("listForUser() lists the user's orgs by login", async ({ stores }) => {
    const [a, b] = await users(stores, "alice", "bob");
    const zeta = await stores.orgs.create({ login: "zeta" });
    const beta = await stores.orgs.create({ login: "Beta" });
    const alpha = await stores.orgs.create({ login: "alpha" });
    await stores.orgs.create({ login: "gamma" });
    for (const o of [zeta, beta, alpha]) await stores.orgs.addMember(o.id, a!);
    await stores.orgs.addMember(beta.id, b!);
    assert.equal(await stores.orgs.listForUser(a!), [alpha, beta, zeta]);
    assert.equal(await stores.orgs.listForUser(b!), [beta]);
    const [c] = await users(stores, "carol");
    assert.equal(await stores.orgs.listForUser(c!), []);
  });

  it("listMembers() of a missing org and listForUser() of a missing user are not_found", async ({ stores }) => {
    const [a] = await users(stores, "alice");
    const org = await stores.orgs.create({ login: "acme" });
    await rejects(stores.orgs.listMembers(org.id + 1), "not_found");
    await rejects(stores.orgs.listForUser(a! + 1), "not_found");
    await rejects(stores.orgs.listMembers(0), "invalid_input", "orgID");
    await rejects(stores.orgs.listForUser(0), "invalid_input", "uid");
  });

  it("delete() removes the org, its login and its memberships", async ({ stores }) => {
    const [a, b] = await users(stores, "alice", "bob");
    const org = await stores.orgs.create({ login: "Acme" });
    const other = await stores.orgs.create({ login: "globex" });
    await stores.orgs.addMember(org.id, a!);
    await stores.orgs.addMember(org.id, b!);
    await stores.orgs.addMember(other.id, a!);
    await stores.orgs.delete(org.id);
    await rejects(stores.orgs.get(org.id), "not_found");
    await rejects(stores.orgs.getByLogin("acme"), "not_found");
    await rejects(stores.orgs.listMembers(org.id), "not_found");
    await rejects(stores.orgs.addMember(org.id, a!), "not_found");
    await rejects(stores.orgs.delete(org.id), "not_found");
    await rejects(stores.orgs.delete(0), "invalid_input", "id");
    assert.equal(await stores.orgs.listForUser(a!), [other]);
    assert.equal(await stores.orgs.listForUser(b!), []);
    assert.equal(logins((await stores.orgs.list()).items), ["globex"]);
    const again = await stores.orgs.create({ login: "acme" });
    assert.ok(again.id !== org.id, "IDs are not reused");
    assert.equal(await stores.orgs.listMembers(again.id), [], "a new org of the same login starts empty");
  });

  it("a deleted user is no longer a member of any org", async ({ stores }) => {
    const [a, b] = await users(stores, "alice", "bob");
    const org = await stores.orgs.create({ login: "acme" });
    await stores.orgs.addMember(org.id, a!);
    await stores.orgs.addMember(org.id, b!);
    await stores.users.delete(a!);
    assert.equal(await stores.orgs.listMembers(org.id), [b]);
    await rejects(stores.orgs.removeMember(org.id, a!), "not_found");
    await rejects(stores.orgs.listForUser(a!), "not_found");
    await stores.orgs.delete(org.id);
    assert.equal(await stores.orgs.listForUser(b!), []);
  });

  return test;
}
