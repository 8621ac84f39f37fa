/**
 * Graph data over HTTP (lib/serve/routes/graph.ts), against a real `src serve` on fs and on pgsql: a
 * real srclib fixture (go "gopathtest": three units with refs between them and docs) imported through
 * both upload forms (multipart with curl, and JSON), every query compared with what a graph store
 * answers for the same import in this process, and who may see, import and delete.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { startServe, stopPg, type Backend, type ServeProcess } from "./support/serve-process.ts";
import { api, firstAdmin, userAs, type Api } from "./support/http-client.ts";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { GraphStore } from "../lib/graph/store.ts";
import { memoryBlob } from "../lib/adapters/memory-blob.ts";
import { srclibDir } from "../lib/adapters/srclib-dir.ts";

const BACKENDS: Backend[] = ["fs", "pgsql"];
const CASE = fileURLToPath(new URL("./fixtures/srclib/go/testdata/expected/src/github.com/sgtest/gopathtest/", import.meta.url));
const REPO = "github.com/sgtest/gopathtest";
const C1 = "1".repeat(40), C2 = "2".repeat(64);
const MYPKG = { unitType: "GoPackage", unit: "github.com/alice/mypkg" };

/** The case's files, paths relative to its folder (the *.depresolve.json ones too: the import skips them). */
function caseFiles(dir = CASE, rel = ""): { path: string; abs: string }[] {
  return readdirSync(dir + rel, { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? caseFiles(dir, path) : [{ path, abs: dir + path }];
  });
}

interface Cast {
  s: ServeProcess;
  anon: Api;
  admin: Api;
  /** A plain user; has write on the public repo but is no site admin. */
  user: Api;
  /** Answers of a graph store that imported the same files at the same repo and commit. */
  ref: GraphStore;
}

const casts = new Map<Backend, Promise<Cast>>();
let ref: Promise<GraphStore> | undefined;

function cast(b: Backend): Promise<Cast> {
  let c = casts.get(b);
  if (!c) {
    c = (async () => {
      ref ??= (async () => {
        const g = await openGraphStore(memoryBlob());
        await g.import({ repo: REPO, commit: C1, files: srclibDir(CASE) });
        return g;
      })();
      const s = await startServe(b);
      const admin = await firstAdmin(s.url);
      const user = await userAs(admin, "user");
      await admin.ok("POST", "/api/repos", { uri: REPO });
      await admin.ok("POST", "/api/repos", { uri: "example.com/secret/graph", private: true });
      await admin.ok("PUT", `/api/repos/${REPO}/-/permissions/user`, { level: "write" }, 204);
      return { s, anon: api(s.url), admin, user, ref: await ref };
    })();
    casts.set(b, c);
  }
  return c;
}

test.after(async () => {
  for (const c of casts.values()) await (await c.catch(() => undefined))?.s.stop();
  await stopPg();
});

/** POSTs the case as multipart with curl, one -F per file, the filename its path in the case. */
function curlImport(url: string, token: string | undefined, repo: string, commit: string): { status: number; body: any } {
  const args = ["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST"];
  if (token) args.push("-H", `Authorization: Bearer ${token}`);
  for (const f of caseFiles()) args.push("-F", `f=@${f.abs};filename=${f.path}`);
  const r = spawnSync("curl", [...args, `${url}/api/repos/${repo}/-/graph/${commit}`], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const nl = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(nl + 1)), body: JSON.parse(r.stdout.slice(0, nl)) };
}

/** The case as the JSON form's body. */
function jsonBody(): { files: { path: string; content: string }[] } {
  return { files: caseFiles().map((f) => ({ path: f.path, content: readFileSync(f.abs, "utf8") })) };
}

/** Every item of a paged list, following nextCursor. */
async function pages<T>(list: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await list(cursor);
    items.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return items;
}

