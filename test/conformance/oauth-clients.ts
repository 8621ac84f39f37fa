import * as assert from "uvu/assert";
import { concurrently, drain, rejects, storeSuite, type Factory } from "./harness.ts";

const SECRET = "s3cret-s3cret-s3cret-0123456789";
const JWKS = JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] });
const JWKS2 = JSON.stringify({ keys: [{ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }] });

export default function oauthClients(make: Factory) {
  const { test, it } = storeSuite("oauth-clients", make);

  it("create() returns the client with defaults and the clock's time, never the secret", async ({ stores }) => {
    const c = await stores.oauthClients.create({ id: "app-1", secret: SECRET });
    const t = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
    assert.equal(c, {
      id: "app-1", name: "", description: "", clientURI: "", redirectURIs: [], type: "other", jwks: "",
      hasSecret: true, createdAt: t, updatedAt: t,
    });
    const full = await stores.oauthClients.create({
      id: "app-2", secret: SECRET, name: "App", description: "Line 1\nLine 2", clientURI: "https://app.example.com",
      redirectURIs: ["https://app.example.com/cb", "com.example.app:/oauth2redirect", "http://127.0.0.1:8080/cb"], type: "web",
    });
    assert.equal(full.redirectURIs, ["https://app.example.com/cb", "com.example.app:/oauth2redirect", "http://127.0.0.1:8080/cb"]);
    assert.is(full.type, "web");
    assert.equal(await stores.oauthClients.get("app-2"), full);
    for (const x of [c, full, await stores.oauthClients.get("app-1"), ...(await stores.oauthClients.list()).items]) {
      assert.not.ok(JSON.stringify(x).includes(SECRET), "the secret is never returned");
      assert.not.ok("secret" in x, "no secret field");
    }
  });

  it("create() with a JWKS makes a client without a secret", async ({ stores }) => {
    const c = await stores.oauthClients.create({ id: "signer", jwks: JWKS, type: "service" });
    assert.is(c.jwks, JWKS);
    assert.is(c.hasSecret, false);
    assert.equal(await stores.oauthClients.get("signer"), c);
  });

  it("create() needs exactly one of secret and jwks", async ({ stores }) => {
    await rejects(stores.oauthClients.create({ id: "both", secret: SECRET, jwks: JWKS }), "invalid_input", "client");
    await rejects(stores.oauthClients.create({ id: "neither" }), "invalid_input", "client");
    assert.equal((await stores.oauthClients.list()).items, []);
  });

  it("create() refuses a taken ID; of many concurrent creates exactly one wins", async ({ stores }) => {
    await stores.oauthClients.create({ id: "taken", secret: SECRET });
    await rejects(stores.oauthClients.create({ id: "taken", jwks: JWKS }), "already_exists");
    assert.is((await stores.oauthClients.get("taken")).hasSecret, true, "the first client is kept");
    const r = await concurrently(10, (i) => stores.oauthClients.create({ id: "racer", secret: `${SECRET}-${i}` }));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(9).fill("already_exists"));
    const m = await concurrently(10, (i) => stores.oauthClients.getByCredentials("racer", `${SECRET}-${i}`));
    assert.is(m.ok.length, 1, "the winner's secret, and only it, is stored");
    assert.equal(m.codes, Array(9).fill("not_found"));
  });

  it("IDs are case-sensitive and may hold any printable ASCII", async ({ stores }) => {
    const ids = ["App", "app", "https://client.example.com/metadata.json", "a b", "..", "x".repeat(128), "%2F/~" + "Z".repeat(120)];
    for (const id of ids) await stores.oauthClients.create({ id, secret: SECRET });
    for (const id of ids) assert.is((await stores.oauthClients.get(id)).id, id);
    for (const id of ids) assert.is((await stores.oauthClients.getByCredentials(id, SECRET)).id, id);
    assert.equal((await stores.oauthClients.list()).items.map((c) => c.id), [...ids].sort());
  });

  it("create() validates every field and names it", async ({ stores }) => {
    const c = stores.oauthClients;
    await rejects(c.create({ id: "", secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: "x".repeat(129), secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: "a\u0000b", secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: "a\nb", secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: "caf\u00e9", secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: " padded", secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: 42 as unknown as string, secret: SECRET }), "invalid_input", "id");
    await rejects(c.create({ id: "ok", secret: "short-secret" }), "invalid_input", "secret");
    await rejects(c.create({ id: "ok", secret: "x".repeat(513) }), "invalid_input", "secret");
    await rejects(c.create({ id: "ok", jwks: "not json" }), "invalid_input", "jwks");
    await rejects(c.create({ id: "ok", jwks: "{}" }), "invalid_input", "jwks");
    await rejects(c.create({ id: "ok", jwks: '{"keys": []}' }), "invalid_input", "jwks");
    await rejects(c.create({ id: "ok", jwks: '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}' }), "invalid_input", "jwks");
    await rejects(c.create({ id: "ok", jwks: '{"keys": [{"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "d": "c"}]}' }), "invalid_input", "jwks");
    await rejects(c.create({ id: "ok", secret: SECRET, name: "a\u0007" }), "invalid_input", "name");
    await rejects(c.create({ id: "ok", secret: SECRET, clientURI: "javascript:alert(1)" }), "invalid_input", "clientURI");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: "https://x" as never }), "invalid_input", "redirectURIs");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["https://ok.example/cb", "/relative"] }), "invalid_input", "redirectURIs[1]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["javascript:alert(1)"] }), "invalid_input", "redirectURIs[0]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["JavaScript:alert(1)"] }), "invalid_input", "redirectURIs[0]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["data:text/html,hi"] }), "invalid_input", "redirectURIs[0]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["https://ok.example/cb#frag"] }), "invalid_input", "redirectURIs[0]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["https://ok.example/a b"] }), "invalid_input", "redirectURIs[0]");
    await rejects(c.create({ id: "ok", secret: SECRET, redirectURIs: ["https://ok.example/cb", "https://ok.example/cb"] }), "invalid_input", "redirectURIs[1]");
    await rejects(c.create({ id: "ok", secret: SECRET, type: "no spaces" }), "invalid_input", "type");
    await rejects(c.create({ id: "ok", secret: SECRET, type: "" }), "invalid_input", "type");
    await rejects(c.create({ id: "ok", secret: SECRET, hasSecret: true } as never), "invalid_input", "client.hasSecret");
    await rejects(c.create(null as never), "invalid_input", "client");
    assert.equal((await c.list()).items, []);
  });

  it("a refused secret is never echoed in the error", async ({ stores }) => {
    const e = await rejects(stores.oauthClients.create({ id: "ok", secret: "tiny-secret!" }), "invalid_input", "secret");
    assert.not.ok(e.message.includes("tiny-secret!"));
  });

  it("get() is not_found for an unknown ID", async ({ stores }) => {
    await rejects(stores.oauthClients.get("nobody"), "not_found");
    await stores.oauthClients.create({ id: "App", secret: SECRET });
    await rejects(stores.oauthClients.get("app"), "not_found");
    await rejects(stores.oauthClients.get(""), "invalid_input", "id");
  });

  it("getByCredentials() returns the client only for the right secret", async ({ stores }) => {
    const c = await stores.oauthClients.create({ id: "app", secret: SECRET, name: "App" });
    await stores.oauthClients.create({ id: "signer", jwks: JWKS });
    assert.equal(await stores.oauthClients.getByCredentials("app", SECRET), c);
    await rejects(stores.oauthClients.getByCredentials("app", SECRET + "x"), "not_found");
    await rejects(stores.oauthClients.getByCredentials("app", SECRET.slice(0, -1)), "not_found");
    await rejects(stores.oauthClients.getByCredentials("app", SECRET.toUpperCase()), "not_found");
    await rejects(stores.oauthClients.getByCredentials("app", "short"), "not_found");
    await rejects(stores.oauthClients.getByCredentials("nobody", SECRET), "not_found");
    await rejects(stores.oauthClients.getByCredentials("signer", SECRET), "not_found");
    await rejects(stores.oauthClients.getByCredentials("app", ""), "invalid_input", "secret");
    await rejects(stores.oauthClients.getByCredentials("", SECRET), "invalid_input", "id");
    const e = await rejects(stores.oauthClients.getByCredentials("app", "wrong-but-long-enough-secret"), "not_found");
    assert.not.ok(e.message.includes("wrong-but-long-enough-secret"));
  });

  it("two clients with the same secret are told apart by ID", async ({ stores }) => {
    await stores.oauthClients.create({ id: "one", secret: SECRET });
    await stores.oauthClients.create({ id: "two", secret: SECRET });
    assert.is((await stores.oauthClients.getByCredentials("one", SECRET)).id, "one");
    assert.is((await stores.oauthClients.getByCredentials("two", SECRET)).id, "two");
  });

  it("update() changes only the fields given, keeps the secret and sets updatedAt", async ({ stores, clock }) => {
    const c = await stores.oauthClients.create({ id: "app", secret: SECRET, name: "App", redirectURIs: ["https://a.example/cb"] });
    clock.advance(5000);
    const u = await stores.oauthClients.update("app", { description: "Now described", redirectURIs: ["https://b.example/cb"], type: "web" });
    assert.equal(u, { ...c, description: "Now described", redirectURIs: ["https://b.example/cb"], type: "web", updatedAt: new Date(c.createdAt.getTime() + 5000) });
    assert.equal(await stores.oauthClients.get("app"), u);
    assert.equal(await stores.oauthClients.getByCredentials("app", SECRET), u);
    assert.equal(await stores.oauthClients.update("app", {}), u);
  });

  it("update() refuses a secret, unknown fields and bad values; a missing client is not_found", async ({ stores }) => {
    const c = await stores.oauthClients.create({ id: "app", secret: SECRET });
    await rejects(stores.oauthClients.update("app", { secret: "another-secret-0123456789" } as never), "invalid_input", "update.secret");
    await rejects(stores.oauthClients.update("app", { hasSecret: false } as never), "invalid_input", "update.hasSecret");
    await rejects(stores.oauthClients.update("app", { id: "other" } as never), "invalid_input", "update.id");
    await rejects(stores.oauthClients.update("app", { redirectURIs: ["data:,x"] }), "invalid_input", "redirectURIs[0]");
    await rejects(stores.oauthClients.update("app", { type: "a/b" }), "invalid_input", "type");
    await rejects(stores.oauthClients.update("app", { jwks: "" }), "invalid_input", "jwks");
    await rejects(stores.oauthClients.update("app", null as never), "invalid_input", "update");
    await rejects(stores.oauthClients.update("nobody", { name: "x" }), "not_found");
    assert.equal(await stores.oauthClients.get("app"), c);
    assert.is((await stores.oauthClients.getByCredentials("app", SECRET)).id, "app");
  });

  it("update() replaces the JWKS of a client", async ({ stores }) => {
    await stores.oauthClients.create({ id: "signer", jwks: JWKS });
    const u = await stores.oauthClients.update("signer", { jwks: JWKS2 });
    assert.is(u.jwks, JWKS2);
    assert.is(u.hasSecret, false);
    assert.is((await stores.oauthClients.get("signer")).jwks, JWKS2);
  });

  it("delete() removes the client; the ID can be registered again", async ({ stores }) => {
    await stores.oauthClients.create({ id: "app", secret: SECRET, type: "web" });
    await stores.oauthClients.delete("app");
    await rejects(stores.oauthClients.get("app"), "not_found");
    await rejects(stores.oauthClients.getByCredentials("app", SECRET), "not_found");
    await rejects(stores.oauthClients.delete("app"), "not_found");
    assert.equal((await stores.oauthClients.list()).items, []);
    assert.equal((await stores.oauthClients.list({ type: "web" })).items, []);
    const again = await stores.oauthClients.create({ id: "app", jwks: JWKS });
    assert.is(again.hasSecret, false);
    await rejects(stores.oauthClients.getByCredentials("app", SECRET), "not_found");
    await rejects(stores.oauthClients.delete(""), "invalid_input", "id");
  });

  it("list() is by ID ascending and filters by type", async ({ stores }) => {
    for (const [id, type] of [["c", "web"], ["a", "native"], ["B", "web"], ["b", undefined]] as const) {
      await stores.oauthClients.create({ id, secret: SECRET, ...(type ? { type } : {}) });
    }
    const ids = async (o: object) => (await stores.oauthClients.list(o)).items.map((c) => c.id);
    assert.equal(await ids({}), ["B", "a", "b", "c"]);
    assert.equal(await ids({ type: "web" }), ["B", "c"]);
    assert.equal(await ids({ type: "other" }), ["b"]);
    assert.equal(await ids({ type: "none" }), []);
    await stores.oauthClients.update("c", { type: "native" });
    assert.equal(await ids({ type: "web" }), ["B"]);
    assert.equal(await ids({ type: "native" }), ["a", "c"]);
    assert.equal(await ids({ limit: 2 }), ["B", "a"]);
    await rejects(stores.oauthClients.list({ type: "bad type" }), "invalid_input", "type");
    await rejects(stores.oauthClients.list({ limit: 0 }), "invalid_input", "limit");
    await rejects(stores.oauthClients.list({ limit: 1001 }), "invalid_input", "limit");
    await rejects(stores.oauthClients.list({ cursor: "garbage!" }), "invalid_input", "cursor");
    await rejects(stores.oauthClients.list({ sort: "id" } as never), "invalid_input", "options.sort");
  });

  it("list() refuses a cursor made for another list", async ({ stores }) => {
    for (const id of ["acme", "beta", "corp"]) {
      await stores.oauthClients.create({ id, secret: SECRET, type: "web" });
      await stores.orgs.create({ login: id });
      await stores.users.create({ login: id });
    }
    const own = (await stores.oauthClients.list({ type: "web", limit: 1 })).nextCursor!;
    assert.equal((await stores.oauthClients.list({ cursor: own })).items.map((c) => c.id), ["beta", "corp"]);
    const ofOrgs = (await stores.orgs.list({ limit: 1 })).nextCursor!;
    await rejects(stores.oauthClients.list({ cursor: ofOrgs }), "invalid_input", "cursor");
    for (const o of [{}, { direction: "desc" }, { sort: "uid" }] as const) {
      const cursor = (await stores.users.list({ ...o, limit: 1 })).nextCursor!;
      await rejects(stores.oauthClients.list({ cursor }), "invalid_input", "cursor");
    }
  });

  it("list() pages never skip or repeat while clients are added", async ({ stores }) => {
    for (let i = 0; i < 20; i++) await stores.oauthClients.create({ id: `c${String(i * 2).padStart(3, "0")}`, secret: SECRET, type: i % 2 ? "odd" : "even" });
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = 0;
    for (;;) {
      const page = await stores.oauthClients.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((c) => c.id));
      if (added < 8) {
        await stores.oauthClients.create({ id: `c${String(added * 4 + 1).padStart(3, "0")}`, secret: SECRET });
        added++;
      }
      if (!page.nextCursor) break;
      assert.ok(page.items.length === 3);
      cursor = page.nextCursor;
    }
    assert.is(new Set(seen).size, seen.length, "no repeats");
    assert.equal(seen, [...seen].sort(), "in order");
    for (let i = 0; i < 20; i++) assert.ok(seen.includes(`c${String(i * 2).padStart(3, "0")}`), "nothing present at the start is skipped");
    const all = await drain((c) => stores.oauthClients.list({ limit: 7, ...(c ? { cursor: c } : {}) }));
    assert.is(all.length, 20 + added);
    const even = await drain((c) => stores.oauthClients.list({ limit: 4, type: "even", ...(c ? { cursor: c } : {}) }));
    assert.equal(even.map((c) => c.id), Array.from({ length: 10 }, (_, i) => `c${String(i * 4).padStart(3, "0")}`));
    const last = await stores.oauthClients.list({ limit: 1000 });
    assert.not.ok("nextCursor" in last, "no nextCursor key on the last page");
  });

  return test;
}
