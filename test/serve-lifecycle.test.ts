/**
 * `src serve` as an operator meets it: /healthz while PostgreSQL is unreachable, goes away, or has no
 * schema yet (and recovery once it has one); shutdown on SIGTERM and SIGINT finishing a request in
 * flight while refusing new connections; the access log. Through real HTTP against real processes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Agent, request } from "node:http";
import { createServer, connect, type AddressInfo } from "node:net";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateUp } from "../lib/adapters/pg-migrate.ts";
import { startEmbeddedServer, pgUrl } from "./support/pg-server.ts";
import { emptyDatabase } from "./support/pg-admin.ts";
import { freshDatabase } from "./support/pg-db.ts";
import { pg, startServe, stopPg } from "./support/serve-process.ts";
import { repoRoot, startChild } from "./support/spawn.ts";
import { oneLineError } from "./support/cli-assert.ts";
import { lazyOpen } from "../lib/serve/lazy-open.ts";
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

test("PostgreSQL that accepts connections and never answers: healthz still answers 503 in a few seconds, naming the store", async () => {
  const sockets = new Set<import("node:net").Socket>();
  const mute = createServer((sock) => void sockets.add(sock.on("error", () => undefined)));
  await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
  const s = await startServe("pgsql", { env: { PGHOST: "127.0.0.1", PGPORT: String((mute.address() as AddressInfo).port), PGUSER: "u", PGDATABASE: "d" } });
  try {
    const start = Date.now();
    const h = await healthz(s.url);
    const ms = Date.now() - start;
    assert.is(h.status, 503, JSON.stringify(h.body));
    assert.is(h.body.store, "no answer within 3 s");
    assert.is(h.body.graph, "ok");
    assert.ok(ms < 5000, `healthz took ${ms} ms`);
  } finally {
    await s.stop();
    for (const sock of sockets) sock.destroy();
    mute.close();
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
    // Each retry (once a second) opens a pool; a failed one must not keep its connection open.
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 250));
      assert.is((await healthz(s.url)).status, 503);
    }
    const [{ n } = { n: -1 }] = await empty.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${empty.name} AND application_name = 'srcstore'`;
    assert.ok(n <= 1, `${n} connections of src serve left open by failed opens`);
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

/** `src serve` (or the Deno entry) with `args` and `env` that must not start: its exit code, stdout lines and stderr. */
async function refusedStart(args: string[], env: Record<string, string>): Promise<{ code: number | null; lines: string[]; err: string }> {
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-serve-refused-"));
  try {
    const child = startChild(isDeno ? "../../cli/serve-deno.ts" : "../../cli/src.ts", [...(isDeno ? [] : ["serve"]), "--addr", "127.0.0.1:0", ...args], [], { SGPATH: sgpath, ...env });
    const timer = setTimeout(() => child.proc.kill("SIGKILL"), 20_000);
    const { code } = await child.exited;
    clearTimeout(timer);
    return { code, lines: child.lines, err: child.stderr() };
  } finally {
    rmSync(sgpath, { recursive: true, force: true });
  }
}

test("settings that can never work stop the start with exit 2 (not 503 for ever); the start line names the database", async () => {
  const port = await refusedStart(["-s", "pgsql"], { PGHOST: "127.0.0.1", PGPORT: "54x2" });
  oneLineError(port, 2, /^src: PGPORT: port must be 1 to 65535, got "54x2" \(invalid_input\)$/);
  assert.equal(port.lines, []);
  const url = await refusedStart(["-s", "pgsql"], { DATABASE_URL: "host=db password=url-Secret-7712" });
  oneLineError(url, 2, /^src: DATABASE_URL: not a valid URL/);
  const root = await refusedStart(["--graphstore.root", "s3://AKIAEXAMPLE:root-Secret-5521@bucket/prefix"], {});
  oneLineError(root, 2, /^src: graphstore\.root: .*credentials.* \(invalid_input\)$/);
  for (const r of [url, root]) assert.not.match(r.err + r.lines.join("\n"), /Secret-/, "a secret in the output");

  const s = await startServe("pgsql", { env: { PGHOST: "127.0.0.1", PGPORT: "9", PGUSER: "op", PGDATABASE: "src" } });
  try {
    assert.match(s.child.lines.find((l) => l.startsWith("src serve: listening on "))!, /\(store pgsql at postgres:\/\/op@127\.0\.0\.1:9\/src, graph store at /);
  } finally {
    await s.stop();
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

/** A request over `agent`: "<status> <connection header>", or "refused" when no connection could be made or kept. */
function viaAgent(agent: Agent, url: string, path: string, o: { method?: string; body?: string; gapMs?: number } = {}): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const headers = o.body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(o.body) };
    const req = request({ host: u.hostname, port: u.port, path, method: o.method ?? "GET", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(`${res.statusCode} ${res.headers.connection ?? "-"}`));
    });
    req.on("error", () => resolve("refused"));
    if (o.body === undefined) return void req.end();
    const half = Math.floor(o.body.length / 2);
    req.write(o.body.slice(0, half));
    req.flushHeaders();
    setTimeout(() => req.end(o.body!.slice(half)), o.gapMs ?? 0);
  });
}

