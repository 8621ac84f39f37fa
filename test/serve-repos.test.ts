/**
 * `src serve` repos, their config, statuses and permissions, and app storage, through real HTTP
 * against a real server on fs and on pgsql. One server per backend with one cast (an admin, a writer,
 * alice who gets grants, bob who gets none), made once: a password hash costs ~0.3 s.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startServe, stopPg, type ServeProcess } from "./support/serve-process.ts";
import { api, firstAdmin, userAs, type Api } from "./support/http-client.ts";

interface Cast {
  anon: Api;
  admin: Api;
  writer: Api;
  alice: Api;
  bob: Api;
}

const servers: ServeProcess[] = [];
test.after(async () => {
  for (const s of servers.splice(0)) await s.stop();
  await stopPg();
});

async function makeCast(backend: "fs" | "pgsql"): Promise<Cast> {
  const s = await startServe(backend);
  servers.push(s);
  const admin = await firstAdmin(s.url);
  const [writer, alice, bob] = await Promise.all([userAs(admin, "writer", { write: true }), userAs(admin, "alice"), userAs(admin, "bob")]);
  return { anon: api(s.url), admin, writer, alice, bob };
}

/** Every page of `path` (which has a query) at `limit`, checking each page's size; the URIs in order. */
async function drain(who: Api, path: string, limit: number): Promise<string[]> {
  const uris: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await who.ok("GET", `${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    // Filtering must not shorten pages: every page but the last is full.
    if (page.nextCursor) assert.is(page.items.length, limit, "a page before the last is full");
    else assert.ok(page.items.length <= limit, `a page of ${page.items.length} > ${limit}`);
    uris.push(...page.items.map((r: { uri: string }) => r.uri));
    if (!page.nextCursor) return uris;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

/** Every byte percent-encoded: the server must decode any escape, not only the ones it writes. */
const escape = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
/** A listed key (ASCII, `%XX` escapes) back to its bytes. */
const unescape = (s: string) => Uint8Array.from(s.match(/%[0-9A-F]{2}|[^%]/gi)!.map((t) => (t.length === 3 ? parseInt(t.slice(1), 16) : t.charCodeAt(0))));
const bytesOf = async (r: Response) => new Uint8Array(await r.arrayBuffer());
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const SHA = "0123456789abcdef0123456789abcdef01234567";

for (const backend of ["fs", "pgsql"] as const) {
  let cast: Promise<Cast> | undefined;
  const get = () => (cast ??= makeCast(backend));

  test(`${backend}: POST /api/repos: site admins and writers create, the creator gets an admin grant, others are refused`, async () => {
    const { anon, admin, writer, alice } = await get();
    const repo = await writer.ok("POST", "/api/repos", { uri: "create.example/w/one", description: "d", private: true });
    assert.equal([repo.uri, repo.name, repo.description, repo.private, repo.defaultBranch], ["create.example/w/one", "one", "d", true, "master"]);
    assert.ok(!Number.isNaN(Date.parse(repo.createdAt)), "dates are ISO strings");
    const perms = await writer.ok("GET", "/api/repos/create.example/w/one/-/permissions");
    assert.equal(perms.items.map((p: { login: string; level: string }) => [p.login, p.level]), [["writer", "admin"]]);
    await admin.ok("POST", "/api/repos", { uri: "create.example/a/two" });
    assert.equal((await admin.ok("GET", "/api/repos/create.example/a/two/-/permissions")).items, [], "a site admin needs no grant");

    assert.is((await alice.call("POST", "/api/repos", { uri: "create.example/x" })).status, 403);
    assert.is((await anon.call("POST", "/api/repos", { uri: "create.example/x" })).status, 401);
    const dup = await admin.call("POST", "/api/repos", { uri: "CREATE.example/W/one" });
    assert.equal([dup.status, dup.json.code], [409, "already_exists"]);
    const unknown = await writer.call("POST", "/api/repos", { uri: "create.example/x", id: 7 });
    assert.equal([unknown.status, unknown.json.field], [400, "id"]);
    const bad = await writer.call("POST", "/api/repos", { uri: "http://create.example/x" });
    assert.equal([bad.status, bad.json.code, bad.json.field], [400, "invalid_input", "uri"]);
  });

  test(`${backend}: GET, PATCH, DELETE a repo: readers read, repo admins patch, site admins delete`, async () => {
    const { anon, admin, writer, bob } = await get();
    await writer.ok("POST", "/api/repos", { uri: "edit.example/r" });
    const path = "/api/repos/edit.example/r";
    assert.is((await anon.ok("GET", "/api/repos/EDIT.example/r")).uri, "edit.example/r", "URIs match in any letter case");
    assert.is((await bob.call("PATCH", path, { description: "x" })).status, 403);
    assert.is((await anon.call("PATCH", path, { description: "x" })).status, 401);
    const patched = await writer.ok("PATCH", path, { description: "new", language: "Go", defaultBranch: "main", private: true, fork: true });
    assert.equal([patched.description, patched.language, patched.defaultBranch, patched.private, patched.fork], ["new", "Go", "main", true, true]);
    assert.is((await anon.call("GET", path)).status, 404, "a private repo is invisible");
    for (const [method, who] of [["PATCH", bob], ["DELETE", bob], ["DELETE", anon]] as const) {
      assert.is((await who.call(method, path, method === "PATCH" ? { public: true } : undefined)).status, 404, `${method} of a private repo`);
    }
    assert.is((await writer.call("PATCH", path, { updatedAt: "2020-01-01T00:00:00Z" })).status, 400);
    assert.is((await writer.call("PATCH", path, { private: true, public: true })).status, 400);
    assert.is((await writer.ok("PATCH", path, { public: true })).private, false);

    assert.is((await writer.call("DELETE", path)).status, 403, "deleting needs a site admin");
    assert.is((await anon.call("DELETE", path)).status, 401);
    await admin.ok("DELETE", path);
    assert.is((await admin.call("GET", path)).status, 404);
    assert.is((await admin.call("DELETE", path)).status, 404);
  });

  test(`${backend}: GET /api/repos shows each caller exactly the repos it can read, on pages that never skip or repeat`, async () => {
    const { anon, admin, writer, alice, bob } = await get();
    // Private runs at the start, in the middle and at the end, so filtered pages span store pages.
    const priv = new Set([0, 1, 2, 3, 6, 9, 10, 11]);
    const uris = Array.from({ length: 12 }, (_, i) => `list.example/r${String(i).padStart(2, "0")}`);
    for (const [i, uri] of uris.entries()) await admin.ok("POST", "/api/repos", { uri, private: priv.has(i) });
    for (const i of [2, 9]) await admin.ok("PUT", `/api/repos/${uris[i]}/-/permissions/alice`, { level: "read" }, 204);
    const pub = uris.filter((_, i) => !priv.has(i));
    const expected: [Api, string[]][] = [
      [anon, pub],
      [bob, pub],
      [alice, uris.filter((_, i) => !priv.has(i) || i === 2 || i === 9)],
      [writer, uris],
      [admin, uris],
    ];
    for (const [who, want] of expected) {
      for (const limit of [1, 2, 3, 5, 100]) assert.equal(await drain(who, "/api/repos?query=list.example", limit), want, `limit ${limit}`);
      assert.equal(await drain(who, "/api/repos?query=list.example&sort=id&direction=desc", 2), [...want].reverse());
    }
    assert.equal((await anon.ok("GET", "/api/repos?query=list.example&private=true")).items, []);
    const mine = await alice.ok("GET", "/api/repos?query=list.example&private=true");
    assert.equal(mine.items.map((r: { uri: string }) => r.uri), [uris[2], uris[9]]);
    assert.is((await alice.call("GET", "/api/repos?private=maybe")).status, 400);
    // A misspelt filter would answer with every repo the caller can read: refused, as is a repeated one.
    for (const q of ["Private=false", "privat=false", "private=false&private=true"]) {
      const r = await alice.call("GET", `/api/repos?query=list.example&${q}`);
      assert.equal([r.status, r.json.field], [400, q.split("=")[0]], q);
    }
    assert.is((await alice.call("GET", "/api/repos?sort=stars")).json.field, "sort");
    assert.is((await alice.call("GET", "/api/repos?limit=0")).status, 400);
  });

  test(`${backend}: config: readers get it, repo admins replace it`, async () => {
    const { anon, writer, bob } = await get();
    await writer.ok("POST", "/api/repos", { uri: "config.example/r" });
    const path = "/api/repos/config.example/r/-/config";
    assert.equal(await anon.ok("GET", path), {});
    const config = { build: { steps: ["make", "test"], parallel: 2 }, enabled: true, note: null };
    await writer.ok("PUT", path, config, 204);
    assert.equal(await bob.ok("GET", path), config);
    assert.is((await bob.call("PUT", path, {})).status, 403);
    assert.is((await anon.call("PUT", path, {})).status, 401);
    assert.is((await writer.call("PUT", path, [1, 2])).status, 400, "a config is an object");
    assert.is((await writer.call("PUT", path, "{not json")).status, 400);
    const big = await writer.call("PUT", path, { x: "y".repeat(70 * 1024) });
    assert.equal([big.status, big.json.code], [400, "invalid_input"], "at most 64 KiB");
    assert.equal(await anon.ok("GET", path), config);
  });

  test(`${backend}: statuses: writers post (as themselves), readers list them and their combined state`, async () => {
    const { anon, admin, writer, bob } = await get();
    await writer.ok("POST", "/api/repos", { uri: "status.example/r" });
    const base = `/api/repos/status.example/r/-/commits/${SHA}`;
    assert.equal(await anon.ok("GET", `${base}/status`), { commitID: SHA, state: "pending", statuses: [] });
    const ci = await writer.ok("POST", `${base}/statuses`, { context: "ci", state: "success", targetURL: "https://ci.example/1" });
    const me = (await writer.ok("GET", "/api/repos/status.example/r/-/permissions")).items[0].uid;
    assert.equal([ci.context, ci.state, ci.creatorUID, ci.targetURL], ["ci", "success", me, "https://ci.example/1"]);
    assert.is((await anon.ok("GET", `${base}/status`)).state, "success");
    await admin.ok("POST", `${base}/statuses`, { context: "lint", state: "pending", description: "running" });
    assert.is((await anon.ok("GET", `${base}/status`)).state, "pending");
    await writer.ok("POST", `${base}/statuses`, { context: "lint", state: "error" });
    const combined = await bob.ok("GET", `${base}/status`);
    assert.equal([combined.state, combined.statuses.map((s: { context: string }) => s.context)], ["failure", ["ci", "lint"]]);
    const list = await anon.ok("GET", `${base}/statuses`);
    assert.equal(list.items.map((s: { context: string; state: string }) => [s.context, s.state]), [["ci", "success"], ["lint", "error"]]);

    assert.is((await bob.call("POST", `${base}/statuses`, { context: "x", state: "success" })).status, 403);
    assert.is((await anon.call("POST", `${base}/statuses`, { context: "x", state: "success" })).status, 401);
    const forged = await writer.call("POST", `${base}/statuses`, { context: "x", state: "success", creatorUID: 1 });
    assert.equal([forged.status, forged.json.field], [400, "creatorUID"]);
    assert.is((await writer.call("POST", `${base}/statuses`, { context: "x", state: "great" })).json.field, "state");
    assert.is((await anon.call("GET", "/api/repos/status.example/r/-/commits/ABC/statuses")).status, 400);
  });

  test(`${backend}: permissions: repo admins grant and revoke, and the levels take effect at once`, async () => {
    const { anon, admin, writer, bob } = await get();
    await writer.ok("POST", "/api/repos", { uri: "perm.example/r", private: true });
    const repo = "/api/repos/perm.example/r";
    assert.is((await bob.call("GET", repo)).status, 404);
    assert.is((await bob.call("GET", `${repo}/-/permissions`)).status, 404, "private and unreadable: 404, not 403");

    await writer.ok("PUT", `${repo}/-/permissions/BOB`, { level: "read" }, 204);
    assert.is((await bob.ok("GET", repo)).uri, "perm.example/r");
    assert.is((await bob.call("GET", `${repo}/-/permissions`)).status, 403, "reading is not administering");
    assert.is((await bob.call("POST", `${repo}/-/commits/${SHA}/statuses`, { context: "c", state: "success" })).status, 403);

    await writer.ok("PUT", `${repo}/-/permissions/bob`, { level: "write" }, 204);
    await bob.ok("POST", `${repo}/-/commits/${SHA}/statuses`, { context: "c", state: "success" });
    assert.is((await bob.call("PATCH", repo, { description: "x" })).status, 403);

    await writer.ok("PUT", `${repo}/-/permissions/bob`, { level: "admin" }, 204);
    await bob.ok("PATCH", repo, { description: "bob was here" });
    const items = (await bob.ok("GET", `${repo}/-/permissions`)).items;
    assert.equal(items.map((p: { login: string; level: string }) => [p.login, p.level]).sort(), [["bob", "admin"], ["writer", "admin"]]);

    await writer.ok("DELETE", `${repo}/-/permissions/bob`);
    assert.is((await bob.call("GET", repo)).status, 404);
    assert.is((await writer.call("DELETE", `${repo}/-/permissions/bob`)).status, 404, "no grant to revoke");
    for (const login of ["nobody", "-bad-"]) assert.is((await writer.call("PUT", `${repo}/-/permissions/${login}`, { level: "read" })).status, 404, login);
    assert.is((await writer.call("PUT", `${repo}/-/permissions/bob`, { level: "owner" })).json.field, "level");
    assert.is((await writer.call("PUT", `${repo}/-/permissions/bob`, { level: "read", uid: 1 })).status, 400);
    assert.is((await anon.call("GET", `${repo}/-/permissions`)).status, 404);
    assert.is((await admin.ok("GET", `${repo}/-/permissions`)).items.length, 1);
  });

  test(`${backend}: storage: binary keys and values round-trip; list, HEAD, no-overwrite, delete a key and a bucket`, async () => {
    const { anon, writer } = await get();
    await writer.ok("POST", "/api/repos", { uri: "kv.example/r" });
    const bucket = "/api/repos/kv.example/r/-/storage/my-app/b1";
    const te = new TextEncoder();
    const keys = [ALL_BYTES, Uint8Array.of(0xff), te.encode("/"), te.encode("%"), te.encode("a b?c#d"), te.encode("héllo")];
    for (const [i, key] of keys.entries()) await writer.ok("PUT", `${bucket}/${escape(key)}`, Uint8Array.of(i, ...ALL_BYTES), 204);
    const listed: { key: string; text?: string }[] = (await anon.ok("GET", bucket)).items;
    assert.is(listed.length, keys.length);
    const byText = new Map(listed.map((k) => [k.text, k.key]));
    assert.is(byText.get("héllo"), "h%C3%A9llo");
    assert.is(byText.get("a b?c#d"), "a%20b%3Fc%23d");
    assert.is(listed.filter((k) => k.text === undefined).length, 2, "keys that are not UTF-8 have no text");
    for (const k of listed) {
      const r = await fetch(`${anon.url}${bucket}/${k.key}`);
      assert.is(r.status, 200, k.key);
      assert.is(r.headers.get("content-type"), "application/octet-stream");
      const value = await bytesOf(r);
      assert.equal([...value.subarray(1)], [...ALL_BYTES], "the value's bytes survive");
      assert.equal([...unescape(k.key)], [...keys[value[0]!]!], "the listed key is the key put");
    }

    const k = `${bucket}/${escape(Uint8Array.of(0xff))}`;
    assert.is((await anon.call("HEAD", k)).status, 200);
    assert.is((await anon.call("HEAD", `${bucket}/%fe`)).status, 404);
    assert.is((await anon.call("GET", `${bucket}/%fe`)).status, 404);
    const again = await writer.call("PUT", k, Uint8Array.of(9), { "if-none-match": "*" });
    assert.equal([again.status, again.json.code], [409, "already_exists"]);
    await writer.ok("PUT", `${bucket}/fresh`, Uint8Array.of(9), 204);
    assert.is((await writer.call("PUT", `${bucket}/new`, Uint8Array.of(), { "if-none-match": "*" })).status, 204);
    assert.equal([...(await bytesOf(await fetch(`${anon.url}${bucket}/new`)))], [], "an empty value is a value");
    assert.is((await writer.call("PUT", `${bucket}/new`, Uint8Array.of(1), { "if-none-match": "\"etag\"" })).status, 400);
    assert.is((await writer.call("PUT", `${bucket}/bad%zz`, Uint8Array.of(1))).status, 400);

    await writer.ok("DELETE", k);
    assert.is((await anon.call("HEAD", k)).status, 404);
    assert.is((await writer.call("DELETE", k)).status, 404);
    await writer.ok("PUT", "/api/repos/kv.example/r/-/storage/my-app/b2/other", Uint8Array.of(1), 204);
    await writer.ok("DELETE", bucket);
    assert.equal((await anon.ok("GET", bucket)).items, []);
    assert.is((await anon.ok("GET", "/api/repos/kv.example/r/-/storage/my-app/b2")).items.length, 1, "other buckets stay");
  });

  test(`${backend}: storage: every single-byte key is its own key (but ".", which URLs cannot carry)`, async () => {
    const { admin } = await get();
    const bucket = "/api/storage/bytes-app/single";
    const bytes = [...ALL_BYTES].filter((b) => b !== 0x2e);
    for (let i = 0; i < bytes.length; i += 32) {
      await Promise.all(bytes.slice(i, i + 32).map((b) => admin.ok("PUT", `${bucket}/${escape(Uint8Array.of(b))}`, Uint8Array.of(b, b), 204)));
    }
    const listed: { key: string }[] = (await admin.ok("GET", bucket)).items;
    assert.is(listed.length, bytes.length);
    const values = await Promise.all(listed.map(async (k) => [...(await bytesOf(await fetch(`${admin.url}${bucket}/${k.key}`, { headers: { authorization: `Bearer ${admin.token}` } })))]));
    assert.equal(values, bytes.map((b) => [b, b]), "listed in byte order, each GETs its own value");
    await admin.ok("DELETE", bucket);
  });

  test(`${backend}: storage: repo scope follows repo permissions, global scope is site admins only, "srcstore.serve" does not exist`, async () => {
    const { anon, admin, writer, alice, bob } = await get();
    await writer.ok("POST", "/api/repos", { uri: "kvperm.example/pub" });
    await writer.ok("POST", "/api/repos", { uri: "kvperm.example/priv", private: true });
    await writer.ok("PUT", "/api/repos/kvperm.example/priv/-/permissions/alice", { level: "read" }, 204);
    const pub = "/api/repos/kvperm.example/pub/-/storage/app/b";
    const priv = "/api/repos/kvperm.example/priv/-/storage/app/b";
    await writer.ok("PUT", `${pub}/k`, Uint8Array.of(1), 204);
    await writer.ok("PUT", `${priv}/k`, Uint8Array.of(2), 204);
    assert.equal([...(await bytesOf(await fetch(`${anon.url}${pub}/k`)))], [1]);
    assert.is((await bob.call("PUT", `${pub}/k`, Uint8Array.of(3))).status, 403);
    assert.is((await anon.call("PUT", `${pub}/k`, Uint8Array.of(3))).status, 401);
    assert.is((await bob.call("DELETE", pub)).status, 403);
    for (const path of [priv, `${priv}/k`]) {
      assert.is((await bob.call("GET", path)).status, 404, path);
      assert.is((await anon.call("GET", path)).status, 404, path);
    }
    assert.is((await alice.ok("GET", priv)).items.length, 1);
    assert.is((await alice.call("PUT", `${priv}/k`, Uint8Array.of(3))).status, 403);
    assert.is((await anon.call("GET", "/api/repos/kvperm.example/none/-/storage/app/b")).status, 404);

    const global = "/api/storage/app/b";
    assert.is((await anon.call("GET", global)).status, 401);
    for (const who of [writer, bob]) {
      assert.is((await who.call("GET", global)).status, 403);
      assert.is((await who.call("PUT", `${global}/k`, Uint8Array.of(1))).status, 403);
    }
    await admin.ok("PUT", `${global}/k`, Uint8Array.of(7), 204);
    assert.equal((await admin.ok("GET", global)).items, [{ key: "k", text: "k" }]);
    assert.equal([...(await bytesOf(await fetch(`${admin.url}${priv}/k`, { headers: { authorization: `Bearer ${admin.token}` } })))], [2], "scopes are apart");

    for (const path of ["/api/storage/srcstore.serve/tokens.1", "/api/repos/kvperm.example/pub/-/storage/srcstore.serve/b"]) {
      for (const [method, p] of [["GET", path], ["DELETE", path], ["GET", `${path}/k`], ["HEAD", `${path}/k`], ["PUT", `${path}/k`], ["DELETE", `${path}/k`]] as const) {
        assert.is((await admin.call(method, p, method === "PUT" ? Uint8Array.of(1) : undefined)).status, 404, `${method} ${p}`);
      }
    }
    assert.is((await admin.call("GET", "/api/storage/-bad-/b")).json.field, "scope.app");
  });

  test(`${backend}: storage: a value of 32 MiB is stored, one byte more is 413`, async () => {
    const { admin } = await get();
    const key = "/api/storage/big-app/b/v";
    const max = new Uint8Array(32 * 1024 * 1024);
    max[max.length - 1] = 7;
    await admin.ok("PUT", key, max, 204);
    const back = await bytesOf(await fetch(`${admin.url}${key}`, { headers: { authorization: `Bearer ${admin.token}` } }));
    assert.equal([back.length, back[back.length - 1]], [max.length, 7]);
    const over = await admin.call("PUT", key, new Uint8Array(max.length + 1));
    assert.equal([over.status, over.json.code], [413, "too_large"]);
    await admin.ok("DELETE", key);
  });
}

test.run();
