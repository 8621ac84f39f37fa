/**
 * `src serve` as an operator meets it: /healthz while PostgreSQL is unreachable, goes away, or has no
 * schema yet (and recovery once it has one); shutdown on SIGTERM and SIGINT finishing a request in
 * flight while refusing new connections; the access log. Through real HTTP against real processes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:http";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./support/spawn.ts";
import { migrateUp } from "../lib/adapters/pg-migrate.ts";
import { startEmbeddedServer, pgUrl } from "./support/pg-server.ts";
import { emptyDatabase } from "./support/pg-admin.ts";
import { freshDatabase } from "./support/pg-db.ts";
import { pg, startServe, stopPg } from "./support/serve-process.ts";
import { api, firstAdmin, PASSWORD } from "./support/http-client.ts";
import { isDeno } from "./support/disk-fs.ts";

test.after(stopPg);

async function healthz(url: string): Promise<{ status: number; body: Record<string, string> }> {
  const r = await api(url).call("GET", "/healthz");
  return { status: r.status, body: r.json };
}

test("healthz is 200 with every part ok, on fs and on pgsql", async () => {
  for (const backend of ["fs", "pgsql"] as const) {
    const s = await startServe(backend);
    try {
      const h = await healthz(s.url);
      assert.is(h.status, 200, JSON.stringify(h.body));
      assert.equal(h.body, { status: "ok", store: "ok", graph: "ok" });
    } finally {
      await s.stop();
    }
  }
});

test("PostgreSQL unreachable at start: the server still starts, healthz is 503 naming the store, API calls 503", async () => {
  const s = await startServe("pgsql", { env: { PGHOST: "127.0.0.1", PGPORT: "9", PGPASSWORD: "hunter2-secret" } });
  try {
    const h = await healthz(s.url);
    assert.is(h.status, 503);
    assert.is(h.body.graph, "ok");
    assert.match(h.body.store!, /^PostgreSQL at postgres:\/\/\S+@127\.0\.0\.1:9\/\S+ is unavailable/);
    assert.match(h.body.message!, /^store: /);
    const r = await api(s.url).call("GET", "/api/repos");
    assert.is(r.status, 503, r.text);
    assert.is(r.json.code, "unavailable");
    assert.is(r.headers.get("retry-after"), "1");
    for (const text of [JSON.stringify(h.body), r.text, s.stderr()]) assert.not.ok(text.includes("hunter2-secret"), "the password leaked");
  } finally {
    await s.stop();
  }
});

test("PostgreSQL going away while serving: healthz turns 503 naming PostgreSQL", async () => {
  const own = await startEmbeddedServer();
  let stopped = false;
  try {
    const db = await freshDatabase(own);
    const s = await startServe("pgsql", { db });
    try {
      assert.is((await healthz(s.url)).status, 200);
      await own.stop();
      stopped = true;
      const h = await healthz(s.url);
      assert.is(h.status, 503, JSON.stringify(h.body));
      assert.match(h.body.store!, /^PostgreSQL at \S+ is unavailable/, JSON.stringify(h.body));
      assert.match(h.body.message!, /^store: PostgreSQL/);
      assert.is(h.body.graph, "ok");
    } finally {
      await s.stop();
    }
  } finally {
    if (!stopped) await own.stop();
  }
});

test("a database without the schema: healthz says to run src pgsql create, and recovers once it is run", async () => {
  const server = await pg();
  const empty = await emptyDatabase(server);
  const s = await startServe("pgsql", { env: empty.env });
  try {
    const h = await healthz(s.url);
    assert.is(h.status, 503, JSON.stringify(h.body));
    assert.match(h.body.store!, /src pgsql create/);
    await migrateUp({ databaseUrl: pgUrl(empty.env) });
    let after = await healthz(s.url);
    for (let i = 0; i < 30 && after.status !== 200; i++) { // the open is retried at most once a second
      await new Promise((r) => setTimeout(r, 200));
      after = await healthz(s.url);
    }
    assert.is(after.status, 200, JSON.stringify(after.body));
  } finally {
    await s.stop();
    await empty.drop();
  }
});

/** POSTs `body` in two halves `gapMs` apart over a raw connection; resolves with the status. */
function slowPost(url: string, path: string, body: string, gapMs: number, onFirstHalf: () => void): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    req.flushHeaders();
    setTimeout(onFirstHalf, 50);
    setTimeout(() => req.end(body.slice(half)), gapMs);
  });
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal}: a request in flight finishes, new connections are refused, the process exits 0`, async () => {
    const s = await startServe("fs");
    let exit: Promise<{ code: number | null }> | undefined;
    try {
      await firstAdmin(s.url);
      const body = JSON.stringify({ login: "late", password: PASSWORD });
      const status = slowPost(s.url, "/api/accounts", body, 700, () => void (exit = s.stop(signal)));
      await new Promise((r) => setTimeout(r, 350));
      // Node closes its listener; Deno.serve cannot without cutting bodies in flight (cli/serve-deno.ts),
      // so under Deno a new request is answered 503 "shutting down" until the last one finishes.
      const late = await fetch(`${s.url}/healthz`).then(async (r) => `${r.status} ${(await r.json()).message}`, () => "refused");
      assert.is(late, isDeno ? "503 the server is shutting down" : "refused", "a new request after the signal");
      assert.is(await status, 403, "the request in flight got its answer (sign-up without invite: 403)");
      assert.is((await exit!).code, 0, s.stderr());
      assert.match(s.stderr(), new RegExp(`src serve: ${signal}: finishing requests in flight`));
      assert.match(s.stderr(), /src serve: stopped/);
    } finally {
      if (!exit) await s.stop();
    }
  });
}

test("the access log: one line per request with method, path, status and duration; no token, query or body", async () => {
  const s = await startServe("fs");
  try {
    const admin = await firstAdmin(s.url);
    await admin.call("GET", "/api/user?secret-query=1");
    await api(s.url, "sst_1_not-a-real-token-but-should-not-be-logged-anyway12345").call("GET", "/api/user");
    const log = s.stderr();
    assert.match(log, /^\S+Z GET \/api\/user 200 \d+\.\dms$/m);
    assert.match(log, /^\S+Z GET \/api\/user 401 \d+\.\dms$/m);
    assert.match(log, /^\S+Z POST \/api\/tokens 201 \d+\.\dms$/m);
    assert.not.ok(log.includes(admin.token!), "token in the log");
    assert.not.ok(log.includes("secret-query"), "query in the log");
    assert.not.ok(log.includes("should-not-be-logged"), "bad token in the log");
    assert.not.ok(log.includes(PASSWORD), "password in the log");
  } finally {
    await s.stop();
  }
});

test("the README's main command, `npx src serve`, serves the fs default with nothing else set up", async () => {
  if (isDeno) return; // the same npm command whatever runs the test; cli/serve-deno.ts is Deno's entry
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-npx-serve-"));
  const child = spawn("npx", ["src", "serve"], { cwd: repoRoot, env: { ...process.env, SGPATH: sgpath, SRC_ADDR: "127.0.0.1:0", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^src serve: listening on .*$/m.exec(out);
        if (m) resolve(m[0]);
      });
      child.on("exit", (code) => reject(new Error(`npx src serve exited ${code}`)));
    });
    assert.match(line, new RegExp(`listening on http://127\\.0\\.0\\.1:\\d+ \\(store fs at ${sgpath}/store, graph store at ${sgpath}/graphstore\\)`));
    const url = /(http:\/\/\S+)/.exec(line)![1]!;
    assert.equal((await healthz(url)).body, { status: "ok", store: "ok", graph: "ok" });
  } finally {
    const exited = new Promise((r) => child.on("close", r));
    // To the process group, as a terminal's Ctrl-C would: npx does not pass signals on to its child.
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    rmSync(sgpath, { recursive: true, force: true });
  }
});