test("after the signal a keep-alive client is not served on: the answer in flight closes its connection, the process exits at once", async () => {
  const s = await startServe("fs");
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let exit: Promise<{ code: number | null }> | undefined;
  try {
    assert.match(await viaAgent(agent, s.url, "/healthz"), /^200 (keep-alive|-)$/);
    const body = JSON.stringify({ login: "first", password: PASSWORD });
    const inFlight = viaAgent(agent, s.url, "/api/accounts", { method: "POST", body, gapMs: 600 });
    await new Promise((r) => setTimeout(r, 200));
    exit = s.stop("SIGTERM");
    assert.is(await inFlight, "201 close", "the request in flight is answered, and its connection closed");
    const answered = Date.now();
    // A client that keeps asking (a load balancer's health check) must not keep the server up.
    for (let i = 0; i < 3; i++) {
      const late = await viaAgent(agent, s.url, "/healthz");
      assert.ok(late === "refused" || late === "503 close", `a request after the signal: ${late}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const { code } = await exit;
    assert.is(code, 0, s.stderr());
    assert.ok(Date.now() - answered < 2500, `exited ${Date.now() - answered} ms after the last answer in flight`);
  } finally {
    agent.destroy();
    if (!exit) await s.stop();
  }
});

test("a request whose client went away still finishes before the stores close", async () => {
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-serve-gone-"));
  try {
    const s = await startServe("fs", { sgpath });
    const u = new URL(s.url);
    // The first sign-up hashes its password (~0.3 s); the client hangs up while that runs.
    const body = JSON.stringify({ login: "gone", password: PASSWORD });
    const socket = connect(Number(u.port), u.hostname);
    await new Promise((r) => socket.once("connect", r));
    socket.write(`POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise((r) => setTimeout(r, 60));
    const exit = s.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 40));
    socket.destroy();
    assert.is((await exit).code, 0, s.stderr());
    assert.match(s.stderr(), /POST \/api\/accounts 201 /, "the sign-up was answered, though nobody listened");
    const again = await startServe("fs", { sgpath });
    try {
      assert.is((await api(again.url).call("POST", "/api/tokens", { login: "gone", password: PASSWORD })).status, 201, "the account was stored");
    } finally {
      await again.stop();
    }
  } finally {
    rmSync(sgpath, { recursive: true, force: true });
  }
});

for (const [first, second, code] of [["SIGTERM", "SIGINT", 130], ["SIGINT", "SIGINT", 130], ["SIGTERM", "SIGTERM", 143]] as const) {
  test(`${first} then ${second}: the second signal stops at once, without waiting for requests in flight (exit ${code})`, async () => {
    const s = await startServe("fs");
    const u = new URL(s.url);
    const socket = connect(Number(u.port), u.hostname);
    socket.on("error", () => undefined);
    try {
      await new Promise((r) => socket.once("connect", r));
      // A request whose body never ends: in flight until the drain's 30 s are up.
      socket.write("POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      await new Promise((r) => setTimeout(r, 150));
      process.kill(s.child.pid, first);
      await new Promise((r) => setTimeout(r, 300));
      const t = Date.now();
      process.kill(s.child.pid, second);
      const exited = await Promise.race([s.child.exited, new Promise<undefined>((r) => setTimeout(r, 5000))]);
      assert.ok(exited !== undefined, `still running 5 s after the second signal:\n${s.stderr()}`);
      assert.is(exited!.code, code, s.stderr());
      assert.ok(Date.now() - t < 5000);
      assert.match(s.stderr(), new RegExp(`src serve: ${second} again: stopping now, 1 request cut`));
    } finally {
      socket.destroy();
      await s.stop("SIGKILL");
    }
  });
}

test("an address in use: one line naming it, exit 1", async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const addr = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-serve-inuse-"));
  try {
    const child = startChild(isDeno ? "../../cli/serve-deno.ts" : "../../cli/src.ts", [...(isDeno ? [] : ["serve"]), "--addr", addr], [], { SGPATH: sgpath });
    const { code } = await child.exited;
    oneLineError({ code, err: child.stderr() }, 1, new RegExp(`^src: cannot listen on ${addr.replace(/\./g, "\\.")}: the address is in use \\(another server\\? choose another with --addr\\)$`));
    assert.equal(child.lines, []);
  } finally {
    taken.close();
    rmSync(sgpath, { recursive: true, force: true });
  }
});

