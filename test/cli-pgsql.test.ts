/**
 * `src pgsql ...` as a person or a pipeline uses it: real CLI processes on the runtime running the
 * test, against a real PostgreSQL (the one test/run.ts started, PG* from the environment, or one
 * started here). Each test makes its own empty database and points PG* at it. No process may ever
 * print the password: every run is checked for it.
 */
import { freePort } from "./support/free-port.ts";
import { oneLineError, type Run } from "./support/cli-assert.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import postgres from "postgres";
import { isDeno } from "./support/disk-fs.ts";
import { repoRoot } from "./support/spawn.ts";
import { pgServer, pgUrl, type PgServer } from "./support/pg-server.ts";
import { migrateUp, migrationFiles } from "../lib/adapters/pg-migrate.ts";

const MIGRATIONS = migrationFiles().map((f) => f.name);

let serverPromise: Promise<PgServer> | undefined;
const server = () => (serverPromise ??= pgServer());

/** Secrets no output may contain: the server's password, and any given to a run. */
const secrets = new Set<string>();

/** Runs `src args` with PG* = `pg` (nothing else of the parent's PG* or DATABASE_URL). */
function src(args: string[], pg: Record<string, string>, opts: { input?: string; tty?: boolean } = {}): Promise<Run> {
  const script = join(repoRoot, "cli", "src.ts");
  const [cmd, argv] = isDeno
    ? [(globalThis as { Deno?: { execPath(): string } }).Deno!.execPath(), ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, ["--import", "tsx", script, ...args]];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^PG|^DATABASE_URL$/.test(k)) env[k] = v;
  Object.assign(env, pg, { NO_COLOR: "1", SRCSTORE_DEBUG: "" });
  for (const k of ["PGPASSWORD", "DATABASE_URL"]) if (pg[k]) secrets.add(k === "PGPASSWORD" ? pg[k]! : new URL(pg[k]!).password);
  // On a terminal: `script` gives the command a pseudo-terminal, fed from our stdin.
  const [file, list] = opts.tty
    ? ["script", ["-qec", [cmd, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "), "/dev/null"]]
    : [cmd, argv];
  return new Promise((resolve, reject) => {
    const p = spawn(file, list, { cwd: repoRoot, env });
    let out = "", err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      for (const s of secrets) {
        if (s && (out + err).includes(s)) reject(new Error(`src ${args.join(" ")} printed a password:\n${out}${err}`));
      }
      resolve({ code, out, err });
    });
    p.stdin.end(opts.input ?? "");
  });
}

async function withSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

interface Db {
  name: string;
  /** PG* for the CLI. */
  env: Record<string, string>;
  query<T = Record<string, unknown>>(text: string): Promise<T[]>;
  drop(): Promise<void>;
}

/** A new empty database (no srcstore tables); `drop()` removes it WITH (FORCE). */
async function emptyDatabase(): Promise<Db> {
  const s = await server();
  const name = `cli_${randomBytes(6).toString("hex")}`;
  await withSql(s.url, (sql) => sql.unsafe(`CREATE DATABASE ${name}`));
  return unmadeDatabase(s, name);
}

