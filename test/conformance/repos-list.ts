/** Part of the repos suite (repos.ts registers these): list() with its query, filters, sorts and pages. */
import * as assert from "uvu/assert";
import type { Repo, RepoListOptions } from "../../lib/model.ts";
import type { Stores } from "../../lib/stores.ts";
import { drain, rejects, type storeSuite } from "./harness.ts";

type It = ReturnType<typeof storeSuite>["it"];

const uris = async (stores: Stores, o: RepoListOptions = {}): Promise<string[]> =>
  (await stores.repos.list(o)).items.map((r) => r.uri);

const all = (stores: Stores, o: RepoListOptions, limit: number): Promise<Repo[]> =>
  drain((c) => stores.repos.list({ ...o, limit, ...(c ? { cursor: c } : {}) }));

/** Code point order of the lower-cased URIs (the order of their UTF-8 bytes). */
const byLowerURI = (a: string, b: string): number => {
  const x = [...a.toLowerCase()].map((c) => c.codePointAt(0)!), y = [...b.toLowerCase()].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

export function reposList(it: It): void {
  it("list() sorts by URI, case-insensitively, by default; both ways", async ({ stores }) => {
    for (const uri of ["github.com/b/x", "GitHub.com/A/y", "bitbucket.org/c/z", "github.com/a"]) {
      await stores.repos.create({ uri });
    }
    const asc = ["bitbucket.org/c/z", "github.com/a", "GitHub.com/A/y", "github.com/b/x"];
    assert.equal(await uris(stores), asc);
    assert.equal(await uris(stores, { sort: "uri" }), asc);
    assert.equal(await uris(stores, { direction: "desc" }), [...asc].reverse());
  });

  it("list() sorts by ID and by creation time, ties broken by ID", async ({ stores, clock }) => {
    const a = await stores.repos.create({ uri: "x/c" });
    clock.advance(-1000);
    const b = await stores.repos.create({ uri: "x/a" });
    const c = await stores.repos.create({ uri: "x/b" });
    const ids = async (o: RepoListOptions) => (await stores.repos.list(o)).items.map((r) => r.id);
    assert.equal(await ids({ sort: "id" }), [a.id, b.id, c.id]);
    assert.equal(await ids({ sort: "id", direction: "desc" }), [c.id, b.id, a.id]);
    assert.equal(await ids({ sort: "created" }), [b.id, c.id, a.id]);
    assert.equal(await ids({ sort: "created", direction: "desc" }), [a.id, c.id, b.id]);
  });

  it("list() sorts by push time; repos never pushed come first ascending, last descending", async ({ stores }) => {
    const never1 = await stores.repos.create({ uri: "x/never1" });
    const late = await stores.repos.create({ uri: "x/late" });
    const early = await stores.repos.create({ uri: "x/early" });
    const never2 = await stores.repos.create({ uri: "x/never2" });
    const old = await stores.repos.create({ uri: "x/old" });
    await stores.repos.update(late.id, { pushedAt: new Date(Date.UTC(2025, 1, 1)) });
    await stores.repos.update(early.id, { pushedAt: new Date(Date.UTC(2024, 1, 1)) });
    await stores.repos.update(old.id, { pushedAt: new Date(Date.UTC(1969, 1, 1)) });
    const ids = async (o: RepoListOptions) => (await stores.repos.list(o)).items.map((r) => r.id);
    assert.equal(await ids({ sort: "pushed" }), [never1.id, never2.id, old.id, early.id, late.id]);
    assert.equal(await ids({ sort: "pushed", direction: "desc" }), [late.id, early.id, old.id, never2.id, never1.id]);
    const paged = await all(stores, { sort: "pushed", direction: "desc" }, 2);
    assert.equal(paged.map((r) => r.id), [late.id, early.id, old.id, never2.id, never1.id]);
  });

  it("list() query is a case-insensitive prefix of the URI or of the name", async ({ stores }) => {
    for (const uri of ["github.com/gorilla/mux", "github.com/gorilla/websocket", "example.org/x/Mux-fork", "MUXER.io/x", "a/b/c"]) {
      await stores.repos.create({ uri });
    }
    assert.equal(await uris(stores, { query: "mUx" }), ["example.org/x/Mux-fork", "github.com/gorilla/mux", "MUXER.io/x"]);
    assert.equal(await uris(stores, { query: "GITHUB.com/gorilla/" }), ["github.com/gorilla/mux", "github.com/gorilla/websocket"]);
    assert.equal(await uris(stores, { query: "gorilla" }), [], "a middle component is neither prefix");
    assert.equal(await uris(stores, { query: "web" }), ["github.com/gorilla/websocket"]);
    assert.equal(await uris(stores, { query: "c" }), ["a/b/c"]);
    assert.equal(await uris(stores, { query: "muxer.io/x/" }), []);
    assert.is((await uris(stores, { query: "" })).length, 5);
  });

  it("list() filters by private, fork, mirror and language (exact, case-insensitive)", async ({ stores }) => {
    const a = await stores.repos.create({ uri: "x/a", private: true, language: "Go" });
    const b = await stores.repos.create({ uri: "x/b", fork: true, language: "go" });
    const c = await stores.repos.create({ uri: "x/c", mirror: true, language: "Golang" });
    const d = await stores.repos.create({ uri: "x/d", private: true, fork: true, mirror: true });
    const ids = async (o: RepoListOptions) => (await stores.repos.list(o)).items.map((r) => r.id);
    assert.equal(await ids({ private: true }), [a.id, d.id]);
    assert.equal(await ids({ private: false }), [b.id, c.id]);
    assert.equal(await ids({ fork: true }), [b.id, d.id]);
    assert.equal(await ids({ fork: false }), [a.id, c.id]);
    assert.equal(await ids({ mirror: true }), [c.id, d.id]);
    assert.equal(await ids({ language: "GO" }), [a.id, b.id]);
    assert.equal(await ids({ language: "golang" }), [c.id]);
    assert.equal(await ids({ language: "" }), [d.id]);
    assert.equal(await ids({ language: "go", private: false, query: "X/" }), [b.id]);
    assert.equal(await ids({ private: true, fork: true, mirror: true }), [d.id]);
    await stores.repos.update(a.id, { public: true, language: "Rust", fork: true });
    assert.equal(await ids({ private: true }), [d.id]);
    assert.equal(await ids({ language: "go" }), [b.id]);
    assert.equal(await ids({ language: "rust", fork: true }), [a.id]);
    const long = "Lang".repeat(16);
    const e = await stores.repos.create({ uri: "x/e", language: long });
    assert.equal(await ids({ language: long.toUpperCase() }), [e.id]);
    assert.equal(await ids({ language: long.slice(0, 63) }), []);
  });

  it("list() pages never skip or repeat while repos are added", async ({ stores, clock }) => {
    for (let i = 0; i < 20; i++) {
      const r = await stores.repos.create({ uri: `host/r${String(i * 2).padStart(3, "0")}` });
      await stores.repos.update(r.id, { pushedAt: new Date(Date.UTC(2025, 0, 1 + (i % 7))) });
      clock.advance(i % 3 === 0 ? 0 : 1000);
    }
    const sorts: RepoListOptions[] = [
      {}, { direction: "desc" }, { sort: "id", direction: "desc" }, { sort: "created" },
      { sort: "pushed", direction: "desc" }, { sort: "pushed" },
    ];
    let added = 0;
    for (const o of sorts) {
      const seen: Repo[] = [];
      let cursor: string | undefined;
      const before = (await stores.repos.list({ limit: 1000 })).items.map((r) => r.uri);
      for (;;) {
        const page = await stores.repos.list({ ...o, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        await stores.repos.create({ uri: `host/r${String(added * 2 + 1).padStart(3, "0")}` });
        added++;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const got = seen.map((r) => r.uri);
      assert.is(new Set(got).size, got.length, `no repeats (${JSON.stringify(o)})`);
      for (const u of before) assert.ok(got.includes(u), `${u} not skipped (${JSON.stringify(o)})`);
    }
    const everything = await all(stores, { direction: "desc" }, 7);
    assert.equal(everything.map((r) => r.uri), everything.map((r) => r.uri).sort().reverse());
    assert.is(everything.length, 20 + added);
  });

  it("list() has no nextCursor on the last page, even when it is full", async ({ stores }) => {
    for (const uri of ["x/a", "x/b", "x/c", "x/d"]) await stores.repos.create({ uri });
    const p1 = await stores.repos.list({ limit: 2 });
    assert.ok(p1.nextCursor);
    const p2 = await stores.repos.list({ limit: 2, cursor: p1.nextCursor! });
    assert.equal(p2.items.map((r) => r.uri), ["x/c", "x/d"]);
    assert.ok(!("nextCursor" in p2));
    const one = await stores.repos.list({ limit: 4 });
    assert.ok(!("nextCursor" in one));
    const none = await stores.repos.list({ query: "zzz" });
    assert.equal(none, { items: [] });
  });

  it("list() orders, queries and pages long URIs by every character", async ({ stores }) => {
    const stem = "host.example/" + "Very-Long-Path/".repeat(14);
    const names = ["Zeta", "alpha", "Alpha2", "beta"];
    const long = names.map((n) => stem + n + "x".repeat(255 - stem.length - n.length));
    const wide = ["é", "ü"].map((c) => "h/" + "é".repeat(200) + "/" + c + "名".repeat(20));
    const short = ["host.example/very-long-path/b", "zz/short", "host.example/a"];
    for (const uri of [...long, ...wide, ...short]) await stores.repos.create({ uri });
    const expected = [...long, ...wide, ...short].sort(byLowerURI);
    assert.equal(await uris(stores), expected);
    assert.equal((await all(stores, {}, 1)).map((r) => r.uri), expected);
    assert.equal((await all(stores, { direction: "desc" }, 2)).map((r) => r.uri), [...expected].reverse());
    assert.equal(await uris(stores, { query: (stem + "ALPHA").toUpperCase() }), expected.filter((u) => /alpha/i.test(u)));
    assert.equal(await uris(stores, { query: stem + "alpha2" }), [long[2]!]);
    assert.equal(await uris(stores, { query: long[3]! }), [long[3]!]);
    assert.equal(await uris(stores, { query: long[3]!.slice(0, 254) + "y" }), []);
    assert.equal(await uris(stores, { query: "zeta" }), [long[0]!], "the name of a long URI matches");
    assert.equal(await uris(stores, { query: "alpha2" + "X".repeat(20) }), [long[2]!]);
    assert.equal(await uris(stores, { query: "alpha2" + "X".repeat(27) }), []);
    assert.equal(await uris(stores, { query: "Ü" + "名".repeat(10) }), [wide[1]!], "a long name matches beyond what fits a file name");
    assert.equal(await uris(stores, { query: "ü" + "名".repeat(21) }), []);
    assert.equal(await uris(stores, { query: "ü名" }), [wide[1]!]);
    assert.equal(await uris(stores, { query: "h/" + "É".repeat(200) }), wide);
    assert.equal(await uris(stores, { query: "h/" + "é".repeat(200) + "/ü名名" }), [wide[1]!]);
    for (const uri of [...long, ...wide]) assert.is((await stores.repos.getByURI(uri.toUpperCase())).uri, uri);
    // The item a cursor names may be gone by the next page; what follows it must still come.
    const stem2 = "other.example/" + "Very-Long-Path/".repeat(14);
    for (const n of ["b", "a"]) await stores.repos.create({ uri: stem2 + n.repeat(255 - stem2.length) });
    const first = await stores.repos.list({ query: stem2, limit: 1 });
    assert.equal(first.items.map((r) => r.name[0]), ["a"]);
    await stores.repos.delete(first.items[0]!.id);
    const next = await stores.repos.list({ query: stem2, limit: 1, cursor: first.nextCursor! });
    assert.equal(next.items.map((r) => r.name[0]), ["b"]);
    await rejects(stores.repos.list({ direction: "desc", cursor: first.nextCursor! }), "invalid_input", "cursor");
    const last = await stores.repos.list({ direction: "desc", limit: 2 });
    assert.equal(last.items.map((r) => r.uri), ["zz/short", stem2 + "b".repeat(255 - stem2.length)]);
    await stores.repos.delete(last.items[1]!.id);
    const back = await stores.repos.list({ direction: "desc", cursor: last.nextCursor! });
    assert.equal(back.items.map((r) => r.uri), expected.filter((u) => byLowerURI(u, stem2) < 0).reverse());
  });

  it("list() validates its options and names them", async ({ stores }) => {
    await rejects(stores.repos.list({ sort: "name" as never }), "invalid_input", "sort");
    await rejects(stores.repos.list({ direction: "up" as never }), "invalid_input", "direction");
    await rejects(stores.repos.list({ limit: 0 }), "invalid_input", "limit");
    await rejects(stores.repos.list({ limit: 1001 }), "invalid_input", "limit");
    await rejects(stores.repos.list({ cursor: "garbage!" }), "invalid_input", "cursor");
    await rejects(stores.repos.list({ private: "yes" as never }), "invalid_input", "private");
    await rejects(stores.repos.list({ fork: 0 as never }), "invalid_input", "fork");
    await rejects(stores.repos.list({ mirror: "" as never }), "invalid_input", "mirror");
    await rejects(stores.repos.list({ language: "a\u0000" }), "invalid_input", "language");
    await rejects(stores.repos.list({ query: 5 as never }), "invalid_input", "query");
    await rejects(stores.repos.list({ owner: "x" } as never), "invalid_input", "options.owner");
    for (const uri of ["x/a", "x/b"]) await stores.repos.create({ uri });
    const byId = await stores.repos.list({ sort: "id", limit: 1 });
    await rejects(stores.repos.list({ sort: "uri", cursor: byId.nextCursor! }), "invalid_input", "cursor");
  });

  it("list() refuses a cursor made for another sort, direction or list", async ({ stores }) => {
    for (const uri of ["x/a", "x/b", "x/c"]) await stores.repos.create({ uri });
    const orders: RepoListOptions[] = [];
    for (const sort of ["uri", "id", "created", "pushed"] as const) {
      for (const direction of ["asc", "desc"] as const) orders.push({ sort, direction });
    }
    for (const from of orders) {
      const cursor = (await stores.repos.list({ ...from, limit: 1 })).nextCursor!;
      assert.is((await stores.repos.list({ ...from, cursor })).items.length, 2);
      assert.is((await stores.repos.list({ ...from, cursor, private: false, query: "x/" })).items.length, 2);
      for (const to of orders) {
        if (to !== from) await rejects(stores.repos.list({ ...to, cursor }), "invalid_input", "cursor");
      }
    }
    assert.equal((await stores.repos.list({ limit: 1 })).nextCursor, (await stores.repos.list({ sort: "uri", direction: "asc", limit: 1 })).nextCursor);
    for (const login of ["x", "y"]) await stores.users.create({ login });
    const ofUsers = (await stores.users.list({ sort: "uid", limit: 1 })).nextCursor!;
    await rejects(stores.repos.list({ sort: "id", cursor: ofUsers }), "invalid_input", "cursor");
  });
}