test("cli/serve-deno.ts: --help shows the options and serves nothing; an unknown option or argument is refused (exit 2)", async () => {
  const deno = isDeno ? (globalThis as { Deno?: { execPath(): string } }).Deno!.execPath() : join(repoRoot, "node_modules", ".bin", "deno");
  const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const p = spawn(deno, ["run", "-A", "--quiet", "cli/serve-deno.ts", ...args], { cwd: repoRoot, env: { ...process.env, SGPATH: "/nonexistent/srcstore-help", SRC_ADDR: "127.0.0.1:0", NO_COLOR: "1" } });
    let out = "", err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 20_000);
    p.on("error", reject);
    p.on("close", (code) => (clearTimeout(timer), resolve({ code, out, err })));
  });
  for (const flag of ["--help", "-h"]) {
    const help = await run([flag]);
    assert.is(help.code, 0, help.err);
    assert.not.match(help.out, /listening/);
    for (const o of ["--addr <host:port>", "-s, --local-store", "--graphstore.root", "--sgpath", "--config", "--env-file"]) assert.ok(help.out.includes(o), `${o} in:\n${help.out}`);
  }
  oneLineError(await run(["--adr", "0.0.0.0:80"]), 2, /^src: Unknown option `--adr`: see "deno run -A cli\/serve-deno\.ts --help"$/);
  oneLineError(await run(["serve"]), 2, /^src: unexpected argument "serve": cli\/serve-deno\.ts takes options only; see "deno run -A cli\/serve-deno\.ts --help"$/);
  oneLineError(await run(["--addr", "nowhere"]), 2, /^src: --addr: must be host:port/);
});

test("the access log: one line per request with method, path, status and duration; no token, query or body", async () => {
  const s = await startServe("fs");
  try {
    const admin = await firstAdmin(s.url);
    await admin.call("GET", "/api/user?secret-query=1");
    await api(s.url).call("GET", "/api/x%0D%0A2026-01-01T00:00:00.000Z%20GET%20/forged%20200%201.0ms%1B[2K");
    await api(s.url, "sst_1_not-a-real-token-but-should-not-be-logged-anyway12345").call("GET", "/api/user");
    const log = s.stderr();
    assert.match(log, /^\S+Z GET \/api\/user 200 \d+\.\dms$/m);
    assert.match(log, /^\S+Z GET \/api\/user 401 \d+\.\dms$/m);
    assert.match(log, /^\S+Z POST \/api\/tokens 201 \d+\.\dms$/m);
    assert.not.ok(log.includes(admin.token!), "token in the log");
    assert.not.ok(log.includes("secret-query"), "query in the log");
    assert.not.ok(log.includes("should-not-be-logged"), "bad token in the log");
    assert.not.ok(log.includes(PASSWORD), "password in the log");
    assert.not.match(log, /^2026-01-01T00:00:00\.000Z GET \/forged/m, "a line forged through the path");
    assert.not.ok(log.includes("\x1b"), "a terminal escape from the path");
    assert.match(log, /^\S+Z GET \/api\/x\\r\\n2026-01-01T00:00:00\.000Z GET \/forged 200 1\.0ms\\u001b\[2K 404 \d+\.\dms$/m);
    for (const line of log.trimEnd().split("\n")) assert.match(line, /^(\S+Z [A-Z]+ \/|src serve: )/, `not a log line: ${JSON.stringify(line)}`);
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
    const echo = await anon.call("POST", "/api/tokens", '{"login": "admin", "password": XYZZY}', { "content-type": "application/json" });
    assert.is(echo.status, 400, echo.text);
    assert.not.ok(echo.text.includes("XYZZY"), `malformed JSON echoed the body: ${echo.text}`);
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

// ---- lazyOpen, in process ------------------------------------------------------------------------

test("lazyOpen: concurrent gets share one open; close during the open closes what it opens, once", async () => {
  let opens = 0, closes = 0;
  let finish!: () => void;
  const lazy = lazyOpen("part", () => {
    opens++;
    return new Promise<{ close(): Promise<void> }>((r) => (finish = () => r({ close: async () => void closes++ })));
  });
  const gets = [lazy.get(), lazy.get(), lazy.get()];
  const closing = [lazy.close(), lazy.close()];
  await new Promise((r) => setTimeout(r, 0)); // the open has started
  finish();
  await Promise.allSettled(gets);
  await Promise.all(closing);
  assert.is(opens, 1);
  assert.is(closes, 1, "closed once, though close() was called twice");
  await lazy.get().then(() => assert.unreachable("a get after close"), (e: Error) => assert.match(e.message, /^part: the server is shutting down/));
});

test("lazyOpen: an open that throws at once is a failure like any other (reported as the part, retried later)", async () => {
  let now = 0, calls = 0;
  const lazy = lazyOpen("store", (() => {
    calls++;
    throw new Error("boom");
  }) as () => Promise<{ close(): Promise<void> }>, { retryMs: 1000, now: () => now });
  for (let i = 0; i < 3; i++) {
    await lazy.get().then(() => assert.unreachable(), (e: { code?: string; message: string }) => {
      assert.is(e.code, "unavailable");
      assert.is(e.message, "store: cannot be opened");
    });
  }
  assert.is(calls, 1, "tried again only after retryMs");
  now = 1000;
  await lazy.get().catch(() => undefined);
  assert.is(calls, 2);
});

test.run();
