/**
 * Two `src serve` processes on ONE PostgreSQL database, as users scale past one machine (issue 6,
 * section 3): concurrent writes sent through both at once keep numbering and uniqueness intact.
 * Threads, comments and changesets are numbered without gap or duplicate; of concurrent sign-ups of
 * one login exactly one wins (the others 409); of concurrent `If-None-Match: *` puts exactly one
 * wins, in repo and global app storage; of concurrent first sign-ups exactly one becomes admin.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freshDatabase, type FreshDatabase } from "./support/pg-db.ts";
import { pg, startServe, stopPg, type ServeProcess } from "./support/serve-process.ts";
import { api, PASSWORD, tokenFor, type Api, type Reply } from "./support/http-client.ts";

const PER_PROCESS = 40;
const REPO = "example.com/two/process";
const R = `/api/repos/${REPO}`;

let db: FreshDatabase | undefined;
let servers: ServeProcess[] = [];
/** The site admin, through each process. */
let admins: Api[] = [];
const summary: string[] = [];

/** `n` calls through each process, interleaved (p0, p1, p0, ...) and all in flight at once. */
function both(n: number, call: (a: Api, i: number) => Promise<Reply>, through: Api[] = admins): Promise<Reply[]> {
  const all: Promise<Reply>[] = [];
  for (let i = 0; i < n * through.length; i++) all.push(call(through[i % through.length]!, i));
  return Promise.all(all);
}

/** The statuses, counted: "201 x1, 409 x5". */
function tally(rs: Reply[]): string {
  const m = new Map<number, number>();
  for (const r of rs) m.set(r.status, (m.get(r.status) ?? 0) + 1);
  return [...m].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s} x${n}`).join(", ");
}

/** Asserts `numbers` is exactly first..first+count-1 (no gap, no duplicate). */
function consecutive(numbers: number[], first: number, count: number, what: string): void {
  const sorted = [...numbers].sort((a, b) => a - b);
  const want = Array.from({ length: count }, (_, i) => first + i);
  assert.equal(sorted, want, `${what}: got ${JSON.stringify(sorted)}`);
}

/** Every item of a paged list, following nextCursor. */
async function all(a: Api, path: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await a.ok("GET", `${path}${sep}limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

test.before(async () => {
  db = await freshDatabase(await pg());
  servers = await Promise.all([startServe("pgsql", { db }), startServe("pgsql", { db })]);
});

test.after(async () => {
  for (const s of servers) await s.stop();
  await db?.drop().catch(() => undefined);
  await stopPg();
});

test("concurrent first sign-ups through both processes: exactly one becomes admin, the others need an invite", async () => {
  const anon = servers.map((s) => api(s.url));
  const rs = await both(3, (a, i) => a.call("POST", "/api/accounts", { login: `first${i}`, password: PASSWORD }), anon);
  const won = rs.flatMap((r, i) => (r.status === 201 ? [i] : []));
  assert.is(won.length, 1, `first sign-ups: ${tally(rs)}: ${rs.map((r) => r.text.slice(0, 120)).join(" | ")}`);
  for (const r of rs) if (r.status !== 201) assert.is(r.status, 403, `a losing first sign-up: ${r.status} ${r.text}`);
  assert.is(rs[won[0]!]!.json.admin, true, "the one first account is a site admin");
  const login = `first${won[0]}`;
  admins = await Promise.all(servers.map((s) => tokenFor(s.url, login)));
  for (const a of admins) {
    const users = await all(a, "/api/users");
    assert.equal(users.map((u) => [u.login, u.admin]), [[login, true]], "exactly one user, the admin, seen through each process");
  }
  summary.push(`first admin 1 of ${rs.length}`);
});