/** A database name nobody created yet (drop() still cleans up whatever a test made). */
function unmadeDatabase(s: PgServer, name = `cli_${randomBytes(6).toString("hex")}`): Db {
  const env = { ...s.env, PGDATABASE: name };
  return {
    name,
    env,
    // Plain arrays of plain objects, for assert.equal.
    query: <T>(text: string) => withSql(pgUrl(env), async (sql) => Array.from(await sql.unsafe(text), (r) => ({ ...r }) as T)),
    drop: () => withSql(s.url, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

const tables = async (db: Db) => (await db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.t);
const applied = async (db: Db) => (await db.query<{ name: string; n: number }>("SELECT name, count(*)::int AS n FROM pgmigrations GROUP BY name ORDER BY name"));
const logins = async (db: Db) => (await db.query<{ login: string }>("SELECT login FROM users ORDER BY uid")).map((r) => r.login);
const addUser = (db: Db, login: string) => db.query(`INSERT INTO users (login, registered_at, updated_at) VALUES ('${login}', now(), now())`);

test("src pgsql --help and src pgsql list every pgsql command with its options and the exit codes", async () => {
  for (const args of [["pgsql", "--help"], ["pgsql"]]) {
    const r = await src(args, {});
    assert.is(r.code, 0, r.err);
    for (const c of ["create", "drop", "reset", "truncate", "status"]) assert.match(r.out, new RegExp(`\\n  pgsql ${c}\\s`), c);
    for (const o of ["--createdb", "--yes", "--json"]) assert.ok(r.out.includes(o), o);
    assert.match(r.out, /Exit codes:/);
    assert.match(r.out, /\n {2}4 {2}status: /);
    assert.not.match(r.out, /user add/);
  }
});

test("create applies every migration once, a second create applies nothing; status says 3, then 0", async () => {
  const db = await emptyDatabase();
  try {
    const before = await src(["pgsql", "status"], db.env);
    assert.is(before.code, 3, before.out + before.err);
    assert.match(before.out, new RegExp(`${MIGRATIONS.length} migrations? pending: run "src pgsql create"`));

    const first = await src(["pgsql", "create"], db.env);
    assert.is(first.code, 0, first.err);
    assert.match(first.out, new RegExp(`^applied ${MIGRATIONS.length} migrations? .* to postgres://postgres@[^ ]*/${db.name}\\n$`));
    assert.equal(await applied(db), MIGRATIONS.map((name) => ({ name, n: 1 })));

    const again = await src(["pgsql", "create"], db.env);
    assert.is(again.code, 0, again.err);
    assert.match(again.out, /is up to date\n$/);
    assert.equal(await applied(db), MIGRATIONS.map((name) => ({ name, n: 1 })));

    const status = await src(["pgsql", "status"], db.env);
    assert.is(status.code, 0, status.err);
    assert.match(status.out, /^database: postgres:\/\//);
    assert.match(status.out, /\nMIGRATION\s+STATE\s+RUN ON\n/);
    for (const m of MIGRATIONS) assert.match(status.out, new RegExp(`\\n${m}\\s+ok\\s+\\d{4}-`));
    assert.match(status.out, /\nup to date\n$/);

    const json = await src(["pgsql", "status", "--json"], db.env);
    assert.is(json.code, 0, json.err);
    assert.is(json.out.trim().split("\n").length, 1, "one JSON document");
    const doc = JSON.parse(json.out);
    assert.equal(Object.keys(doc).sort(), ["applied", "changed", "database", "pending", "unknown"]);
    assert.match(doc.database, new RegExp(`/${db.name}$`));
    assert.equal(doc.applied.map((a: { name: string }) => a.name), MIGRATIONS);
    assert.ok(doc.applied.every((a: { state: string; runOn: string }) => a.state === "ok" && !Number.isNaN(Date.parse(a.runOn))));
    assert.equal([doc.pending, doc.changed, doc.unknown], [[], [], []]);
  } finally {
    await db.drop();
  }
});

test("five create processes at once on one empty database all exit 0 and apply each migration once", async () => {
  const db = await emptyDatabase();
  try {
    const runs = await Promise.all(Array.from({ length: 5 }, () => src(["pgsql", "create"], db.env)));
    for (const r of runs) assert.is(r.code, 0, r.err);
    assert.is(runs.filter((r) => /^applied /.test(r.out)).length, 1, runs.map((r) => r.out).join(""));
    assert.is(runs.filter((r) => /is up to date/.test(r.out)).length, 4);
    assert.equal(await applied(db), MIGRATIONS.map((name) => ({ name, n: 1 })));
    const sums = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM srcstore_migration_checksums");
    assert.is(sums[0]!.n, MIGRATIONS.length, "every checksum recorded once");
  } finally {
    await db.drop();
  }
});

test("status exits 3 for pending, 4 for a changed or unknown applied migration (4 wins over 3)", async () => {
  const db = await emptyDatabase();
  try {
    await migrateUp({ env: db.env });
    const [first, last] = [MIGRATIONS[0]!, MIGRATIONS[MIGRATIONS.length - 1]!];
    await db.query(`DELETE FROM pgmigrations WHERE name = '${last}'`);
    const pending = await src(["pgsql", "status"], db.env);
    assert.is(pending.code, 3, pending.out + pending.err);
    assert.match(pending.out, new RegExp(`\\n${last}\\s+pending\\n`));

    await db.query(`UPDATE srcstore_migration_checksums SET sha256 = repeat('0', 64) WHERE name = '${first}'`);
    const changed = await src(["pgsql", "status", "--json"], db.env);
    assert.is(changed.code, 4, changed.out + changed.err);
    const doc = JSON.parse(changed.out);
    assert.equal(doc.changed, [first]);
    assert.equal(doc.pending, [last]);
    assert.is(doc.applied[0].state, "changed");

    await db.query(`INSERT INTO pgmigrations (name, run_on) VALUES ('9999_from_the_future', now())`);
    const unknown = await src(["pgsql", "status"], db.env);
    assert.is(unknown.code, 4, unknown.out + unknown.err);
    assert.match(unknown.out, /\n9999_from_the_future\s+no-file\s/);
    assert.match(unknown.out, /unknown to this release \(9999_from_the_future\)/);
  } finally {
    await db.drop();
  }
});

test("drop, reset and truncate refuse without --yes off a terminal (exit 2, nothing changed), and work with it", async () => {
  const db = await emptyDatabase();
  try {
    await migrateUp({ env: db.env });
    await addUser(db, "alice");
    await addUser(db, "bob");
    const schema = await tables(db);
    assert.ok(schema.includes("users") && schema.includes("pgmigrations"), schema.join());

    for (const c of ["drop", "reset", "truncate"]) {
      const r = await src(["pgsql", c], db.env);
      oneLineError(r, 2, new RegExp(`refusing to delete all srcstore data in postgres://postgres@[^ ]*/${db.name}: .*--yes`));
      assert.is(r.out, "");
    }
    assert.equal(await logins(db), ["alice", "bob"], "nothing changed");
    assert.equal(await tables(db), schema);

    const truncate = await src(["pgsql", "truncate", "--yes"], db.env);
    assert.is(truncate.code, 0, truncate.err);
    assert.match(truncate.out, /^emptied \d+ store tables in postgres:/);
    assert.equal(await logins(db), []);
    assert.equal(await tables(db), schema, "the schema is kept");
    await addUser(db, "carol");
    assert.equal(await db.query("SELECT uid FROM users"), [{ uid: 1 }], "identities restarted");

    const reset = await src(["pgsql", "reset", "--yes"], db.env);
    assert.is(reset.code, 0, reset.err);
    assert.match(reset.out, new RegExp(`^reset postgres:.*: reverted ${MIGRATIONS.length} migrations?, applied ${MIGRATIONS.length} migrations?\\n$`));
    assert.equal(await logins(db), []);
    assert.equal(await tables(db), schema);
    assert.equal(await applied(db), MIGRATIONS.map((name) => ({ name, n: 1 })));

    await addUser(db, "dave");
    const drop = await src(["pgsql", "drop", "--yes"], db.env);
    assert.is(drop.code, 0, drop.err);
    assert.match(drop.out, /^dropped every srcstore table in postgres:/);
    assert.equal(await tables(db), [], "no table left in public, pgmigrations included");
  } finally {
    await db.drop();
  }
});

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

test("on a terminal, truncate asks, naming the database, and goes on only on y/yes", async () => {
  if (!hasScript) return console.log("# no `script` (util-linux) here: terminal prompt not checked");
  const db = await emptyDatabase();
  try {
    await migrateUp({ env: db.env });
    await addUser(db, "alice");
    const no = await src(["pgsql", "truncate"], db.env, { tty: true, input: "n\n" });
    assert.is(no.code, 1, no.out);
    assert.match(no.out, new RegExp(`Delete all srcstore data in postgres://postgres@[^ ]*/${db.name}\\? \\[y/N\\] `));
    assert.match(no.out, /cancelled: nothing changed/);
    assert.equal(await logins(db), ["alice"]);

    const yes = await src(["pgsql", "truncate"], db.env, { tty: true, input: "yes\n" });
    assert.is(yes.code, 0, yes.out);
    assert.match(yes.out, /emptied \d+ store tables/);
    assert.equal(await logins(db), []);
  } finally {
    await db.drop();
  }
});

test("a missing database: one line suggesting --createdb; create --createdb creates it and migrates", async () => {
  const db = unmadeDatabase(await server());
  try {
    const missing = await src(["pgsql", "create"], db.env);
    oneLineError(missing, 1, new RegExp(`database does not exist at postgres://postgres@[^ ]*/${db.name}: run "src pgsql create --createdb"`));

    const created = await src(["pgsql", "create", "--createdb"], db.env);
    assert.is(created.code, 0, created.err);
    assert.match(created.out, new RegExp(`^created the database; applied ${MIGRATIONS.length} migrations? .*/${db.name}\\n$`));
    assert.equal(await applied(db), MIGRATIONS.map((name) => ({ name, n: 1 })));
  } finally {
    await db.drop();
  }
});

test("a wrong password or an unreachable server: one line, exit 1, and no password in any output", async () => {
  const s = await server();
  const db = unmadeDatabase(s);
  const port = String(await freePort());
  assert.ok(s.env.PGPASSWORD, "the server has a password");

  const wrong = await src(["pgsql", "status"], { ...db.env, PGPASSWORD: "wrong-Secret-pw-123" });
  oneLineError(wrong, 1, /authentication failed at postgres:\/\/postgres@.*: check PGUSER and PGPASSWORD/);

  const closed = await src(["pgsql", "create"], { ...db.env, PGPORT: port });
  oneLineError(closed, 1, new RegExp(`PostgreSQL at postgres://postgres@127\\.0\\.0\\.1:${port}/${db.name} is unavailable`));

  // The password inside DATABASE_URL, with PG* set too (the URL wins), on a closed port and a live one.
  const host = s.env.PGHOST!.startsWith("/") ? `localhost:${port}/x?host=${encodeURIComponent(s.env.PGHOST!)}` : `${s.env.PGHOST}:${port}/x`;
  const urlClosed = await src(["pgsql", "create", "--createdb"], { ...db.env, DATABASE_URL: `postgres://user:secretpw@${host}` });
  oneLineError(urlClosed, 1, /PostgreSQL at postgres:\/\/user@.* is unavailable/);
  const live = s.env.PGHOST!.startsWith("/") ? `localhost:${s.env.PGPORT}/x?host=${encodeURIComponent(s.env.PGHOST!)}` : `${s.env.PGHOST}:${s.env.PGPORT}/x`;
  const urlWrong = await src(["pgsql", "drop", "--yes"], { ...db.env, DATABASE_URL: `postgres://${s.env.PGUSER}:secretpw@${live}` });
  oneLineError(urlWrong, 1, /authentication failed/);
  // src() rejects any run whose output holds a password it was given: getting here is the check.
  assert.ok(secrets.has("secretpw") && secrets.has(s.env.PGPASSWORD!) && secrets.has("wrong-Secret-pw-123"));
});

test.run();
