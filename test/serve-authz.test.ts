/**
 * The authorization matrix of `src serve` (issue 6, section 2 "Authorization that holds"), as tables a
 * reviewer can read at a glance: one row per operation, one expected status per caller and repo
 * visibility. Through real HTTP against a real `src serve` process, on fs and on pgsql.
 *
 * Callers: anonymous, a plain user (no grant), a reader, a writer and a repo admin (read, write, admin
 * grant on both repos), a site admin; plus a bad bearer token, which is 401 everywhere under /api.
 * The policy: a private repo is 404 for callers who cannot read it, in every endpoint (lists and
 * graph queries too), so its name never leaks; reads need read, writes write (admin where the brief
 * says so); a missing level is 401 anonymous, 403 signed in; admin-only endpoints 401 / 403.
 * Every refusal is JSON `{code, message}` with no stack trace in it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { startServe, stopPg, type Backend, type ServeProcess } from "./support/serve-process.ts";
import { api, firstAdmin, PASSWORD, tokenFor, userAs, type Api, type Reply } from "./support/http-client.ts";

const USERS = ["plain", "reader", "writer", "radmin"] as const;
const CALLERS = ["anon", ...USERS, "site"] as const;
type Caller = (typeof CALLERS)[number];
type Vis = "pub" | "priv";
const GRANTS = { reader: "read", writer: "write", radmin: "admin" } as const;

const C = "c0ffee".padEnd(40, "0"); // the imported graph commit
const C2 = "d".repeat(40); // imported before each delete of it, so queries on C keep their data
const SAMPLE = "test/fixtures/srclib/sample/testdata/expected/tiny-test-repo-with-readme/tiny-test-repo-with-readme";
const GRAPH_FILES = ["sample.unit.json", "sample.graph.json"].map((f) => ({
  path: `tiny/${f}`,
  content: readFileSync(new URL(`../${SAMPLE}/${f}`, import.meta.url), "utf8"),
}));
const BAD_TOKEN = `sst_1_${"A".repeat(43)}`; // well formed, never issued

const R = (uri: string) => `/api/repos/${uri}`;
const bytes = (s: string) => new TextEncoder().encode(s);
/** The answer of a check that is not one request (is the repo listed?): 200 yes, 404 no. */
const verdict = (status: number): Reply => {
  const body = { code: status === 200 ? "listed" : "not_listed", message: "" };
  return { status, headers: new Headers({ "content-type": "application/json" }), json: body, text: JSON.stringify(body) };
};

/** One operation: what it does as caller `a` on the repo `uri`. */
type Op = (a: Api, uri: string) => Promise<Reply>;
interface Row {
  name: string;
  /** Expected statuses, one per column, whitespace-separated. */
  want: string;
  op: Op;
  /** Run as the site admin before each cell (re-create what the previous cell deleted). */
  prep?: (site: Api, uri: string) => Promise<unknown>;
  /** Each cell gets a new repo of the column's visibility, with the same grants (destructive rows). */
  fresh?: boolean;
}
const row = (name: string, want: string, op: Op, more: Partial<Row> = {}): Row => ({ name, want, op, ...more });

