import * as assert from "uvu/assert";
import { concurrently, drain, rejects, storeSuite, type Factory } from "./harness.ts";

export default function users(make: Factory) {
  const { test, it } = storeSuite("users", make);

  it("a UID no user can have (beyond 32 bits) is not_found, not invalid", async ({ stores }) => {
    for (const uid of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
      await rejects(stores.users.get(uid), "not_found");
      await rejects(stores.users.update(uid, { name: "x" }), "not_found");
      await rejects(stores.users.delete(uid), "not_found");
      await rejects(stores.users.listEmails(uid), "not_found");
      await rejects(stores.users.setEmails(uid, []), "not_found");
    }
  });

  it("create() assigns increasing UIDs and the clock's time", async ({ stores, clock }) => {
    const a = await stores.users.create({ login: "alice", name: "Alice" });
    clock.advance(1000);
    const b = await stores.users.create({ login: "bob" });
    assert.ok(a.uid >= 1);
    assert.ok(b.uid > a.uid);
    assert.equal(a.registeredAt, new Date(Date.UTC(2026, 0, 1, 12, 0, 0)));
    assert.equal(b.registeredAt.getTime() - a.registeredAt.getTime(), 1000);
    assert.equal(a, {
      uid: a.uid, login: "alice", name: "Alice", avatarURL: "", location: "", company: "", homepageURL: "",
      admin: false, write: false, disabled: false, registeredAt: a.registeredAt, updatedAt: a.registeredAt,
    });
  });

  it("create() refuses a login taken in any letter case", async ({ stores }) => {
    await stores.users.create({ login: "Alice" });
    await rejects(stores.users.create({ login: "alice" }), "already_exists");
    await rejects(stores.users.create({ login: "ALICE" }), "already_exists");
    assert.is(await stores.users.count(), 1);
  });

  it("create() validates every field and names it", async ({ stores }) => {
    await rejects(stores.users.create({ login: "" }), "invalid_input", "login");
    await rejects(stores.users.create({ login: "../etc" }), "invalid_input", "login");
    await rejects(stores.users.create({ login: "a/b" }), "invalid_input", "login");
    await rejects(stores.users.create({ login: "a\u0000b" }), "invalid_input", "login");
    await rejects(stores.users.create({ login: "x".repeat(40) }), "invalid_input", "login");
    await rejects(stores.users.create({ login: "ok", homepageURL: "javascript:alert(1)" }), "invalid_input", "homepageURL");
    await rejects(stores.users.create({ login: "ok", admin: "yes" as unknown as boolean }), "invalid_input", "admin");
    await rejects(stores.users.create({ login: "ok", nmae: "typo" } as never), "invalid_input", "user.nmae");
    await rejects(stores.users.create(null as never), "invalid_input", "user");
    assert.is(await stores.users.count({ includeDisabled: true }), 0);
  });

  it("get() and getByLogin() find the user; getByLogin ignores case", async ({ stores }) => {
    const a = await stores.users.create({ login: "Alice" });
    assert.equal(await stores.users.get(a.uid), a);
    assert.equal(await stores.users.getByLogin("aLiCe"), a);
    await rejects(stores.users.get(a.uid + 100), "not_found");
    await rejects(stores.users.getByLogin("nobody"), "not_found");
    await rejects(stores.users.get(0), "invalid_input", "uid");
    await rejects(stores.users.get(1.5), "invalid_input", "uid");
  });

  it("update() changes only the fields given", async ({ stores, clock }) => {
    const a = await stores.users.create({ login: "alice", name: "Alice", location: "Paris" });
    clock.advance(5000);
    const u = await stores.users.update(a.uid, { company: "Acme", admin: true });
    assert.is(u.name, "Alice");
    assert.is(u.location, "Paris");
    assert.is(u.company, "Acme");
    assert.is(u.admin, true);
    assert.is(u.updatedAt.getTime() - a.registeredAt.getTime(), 5000);
    assert.equal(await stores.users.get(a.uid), u);
    await rejects(stores.users.update(a.uid, { login: "x" } as never), "invalid_input", "update.login");
    await rejects(stores.users.update(a.uid + 1, { name: "x" }), "not_found");
  });

  it("delete() removes the user, its login and its emails", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await stores.users.setEmails(a.uid, [{ email: "a@example.com", verified: true, primary: true }]);
    await stores.users.delete(a.uid);
    await rejects(stores.users.get(a.uid), "not_found");
    await rejects(stores.users.getByLogin("alice"), "not_found");
    await rejects(stores.users.getByEmail("a@example.com"), "not_found");
    await rejects(stores.users.delete(a.uid), "not_found");
    const again = await stores.users.create({ login: "alice" });
    assert.ok(again.uid !== a.uid, "UIDs are not reused");
    await stores.users.setEmails(again.uid, [{ email: "a@example.com", verified: true, primary: true }]);
  });

  it("list() sorts by login, uid or registration, both ways", async ({ stores, clock }) => {
    for (const login of ["carol", "Alice", "bob"]) {
      await stores.users.create({ login });
      clock.advance(-1000);
    }
    const logins = async (o: object) => (await stores.users.list(o)).items.map((u) => u.login);
    assert.equal(await logins({}), ["Alice", "bob", "carol"]);
    assert.equal(await logins({ direction: "desc" }), ["carol", "bob", "Alice"]);
    assert.equal(await logins({ sort: "uid" }), ["carol", "Alice", "bob"]);
    assert.equal(await logins({ sort: "registered" }), ["bob", "Alice", "carol"]);
    assert.equal(await logins({ sort: "registered", direction: "desc" }), ["carol", "Alice", "bob"]);
    await rejects(stores.users.list({ sort: "name" as never }), "invalid_input", "sort");
    await rejects(stores.users.list({ limit: 0 }), "invalid_input", "limit");
    await rejects(stores.users.list({ limit: 1001 }), "invalid_input", "limit");
    await rejects(stores.users.list({ cursor: "garbage!" }), "invalid_input", "cursor");
  });

  it("list() refuses a cursor made for another sort, direction or list", async ({ stores }) => {
    for (const login of ["alice", "bob", "carol"]) await stores.users.create({ login });
    const orders = [
      {}, { direction: "desc" }, { sort: "uid" }, { sort: "uid", direction: "desc" },
      { sort: "registered" }, { sort: "registered", direction: "desc" },
    ] as const;
    for (const from of orders) {
      const cursor = (await stores.users.list({ ...from, limit: 1 })).nextCursor!;
      assert.is((await stores.users.list({ ...from, cursor })).items.length, 2);
      assert.is((await stores.users.list({ ...from, cursor, includeDisabled: true, query: "" })).items.length, 2);
      for (const to of orders) {
        if (to !== from) await rejects(stores.users.list({ ...to, cursor }), "invalid_input", "cursor");
      }
    }
    for (const login of ["acme", "beta"]) await stores.orgs.create({ login });
    const ofOrgs = (await stores.orgs.list({ limit: 1 })).nextCursor!;
    await rejects(stores.users.list({ cursor: ofOrgs }), "invalid_input", "cursor");
  });

  it("list() and count() filter by a case-insensitive login prefix", async ({ stores }) => {
    for (const login of ["alice", "Alfred", "bob", "al"]) await stores.users.create({ login });
    const page = await stores.users.list({ query: "AL" });
    assert.equal(page.items.map((u) => u.login), ["al", "Alfred", "alice"]);
    assert.is(await stores.users.count({ query: "al" }), 3);
    assert.is(await stores.users.count({ query: "zz" }), 0);
    assert.is(await stores.users.count(), 4);
  });

  it("list() and count() leave disabled users out unless asked", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await stores.users.create({ login: "bob" });
    await stores.users.update(a.uid, { disabled: true });
    assert.equal((await stores.users.list()).items.map((u) => u.login), ["bob"]);
    assert.is(await stores.users.count(), 1);
    assert.equal((await stores.users.list({ includeDisabled: true })).items.map((u) => u.login), ["alice", "bob"]);
    assert.is(await stores.users.count({ includeDisabled: true }), 2);
    await stores.users.update(a.uid, { disabled: false });
    assert.is(await stores.users.count(), 2);
  });

  it("list() pages never skip or repeat while users are added", async ({ stores }) => {
    for (let i = 0; i < 25; i++) await stores.users.create({ login: `u${String(i * 2).padStart(3, "0")}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = 0;
    for (;;) {
      const page = await stores.users.list({ limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((u) => u.login));
      // Insert before and after the cursor position between pages.
      if (added < 10) {
        await stores.users.create({ login: `u${String(added * 4 + 1).padStart(3, "0")}` });
        added++;
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.is(new Set(seen).size, seen.length, "no repeats");
    assert.equal(seen, [...seen].sort(), "in order");
    for (let i = 0; i < 25; i++) assert.ok(seen.includes(`u${String(i * 2).padStart(3, "0")}`), "nothing present at the start is skipped");
    const all = await drain((c) => stores.users.list({ limit: 7, sort: "uid", direction: "desc", ...(c ? { cursor: c } : {}) }));
    assert.is(all.length, 25 + added);
    assert.equal(all.map((u) => u.uid), all.map((u) => u.uid).sort((a, b) => b - a));
  });

  it("create() of one login by many callers at once: exactly one wins", async ({ stores }) => {
    const r = await concurrently(12, () => stores.users.create({ login: "racer" }));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(11).fill("already_exists"));
    const many = await concurrently(20, (i) => stores.users.create({ login: `user${i}` }));
    assert.is(many.ok.length, 20);
    assert.is(new Set(many.ok.map((u) => u.uid)).size, 20, "UIDs are unique");
  });

  it("setEmails() replaces all addresses in one step", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await stores.users.setEmails(a.uid, [
      { email: "b@example.com", verified: false, primary: false },
      { email: "A@Example.com", verified: true, primary: true },
    ]);
    assert.equal(await stores.users.listEmails(a.uid), [
      { email: "A@Example.com", verified: true, primary: true },
      { email: "b@example.com", verified: false, primary: false },
    ]);
    await stores.users.setEmails(a.uid, [{ email: "c@example.com", verified: true, primary: true }]);
    assert.equal((await stores.users.listEmails(a.uid)).map((e) => e.email), ["c@example.com"]);
    await rejects(stores.users.getByEmail("a@example.com"), "not_found");
    await stores.users.setEmails(a.uid, []);
    assert.equal(await stores.users.listEmails(a.uid), []);
    await rejects(stores.users.listEmails(a.uid + 1), "not_found");
  });

  it("setEmails() validates: addresses, duplicates, one primary", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await rejects(stores.users.setEmails(a.uid, [{ email: "nope", verified: true, primary: true }]), "invalid_input", "emails[0].email");
    await rejects(stores.users.setEmails(a.uid, [
      { email: "x@example.com", verified: true, primary: true },
      { email: "X@example.com", verified: true, primary: false },
    ]), "invalid_input", "emails[1].email");
    await rejects(stores.users.setEmails(a.uid, [
      { email: "x@example.com", verified: true, primary: true },
      { email: "y@example.com", verified: true, primary: true },
    ]), "invalid_input", "emails");
    await rejects(stores.users.setEmails(a.uid, "x" as never), "invalid_input", "emails");
    assert.equal(await stores.users.listEmails(a.uid), []);
  });

  it("an email belongs to at most one user; a refused change changes nothing", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    const b = await stores.users.create({ login: "bob" });
    await stores.users.setEmails(a.uid, [{ email: "shared@example.com", verified: true, primary: true }]);
    await stores.users.setEmails(b.uid, [{ email: "b@example.com", verified: true, primary: true }]);
    await rejects(stores.users.setEmails(b.uid, [
      { email: "b2@example.com", verified: true, primary: false },
      { email: "SHARED@example.com", verified: true, primary: true },
    ]), "already_exists");
    assert.equal((await stores.users.listEmails(b.uid)).map((e) => e.email), ["b@example.com"]);
    assert.is((await stores.users.getByEmail("b@example.com")).uid, b.uid);
    await rejects(stores.users.getByEmail("b2@example.com"), "not_found");
    const r = await concurrently(2, (i) => stores.users.setEmails(i === 0 ? a.uid : b.uid, [{ email: "race@example.com", verified: true, primary: true }]));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, ["already_exists"]);
  });

  it("getByEmail() matches verified addresses, and primary ones when asked", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await stores.users.setEmails(a.uid, [
      { email: "main@example.com", verified: true, primary: true },
      { email: "alt@example.com", verified: true, primary: false },
      { email: "new@example.com", verified: false, primary: false },
    ]);
    assert.is((await stores.users.getByEmail("MAIN@example.com")).uid, a.uid);
    assert.is((await stores.users.getByEmail("main@example.com", { primary: true })).uid, a.uid);
    assert.is((await stores.users.getByEmail("alt@example.com")).uid, a.uid);
    await rejects(stores.users.getByEmail("alt@example.com", { primary: true }), "not_found");
    await rejects(stores.users.getByEmail("new@example.com"), "not_found");
    assert.is((await stores.users.getByEmail("new@example.com", { verified: false })).uid, a.uid);
    await rejects(stores.users.getByEmail("not an email"), "invalid_input", "email");
  });

  it("getByEmail() validates match: an object with only verified and primary", async ({ stores }) => {
    const a = await stores.users.create({ login: "alice" });
    await stores.users.setEmails(a.uid, [{ email: "main@example.com", verified: true, primary: true }]);
    await rejects(stores.users.getByEmail("main@example.com", null as never), "invalid_input", "match");
    await rejects(stores.users.getByEmail("main@example.com", "primary" as never), "invalid_input", "match");
    await rejects(stores.users.getByEmail("main@example.com", [] as never), "invalid_input", "match");
    await rejects(stores.users.getByEmail("main@example.com", { verifed: false } as never), "invalid_input", "match.verifed");
    await rejects(stores.users.getByEmail("main@example.com", { verified: "no" } as never), "invalid_input", "match.verified");
    await rejects(stores.users.getByEmail("main@example.com", { primary: 1 } as never), "invalid_input", "match.primary");
    assert.is((await stores.users.getByEmail("main@example.com", undefined)).uid, a.uid);
    assert.is((await stores.users.getByEmail("main@example.com", {})).uid, a.uid);
  });

  return test;
}