test(`threads created through both processes (2 x ${PER_PROCESS} at once) are numbered 1..${2 * PER_PROCESS}`, async () => {
  await admins[0]!.ok("POST", "/api/repos", { uri: REPO });
  const rs = await both(PER_PROCESS, (a, i) => a.call("POST", `${R}/-/threads`, { title: `t${i}`, body: `via process ${i % 2}` }));
  assert.is(tally(rs), `201 x${2 * PER_PROCESS}`, rs.filter((r) => r.status !== 201).map((r) => r.text).join(" | "));
  consecutive(rs.map((r) => r.json.number), 1, 2 * PER_PROCESS, "thread numbers");
  for (const a of admins) {
    const listed = await all(a, `${R}/-/threads`);
    consecutive(listed.map((t) => t.number), 1, 2 * PER_PROCESS, `threads listed through ${a.url}`);
    assert.equal(listed.map((t) => t.number), [...listed.map((t) => t.number)].sort((x, y) => y - x), "newest first");
    const counts = await a.ok("GET", `${R}/-/threads/counts`);
    assert.is(counts.open, 2 * PER_PROCESS, JSON.stringify(counts));
  }
  // Each title landed on the number its reply gave, whichever process reads it.
  for (const r of rs.slice(0, 6)) assert.is((await admins[1]!.ok("GET", `${R}/-/threads/${r.json.number}`)).title, r.json.title);
  summary.push(`threads 1..${2 * PER_PROCESS} (${PER_PROCESS}+${PER_PROCESS})`);
});

test("comments on one thread and changesets through both processes keep their numbering", async () => {
  const comments = await both(15, (a, i) => a.call("POST", `${R}/-/threads/1/comments`, { body: `c${i}` }));
  assert.is(tally(comments), "201 x30", comments.map((r) => r.text).join(" | "));
  consecutive(comments.map((r) => r.json.id), 2, 30, "comment ids (comment 1 is the thread body)");
  assert.is((await admins[1]!.ok("GET", `${R}/-/threads/1`)).commentCount, 31);

  const rev = (branch: string) => ({ branch, commitID: "a".repeat(40) });
  const cs = await both(10, (a, i) => a.call("POST", `${R}/-/changesets`, { title: `c${i}`, base: rev("master"), head: rev(`topic${i}`) }));
  assert.is(tally(cs), "201 x20", cs.map((r) => r.text).join(" | "));
  consecutive(cs.map((r) => r.json.number), 1, 20, "changeset numbers");
  summary.push("comments 2..31, changesets 1..20");
});

test("concurrent sign-ups of one login through both processes: exactly one 201, the others 409", async () => {
  const rs = await both(3, (a) => a.call("POST", "/api/accounts", { login: "samelogin", password: PASSWORD }));
  assert.is(tally(rs), `201 x1, 409 x${rs.length - 1}`, rs.map((r) => r.text.slice(0, 120)).join(" | "));
  const users = (await all(admins[1]!, "/api/users")).filter((u) => u.login === "samelogin");
  assert.is(users.length, 1, "one user of that login");
  // The winner's password works (the losers did not overwrite or half-write anything).
  await tokenFor(servers[0]!.url, "samelogin");
  summary.push(`same login 1 of ${rs.length} (others 409)`);
});

test("If-None-Match: * puts racing through both processes: exactly one wins, in repo and global storage", async () => {
  for (const path of [`${R}/-/storage/race/b/key`, "/api/storage/race/b/key"]) {
    const value = (i: number) => new TextEncoder().encode(`value ${i}`);
    const rs = await both(10, (a, i) => a.call("PUT", path, value(i), { "if-none-match": "*" }));
    assert.is(tally(rs), "204 x1, 409 x19", `${path}: ${rs.map((r) => r.text.slice(0, 120)).join(" | ")}`);
    const winner = rs.findIndex((r) => r.status === 204);
    for (const a of admins) {
      const r = await a.call("GET", path);
      assert.is(r.status, 200, r.text);
      assert.is(r.text, `value ${winner}`, `${path} through ${a.url} holds the winner's value`);
    }
  }
  summary.push("If-None-Match: * 1 of 20 in repo and global storage");
});

test("both processes still serve and stop cleanly", async () => {
  for (const s of servers) {
    const r = await api(s.url).call("GET", "/healthz");
    assert.is(r.status, 200, r.text);
    const e = await s.stop();
    assert.is(e.code, 0, `exit ${JSON.stringify(e)}\n${s.stderr()}`);
  }
  servers = [];
  console.log(`\n# two src serve processes, one PostgreSQL database: ${summary.join("; ")}`);
});

test.run();