/** Whether `uri` is among the repos the caller lists: "200" listed, "404" not, through small pages and ?private=true. */
async function listed(a: Api, uri: string): Promise<Reply> {
  for (const q of ["limit=2", "private=true&limit=2"]) {
    let cursor: string | undefined;
    do {
      const r = await a.call("GET", `/api/repos?${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (r.status !== 200) return r;
      if (r.json.items.some((x: { uri: string }) => x.uri === uri)) return verdict(200);
      cursor = r.json.nextCursor;
    } while (cursor);
  }
  return verdict(404);
}

const store = (uri: string, key = "k") => `${R(uri)}/-/storage/app1/b${key ? `/${key}` : ""}`;
const graph = (uri: string, rest = "") => `${R(uri)}/-/graph${rest}`;
const putKey = (site: Api, uri: string) => site.call("PUT", store(uri), bytes("v"));
const importGraph = (a: Api, uri: string, commit: string) => a.call("POST", graph(uri, `/${commit}`), { files: GRAPH_FILES });
const newChangeset = { title: "c", base: { branch: "master", commitID: C }, head: { branch: "topic", commitID: C2 } };

// Columns: anonymous, plain user (no grant), reader / writer / repo admin (that grant on the repo),
// site admin; each first on the public repo, then on the private one.
//                                     anon     plain    reader   writer   radmin   site
//                                     pub prv  pub prv  pub prv  pub prv  pub prv  pub prv
const REPO_ROWS: Row[] = [
  row("GET repo",                     "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", R(u))),
  row("GET /api/repos lists it",      "200 404  200 404  200 200  200 200  200 200  200 200", listed),
  row("PATCH repo",                   "401 404  403 404  403 403  403 403  200 200  200 200", (a, u) => a.call("PATCH", R(u), { description: "d" })),
  row("DELETE repo",                  "401 404  403 404  403 403  403 403  403 403  204 204", (a, u) => a.call("DELETE", R(u)), { fresh: true }),
  row("GET config",                   "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/config`)),
  row("PUT config",                   "401 404  403 404  403 403  403 403  204 204  204 204", (a, u) => a.call("PUT", `${R(u)}/-/config`, { ci: true })),
  row("GET statuses",                 "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/commits/${C}/statuses`)),
  row("GET combined status",          "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/commits/${C}/status`)),
  row("POST status",                  "401 404  403 404  403 403  201 201  201 201  201 201", (a, u) => a.call("POST", `${R(u)}/-/commits/${C}/statuses`, { context: "ci", state: "success" })),
  row("GET permissions",              "401 404  403 404  403 403  403 403  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/permissions`)),
  row("PUT permission",               "401 404  403 404  403 403  403 403  204 204  204 204", (a, u) => a.call("PUT", `${R(u)}/-/permissions/victim`, { level: "read" })),
  row("DELETE permission",            "401 404  403 404  403 403  403 403  204 204  204 204", (a, u) => a.call("DELETE", `${R(u)}/-/permissions/victim`),
    { prep: (s, u) => s.call("PUT", `${R(u)}/-/permissions/victim`, { level: "read" }) }),
  row("GET threads",                  "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/threads`)),
  row("GET thread counts",            "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/threads/counts`)),
  row("POST thread",                  "401 404  403 404  403 403  201 201  201 201  201 201", (a, u) => a.call("POST", `${R(u)}/-/threads`, { title: "t", body: "b" })),
  row("GET thread",                   "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/threads/1`)),
  row("PATCH thread",                 "401 404  403 404  403 403  200 200  200 200  200 200", (a, u) => a.call("PATCH", `${R(u)}/-/threads/1`, { title: "t2" })),
  row("GET thread comments",          "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/threads/1/comments`)),
  row("POST thread comment",          "401 404  403 404  403 403  201 201  201 201  201 201", (a, u) => a.call("POST", `${R(u)}/-/threads/1/comments`, { body: "c" })),
  row("GET thread events",            "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/threads/1/events`)),
  row("GET changesets",               "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/changesets`)),
  row("POST changeset",               "401 404  403 404  403 403  201 201  201 201  201 201", (a, u) => a.call("POST", `${R(u)}/-/changesets`, newChangeset)),
  row("GET changeset",                "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/changesets/1`)),
  row("PATCH changeset",              "401 404  403 404  403 403  200 200  200 200  200 200", (a, u) => a.call("PATCH", `${R(u)}/-/changesets/1`, { title: "c2" })),
  row("GET changeset reviews",        "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", `${R(u)}/-/changesets/1/reviews`)),
  row("POST changeset review",        "401 404  403 404  403 403  201 201  201 201  201 201", (a, u) => a.call("POST", `${R(u)}/-/changesets/1/reviews`, { body: "lgtm" })),
  row("GET storage key",              "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", store(u))),
  row("HEAD storage key",             "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("HEAD", store(u))),
  row("GET storage bucket",           "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", store(u, ""))),
  row("PUT storage key",              "401 404  403 404  403 403  204 204  204 204  204 204", (a, u) => a.call("PUT", store(u), bytes("w"))),
  row("DELETE storage key",           "401 404  403 404  403 403  204 204  204 204  204 204", (a, u) => a.call("DELETE", store(u)), { prep: putKey }),
  row("GET storage of srcstore.serve", "404 404  404 404  404 404  404 404  404 404  404 404", (a, u) => a.call("GET", `${R(u)}/-/storage/srcstore.serve/tokens.1`)),
  row("GET graph commits",            "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", graph(u))),
  row("GET graph units",              "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", graph(u, `/${C}/units`))),
  row("GET graph defs",               "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", graph(u, `/${C}/defs?namePrefix=my`))),
  row("GET graph def",                "200 404  200 404  200 200  200 200  200 200  200 200",
    (a, u) => a.call("GET", graph(u, `/${C}/defs?unitType=sample&unit=tiny-test-repo-with-readme&path=mydef`))),
  row("GET graph refs",               "200 404  200 404  200 200  200 200  200 200  200 200", (a, u) => a.call("GET", graph(u, `/${C}/refs`))),
  row("POST graph import",            "401 404  403 404  403 403  403 403  403 403  201 201", (a, u) => importGraph(a, u, C)),
  row("DELETE graph commit",          "401 404  403 404  403 403  403 403  403 403  204 204", (a, u) => a.call("DELETE", graph(u, `/${C2}`)),
    { prep: (s, u) => importGraph(s, u, C2) }),
];

const gstore = (key = "k") => `/api/storage/app1/b${key ? `/${key}` : ""}`;
let repoN = 0;
// Endpoints for site admins only (no repo in them). Columns: callers, as above.
//                                                 anon plain reader writer radmin site
const ADMIN_ROWS: Row[] = [
  row("POST /api/invites",                        "401  403   403    403    403    201", (a) => a.call("POST", "/api/invites", { email: "invitee@example.com" })),
  row("GET /api/invites",                         "401  403   403    403    403    200", (a) => a.call("GET", "/api/invites")),
  row("DELETE /api/invites/:email",               "401  403   403    403    403    204", (a) => a.call("DELETE", "/api/invites/invitee%40example.com"),
    { prep: (s) => s.call("POST", "/api/invites", { email: "invitee@example.com" }) }),
  row("GET /api/users?includeDisabled=true",      "401  403   403    403    403    200", (a) => a.call("GET", "/api/users?includeDisabled=true")),
  row("POST /api/repos (no write flag)",          "401  403   403    403    403    201", (a) => a.call("POST", "/api/repos", { uri: `example.com/authz/new-${++repoN}` })),
  row("PUT /api/storage/:app/:bucket/:key",       "401  403   403    403    403    204", (a) => a.call("PUT", gstore(), bytes("v"))),
  row("GET /api/storage/:app/:bucket/:key",       "401  403   403    403    403    200", (a) => a.call("GET", gstore())),
  row("HEAD /api/storage/:app/:bucket/:key",      "401  403   403    403    403    200", (a) => a.call("HEAD", gstore())),
  row("GET /api/storage/:app/:bucket",            "401  403   403    403    403    200", (a) => a.call("GET", gstore(""))),
  row("DELETE /api/storage/:app/:bucket/:key",    "401  403   403    403    403    204", (a) => a.call("DELETE", gstore()),
    { prep: (s) => s.call("PUT", gstore(), bytes("v")) }),
  row("DELETE /api/storage/:app/:bucket",         "401  403   403    403    403    204", (a) => a.call("DELETE", gstore(""))),
  row("GET /api/storage/srcstore.serve/:bucket",  "401  403   403    403    403    404", (a) => a.call("GET", "/api/storage/srcstore.serve/tokens.1")),
  row("PUT /api/storage/srcstore.serve/...",      "401  403   403    403    403    404", (a) => a.call("PUT", "/api/storage/srcstore.serve/tokens.1/k", bytes("x"))),
  row("DELETE /api/orgs/:login",                  "401  403   403    403    403    204", (a) => a.call("DELETE", "/api/orgs/org1"),
    { prep: (s) => s.call("POST", "/api/orgs", { login: "org1" }) }),
  row("DELETE /api/users/:login",                 "401  403   403    403    403    204", (a) => a.call("DELETE", "/api/users/victim")),
];

interface Cast {
  s: ServeProcess;
  site: Api;
  as: Record<Caller, Api>;
  repos: Record<Vis, string>;
  /** Fixture steps that failed (their routes are wrong or missing): reported with the matrix. */
  setup: string[];
  fresh: number;
}

/** A repo with the grants of the matrix. */
async function makeRepo(site: Api, uri: string, priv: boolean): Promise<string> {
  await site.ok("POST", "/api/repos", { uri, private: priv });
  for (const [login, level] of Object.entries(GRANTS)) await site.ok("PUT", `${R(uri)}/-/permissions/${login}`, { level }, 204);
  return uri;
}

/** One server per backend with its users (a password hash costs ~0.3 s: made once) and fixtures. */
const casts = new Map<Backend, Promise<Cast>>();
function cast(b: Backend): Promise<Cast> {
  let k = casts.get(b);
  if (!k) casts.set(b, (k = makeCast(b)));
  return k;
}

async function makeCast(b: Backend): Promise<Cast> {
  const s = await startServe(b);
  const site = await firstAdmin(s.url);
  const users = await Promise.all(USERS.map((l) => userAs(site, l)));
  await site.ok("POST", "/api/accounts", { login: "victim", password: PASSWORD });
  const as = { anon: api(s.url), site, ...Object.fromEntries(USERS.map((l, i) => [l, users[i]!])) } as Record<Caller, Api>;
  const repos = { pub: await makeRepo(site, "example.com/authz/pub", false), priv: await makeRepo(site, "example.com/authz/priv", true) };
  const setup: string[] = [];
  for (const uri of Object.values(repos)) {
    const steps: [string, Promise<Reply>, number][] = [
      ["thread 1", site.call("POST", `${R(uri)}/-/threads`, { title: "t", body: "b" }), 201],
      ["changeset 1", site.call("POST", `${R(uri)}/-/changesets`, newChangeset), 201],
      ["storage key", putKey(site, uri), 204],
      ["graph import", importGraph(site, uri, C), 201],
    ];
    for (const [what, p, want] of steps) {
      const r = await p;
      if (r.status !== want) setup.push(`${b} fixture ${what} on ${uri}: ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  return { s, site, as, repos, setup, fresh: 0 };
}

/** Why an error reply is not `{code, message}` JSON free of stack traces and paths; "" when it is. */
function badErrorBody(method: string, r: Reply): string {
  if (r.status < 400 || method === "HEAD") return "";
  const j = r.json;
  if (!j || typeof j.code !== "string" || typeof j.message !== "string") return `error body is not {code, message}: ${r.text.slice(0, 200)}`;
  if (!(r.headers.get("content-type") ?? "").includes("application/json")) return `error content-type ${r.headers.get("content-type")}`;
  const extra = Object.keys(j).filter((k) => !["code", "message", "field", "retryable"].includes(k));
  if (extra.length) return `error body has ${extra.join(", ")}`;
  if (/\n\s+at |\.ts:\d+|node_modules|file:\/\/|\/work\//.test(r.text)) return `error body shows a stack or path: ${r.text.slice(0, 300)}`;
  return "";
}

/** Runs every cell of `rows` for `callers` x `vis`; returns one line per cell that is not as expected. */
async function runTable(b: Backend, k: Cast, rows: Row[], callers: { name: string; api: Api }[], vis: (Vis | null)[]): Promise<string[]> {
  const bad: string[] = [];
  for (const r of rows) {
    const want = r.want.trim().split(/\s+/).map(Number);
    assert.is(want.length, callers.length * vis.length, `row "${r.name}" has ${want.length} columns`);
    let col = 0;
    for (const who of callers) {
      for (const v of vis) {
        const expected = want[col++]!;
        const uri = v === null ? "" : r.fresh ? await makeRepo(k.site, `example.com/authz/${v}-${++k.fresh}`, v === "priv") : k.repos[v];
        await r.prep?.(k.site, uri);
        const got = await r.op(who.api, uri);
        const where = `${b} ${r.name} as ${who.name}${v ? ` on ${v}` : ""}`;
        if (got.status !== expected) bad.push(`${where}: want ${expected}, got ${got.status} ${got.text.slice(0, 160)}`);
        const body = badErrorBody(r.name.split(" ")[0]!, got);
        if (body) bad.push(`${where}: ${body}`);
      }
    }
  }
  return bad;
}

function report(k: Cast, bad: string[]): void {
  const all = [...k.setup, ...bad];
  assert.ok(all.length === 0, `${all.length} cells or fixtures not as the policy says:\n  ${all.join("\n  ")}`);
}

test.after(async () => {
  for (const k of casts.values()) await (await k.catch(() => undefined))?.s.stop();
  await stopPg();
});

for (const b of ["fs", "pgsql"] as const) {
  test(`${b}: repo-scoped operations follow the matrix (private repos 404 without access)`, async () => {
    const k = await cast(b);
    const callers = CALLERS.map((c) => ({ name: c, api: k.as[c] }));
    report(k, await runTable(b, k, REPO_ROWS, callers, ["pub", "priv"]));
    console.log(`\n# ${b}: ${REPO_ROWS.length} repo operations x ${callers.length} callers x public/private as the table says`);
  });

  test(`${b}: a private repo never shows in lists or filters for callers without access`, async () => {
    const k = await cast(b);
    for (const c of ["anon", "plain"] as const) {
      for (const q of ["", "?private=true", "?query=priv", "?query=example.com%2Fauthz%2Fpriv", "?sort=pushed&direction=desc"]) {
        const r = await k.as[c].call("GET", `/api/repos${q}`);
        assert.is(r.status, 200, `${c} GET /api/repos${q}: ${r.text}`);
        assert.not.ok(r.text.includes(k.repos.priv), `${c} GET /api/repos${q} shows the private repo: ${r.text.slice(0, 300)}`);
      }
    }
  });

  test(`${b}: a deleted private repo's graph data does not show through a new public repo of the same URI`, async () => {
    const { site, as } = await cast(b);
    const uri = "example.com/authz/reborn";
    await site.ok("POST", "/api/repos", { uri, private: true });
    assert.is((await importGraph(site, uri, C)).status, 201);
    await site.ok("DELETE", R(uri));
    await site.ok("POST", "/api/repos", { uri });
    const commits = await as.anon.call("GET", graph(uri));
    assert.equal(commits.json?.items, [], `${b} anonymous GET graph of the new repo: ${commits.text.slice(0, 200)}`);
    const units = await as.anon.call("GET", graph(uri, `/${C}/units`));
    assert.is(units.status, 404, `${b} anonymous GET graph units of the deleted private repo's commit: ${units.text.slice(0, 200)}`);
  });

  test(`${b}: admin-only endpoints are 401 anonymous, 403 for users`, async () => {
    const k = await cast(b);
    const callers = CALLERS.map((c) => ({ name: c, api: k.as[c] }));
    report(k, await runTable(b, k, ADMIN_ROWS, callers, [null]));
  });

  test(`${b}: a bad bearer token is 401 everywhere under /api, public reads included`, async () => {
    const k = await cast(b);
    const bad = [{ name: "bad token", api: api(k.s.url, BAD_TOKEN) }];
    const repoRows = REPO_ROWS.map((r) => ({ ...r, want: "401 401" }));
    const adminRows = ADMIN_ROWS.map((r) => ({ ...r, want: "401", prep: undefined }));
    const more = [
      row("GET /api/user", "401", (a) => a.call("GET", "/api/user")),
      row("GET /api/users", "401", (a) => a.call("GET", "/api/users")),
      row("POST /api/tokens", "401", (a) => a.call("POST", "/api/tokens", { login: "plain", password: PASSWORD })),
      row("POST /api/accounts", "401", (a) => a.call("POST", "/api/accounts", { login: "zed", password: PASSWORD })),
      row("GET /api/nowhere", "401", (a) => a.call("GET", "/api/nowhere")),
    ];
    const lines = await runTable(b, k, repoRows, bad, ["pub", "priv"]);
    lines.push(...(await runTable(b, k, [...adminRows, ...more], bad, [null])));
    const malformed = await api(k.s.url).call("GET", R(k.repos.pub), undefined, { authorization: "Basic YWRtaW46eA==" });
    if (malformed.status !== 401) lines.push(`${b} GET repo with a Basic header: want 401, got ${malformed.status}`);
    report(k, lines);
  });

  test(`${b}: errors are {code, message} JSON without a stack, and a body cannot name its author`, async () => {
    const { as, repos } = await cast(b);
    const threads = `${R(repos.pub)}/-/threads`;
    const cases: [string, Promise<Reply>, number][] = [
      ["malformed JSON", as.writer.call("POST", threads, "{not json", { "content-type": "application/json" }), 400],
      ["a JSON array body", as.writer.call("POST", threads, "[1]", { "content-type": "application/json" }), 400],
      ["authorUID in the body", as.writer.call("POST", threads, { title: "t", body: "b", authorUID: 1 }), 400],
      ["a body over 1 MiB", as.writer.call("POST", threads, { title: "t", body: "x".repeat(1_100_000) }), 413],
      ["an unknown endpoint", as.anon.call("GET", "/api/nowhere"), 404],
      ["a thread that does not exist", as.reader.call("GET", `${threads}/99999`), 404],
      ["thread number 0", as.reader.call("GET", `${threads}/0`), 400],
      ["a missing repo", as.site.call("GET", R("example.com/authz/missing")), 404],
    ];
    for (const [what, p, want] of cases) {
      const r = await p;
      assert.is(r.status, want, `${b} ${what}: ${r.text.slice(0, 200)}`);
      assert.is(badErrorBody("POST", r), "", `${b} ${what}`);
    }
    // A private repo's 404 says no more than a missing repo's, in every area.
    for (const rest of ["", "/-/threads/1", "/-/storage/app1/b/k", `/-/graph/${C}/units`, "/-/permissions"]) {
      const hidden = await as.plain.call("GET", R(repos.priv) + rest);
      const missing = await as.plain.call("GET", R("example.com/authz/missing") + rest);
      assert.is(hidden.text.replace(repos.priv, "URI"), missing.text.replace("example.com/authz/missing", "URI"), `${b} GET ${rest || "repo"}`);
    }
  });

  test(`${b}: a user changes only their own profile, tokens and emails`, async () => {
    const { as, site } = await cast(b);
    const { plain, anon } = as;
    let { reader } = as;
    const is = (r: Reply, want: number | number[], what: string) =>
      assert.ok([want].flat().includes(r.status), `${b} ${what}: want ${want}, got ${r.status} ${r.text.slice(0, 200)}`);

    is(await plain.call("PATCH", "/api/users/reader", { name: "Not Reader" }), 403, "PATCH another user");
    is(await plain.call("PATCH", "/api/users/reader", { admin: true }), 403, "PATCH another user's admin flag");
    is(await plain.call("PATCH", "/api/users/plain", { admin: true }), [400, 403], "PATCH own admin flag");
    is(await plain.call("PATCH", "/api/users/plain", { write: true }), [400, 403], "PATCH own write flag");
    is(await plain.call("PATCH", "/api/user", { admin: true }), [400, 403], "PATCH /api/user admin flag");
    const me = await plain.ok("GET", "/api/user");
    assert.is(me.admin, false, "plain became admin");
    assert.is(me.write, false, "plain got the write flag");
    assert.is.not((await site.ok("GET", "/api/users/reader")).name, "Not Reader", "plain renamed reader");
    assert.is((await plain.ok("PATCH", "/api/user", { name: "Plain" })).name, "Plain");
    assert.is((await plain.ok("PATCH", "/api/users/plain", { location: "Here" })).location, "Here");
    is(await anon.call("PATCH", "/api/user", { name: "x" }), 401, "anonymous PATCH /api/user");
    is(await anon.call("PATCH", "/api/users/plain", { name: "x" }), 401, "anonymous PATCH a user");

    is(await plain.call("GET", "/api/users/reader/emails"), 403, "GET another user's emails");
    is(await plain.call("PUT", "/api/users/reader/emails", { items: [{ email: "x@example.com", primary: true }] }), 403, "PUT another user's emails");
    const verified = await plain.call("PUT", "/api/user/emails", { items: [{ email: "plain@example.com", primary: true, verified: true }] });
    if (verified.status === 200) {
      assert.not.ok(verified.json.items.some((e: { verified?: boolean }) => e.verified), `${b} a user verified their own address: ${verified.text}`);
    } else is(verified, [400, 403], "a user marking their own address verified");
    is(await anon.call("GET", "/api/user/emails"), 401, "anonymous GET /api/user/emails");

    const theirs = (await reader.ok("GET", "/api/tokens")).items as { id: string }[];
    assert.ok(theirs.length >= 1, "reader has a token");
    const mine = (await plain.ok("GET", "/api/tokens")).items as { id: string }[];
    assert.not.ok(mine.some((t) => theirs.some((x) => x.id === t.id)), "plain lists reader's tokens");
    for (const t of theirs) is(await plain.call("DELETE", `/api/tokens/${t.id}`), 404, "DELETE another user's token");
    is(await site.call("DELETE", `/api/tokens/${theirs[0]!.id}`), 404, "a site admin DELETE another user's token via /api/tokens");
    is(await reader.call("GET", "/api/user"), 200, "reader's token after plain tried to revoke it");
    is(await anon.call("GET", "/api/tokens"), 401, "anonymous GET /api/tokens");
    is(await anon.call("DELETE", `/api/tokens/${theirs[0]!.id}`), 401, "anonymous DELETE a token");

    // A disabled account's token stops working, and stays revoked when the account is enabled again;
    // an org's membership is its members' (and admins') to change.
    await site.ok("PATCH", "/api/users/reader", { disabled: true });
    is(await reader.call("GET", "/api/user"), 401, "a disabled user's token");
    await site.ok("PATCH", "/api/users/reader", { disabled: false });
    is(await reader.call("GET", "/api/user"), 401, "a re-enabled user's token from before");
    reader = as.reader = await tokenFor(site.url, "reader");
    is(await reader.call("GET", "/api/user"), 200, "a re-enabled user's new token");
    await plain.ok("POST", "/api/orgs", { login: "plainorg" });
    is(await reader.call("PUT", "/api/orgs/plainorg/members/reader"), 403, "a non-member joins an org");
    is(await reader.call("DELETE", "/api/orgs/plainorg/members/plain"), 403, "a non-member removes a member");
    is(await anon.call("PUT", "/api/orgs/plainorg/members/reader"), 401, "anonymous joins an org");
    is(await plain.call("PUT", "/api/orgs/plainorg/members/reader"), 204, "a member adds a member");

    // Sign-up cannot raise anyone: admin/write flags from a non-admin are refused.
    is(await anon.call("POST", "/api/accounts", { login: "sneaky", password: PASSWORD, admin: true }), 403, "anonymous sign-up as admin");
    is(await plain.call("POST", "/api/accounts", { login: "sneaky2", password: PASSWORD, write: true }), 403, "user signs up another with write");
    is(await site.call("GET", "/api/users/sneaky"), 404, "the refused sign-up left a user");
    is(await site.call("GET", "/api/users/sneaky2"), 404, "the refused sign-up left a user");
  });
}

test.run();
