import * as assert from "uvu/assert";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

const TOKEN = "gho_16C7e42F292c6912E7710c838347Ae178B4a";

export default function externalTokens(make: Factory) {
  const { test, it } = storeSuite("external-tokens", make);

  it("set() creates a token that get() returns, with the clock's time", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    const t = await stores.externalTokens.set({ uid, host: "github.com", clientID: "Iv1.abc", token: TOKEN, scope: "repo,user:email" });
    assert.equal(t, { uid, host: "github.com", clientID: "Iv1.abc", token: TOKEN, scope: "repo,user:email", updatedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)) });
    assert.equal(await stores.externalTokens.get(uid, "github.com", "Iv1.abc"), t);
  });

  it("set() replaces the token of the same (user, host, client ID)", async ({ stores, clock }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    const a = await stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: "first", scope: "" });
    clock.advance(2000);
    const b = await stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: "second", scope: "repo" });
    assert.is(b.updatedAt.getTime() - a.updatedAt.getTime(), 2000);
    assert.equal(await stores.externalTokens.get(uid, "github.com", "c"), b);
  });

  it("tokens are keyed by user, host and client ID", async ({ stores }) => {
    const a = (await stores.users.create({ login: "alice" })).uid;
    const b = (await stores.users.create({ login: "bob" })).uid;
    const keys = [
      [a, "github.com", "c"], [b, "github.com", "c"], [a, "gitlab.com", "c"], [a, "github.com", "d"],
      [a, "github.com:8443", "c"], [a, "github.com", "C"], [a, "[::1]:3000", "a b/c%d"], [a, "github.com", "x".repeat(128)],
    ] as const;
    for (const [i, [uid, host, clientID]] of keys.entries()) await stores.externalTokens.set({ uid, host, clientID, token: `t${i}`, scope: "" });
    for (const [i, [uid, host, clientID]] of keys.entries()) assert.is((await stores.externalTokens.get(uid, host, clientID)).token, `t${i}`);
    await stores.externalTokens.delete(a, "github.com", "c");
    await rejects(stores.externalTokens.get(a, "github.com", "c"), "not_found");
    assert.is((await stores.externalTokens.get(b, "github.com", "c")).token, "t1");
  });

  it("get() and delete() are not_found when there is no token", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    await rejects(stores.externalTokens.get(2 ** 31, "github.com", "c"), "not_found");
    await rejects(stores.externalTokens.delete(2 ** 31, "github.com", "c"), "not_found");
    await rejects(stores.externalTokens.set({ uid: 2 ** 31, host: "github.com", clientID: "c", token: TOKEN, scope: "" }), "not_found");
    await rejects(stores.externalTokens.get(uid, "github.com", "c"), "not_found");
    await rejects(stores.externalTokens.delete(uid, "github.com", "c"), "not_found");
    await stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: TOKEN, scope: "" });
    await stores.externalTokens.delete(uid, "github.com", "c");
    await rejects(stores.externalTokens.get(uid, "github.com", "c"), "not_found");
    await rejects(stores.externalTokens.delete(uid, "github.com", "c"), "not_found");
    const r = await concurrently(2, () => stores.externalTokens.delete(uid, "github.com", "c"));
    assert.equal(r.codes, ["not_found", "not_found"]);
  });

  it("of concurrent deletes of one token exactly one succeeds", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    await stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: TOKEN, scope: "" });
    const r = await concurrently(6, () => stores.externalTokens.delete(uid, "github.com", "c"));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(5).fill("not_found"));
  });

  it("concurrent set() of one key leaves one of the written tokens", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    const r = await concurrently(8, (i) => stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: `tok-${i}`, scope: "" }));
    assert.is(r.ok.length, 8);
    const t = await stores.externalTokens.get(uid, "github.com", "c");
    assert.ok(r.ok.some((w) => w.token === t.token));
  });

  it("tokens belong to an existing user", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    await rejects(stores.externalTokens.set({ uid: uid + 100, host: "github.com", clientID: "c", token: TOKEN, scope: "" }), "not_found");
    await stores.externalTokens.set({ uid, host: "github.com", clientID: "c", token: TOKEN, scope: "" });
    await stores.users.delete(uid);
    await rejects(stores.externalTokens.get(uid, "github.com", "c"), "not_found");
  });

  it("set() validates every field and names it, never echoing the token", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    const ok = { uid, host: "github.com", clientID: "c", token: TOKEN, scope: "" };
    const t = stores.externalTokens;
    const errors = [
      await rejects(t.set({ ...ok, uid: 0 }), "invalid_input", "uid"),
      await rejects(t.set({ ...ok, host: "" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, host: "GitHub.com" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, host: "https://github.com" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, host: "github.com/path" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, host: "../etc" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, host: "github.com:99999" }), "invalid_input", "host"),
      await rejects(t.set({ ...ok, clientID: "" }), "invalid_input", "clientID"),
      await rejects(t.set({ ...ok, clientID: "x".repeat(129) }), "invalid_input", "clientID"),
      await rejects(t.set({ ...ok, token: "" }), "invalid_input", "token"),
      await rejects(t.set({ ...ok, token: `${TOKEN}\n` }), "invalid_input", "token"),
      await rejects(t.set({ ...ok, token: 5 as never }), "invalid_input", "token"),
      await rejects(t.set({ ...ok, scope: undefined as never }), "invalid_input", "scope"),
      await rejects(t.set({ ...ok, scope: "a\u0000" }), "invalid_input", "scope"),
      await rejects(t.set({ ...ok, updatedAt: new Date() } as never), "invalid_input", "externalToken.updatedAt"),
      await rejects(t.set(null as never), "invalid_input", "externalToken"),
    ];
    for (const e of errors) assert.not.ok(e.message.includes(TOKEN), `the token is not in "${e.message}"`);
    await rejects(t.get(uid, "github.com", "c"), "not_found");
  });

  it("get() and delete() validate the key", async ({ stores }) => {
    const { uid } = await stores.users.create({ login: "alice" });
    await rejects(stores.externalTokens.get(0, "github.com", "c"), "invalid_input", "uid");
    await rejects(stores.externalTokens.get(uid, "a b", "c"), "invalid_input", "host");
    await rejects(stores.externalTokens.get(uid, "github.com", ""), "invalid_input", "clientID");
    await rejects(stores.externalTokens.delete(-1, "github.com", "c"), "invalid_input", "uid");
    await rejects(stores.externalTokens.delete(uid, "", "c"), "invalid_input", "host");
    await rejects(stores.externalTokens.delete(uid, "github.com", "\n"), "invalid_input", "clientID");
  });

  return test;
}
