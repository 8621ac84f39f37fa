/**
 * Tracker threads and changesets over HTTP (lib/serve/routes/threads.ts, changesets.ts), against a real
 * `src serve` on fs and on pgsql: per-repo numbering, comments, reviews, events, state changes, counts,
 * paging, and who may read and write (anonymous, a plain user, a user granted read on a private repo,
 * a writer, the admin). One server and one cast of users per backend: a password hash costs ~0.3 s.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startServe, stopPg, type Backend, type ServeProcess } from "./support/serve-process.ts";
import { api, firstAdmin, userAs, type Api } from "./support/http-client.ts";

const BACKENDS: Backend[] = ["fs", "pgsql"];
const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);
const rev = (branch: string, commitID: string) => ({ branch, commitID });

interface Cast {
  s: ServeProcess;
  anon: Api;
  admin: Api;
  /** Has the site-wide write flag. */
  writer: Api;
  /** A plain user: reads public repos, and the private repos granted to them. */
  reader: Api;
  uid: Record<"admin" | "writer" | "reader", number>;
}

const casts = new Map<Backend, Promise<Cast>>();

/** The server and users of a backend, made on first use. */
function cast(b: Backend): Promise<Cast> {
  let c = casts.get(b);
  if (!c) {
    c = (async () => {
      const s = await startServe(b);
      const admin = await firstAdmin(s.url);
      const writer = await userAs(admin, "writer", { write: true });
      const reader = await userAs(admin, "reader");
      const uidOf = async (a: Api) => ((await a.ok("GET", "/api/user")) as { uid: number }).uid;
      return { s, anon: api(s.url), admin, writer, reader, uid: { admin: await uidOf(admin), writer: await uidOf(writer), reader: await uidOf(reader) } };
    })();
    casts.set(b, c);
  }
  return c;
}

test.after(async () => {
  for (const c of casts.values()) await (await c.catch(() => undefined))?.s.stop();
  await stopPg();
});

let repoSeq = 0;
/** A new repo made by the admin; returns its path prefix "/api/repos/<uri>/-". */
async function newRepo(c: Cast, o: { private?: boolean } = {}): Promise<string> {
  const uri = `example.com/tracker/r${++repoSeq}${o.private ? "-private" : ""}`;
  await c.admin.ok("POST", "/api/repos", { uri, ...o });
  return `/api/repos/${uri}/-`;
}

