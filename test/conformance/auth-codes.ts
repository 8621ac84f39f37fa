import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

const CB = "https://app.example.com/cb";

/** A user and a registered client to make codes for. */
async function setup(stores: Stores): Promise<{ uid: number; clientID: string }> {
  const u = await stores.users.create({ login: "alice" });
  await stores.oauthClients.create({ id: "app", secret: "s3cret-s3cret-s3cret-0123456789", redirectURIs: [CB] });
  await stores.oauthClients.create({ id: "other", secret: "s3cret-s3cret-s3cret-0123456789", redirectURIs: [CB] });
  return { uid: u.uid, clientID: "app" };
}

export default function authCodes(make: Factory) {
  const { test, it } = storeSuite("auth-codes", make);

  it("create() for a UID no user can have (beyond 32 bits) is not_found", async ({ stores }) => {
    const { clientID } = await setup(stores);
    await rejects(stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid: 2 ** 31 }), "not_found");
  });

  it("create() returns a random code that exchange() turns into its grant", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: ["openid", "user:email", "https://x.example/read"], uid });
    assert.type(code, "string");
    assert.ok(code.length >= 32, "a code carries enough entropy");
    assert.equal(await stores.authCodes.exchange(code, clientID, CB), {
      clientID, redirectURI: CB, scope: ["openid", "user:email", "https://x.example/read"], uid,
    });
    const many = await concurrently(20, () => stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid }));
    assert.is(new Set(many.ok).size, 20, "codes are unique");
  });

  it("exchange() of a spent code is a conflict", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid });
    await stores.authCodes.exchange(code, clientID, CB);
    await rejects(stores.authCodes.exchange(code, clientID, CB), "conflict");
    await rejects(stores.authCodes.exchange(code, clientID, CB), "conflict");
  });

  it("exchange() with another client or redirect URI is not_found and does not spend the code", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: ["read"], uid });
    await rejects(stores.authCodes.exchange(code, "other", CB), "not_found");
    await rejects(stores.authCodes.exchange(code, "APP", CB), "not_found");
    await rejects(stores.authCodes.exchange(code, clientID, CB + "/"), "not_found");
    await rejects(stores.authCodes.exchange(code, clientID, "https://evil.example/cb"), "not_found");
    assert.is((await stores.authCodes.exchange(code, clientID, CB)).uid, uid);
    await rejects(stores.authCodes.exchange(code, "other", CB), "not_found");
  });

  it("exchange() of an unknown code is not_found", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid });
    await rejects(stores.authCodes.exchange("no-such-code", clientID, CB), "not_found");
    await rejects(stores.authCodes.exchange(code.slice(0, -1), clientID, CB), "not_found");
    await rejects(stores.authCodes.exchange(code.toUpperCase(), clientID, CB), "not_found");
  });

  it("a code expires after its TTL, 600 s by default", async ({ stores, clock }) => {
    const { uid, clientID } = await setup(stores);
    const mk = (ttlSeconds?: number) =>
      stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) });
    const a = await mk(), b = await mk(), short = await mk(1), long = await mk(3600);
    clock.advance(999);
    await stores.authCodes.exchange(short, clientID, CB);
    clock.advance(600_000 - 999 - 1);
    await stores.authCodes.exchange(a, clientID, CB);
    clock.advance(1);
    await rejects(stores.authCodes.exchange(b, clientID, CB), "not_found");
    await stores.authCodes.exchange(long, clientID, CB);
    const late = await mk(1);
    clock.advance(1000);
    await rejects(stores.authCodes.exchange(late, clientID, CB), "not_found");
  });

  it("an expired spent code is not_found, not a conflict", async ({ stores, clock }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid, ttlSeconds: 60 });
    await stores.authCodes.exchange(code, clientID, CB);
    clock.advance(60_000);
    await rejects(stores.authCodes.exchange(code, clientID, CB), "not_found");
  });

  it("of many concurrent exchanges of one code exactly one succeeds, the others are conflicts", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: ["read"], uid });
    const r = await concurrently(12, () => stores.authCodes.exchange(code, clientID, CB));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(11).fill("conflict"));
    const codes = await Promise.all(Array.from({ length: 5 }, () => stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid })));
    const all = await concurrently(15, (i) => stores.authCodes.exchange(codes[i % 5]!, clientID, CB));
    assert.is(all.ok.length, 5, "each code is spent once");
    assert.equal(all.codes, Array(10).fill("conflict"));
  });

  it("purgeExpired() deletes expired codes, spent or not, and returns how many", async ({ stores, clock }) => {
    const { uid, clientID } = await setup(stores);
    const mk = (ttlSeconds: number) => stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid, ttlSeconds });
    assert.is(await stores.authCodes.purgeExpired(), 0);
    const spent = await mk(60), unspent = await mk(60), later = await mk(120), fresh = await mk(3600);
    await stores.authCodes.exchange(spent, clientID, CB);
    clock.advance(59_999);
    assert.is(await stores.authCodes.purgeExpired(), 0, "nothing has expired yet");
    clock.advance(1);
    assert.is(await stores.authCodes.purgeExpired(), 2);
    assert.is(await stores.authCodes.purgeExpired(), 0, "a second purge finds nothing");
    await rejects(stores.authCodes.exchange(unspent, clientID, CB), "not_found");
    await rejects(stores.authCodes.exchange(spent, clientID, CB), "not_found");
    assert.is((await stores.authCodes.exchange(later, clientID, CB)).uid, uid);
    clock.advance(60_000);
    assert.is(await stores.authCodes.purgeExpired(), 1);
    assert.is((await stores.authCodes.exchange(fresh, clientID, CB)).uid, uid);
    clock.advance(3_600_000);
    assert.is(await stores.authCodes.purgeExpired(), 1);
  });

  it("create() needs a registered client and an existing user", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    await rejects(stores.authCodes.create({ clientID: "nobody", redirectURI: CB, scope: [], uid }), "not_found");
    await rejects(stores.authCodes.create({ clientID: "APP", redirectURI: CB, scope: [], uid }), "not_found");
    await rejects(stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid: uid + 100 }), "not_found");
  });

  it("a code stops working when its client (even if registered again) or its user is deleted", async ({ stores, clock }) => {
    const { uid, clientID } = await setup(stores);
    const a = await stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid });
    const b = await stores.authCodes.create({ clientID: "other", redirectURI: CB, scope: [], uid });
    await stores.oauthClients.delete(clientID);
    await rejects(stores.authCodes.exchange(a, clientID, CB), "not_found");
    clock.advance(1000);
    await stores.oauthClients.create({ id: clientID, secret: "another-secret-0123456789", redirectURIs: [CB] });
    await rejects(stores.authCodes.exchange(a, clientID, CB), "not_found");
    await stores.users.delete(uid);
    await rejects(stores.authCodes.exchange(b, "other", CB), "not_found");
  });

  it("create() validates every field and names it", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const ok = { clientID, redirectURI: CB, scope: ["read"], uid };
    const c = stores.authCodes;
    await rejects(c.create({ ...ok, clientID: "" }), "invalid_input", "clientID");
    await rejects(c.create({ ...ok, redirectURI: "" }), "invalid_input", "redirectURI");
    await rejects(c.create({ ...ok, redirectURI: "/cb" }), "invalid_input", "redirectURI");
    await rejects(c.create({ ...ok, redirectURI: "javascript:alert(1)" }), "invalid_input", "redirectURI");
    await rejects(c.create({ ...ok, scope: "read" as never }), "invalid_input", "scope");
    await rejects(c.create({ ...ok, scope: ["read", "has space"] }), "invalid_input", "scope[1]");
    await rejects(c.create({ ...ok, scope: [""] }), "invalid_input", "scope[0]");
    await rejects(c.create({ ...ok, scope: ["read", "read"] }), "invalid_input", "scope[1]");
    await rejects(c.create({ ...ok, scope: [7 as never] }), "invalid_input", "scope[0]");
    await rejects(c.create({ ...ok, uid: 0 }), "invalid_input", "uid");
    await rejects(c.create({ ...ok, ttlSeconds: 0 }), "invalid_input", "ttlSeconds");
    await rejects(c.create({ ...ok, ttlSeconds: 3601 }), "invalid_input", "ttlSeconds");
    await rejects(c.create({ ...ok, ttlSeconds: 1.5 }), "invalid_input", "ttlSeconds");
    await rejects(c.create({ ...ok, state: "x" } as never), "invalid_input", "code.state");
    await rejects(c.create(null as never), "invalid_input", "code");
  });

  it("exchange() validates its arguments", async ({ stores }) => {
    const { uid, clientID } = await setup(stores);
    const code = await stores.authCodes.create({ clientID, redirectURI: CB, scope: [], uid });
    await rejects(stores.authCodes.exchange("", clientID, CB), "invalid_input", "code");
    await rejects(stores.authCodes.exchange("x".repeat(513), clientID, CB), "invalid_input", "code");
    await rejects(stores.authCodes.exchange(code, "", CB), "invalid_input", "clientID");
    await rejects(stores.authCodes.exchange(code, clientID, "not a url"), "invalid_input", "redirectURI");
    assert.is((await stores.authCodes.exchange(code, clientID, CB)).uid, uid, "a refused call does not spend the code");
  });

  return test;
}