/** Every item of a graph list over HTTP, `limit` per page. */
const all = (a: Api, path: string, limit: number): Promise<any[]> =>
  pages((cursor) => a.ok("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));

/** What the JSON API gives for a value (dates as ISO strings). */
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

for (const b of BACKENDS) {
  test(`${b}: imports through multipart (curl) and JSON give the graph store's summary`, async () => {
    const c = await cast(b);
    const want = json(await c.ref.commits({ repo: REPO }))[0];
    const viaCurl = curlImport(c.s.url, c.admin.token, REPO, C1);
    assert.is(viaCurl.status, 201, JSON.stringify(viaCurl.body));
    const counts = (x: any) => [x.repo, x.units, x.defs, x.refs, x.docs];
    assert.equal(counts(viaCurl.body), counts(want));
    assert.equal([viaCurl.body.commit, viaCurl.body.replaced], [C1, false]);
    const viaJson = await c.admin.ok("POST", `/api/repos/${REPO}/-/graph/${C2}`, jsonBody());
    assert.equal(counts(viaJson), counts(want));
    const again = await c.admin.ok("POST", `/api/repos/${REPO}/-/graph/${C1}`, jsonBody());
    assert.is(again.replaced, true);

    const commits = (await c.anon.ok("GET", `/api/repos/${REPO}/-/graph`)).items;
    assert.equal(commits.map((x: any) => [x.commit, x.version]), [[C1, again.version], [C2, viaJson.version]]);
    assert.equal(counts(commits[1]), counts(want));
  });

  test(`${b}: units, defs, refs and docs answer as the graph store does`, async () => {
    const c = await cast(b);
    const at = { repo: REPO, commit: C1 };
    const base = `/api/repos/${REPO}/-/graph/${C1}`;
    assert.equal((await c.anon.ok("GET", `${base}/units`)).items, json(await c.ref.units(at)));

    const defQueries: [string, Record<string, string>][] = [
      ["", {}],
      ["unitType=GoPackage&unit=github.com%2Falice%2Fmypkg", { ...MYPKG }],
      ["file=gopathtest.go", { file: "gopathtest.go" }],
      ["namePrefix=F", { namePrefix: "F" }],
    ];
    for (const [q, o] of defQueries) {
      const want = json(await pages((cursor) => c.ref.defs({ ...at, ...o, limit: 2, ...(cursor ? { cursor } : {}) })));
      assert.ok(q !== "" || want.length > 2, "the case has enough defs to page");
      assert.equal(await all(c.user, `${base}/defs${q ? `?${q}` : ""}`, 2), want, `defs?${q}`);
    }
    for (const path of ["Foo", "."]) {
      const one = await c.anon.ok("GET", `${base}/defs?unitType=GoPackage&unit=github.com%2Falice%2Fmypkg&path=${encodeURIComponent(path)}`);
      assert.equal(one, json(await c.ref.def({ ...at, ...MYPKG, path })));
    }

    const refQueries: [string, Record<string, unknown>][] = [
      ["", {}],
      ["defUnitType=GoPackage&defUnit=github.com%2Falice%2Fmypkg&defPath=.", { def: { ...MYPKG, path: "." } }],
      [`defRepo=${REPO}&defUnitType=GoPackage&defUnit=github.com%2Falice%2Fmypkg&defPath=Foo`, { def: { repo: REPO, ...MYPKG, path: "Foo" } }],
      ["file=gopathtest.go", { file: "gopathtest.go" }],
      ["unitType=GoPackage&unit=github.com%2Fsgtest%2Fgopathtest", { unitType: "GoPackage", unit: "github.com/sgtest/gopathtest" }],
    ];
    for (const [q, o] of refQueries) {
      const want = json(await pages((cursor) => c.ref.refs({ ...at, ...o, limit: 3, ...(cursor ? { cursor } : {}) })));
      assert.ok(want.length > 0, `refs?${q} finds some`);
      assert.equal(await all(c.anon, `${base}/refs${q ? `?${q}` : ""}`, 3), want, `refs?${q}`);
    }
    // The package def's docs, and (path "") the docs of the unit's files.
    for (const path of [".", ""]) {
      const docs = await c.anon.ok("GET", `${base}/docs?unitType=GoPackage&unit=github.com%2Falice%2Fmypkg&path=${encodeURIComponent(path)}`);
      assert.equal(docs.items, json(await c.ref.docs({ ...at, ...MYPKG, path })));
      assert.is(docs.items.length, 2, `docs of path ${JSON.stringify(path)}`);
    }
  });

  test(`${b}: graph queries refuse bad input and name what is missing`, async () => {
    const c = await cast(b);
    const base = `/api/repos/${REPO}/-/graph/${C1}`;
    const cases: [string, number, string?][] = [
      [`/api/repos/${REPO}/-/graph/123/units`, 400, "commit"],
      [`/api/repos/${REPO}/-/graph/${"3".repeat(40)}/units`, 404],
      [`${base}/defs?path=Foo`, 400, "path"],
      [`${base}/defs?unitType=GoPackage&unit=x&path=Foo&limit=2`, 400, "limit"],
      [`${base}/defs?unitType=GoPackage&unit=github.com%2Falice%2Fmypkg&path=Nope`, 404],
      [`${base}/defs?unitType=GoPackage`, 400, "unit"],
      [`${base}/defs?prefix=F`, 400, "prefix"],
      [`${base}/defs?limit=2&cursor=bogus`, 400, "cursor"],
      [`${base}/refs?defPath=Foo`, 400, "defUnitType"],
      [`${base}/refs?defRepo=x.com/y`, 400, "defUnitType"],
      [`${base}/docs?unitType=GoPackage&unit=x`, 400, "path"],
      [`${base}/units?x=1`, 400, "x"],
    ];
    for (const [path, want, field] of cases) {
      const res = await c.anon.call("GET", path);
      assert.is(res.status, want, `${path} -> ${res.status} ${res.text}`);
      if (field) assert.is(res.json.field, field, res.text);
    }
  });

  test(`${b}: graph data of a private repo is invisible to whoever cannot read the repo`, async () => {
    const c = await cast(b);
    const secret = "example.com/secret/graph";
    assert.is(curlImport(c.s.url, c.admin.token, secret, C1).status, 201);
    const paths = [`/api/repos/${secret}/-/graph`, `/api/repos/${secret}/-/graph/${C1}/units`,
      `/api/repos/${secret}/-/graph/${C1}/defs`, `/api/repos/${secret}/-/graph/${C1}/refs`,
      `/api/repos/${secret}/-/graph/${C1}/docs?unitType=GoPackage&unit=github.com%2Falice%2Fmypkg&path=Foo`];
    for (const p of paths) {
      assert.is((await c.anon.call("GET", p)).status, 404, `anonymous ${p}`);
      assert.is((await c.user.call("GET", p)).status, 404, `user ${p}`);
      assert.is((await c.admin.call("GET", p)).status, 200, `admin ${p}`);
    }
    // Not even the import endpoint tells that the repo exists.
    assert.is(curlImport(c.s.url, undefined, secret, C2).status, 404);
    assert.is((await c.user.call("DELETE", `/api/repos/${secret}/-/graph/${C1}`)).status, 404);
    // A repo missing from the repos store has no graph data, for anyone.
    const missing = "/api/repos/example.com/not/registered/-/graph";
    assert.is((await c.admin.call("GET", missing)).status, 404);
    assert.is((await c.admin.call("POST", `${missing}/${C1}`, jsonBody())).status, 404);
  });

  test(`${b}: only a site admin imports and deletes; malformed srclib is 400 naming the file`, async () => {
    const c = await cast(b);
    const at = `/api/repos/${REPO}/-/graph/${C2}`;
    assert.is(curlImport(c.s.url, undefined, REPO, C2).status, 401);
    const byUser = curlImport(c.s.url, c.user.token, REPO, C2);
    assert.is(byUser.status, 403, "write on the repo is not enough");
    assert.is((await c.user.call("POST", at, jsonBody())).status, 403);
    assert.is((await c.anon.call("DELETE", at)).status, 401);
    assert.is((await c.user.call("DELETE", at)).status, 403);

    const broken: [unknown, string][] = [
      [{ files: [{ path: "pkg/GoPackage.unit.json", content: "{" }, { path: "pkg/GoPackage.graph.json", content: "{}" }] }, "pkg/GoPackage.unit.json"],
      [{ files: [{ path: "lone/GoPackage.graph.json", content: JSON.stringify({ Defs: [], Refs: [] }) }] }, "lone/GoPackage.graph.json"],
      [{ files: [{ path: "pkg/GoPackage.unit.json", content: '{"Name":"pkg","Type":"GoPackage"}' }, { path: "pkg/GoPackage.graph.json", content: "[]" }] }, "pkg/GoPackage.graph.json"],
      [{ files: [], extra: 1 }, "extra"],
      [{ files: [{ path: "a.unit.json" }] }, "files[0].content"],
    ];
    for (const [body, names] of broken) {
      const res = await c.admin.call("POST", at, body);
      assert.is(res.status, 400, res.text);
      assert.ok(res.text.includes(names), `${res.text} names ${names}`);
    }
    const form = new FormData();
    form.append("note", "not a file");
    const plain = await fetch(c.s.url + at, { method: "POST", body: form, headers: { authorization: `Bearer ${c.admin.token}` } });
    assert.is(plain.status, 400, await plain.text());
    const text = await c.admin.call("POST", at, "x", { "content-type": "text/plain" });
    assert.is(text.status, 400, text.text);
    assert.is(await tooLargeStatus(c.s.url, at, c.admin.token!), 413);
    const units = await c.admin.call("GET", `${at}/units`);
    assert.is(units.status, 200, "the earlier import is still there, untouched");

    await c.admin.ok("DELETE", at);
    assert.is((await c.anon.call("GET", `${at}/units`)).status, 404);
    assert.is((await c.admin.call("DELETE", at)).status, 404, "nothing left to delete");
    assert.equal((await c.anon.ok("GET", `/api/repos/${REPO}/-/graph`)).items.map((x: any) => x.commit), [C1]);
  });
}

/** The status of an import that declares a body over 256 MiB (the server refuses it before reading). */
function tooLargeStatus(url: string, path: string, token: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname, () => {
      sock.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${256 * 1024 * 1024 + 1}\r\n\r\n{"files":`);
    });
    let got = "";
    sock.on("data", (d) => {
      got += d.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        sock.destroy();
        resolve(Number(m[1]));
      }
    });
    sock.on("error", reject);
  });
}

test.run();