/** Every item of a list, following nextCursor with `limit` per page; also the page sizes. */
async function all(a: Api, path: string, limit: number): Promise<{ items: any[]; pages: number[] }> {
  const items: any[] = [], pages: number[] = [];
  let cursor: string | undefined;
  const sep = path.includes("?") ? "&" : "?";
  do {
    const p = await a.ok("GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...p.items);
    pages.push(p.items.length);
    cursor = p.nextCursor;
  } while (cursor);
  return { items, pages };
}

async function status(a: Api, method: string, path: string, body?: unknown): Promise<number> {
  return (await a.call(method, path, body)).status;
}

/** [method, path, body, status, field of the error?] */
type Case = [string, string, unknown, number, string?];

/** Each call answers with its status (and, for an error, names its field). */
async function expectEach(a: Api, cases: Case[]): Promise<void> {
  for (const [method, path, body, want, field] of cases) {
    const res = await a.call(method, path, body);
    assert.is(res.status, want, `${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
    if (field) assert.is(res.json.field, field, res.text);
  }
}

for (const b of BACKENDS) {
  test(`${b}: threads are numbered 1, 2, 3 per repo, authored by the caller`, async () => {
    const c = await cast(b);
    const [r1, r2] = [await newRepo(c), await newRepo(c)];
    const made: [string, number, Api][] = [[r1, 1, c.writer], [r2, 1, c.admin], [r1, 2, c.admin], [r1, 3, c.writer], [r2, 2, c.writer]];
    for (const [repo, n, who] of made) {
      const t = await who.ok("POST", `${repo}/threads`, { title: `t${n}`, body: `body ${n}` });
      assert.is(t.number, n);
      assert.is(t.state, "open");
      assert.is(t.commentCount, 1);
      assert.is(t.authorUID, who === c.admin ? c.uid.admin : c.uid.writer);
      assert.ok(!Number.isNaN(Date.parse(t.createdAt)), "dates are ISO strings");
    }
    const withRef = await c.writer.ok("POST", `${r2}/threads`, {
      title: "about a line", body: "see", codeRef: { repo: "example.com/other", path: "a/b.go", commitID: A, startLine: 3, endLine: 5 },
    });
    assert.equal(withRef.codeRef, { repo: "example.com/other", path: "a/b.go", commitID: A, startLine: 3, endLine: 5 });
    const got = await c.anon.ok("GET", `${r2}/threads/3`);
    assert.equal(got, withRef);
    assert.equal((await c.anon.ok("GET", `${r1}/threads/counts`)), { open: 3, closed: 0 });
  });

  test(`${b}: comments, state changes, events and counts of a thread`, async () => {
    const c = await cast(b);
    const r = await newRepo(c);
    await c.writer.ok("POST", `${r}/threads`, { title: "first", body: "the body" });
    await c.writer.ok("POST", `${r}/threads`, { title: "second", body: "" });
    const comment = await c.admin.ok("POST", `${r}/threads/1/comments`, { body: "a reply" });
    assert.is(comment.id, 2);
    assert.is(comment.authorUID, c.uid.admin);
    await c.writer.ok("POST", `${r}/threads/1/comments`, { body: "another" });
    const comments = await all(c.anon, `${r}/threads/1/comments`, 2);
    assert.equal(comments.items.map((x) => x.body), ["the body", "a reply", "another"]);
    assert.equal(comments.pages, [2, 1]);
    assert.is((await c.anon.ok("GET", `${r}/threads/1`)).commentCount, 3);

    const closed = await c.admin.ok("PATCH", `${r}/threads/1`, { title: "first, renamed", state: "closed" });
    assert.is(closed.state, "closed");
    assert.ok(closed.closedAt);
    assert.equal(await c.anon.ok("GET", `${r}/threads/counts`), { open: 1, closed: 1 });
    const unchanged = await c.writer.ok("PATCH", `${r}/threads/1`, { state: "closed" });
    assert.is(unchanged.updatedAt, closed.updatedAt, "a value equal to the current one changes nothing");
    const reopened = await c.writer.ok("PATCH", `${r}/threads/1`, { state: "open" });
    assert.is(reopened.closedAt, null);
    const events = (await c.anon.ok("GET", `${r}/threads/1/events`)).items;
    assert.equal(events.map((e: any) => [e.type, e.actorUID]), [["renamed", c.uid.admin], ["closed", c.uid.admin], ["reopened", c.uid.writer]]);
    assert.is(events[0].from, "first");
    assert.is(events[0].to, "first, renamed");
    assert.equal((await c.anon.ok("GET", `${r}/threads/2/events`)).items, []);
  });

  test(`${b}: thread lists page newest first, filtered by state`, async () => {
    const c = await cast(b);
    const r = await newRepo(c);
    for (let i = 1; i <= 5; i++) await c.writer.ok("POST", `${r}/threads`, { title: `t${i}`, body: "" });
    await c.writer.ok("PATCH", `${r}/threads/2`, { state: "closed" });
    await c.writer.ok("PATCH", `${r}/threads/4`, { state: "closed" });
    const every = await all(c.anon, `${r}/threads`, 2);
    assert.equal(every.items.map((t) => t.number), [5, 4, 3, 2, 1]);
    assert.equal(every.pages, [2, 2, 1]);
    assert.equal((await all(c.reader, `${r}/threads?state=open`, 2)).items.map((t) => t.number), [5, 3, 1]);
    assert.equal((await all(c.reader, `${r}/threads?state=closed`, 1)).items.map((t) => t.number), [4, 2]);
    // A cursor is a position: threads added while paging are not repeated or skipped.
    const first = await c.anon.ok("GET", `${r}/threads?limit=2`);
    await c.writer.ok("POST", `${r}/threads`, { title: "t6", body: "" });
    const next = await c.anon.ok("GET", `${r}/threads?limit=10&cursor=${encodeURIComponent(first.nextCursor)}`);
    assert.equal(next.items.map((t: any) => t.number), [3, 2, 1]);
    assert.is(next.nextCursor, undefined);
  });

  test(`${b}: thread input is checked, the author cannot be chosen`, async () => {
    const c = await cast(b);
    const r = await newRepo(c);
    await c.writer.ok("POST", `${r}/threads`, { title: "t", body: "b" });
    const bad: Case[] = [
      ["POST", `${r}/threads`, { title: "t", body: "b", authorUID: c.uid.admin }, 400, "authorUID"],
      ["POST", `${r}/threads`, { title: "", body: "b" }, 400, "title"],
      ["POST", `${r}/threads`, { title: "t" }, 400, "body"],
      ["POST", `${r}/threads`, { title: "t", body: "b", codeRef: { repo: "x.com/y", path: "/abs", commitID: A, startLine: 1, endLine: 1 } }, 400, "codeRef.path"],
      ["PATCH", `${r}/threads/1`, { actorUID: c.uid.admin, state: "closed" }, 400, "actorUID"],
      ["PATCH", `${r}/threads/1`, { state: "merged" }, 400, "update.state"],
      ["POST", `${r}/threads/1/comments`, { body: "  " }, 400, "body"],
      ["POST", `${r}/threads/1/comments`, { body: "x", authorUID: 1 }, 400, "authorUID"],
      ["GET", `${r}/threads?state=merged`, undefined, 400, "state"],
      ["GET", `${r}/threads?stat=open`, undefined, 400, "stat"],
      ["GET", `${r}/threads?state=open&state=closed`, undefined, 400, "state"],
      ["GET", `${r}/threads/counts?state=open`, undefined, 400, "state"],
      ["GET", `${r}/threads?limit=x`, undefined, 400, "limit"],
      ["GET", `${r}/threads?cursor=nonsense`, undefined, 400, "cursor"],
      ["GET", `${r}/threads/0`, undefined, 400, "n"],
      ["GET", `${r}/threads/9`, undefined, 404],
      ["PATCH", `${r}/threads/9`, { state: "closed" }, 404],
      ["POST", `${r}/threads/9/comments`, { body: "x" }, 404],
    ];
    await expectEach(c.writer, bad);
    const malformed = await c.writer.call("POST", `${r}/threads`, "{not json", { "content-type": "application/json" });
    assert.is(malformed.status, 400);
    assert.equal(await c.anon.ok("GET", `${r}/threads/counts`), { open: 1, closed: 0 }, "nothing was written");
  });

  test(`${b}: who may read and write threads and changesets`, async () => {
    const c = await cast(b);
    const pub = await newRepo(c), priv = await newRepo(c, { private: true });
    const privURI = priv.slice("/api/repos/".length, -2);
    // A plain user granted read on the private repo; the reader stays without a grant.
    const granted = await userAs(c.admin, `granted-${b}`);
    await c.admin.ok("PUT", `/api/repos/${privURI}/-/permissions/granted-${b}`, { level: "read" }, 204);
    for (const r of [pub, priv]) {
      await c.admin.ok("POST", `${r}/threads`, { title: "t", body: "b" });
      await c.admin.ok("POST", `${r}/changesets`, { title: "c", base: rev("master", A), head: rev("f", B) });
    }
    const reads = ["threads", "threads/counts", "threads/1", "threads/1/comments", "threads/1/events",
      "changesets", "changesets/counts", "changesets/1", "changesets/1/reviews", "changesets/1/events"];
    const writes: [string, string, unknown][] = [
      ["POST", "threads", { title: "t", body: "b" }],
      ["PATCH", "threads/1", { title: "renamed" }],
      ["POST", "threads/1/comments", { body: "hi" }],
      ["POST", "changesets", { title: "c", base: rev("master", A), head: rev("f", C) }],
      ["PATCH", "changesets/1", { description: "more" }],
      ["POST", "changesets/1/reviews", { body: "ok" }],
    ];
    // Expected statuses: [reads, writes] per caller and repo; a write that succeeds is 200/201.
    const table: [string, Api, [number, number], [number, number]][] = [
      ["anonymous", c.anon, [200, 401], [404, 404]],
      ["reader", c.reader, [200, 403], [404, 404]],
      ["granted read", granted, [200, 403], [200, 403]],
      ["writer", c.writer, [200, 0], [200, 0]],
      ["admin", c.admin, [200, 0], [200, 0]],
    ];
    for (const [who, a, onPub, onPriv] of table) {
      for (const [r, [read, write]] of [[pub, onPub], [priv, onPriv]] as const) {
        for (const p of reads) assert.is(await status(a, "GET", `${r}/${p}`), read, `${who} GET ${r}/${p}`);
        for (const [method, p, body] of writes) {
          const want = write || (method === "POST" ? 201 : 200);
          assert.is(await status(a, method, `${r}/${p}`, body), want, `${who} ${method} ${r}/${p}`);
        }
      }
    }
    // A missing repo is 404 for everyone, the admin too.
    assert.is(await status(c.admin, "GET", "/api/repos/example.com/tracker/missing/-/threads"), 404);
    assert.is(await status(c.admin, "POST", "/api/repos/example.com/tracker/missing/-/changesets", { title: "c", base: rev("m", A), head: rev("f", B) }), 404);
  });

  test(`${b}: changesets: numbering, updates, events, merge is final`, async () => {
    const c = await cast(b);
    const r = await newRepo(c);
    const cs = await c.writer.ok("POST", `${r}/changesets`, { title: "add x", description: "why", base: rev("master", A), head: rev("x", B) });
    assert.is(cs.number, 1);
    assert.is(cs.authorUID, c.uid.writer);
    assert.equal([cs.state, cs.closedAt, cs.mergedAt], ["open", null, null]);
    assert.is((await c.admin.ok("POST", `${r}/changesets`, { title: "two", base: rev("master", A), head: rev("y", C) })).number, 2);
    assert.is((await c.anon.ok("GET", `${r}/changesets/2`)).description, "");

    const upd = await c.admin.ok("PATCH", `${r}/changesets/1`, { title: "add x and y", description: "because", head: rev("x", C), state: "closed" });
    assert.equal([upd.title, upd.description, upd.head, upd.state], ["add x and y", "because", rev("x", C), "closed"]);
    assert.ok(upd.closedAt);
    await c.writer.ok("PATCH", `${r}/changesets/1`, { state: "open" });
    const merged = await c.writer.ok("PATCH", `${r}/changesets/1`, { state: "merged" });
    assert.is(merged.state, "merged");
    assert.ok(merged.mergedAt);
    const events = (await c.anon.ok("GET", `${r}/changesets/1/events`)).items;
    assert.equal(events.map((e: any) => e.type), ["renamed", "updated", "updated", "closed", "reopened", "merged"]);
    assert.equal(events.filter((e: any) => e.type === "updated").map((e: any) => e.field), ["description", "head"]);
    assert.equal(events.map((e: any) => e.actorUID), [c.uid.admin, c.uid.admin, c.uid.admin, c.uid.admin, c.uid.writer, c.uid.writer]);

    // A merged changeset's state cannot change; nothing of such an update is applied.
    for (const state of ["open", "closed"]) {
      const res = await c.admin.call("PATCH", `${r}/changesets/1`, { title: "sneaky", state });
      assert.is(res.status, 409, res.text);
      assert.is(res.json.code, "conflict");
    }
    assert.is((await c.anon.ok("GET", `${r}/changesets/1`)).title, "add x and y");
    assert.is((await c.admin.ok("PATCH", `${r}/changesets/1`, { state: "merged" })).state, "merged", "merging again is no change");
    assert.is((await c.anon.ok("GET", `${r}/changesets/1/events`)).items.length, 6);

    await c.writer.ok("PATCH", `${r}/changesets/2`, { state: "closed" });
    await c.writer.ok("POST", `${r}/changesets`, { title: "three", base: rev("master", A), head: rev("z", B) });
    assert.equal(await c.anon.ok("GET", `${r}/changesets/counts`), { open: 1, closed: 1, merged: 1 });
    assert.equal((await all(c.anon, `${r}/changesets`, 2)).items.map((x) => [x.number, x.state]), [[3, "open"], [2, "closed"], [1, "merged"]]);
    assert.equal((await c.anon.ok("GET", `${r}/changesets?state=merged`)).items.map((x: any) => x.number), [1]);
  });

  test(`${b}: changeset reviews and changeset input checks`, async () => {
    const c = await cast(b);
    const r = await newRepo(c);
    await c.writer.ok("POST", `${r}/changesets`, { title: "cs", base: rev("master", A), head: rev("f", B) });
    const r1 = await c.admin.ok("POST", `${r}/changesets/1/reviews`, { body: "looks good" });
    assert.equal([r1.id, r1.authorUID, r1.body, r1.comments], [1, c.uid.admin, "looks good", []]);
    const lines = [{ path: "a.go", line: 3, body: "nit" }, { path: "b/c.go", line: 10, body: "why?" }];
    const r2 = await c.writer.ok("POST", `${r}/changesets/1/reviews`, { comments: lines });
    assert.equal([r2.id, r2.body, r2.comments], [2, "", lines]);
    const listed = (await c.anon.ok("GET", `${r}/changesets/1/reviews`)).items;
    assert.equal(listed, [r1, r2]);

    const bad: Case[] = [
      ["POST", `${r}/changesets/1/reviews`, {}, 400, "review"],
      ["POST", `${r}/changesets/1/reviews`, { body: "x", authorUID: 1 }, 400, "authorUID"],
      ["POST", `${r}/changesets/1/reviews`, { comments: [{ path: "a.go", line: 0, body: "x" }] }, 400, "comments[0].line"],
      ["POST", `${r}/changesets/9/reviews`, { body: "x" }, 404],
      ["POST", `${r}/changesets`, { title: "t", base: rev("master", A) }, 400, "head"],
      ["POST", `${r}/changesets`, { title: "t", base: rev("master", "nothex"), head: rev("f", B) }, 400, "base.commitID"],
      ["POST", `${r}/changesets`, { title: "t", base: rev("m", A), head: rev("f", B), state: "merged" }, 400, "state"],
      ["PATCH", `${r}/changesets/1`, { state: "gone" }, 400, "update.state"],
      ["PATCH", `${r}/changesets/1`, { authorUID: 1 }, 400, "authorUID"],
      ["GET", `${r}/changesets?state=gone`, undefined, 400, "state"],
      ["GET", `${r}/changesets/1/reviews?limit=1`, undefined, 400, "limit"],
      ["GET", `${r}/changesets/2`, undefined, 404],
    ];
    await expectEach(c.writer, bad);
    assert.equal(await c.anon.ok("GET", `${r}/changesets/counts`), { open: 1, closed: 0, merged: 0 });
  });
}

test.run();