test("errors are JSON {code, message} with the mapped status, never a stack trace", async () => {
  const s = await startServe("fs");
  try {
    const admin = await firstAdmin(s.url);
    const anon = api(s.url);
    const cases: [string, Promise<{ status: number; json: any; text: string; headers: Headers }>, number, string][] = [
      ["malformed JSON", anon.call("POST", "/api/tokens", "{\"login\": ", { "content-type": "application/json" }), 400, "bad_request"],
      ["a JSON array", anon.call("POST", "/api/tokens", "[1]", { "content-type": "application/json" }), 400, "bad_request"],
      ["a body over 1 MiB", anon.call("POST", "/api/tokens", JSON.stringify({ login: "x".repeat(1024 * 1024) }), { "content-type": "application/json" }), 413, "too_large"],
      ["an unknown field", anon.call("POST", "/api/tokens", { login: "admin", password: PASSWORD, admin: true }), 400, "bad_request"],
      ["an invalid login", admin.call("POST", "/api/accounts", { login: "bad login!", password: PASSWORD }), 400, "invalid_input"],
      ["a taken login", admin.call("POST", "/api/accounts", { login: "ADMIN", password: PASSWORD }), 409, "already_exists"],
      ["a missing user", admin.call("GET", "/api/users/nobody"), 404, "not_found"],
      ["an unknown endpoint", anon.call("GET", "/api/nothing-here"), 404, "not_found"],
      ["no token", anon.call("GET", "/api/user"), 401, "unauthenticated"],
      ["a malformed Authorization", anon.call("GET", "/api/user", undefined, { authorization: "Basic YWRtaW46eA==" }), 401, "unauthenticated"],
      ["an unknown token", api(s.url, "sst_1_" + "A".repeat(43)).call("GET", "/api/user"), 401, "unauthenticated"],
      ["a non-admin on an admin endpoint", anon.call("GET", "/api/invites"), 401, "unauthenticated"],
    ];
    for (const [what, reply, status, code] of cases) {
      const r = await reply;
      assert.is(r.status, status, `${what}: ${r.text}`);
      assert.is(r.json?.code, code, `${what}: ${r.text}`);
      assert.type(r.json.message, "string", what);
      assert.not.match(r.text, /\bat \S+ \(|\.ts:\d+/, `${what}: a stack trace`);
      assert.match(r.headers.get("content-type") ?? "", /^application\/json/, what);
      if (status === 401) assert.is(r.headers.get("www-authenticate"), "Bearer", what);
    }
  } finally {
    await s.stop();
  }
});

test.run();
