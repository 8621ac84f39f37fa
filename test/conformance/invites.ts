import * as assert from "uvu/assert";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

export default function invites(make: Factory) {
  const { test, it } = storeSuite("invites", make);

  it("createOrUpdate() returns a token; list() shows the invite, not in use", async ({ stores }) => {
    const token = await stores.invites.createOrUpdate({ email: "Alice@Example.com", write: true });
    assert.type(token, "string");
    assert.ok(token.length >= 32, "a token carries enough entropy");
    assert.equal(await stores.invites.list(), [{ email: "Alice@Example.com", admin: false, write: true, inUse: false, createdAt: T0 }]);
    assert.not.ok(JSON.stringify(await stores.invites.list()).includes(token), "the token is not listed");
  });

  it("retrieve() marks the invite in use; a second retrieve() is a conflict", async ({ stores }) => {
    const token = await stores.invites.createOrUpdate({ email: "a@example.com", admin: true });
    const inv = await stores.invites.retrieve(token);
    assert.equal(inv, { email: "a@example.com", admin: true, write: false, inUse: true, createdAt: T0 });
    await rejects(stores.invites.retrieve(token), "conflict");
    assert.equal(await stores.invites.list(), [inv]);
  });

  it("markUnused() lets the invite be retrieved again", async ({ stores }) => {
    const token = await stores.invites.createOrUpdate({ email: "a@example.com" });
    await stores.invites.markUnused(token);
    await stores.invites.retrieve(token);
    await stores.invites.markUnused(token);
    assert.is((await stores.invites.list())[0]!.inUse, false);
    assert.is((await stores.invites.retrieve(token)).inUse, true);
    await rejects(stores.invites.markUnused("no-such-token"), "not_found");
  });

  it("of many concurrent retrieve() calls of one token exactly one wins", async ({ stores }) => {
    const token = await stores.invites.createOrUpdate({ email: "a@example.com" });
    const r = await concurrently(12, () => stores.invites.retrieve(token));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(11).fill("conflict"));
  });

  it("createOrUpdate() of the same email, in any case, replaces the invite and its token", async ({ stores, clock }) => {
    const old = await stores.invites.createOrUpdate({ email: "a@example.com", admin: true });
    await stores.invites.retrieve(old);
    clock.advance(1000);
    const token = await stores.invites.createOrUpdate({ email: "A@EXAMPLE.com", write: true });
    assert.ok(token !== old, "a new token each call");
    assert.equal(await stores.invites.list(), [
      { email: "A@EXAMPLE.com", admin: false, write: true, inUse: false, createdAt: new Date(T0.getTime() + 1000) },
    ]);
    await rejects(stores.invites.retrieve(old), "not_found");
    await rejects(stores.invites.markUnused(old), "not_found");
    await rejects(stores.invites.delete(old), "not_found");
    assert.is((await stores.invites.retrieve(token)).email, "A@EXAMPLE.com");
  });

  it("concurrent createOrUpdate() of one email leaves one invite whose token is one of those returned", async ({ stores }) => {
    const r = await concurrently(8, () => stores.invites.createOrUpdate({ email: "a@example.com" }));
    assert.is(r.ok.length, 8);
    assert.is((await stores.invites.list()).length, 1);
    const tries = await concurrently(8, (i) => stores.invites.retrieve(r.ok[i]!));
    assert.is(tries.ok.length, 1, "only the last token works");
    assert.equal(tries.codes, Array(7).fill("not_found"));
  });

  it("retrieve() of an unknown token is not_found", async ({ stores }) => {
    const token = await stores.invites.createOrUpdate({ email: "a@example.com" });
    await rejects(stores.invites.retrieve("no-such-token"), "not_found");
    await rejects(stores.invites.retrieve(token.slice(1)), "not_found");
    await rejects(stores.invites.retrieve(""), "invalid_input", "token");
    await rejects(stores.invites.retrieve(7 as never), "invalid_input", "token");
  });

  it("delete() removes the invite of a token", async ({ stores }) => {
    const a = await stores.invites.createOrUpdate({ email: "a@example.com" });
    await stores.invites.createOrUpdate({ email: "b@example.com" });
    await stores.invites.delete(a);
    assert.equal((await stores.invites.list()).map((i) => i.email), ["b@example.com"]);
    await rejects(stores.invites.retrieve(a), "not_found");
    await rejects(stores.invites.delete(a), "not_found");
    await rejects(stores.invites.delete("no-such-token"), "not_found");
    await rejects(stores.invites.delete(""), "invalid_input", "token");
    const again = await stores.invites.createOrUpdate({ email: "a@example.com" });
    assert.is((await stores.invites.retrieve(again)).email, "a@example.com");
  });

  it("deleteByEmail() removes the invite, ignoring case; not_found when there is none", async ({ stores }) => {
    const a = await stores.invites.createOrUpdate({ email: "a@example.com" });
    await stores.invites.deleteByEmail("A@Example.COM");
    assert.equal(await stores.invites.list(), []);
    await rejects(stores.invites.retrieve(a), "not_found");
    await rejects(stores.invites.deleteByEmail("a@example.com"), "not_found");
    await rejects(stores.invites.deleteByEmail("nobody@example.com"), "not_found");
    await rejects(stores.invites.deleteByEmail("not an email"), "invalid_input", "email");
    const r = await concurrently(2, async () => {
      await stores.invites.createOrUpdate({ email: "b@example.com" });
    });
    assert.is(r.ok.length, 2);
    const d = await concurrently(5, () => stores.invites.deleteByEmail("b@example.com"));
    assert.is(d.ok.length, 1);
    assert.equal(d.codes, Array(4).fill("not_found"));
  });

  it("list() is sorted by email, ignoring case", async ({ stores }) => {
    for (const email of ["carol@example.com", "Bob@example.com", "alice@example.com", "bea@example.com"]) {
      await stores.invites.createOrUpdate({ email });
    }
    assert.equal((await stores.invites.list()).map((i) => i.email), ["alice@example.com", "bea@example.com", "Bob@example.com", "carol@example.com"]);
    const long = `${"x".repeat(200)}@example.com`;
    await stores.invites.createOrUpdate({ email: long });
    assert.is((await stores.invites.list()).at(-1)!.email, long);
    // Code unit order, as JavaScript compares strings: an address beyond the BMP (a surrogate pair,
    // U+D835...) sorts before U+FF41, though its UTF-8 bytes sort after.
    await stores.invites.createOrUpdate({ email: "\uFF41@example.com" });
    await stores.invites.createOrUpdate({ email: "\u{1D4B6}@example.com" });
    assert.equal((await stores.invites.list()).slice(-2).map((i) => i.email), ["\u{1D4B6}@example.com", "\uFF41@example.com"]);
  });

  it("createOrUpdate() validates every field and names it", async ({ stores }) => {
    await rejects(stores.invites.createOrUpdate({ email: "" }), "invalid_input", "email");
    await rejects(stores.invites.createOrUpdate({ email: "no-at-sign" }), "invalid_input", "email");
    await rejects(stores.invites.createOrUpdate({ email: `${"x".repeat(250)}@example.com` }), "invalid_input", "email");
    await rejects(stores.invites.createOrUpdate({ email: "a@example.com", admin: "yes" as never }), "invalid_input", "admin");
    await rejects(stores.invites.createOrUpdate({ email: "a@example.com", write: 1 as never }), "invalid_input", "write");
    await rejects(stores.invites.createOrUpdate({ email: "a@example.com", inUse: true } as never), "invalid_input", "invite.inUse");
    await rejects(stores.invites.createOrUpdate(null as never), "invalid_input", "invite");
    assert.equal(await stores.invites.list(), []);
  });

  return test;
}
