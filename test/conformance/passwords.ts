import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

// Every set(), check() and reset() runs a slow KDF (~60 ms): the tests keep their number small.

export default function passwords(make: Factory) {
  const { test, it } = storeSuite("passwords", make);

  const user = async (stores: Stores, login = "alice") => (await stores.users.create({ login })).uid;
  const HOUR = 3600 * 1000;

  it("check() is true for the password set and false for any other", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "correct horse");
    assert.is(await stores.passwords.check(uid, "correct horse"), true);
    assert.is(await stores.passwords.check(uid, "Correct horse"), false);
    assert.is(await stores.passwords.check(uid, "correct horse "), false);
  });

  it("set() replaces the old password", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "first");
    await stores.passwords.set(uid, "second ünïcode 🔑");
    assert.is(await stores.passwords.check(uid, "first"), false);
    assert.is(await stores.passwords.check(uid, "second ünïcode 🔑"), true);
  });

  it("set() of an empty password is invalid_input and keeps the old one", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "old");
    await rejects(stores.passwords.set(uid, ""), "invalid_input", "password");
    await rejects(stores.passwords.set(uid, "x".repeat(1025)), "invalid_input", "password");
    await rejects(stores.passwords.set(uid, 42 as never), "invalid_input", "password");
    await rejects(stores.passwords.set(0, "pw"), "invalid_input", "uid");
    await rejects(stores.passwords.set(1.5, "pw"), "invalid_input", "uid");
    assert.is(await stores.passwords.check(uid, "old"), true);
  });

  it("set() for a missing user is not_found", async ({ stores }) => {
    const uid = await user(stores);
    await rejects(stores.passwords.set(uid + 1, "pw"), "not_found");
    await rejects(stores.passwords.set(2 ** 31, "pw"), "not_found");
    await rejects(stores.passwords.requestReset(2 ** 31), "not_found");
    assert.is(await stores.passwords.check(2 ** 31, "pw"), false);
  });

  it("check() is false for a user without a password and for a missing user", async ({ stores }) => {
    const uid = await user(stores);
    assert.is(await stores.passwords.check(uid, "anything"), false);
    assert.is(await stores.passwords.check(uid + 1, "anything"), false);
  });

  it("check() validates its input: a password set() refuses is invalid_input", async ({ stores }) => {
    const uid = await user(stores);
    await rejects(stores.passwords.check(0, "pw"), "invalid_input", "uid");
    await rejects(stores.passwords.check(uid, ""), "invalid_input", "password");
    await rejects(stores.passwords.check(uid, "x".repeat(1025)), "invalid_input", "password");
    await rejects(stores.passwords.check(uid, null as never), "invalid_input", "password");
  });

  it("check() of a missing user takes about as long as a wrong password", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "secret");
    const time = async (id: number) => {
      const t = performance.now();
      assert.is(await stores.passwords.check(id, "wrong"), false);
      return performance.now() - t;
    };
    const wrong = Math.min(await time(uid), await time(uid));
    const missing = Math.min(await time(uid + 1000), await time(uid + 1000));
    // A lookup alone would take well under 1% of a slow hash; allow for a busy machine.
    assert.ok(missing > wrong * 0.2, `missing user ${missing.toFixed(1)} ms vs wrong password ${wrong.toFixed(1)} ms`);
  });

  it("users.delete() removes the password: check() is false, set() not_found", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "pw");
    await stores.users.delete(uid);
    assert.is(await stores.passwords.check(uid, "pw"), false);
    await rejects(stores.passwords.set(uid, "pw"), "not_found");
    const again = await user(stores);
    assert.is(await stores.passwords.check(again, "pw"), false, "a new user of the same login has no password");
  });

  it("requestReset() returns a new random token expiring in one hour by default", async ({ stores, clock }) => {
    const uid = await user(stores);
    const a = await stores.passwords.requestReset(uid);
    const b = await stores.passwords.requestReset(uid, {});
    assert.is(a.uid, uid);
    assert.equal(Object.keys(a).sort(), ["expiresAt", "token", "uid"]);
    assert.type(a.token, "string");
    assert.ok(a.token.length >= 32, "a token carries enough entropy");
    assert.is.not(a.token, b.token);
    assert.equal(a.expiresAt, new Date(clock.now().getTime() + HOUR));
    const c = await stores.passwords.requestReset(uid, { ttlSeconds: 60 });
    assert.equal(c.expiresAt, new Date(clock.now().getTime() + 60_000));
    const d = await stores.passwords.requestReset(uid, { ttlSeconds: 7 * 24 * 3600 });
    assert.equal(d.expiresAt, new Date(clock.now().getTime() + 7 * 24 * HOUR));
  });

  it("requestReset() validates the user and the lifetime", async ({ stores }) => {
    const uid = await user(stores);
    await rejects(stores.passwords.requestReset(uid + 1), "not_found");
    await rejects(stores.passwords.requestReset(0), "invalid_input", "uid");
    await rejects(stores.passwords.requestReset(uid, { ttlSeconds: 0 }), "invalid_input", "ttlSeconds");
    await rejects(stores.passwords.requestReset(uid, { ttlSeconds: 7 * 24 * 3600 + 1 }), "invalid_input", "ttlSeconds");
    await rejects(stores.passwords.requestReset(uid, { ttlSeconds: 1.5 }), "invalid_input", "ttlSeconds");
    await rejects(stores.passwords.requestReset(uid, { ttlSeconds: "60" as never }), "invalid_input", "ttlSeconds");
    await rejects(stores.passwords.requestReset(uid, { ttl: 60 } as never), "invalid_input", "options.ttl");
    await rejects(stores.passwords.requestReset(uid, null as never), "invalid_input", "options");
  });

  it("reset() sets the password, returns the UID and spends the token", async ({ stores }) => {
    const uid = await user(stores);
    await stores.passwords.set(uid, "forgotten");
    const { token } = await stores.passwords.requestReset(uid);
    assert.is(await stores.passwords.check(uid, "forgotten"), true, "a request alone changes nothing");
    assert.is(await stores.passwords.reset(token, "remembered"), uid);
    assert.is(await stores.passwords.check(uid, "remembered"), true);
    assert.is(await stores.passwords.check(uid, "forgotten"), false);
    await rejects(stores.passwords.reset(token, "again"), "not_found");
  });

  it("reset() works for a user who never had a password", async ({ stores }) => {
    const uid = await user(stores);
    const { token } = await stores.passwords.requestReset(uid);
    assert.is(await stores.passwords.reset(token, "first"), uid);
    assert.is(await stores.passwords.check(uid, "first"), true);
  });

  it("reset() of an unknown token is not_found; bad input is invalid_input and spends nothing", async ({ stores }) => {
    const uid = await user(stores);
    const { token } = await stores.passwords.requestReset(uid);
    await rejects(stores.passwords.reset("no-such-token", "pw"), "not_found");
    await rejects(stores.passwords.reset(token.slice(0, -1), "pw"), "not_found");
    await rejects(stores.passwords.reset("", "pw"), "invalid_input", "token");
    await rejects(stores.passwords.reset(7 as never, "pw"), "invalid_input", "token");
    await rejects(stores.passwords.reset(token, ""), "invalid_input", "newPassword");
    await rejects(stores.passwords.reset(token, "x".repeat(1025)), "invalid_input", "newPassword");
    assert.is(await stores.passwords.reset(token, "pw"), uid, "the token survived the refused calls");
  });

  it("reset() works until expiresAt and is not_found from then on", async ({ stores, clock }) => {
    const uid = await user(stores);
    const a = await stores.passwords.requestReset(uid, { ttlSeconds: 60 });
    const b = await stores.passwords.requestReset(uid, { ttlSeconds: 60 });
    const byDefault = await stores.passwords.requestReset(uid);
    clock.advance(60_000 - 1);
    assert.is(await stores.passwords.reset(a.token, "in time"), uid, "valid 1 ms before expiresAt");
    clock.advance(1);
    await rejects(stores.passwords.reset(b.token, "late"), "not_found");
    await rejects(stores.passwords.reset(b.token, "late"), "not_found");
    clock.advance(HOUR - 60_000);
    await rejects(stores.passwords.reset(byDefault.token, "late"), "not_found");
    assert.is(await stores.passwords.check(uid, "in time"), true, "an expired token changes nothing");
    const fresh = await stores.passwords.requestReset(uid);
    clock.advance(HOUR - 1);
    assert.is(await stores.passwords.reset(fresh.token, "an hour later"), uid, "the default lifetime is one hour");
  });

  it("reset() by many callers at once with one token: exactly one succeeds", async ({ stores }) => {
    const uid = await user(stores);
    const { token } = await stores.passwords.requestReset(uid);
    const r = await concurrently(5, async (i) => {
      assert.is(await stores.passwords.reset(token, `racer-${i}`), uid);
      return i;
    });
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(4).fill("not_found"));
    assert.is(await stores.passwords.check(uid, `racer-${r.ok[0]}`), true, "the winner's password is set");
  });

  it("reset() of a token whose user was deleted is not_found", async ({ stores }) => {
    const uid = await user(stores);
    const { token } = await stores.passwords.requestReset(uid);
    await stores.users.delete(uid);
    await rejects(stores.passwords.reset(token, "pw"), "not_found");
    await rejects(stores.passwords.requestReset(uid), "not_found");
  });

  it("each user's password and tokens are their own", async ({ stores }) => {
    const a = await user(stores, "alice");
    const b = await user(stores, "bob");
    await stores.passwords.set(a, "same");
    assert.is(await stores.passwords.check(b, "same"), false);
    const { token } = await stores.passwords.requestReset(b);
    assert.is(await stores.passwords.reset(token, "bobs"), b);
    assert.is(await stores.passwords.check(a, "same"), true);
    assert.is(await stores.passwords.check(a, "bobs"), false);
  });

  return test;
}
