/**
 * `src serve` accounts and people over real HTTP, on fs and pgsql: sign-up rules (first admin, invites,
 * admin-made users, nothing half-written), tokens, profile, password and email rules, the users list,
 * orgs and membership, and 401 (anonymous) vs 403 (signed in, not allowed). One server and one small
 * cast per backend, made in the first test: every password hash costs ~0.3 s.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServe, stopPg, type ServeProcess } from "./support/serve-process.ts";
import { api, tokenFor, PASSWORD, type Api } from "./support/http-client.ts";

const servers: ServeProcess[] = [];
/** The fs server's SGPATH, ours to remove: the last test looks at what a deleted user left on disk. */
const sgpath = mkdtempSync(join(tmpdir(), "srcstore-serve-accounts-"));
test.after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  rmSync(sgpath, { recursive: true, force: true });
  await stopPg();
});

/** Asserts each call's status, in order: rows of [caller, "METHOD path", status, body?]. */
async function statuses(rows: [Api, string, number, unknown?][]): Promise<void> {
  for (const [who, request, status, body] of rows) {
    const [method, path] = request.split(" ") as [string, string];
    await who.ok(method, path, body, status);
  }
}

for (const b of ["fs", "pgsql"] as const) {
  let anon: Api, admin: Api, alice: Api, bob: Api;
  let first: any, aliceUser: any, bobUser: any;
  const t = (name: string, fn: () => Promise<void>) => test(`${b}: ${name}`, fn);

  t("of two concurrent first sign-ups exactly one becomes the site admin, the other needs an invite", async () => {
    const s = await startServe(b, b === "fs" ? { sgpath } : {});
    servers.push(s);
    anon = api(s.url);
    const rs = await Promise.all(["root", "rival"].map((login) => anon.call("POST", "/api/accounts", { login, password: PASSWORD, email: `${login}@example.com` })));
    assert.equal(rs.map((r) => r.status).sort(), [201, 403], rs.map((r) => r.text).join("\n"));
    first = rs.find((r) => r.status === 201)!.json;
    assert.is(first.admin, true);
    assert.is(typeof first.registeredAt, "string");
    assert.is(rs.find((r) => r.status === 403)!.json.message, "sign-up needs an invite token or an admin");
    admin = await tokenFor(s.url, first.login);
    const me = await admin.ok("GET", "/api/user");
    assert.is(me.uid, first.uid);
    assert.equal(me.emails, [{ email: `${first.login}@example.com`, verified: true, primary: true }]);
  });

  t("later sign-ups need an invite or an admin; only an admin sets flags; a failed sign-up leaves nothing", async () => {
    const r = await anon.ok("POST", "/api/accounts", { login: "mallory", password: PASSWORD }, 403);
    assert.is(r.message, "sign-up needs an invite token or an admin");
    await anon.ok("POST", "/api/accounts", { login: "mallory", password: PASSWORD, admin: true }, 403);
    bobUser = await admin.ok("POST", "/api/accounts", { login: "bob", password: PASSWORD, write: true, email: "bob@example.com" });
    assert.is(bobUser.write, true);
    assert.is(bobUser.admin, false);
    bob = await tokenFor(anon.url, "bob");
    await statuses([
      [bob, "POST /api/accounts", 403, { login: "mallory", password: PASSWORD }],
      [bob, "POST /api/accounts", 403, { login: "mallory", password: PASSWORD, write: true }],
      [admin, "POST /api/accounts", 409, { login: "BOB", password: PASSWORD }],
    ]);
    // The address is taken: the user made before setEmails is deleted again.
    const taken = await admin.ok("POST", "/api/accounts", { login: "ghost", password: PASSWORD, email: "BOB@example.com" }, 409);
    assert.is(taken.code, "already_exists");
    await admin.ok("GET", "/api/users/ghost", undefined, 404);
    assert.is((await admin.ok("POST", "/api/accounts", { login: "ghost", password: "" }, 400)).field, "password");
    assert.is((await admin.ok("POST", "/api/accounts", { login: "ghost", password: PASSWORD, uid: 1 }, 400)).field, "uid");
    assert.is((await admin.ok("POST", "/api/accounts", { login: "-bad", password: PASSWORD }, 400)).field, "login");
    await admin.ok("GET", "/api/users/ghost", undefined, 404);
  });

  t("invites: admin-only; sign-up spends one, takes its flags and email; used 409, unknown 404", async () => {
    await statuses([
      [anon, "POST /api/invites", 401, { email: "alice@example.com" }],
      [bob, "POST /api/invites", 403, { email: "alice@example.com" }],
      [bob, "GET /api/invites", 403],
      [admin, "POST /api/invites", 409, { email: "bob@example.com" }],
    ]);
    const inv = await admin.ok("POST", "/api/invites", { email: "alice@example.com", write: true });
    assert.equal({ ...inv, token: "" }, { token: "", email: "alice@example.com", admin: false, write: true });
    const inUse = async () => (await admin.ok("GET", "/api/invites")).items.find((i: any) => i.email === "alice@example.com").inUse;
    assert.is(await inUse(), false);

    await statuses([
      [anon, "POST /api/accounts", 404, { login: "alice", password: PASSWORD, inviteToken: "nope" }],
      [anon, "POST /api/accounts", 400, { login: "alice", password: PASSWORD, inviteToken: inv.token, email: "eve@example.com" }],
      [anon, "POST /api/accounts", 409, { login: "bob", password: PASSWORD, inviteToken: inv.token }],
      [anon, "POST /api/accounts", 403, { login: "alice", password: PASSWORD, inviteToken: inv.token, admin: true }],
    ]);
    assert.is(await inUse(), false, "a failed sign-up releases the invite");

    aliceUser = await anon.ok("POST", "/api/accounts", { login: "alice", password: PASSWORD, inviteToken: inv.token, email: "ALICE@example.com" });
    assert.is(aliceUser.write, true);
    assert.is(aliceUser.admin, false);
    const used = await anon.ok("POST", "/api/accounts", { login: "alice2", password: PASSWORD, inviteToken: inv.token }, 409);
    assert.is(used.code, "conflict");
    assert.is(await inUse(), true);
    alice = await tokenFor(anon.url, "alice");
    assert.equal((await alice.ok("GET", "/api/user")).emails, [{ email: "alice@example.com", verified: true, primary: true }]);

    await statuses([
      [bob, "DELETE /api/invites/alice%40example.com", 403],
      [admin, "DELETE /api/invites/alice%40example.com", 204],
      [admin, "DELETE /api/invites/alice%40example.com", 404],
    ]);
  });

  t("tokens: login + password make one; same 401 for unknown login and wrong password; list, use, revoke", async () => {
    const wrong = await anon.ok("POST", "/api/tokens", { login: "alice", password: "wrong" }, 401);
    const unknown = await anon.ok("POST", "/api/tokens", { login: "nobody", password: "wrong" }, 401);
    const malformed = await anon.ok("POST", "/api/tokens", { login: "no body!", password: "wrong" }, 401);
    assert.is(wrong.message, unknown.message);
    assert.is(wrong.message, malformed.message);
    await anon.ok("POST", "/api/tokens", { login: 7, password: "x" }, 400);
    await anon.ok("POST", "/api/tokens", { login: "alice", password: PASSWORD, scope: "all" }, 400);
    for (const s of [59, 365 * 24 * 3600 + 1, 60.5, "60"]) {
      const r = await anon.ok("POST", "/api/tokens", { login: "alice", password: PASSWORD, expiresInSeconds: s }, 400);
      assert.is(r.field, "expiresInSeconds");
    }
    const made = await anon.ok("POST", "/api/tokens", { login: "alice", password: PASSWORD, note: "ci", expiresInSeconds: 60 });
    assert.match(made.token, /^sst_/);
    assert.match(made.id, /^[0-9a-f]{16}$/);
    assert.is(made.note, "ci");
    assert.is(Date.parse(made.expiresAt) - Date.parse(made.createdAt), 60_000);
    const year = await anon.ok("POST", "/api/tokens", { login: "alice", password: PASSWORD, expiresInSeconds: 365 * 24 * 3600 });
    assert.is(Date.parse(year.expiresAt) - Date.parse(year.createdAt), 365 * 24 * 3600 * 1000);

    const ci = anon.as(made.token);
    assert.is((await ci.ok("GET", "/api/user")).login, "alice");
    const listed = (await ci.ok("GET", "/api/tokens")).items;
    assert.ok(listed.some((x: any) => x.id === made.id && x.note === "ci"));
    assert.not.ok(JSON.stringify(listed).includes(made.token), "a listed token does not reveal its secret");
    assert.not.ok((await bob.ok("GET", "/api/tokens")).items.some((x: any) => x.id === made.id));
    await statuses([
      [anon, "GET /api/tokens", 401],
      [bob, `DELETE /api/tokens/${made.id}`, 404], // not bob's
      [ci, `DELETE /api/tokens/${made.id}`, 204],
    ]);
    const revoked = await ci.call("GET", "/api/user");
    assert.is(revoked.status, 401);
    assert.is(revoked.headers.get("www-authenticate"), "Bearer");
    await statuses([
      [alice, `DELETE /api/tokens/${made.id}`, 404],
      [alice, "DELETE /api/tokens/zz", 404],
      [anon.as("sst_1_bogus"), "GET /api/user", 401],
      [anon.as(`${made.token}x`), "GET /api/user", 401],
    ]);
  });

  t("profile: a user edits their own; flags are admin-only; password change needs the old one", async () => {
    await anon.ok("GET", "/api/user", undefined, 401);
    await anon.ok("PATCH", "/api/user", { name: "x" }, 401);
    const me = await alice.ok("PATCH", "/api/user", { name: "Alice", location: "Berlin" });
    assert.equal([me.name, me.location, me.company], ["Alice", "Berlin", ""]);
    await alice.ok("PATCH", "/api/user", { admin: true }, 400);
    assert.is((await alice.ok("PATCH", "/api/user", { homepageURL: "ftp://x" }, 400)).field, "homepageURL");
    assert.is((await alice.ok("PATCH", "/api/users/alice", { company: "ACME" })).company, "ACME");
    await statuses([
      [alice, "PATCH /api/users/alice", 403, { write: false }],
      [alice, "PATCH /api/users/bob", 403, { name: "Bobby" }],
      [anon, "PATCH /api/users/bob", 401, { name: "Bobby" }],
    ]);
    const byAdmin = await admin.ok("PATCH", "/api/users/alice", { name: "A.", write: false });
    assert.equal([byAdmin.name, byAdmin.write, byAdmin.company], ["A.", false, "ACME"]);
    await admin.ok("PATCH", "/api/users/nobody", { name: "x" }, 404);

    await statuses([
      [alice, "PUT /api/user/password", 403, { oldPassword: "wrong", newPassword: "n3w" }],
      [alice, "PUT /api/user/password", 400, { oldPassword: PASSWORD, newPassword: "" }],
      [anon, "PUT /api/user/password", 401, { oldPassword: PASSWORD, newPassword: "n3w" }],
      [alice, "PUT /api/user/password", 204, { oldPassword: PASSWORD, newPassword: "n3w" }],
      [anon, "POST /api/tokens", 401, { login: "alice", password: PASSWORD }],
      // A token taken with the old password (this one too) does not outlive it.
      [alice, "GET /api/user", 401],
    ]);
    const again = await tokenFor(anon.url, "alice", "n3w");
    await again.ok("PUT", "/api/user/password", { oldPassword: "n3w", newPassword: PASSWORD }, 204);
    await again.ok("GET", "/api/tokens", undefined, 401);
    alice = await tokenFor(anon.url, "alice");
  });

  t("emails: a user cannot mark an address verified, may send back what is; admins may; taken 409 naming no one", async () => {
    const put = (who: Api, path: string, items: unknown, status?: number) => who.ok("PUT", path, { items }, status ?? 200);
    const mine = await put(alice, "/api/user/emails", [{ email: "alice@example.com" }, { email: "a2@example.com", primary: true }]);
    assert.equal(mine.items, [
      { email: "a2@example.com", verified: false, primary: true },
      { email: "alice@example.com", verified: true, primary: false },
    ]);
    assert.equal((await alice.ok("GET", "/api/user/emails")).items, mine.items);
    const claim = await put(alice, "/api/user/emails", [{ email: "a2@example.com", verified: true }], 403);
    assert.match(claim.message, /verified/);
    // What GET answered can be sent back as it is: `verified` as it stands is no claim.
    assert.equal((await put(alice, "/api/user/emails", mine.items)).items, mine.items);
    // The address is someone's (409 says so, as it must refuse it), but not whose.
    const taken = await put(alice, "/api/user/emails", [{ email: "bob@example.com" }], 409);
    assert.is(taken.code, "already_exists");
    assert.not.match(taken.message.replace(/bob@example\.com/gi, ""), new RegExp(`bob|\\b${bobUser.uid}\\b`));
    await put(alice, "/api/user/emails", [{ email: "a2@example.com", primary: true }, { email: "a3@example.com", primary: true }], 400);
    await put(alice, "/api/user/emails", [{ email: "a2@example.com", note: "x" }], 400);
    await alice.ok("PUT", "/api/user/emails", { items: "a2@example.com" }, 400);
    assert.equal((await alice.ok("GET", "/api/user/emails")).items, mine.items, "a refused change changes nothing");
    // Giving up a verification is fine; taking it back is not.
    const dropped = await put(alice, "/api/user/emails", [{ email: "alice@example.com", verified: false }, { email: "a2@example.com", primary: true }]);
    assert.is(dropped.items.find((e: any) => e.email === "alice@example.com").verified, false);
    await put(alice, "/api/user/emails", [{ email: "alice@example.com", verified: true }], 403);

    await statuses([
      [bob, "GET /api/users/alice/emails", 403],
      [bob, "PUT /api/users/alice/emails", 403, { items: [] }],
      [anon, "GET /api/users/alice/emails", 401],
      [admin, "GET /api/users/nobody/emails", 404],
    ]);
    assert.equal((await alice.ok("GET", "/api/users/alice/emails")).items, dropped.items);
    const vouched = await put(admin, "/api/users/alice/emails", [{ email: "alice@example.com", primary: true, verified: true }, { email: "a2@example.com", verified: true }]);
    assert.equal(vouched.items, [
      { email: "a2@example.com", verified: true, primary: false },
      { email: "alice@example.com", verified: true, primary: true },
    ]);
  });

  t("users: signed-in only; pages by login with a cursor; sort; disabled users hidden but for admins", async () => {
    await anon.ok("GET", "/api/users", undefined, 401);
    const logins = [first.login, "alice", "bob"].sort();
    const p1 = await bob.ok("GET", "/api/users?limit=2");
    assert.equal(p1.items.map((u: any) => u.login), logins.slice(0, 2));
    assert.type(p1.nextCursor, "string");
    const p2 = await bob.ok("GET", `/api/users?limit=2&cursor=${encodeURIComponent(p1.nextCursor)}`);
    assert.equal(p2.items.map((u: any) => u.login), logins.slice(2));
    assert.is(p2.nextCursor, undefined);
    assert.equal((await bob.ok("GET", "/api/users?query=AL")).items.map((u: any) => u.login), ["alice"]);
    const uids = (await bob.ok("GET", "/api/users?sort=uid&direction=desc")).items.map((u: any) => u.uid);
    assert.equal(uids, [...uids].sort((x, y) => y - x));
    await statuses([
      [bob, "GET /api/users?sort=bogus", 400],
      [bob, "GET /api/users?limit=x", 400],
      [bob, "GET /api/users?includeDisabled=true", 403],
      [admin, "GET /api/users?includeDisabled=yes", 400],
      // A misspelt or repeated parameter is refused, not ignored.
      [admin, "GET /api/users?includedisabled=true", 400],
      [bob, "GET /api/users?limit=1&limit=2", 400],
    ]);
    assert.is((await alice.ok("GET", "/api/users/BOB")).uid, bobUser.uid);
    await statuses([
      [alice, "GET /api/users/nobody", 404],
      [alice, "GET /api/users/no%20body", 404],
      [anon, "GET /api/users/bob", 401],
    ]);

    assert.is((await admin.ok("PATCH", "/api/users/bob", { disabled: true })).disabled, true);
    await bob.ok("GET", "/api/user", undefined, 401);
    assert.is((await anon.ok("POST", "/api/tokens", { login: "bob", password: PASSWORD }, 401)).message, "this account is disabled");
    assert.not.ok((await alice.ok("GET", "/api/users")).items.some((u: any) => u.login === "bob"));
    assert.ok((await admin.ok("GET", "/api/users?includeDisabled=true")).items.some((u: any) => u.login === "bob"));
    await admin.ok("PATCH", "/api/users/bob", { disabled: false });
    // Disabling revoked bob's tokens: enabling him again does not bring them back.
    await bob.ok("GET", "/api/user", undefined, 401);
    bob = await tokenFor(anon.url, "bob");
    assert.is((await bob.ok("GET", "/api/user")).login, "bob");
  });

  t("orgs: signed-in users create and read them; members or admins change members; admins delete", async () => {
    await anon.ok("POST", "/api/orgs", { login: "acme" }, 401);
    const acme = await alice.ok("POST", "/api/orgs", { login: "acme", name: "ACME" });
    assert.equal([acme.login, acme.name, acme.description], ["acme", "ACME", ""]);
    await bob.ok("POST", "/api/orgs", { login: "ACME" }, 409);
    await bob.ok("POST", "/api/orgs", { login: "x", id: 9 }, 400);
    await bob.ok("POST", "/api/orgs", { login: "bobcorp", description: "Bob's" });
    await anon.ok("GET", "/api/orgs", undefined, 401);
    const o1 = await bob.ok("GET", "/api/orgs?limit=1");
    assert.equal(o1.items.map((o: any) => o.login), ["acme"]);
    const o2 = await bob.ok("GET", `/api/orgs?limit=1&cursor=${encodeURIComponent(o1.nextCursor)}`);
    assert.equal(o2.items.map((o: any) => o.login), ["bobcorp"]);
    assert.equal((await bob.ok("GET", "/api/orgs?query=BO")).items.map((o: any) => o.login), ["bobcorp"]);
    assert.is((await bob.ok("GET", "/api/orgs?q=BO", undefined, 400)).field, "q");
    assert.is((await bob.ok("GET", "/api/orgs/Acme")).id, acme.id);
    const members = async () => (await bob.ok("GET", "/api/orgs/acme/members")).items;
    assert.equal(await members(), [{ uid: aliceUser.uid, login: "alice" }]);
    await statuses([
      [bob, "GET /api/orgs/nope", 404],
      [anon, "GET /api/orgs/acme", 401],
      [anon, "GET /api/orgs/acme/members", 401],
      [bob, "PUT /api/orgs/acme/members/bob", 403],
      [anon, "PUT /api/orgs/acme/members/bob", 401],
      [alice, "PUT /api/orgs/acme/members/bob", 204],
      [alice, "PUT /api/orgs/acme/members/bob", 204],
      [alice, "PUT /api/orgs/acme/members/nobody", 404],
    ]);
    const both = [{ uid: aliceUser.uid, login: "alice" }, { uid: bobUser.uid, login: "bob" }];
    assert.equal(await members(), both.sort((x, y) => x.uid - y.uid));
    await statuses([
      [bob, "DELETE /api/orgs/acme/members/alice", 204],
      [bob, "DELETE /api/orgs/acme/members/alice", 404],
      [alice, "PUT /api/orgs/acme/members/alice", 403],
      [admin, "PUT /api/orgs/bobcorp/members/alice", 204],
      [bob, "DELETE /api/orgs/acme", 403],
      [admin, "DELETE /api/orgs/acme", 204],
      [bob, "GET /api/orgs/acme", 404],
      [admin, "DELETE /api/orgs/acme", 404],
    ]);
  });

  t("deleting a user: admin only; their tokens stop working and are removed", async () => {
    // On fs the tokens are files (apps/<app>/global/<bucket>/): none of a deleted user's stays behind.
    const tokens = join(sgpath, "store", "apps", "srcstore.serve", "global", `tokens.${aliceUser.uid}`);
    if (b === "fs") assert.ok(existsSync(tokens), tokens);
    await statuses([
      [anon, "DELETE /api/users/alice", 401],
      [bob, "DELETE /api/users/alice", 403],
      [admin, "DELETE /api/users/alice", 204],
      [alice, "GET /api/user", 401],
      [bob, "GET /api/users/alice", 404],
      [admin, "DELETE /api/users/alice", 404],
    ]);
    if (b === "fs") assert.not.ok(existsSync(tokens), `${tokens} is left`);
    assert.equal((await bob.ok("GET", "/api/orgs/bobcorp/members")).items.map((m: any) => m.login), ["bob"]);
  });
}

test.run();
