/**
 * The SQL port over postgres.js, on a real PostgreSQL: settings as libpq reads them, error mapping
 * (with no secret in any message), transactions and savepoints, a killed connection, UTC.
 */
import { freePort } from "./support/free-port.ts";
import { failure } from "./conformance/harness.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectPostgres, fromPostgres } from "../lib/adapters/postgres.ts";
import { pgSettings } from "../lib/pgsql/settings.ts";
import { isStoreError, type StoreError } from "../lib/errors.ts";
import type { SqlPort } from "../lib/ports/sql.ts";
import { pgServer, type PgServer } from "./support/pg-server.ts";
import { adminSql, emptyDatabase, type EmptyDatabase } from "./support/pg-admin.ts";

let server: Promise<PgServer> | undefined;
const srv = () => (server ??= pgServer());

async function withPort(fn: (sql: SqlPort, db: EmptyDatabase) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const db = await emptyDatabase(await srv());
  const sql = connectPostgres({ env: { ...db.env, ...env } });
  try {
    await fn(sql, db);
  } finally {
    await sql.close();
    await db.drop();
  }
}

function noSecret(e: StoreError, secret: string): void {
  const seen = `${e.message}\n${e.stack ?? ""}`;
  assert.not.ok(seen.includes(secret), `the secret leaked: ${e.message}`);
}

test("pgSettings reads DATABASE_URL first, then PG*, then libpq defaults; location has no password", () => {
  const s = pgSettings({ DATABASE_URL: "postgres://ann:s3cr%40t@db.example:6543/app?sslmode=verify-full", PGHOST: "ignored", PGUSER: "ignored", SRC_PGSQL_MAX_OPEN: "4" });
  assert.equal([s.host, s.port, s.user, s.password, s.database, s.sslmode, s.max], ["db.example", 6543, "ann", "s3cr@t", "app", "verify-full", 4]);
  assert.is(s.location, "postgres://ann@db.example:6543/app");
  const d = pgSettings({ PGUSER: "bob", PGPASSWORD: "pw" });
  assert.equal([d.host, d.port, d.database, d.sslmode, d.max], ["localhost", 5432, "bob", "prefer", 10]);
  const u = pgSettings({ DATABASE_URL: "postgres:///app", PGHOST: "h", PGPORT: "7000", PGUSER: "u", PGPASSWORD: "p", PGSSLMODE: "require" });
  assert.equal([u.host, u.port, u.user, u.password, u.database, u.sslmode], ["h", 7000, "u", "p", "app", "require"]);
});

test("pgSettings refuses a bad SSL mode, port, pool size or URL without echoing the URL", () => {
  const bad = (env: Record<string, string>, field: string) => {
    try {
      pgSettings(env);
    } catch (e) {
      assert.ok(isStoreError(e, "invalid_input"));
      assert.is(e.field, field);
      assert.not.match(e.message, /hunter2/);
      return;
    }
    assert.unreachable(`expected invalid_input for ${field}`);
  };
  bad({ PGSSLMODE: "maybe" }, "PGSSLMODE");
  bad({ PGPORT: "99999" }, "PGPORT");
  bad({ SRC_PGSQL_MAX_OPEN: "0" }, "SRC_PGSQL_MAX_OPEN");
  bad({ DATABASE_URL: "postgres://u:hunter2@[bad" }, "DATABASE_URL");
  bad({ DATABASE_URL: "mysql://u:hunter2@h/db" }, "DATABASE_URL");
  bad({ DATABASE_URL: "postgres://u:hun/ter2@h/db" }, "DATABASE_URL");
});

test("a wrong password is permission_denied, and the message holds no password", async () => {
  const s = await srv();
  const sql = connectPostgres({ env: { ...s.env, PGPASSWORD: "wrong-hunter2" } });
  try {
    const e = await failure(sql.query("SELECT 1"));
    assert.is(e.code, "permission_denied");
    assert.match(e.message, /authentication failed/);
    noSecret(e, "wrong-hunter2");
    noSecret(e, s.env.PGPASSWORD!);
  } finally {
    await sql.close();
  }
});

test("an unreachable server is unavailable, and the message holds no password", async () => {
  const port = await freePort();
  const sql = connectPostgres({ env: { DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${port}/x` } });
  try {
    const e = await failure(sql.query("SELECT 1"));
    assert.is(e.code, "unavailable");
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    noSecret(e, "hunter2");
  } finally {
    await sql.close();
  }
});

test("a missing database is unavailable and says to create it", async () => {
  const s = await srv();
  const sql = connectPostgres({ env: { ...s.env, PGDATABASE: "no_such_db_here" } });
  try {
    const e = await failure(sql.query("SELECT 1"));
    assert.is(e.code, "unavailable");
    assert.match(e.message, /does not exist.*--createdb/);
  } finally {
    await sql.close();
  }
});

test("parameters are bound, never spliced; unique violation is already_exists; bytes and times round-trip", () => withPort(async (sql) => {
  await sql.query("CREATE TABLE t (k text PRIMARY KEY, b bytea, at timestamptz)");
  const evil = "x'); DROP TABLE t; --";
  const at = new Date(Date.UTC(2026, 10, 26, 12, 34, 56, 789));
  await sql.query("INSERT INTO t VALUES ($1, $2, $3)", [evil, new Uint8Array([0, 255, 1]), at]);
  const e = await failure(sql.query("INSERT INTO t VALUES ($1, NULL, NULL)", [evil]));
  assert.is(e.code, "already_exists");
  const [row] = await sql.query<{ k: string; b: Uint8Array; at: Date }>("SELECT k, b, at FROM t");
  assert.is(row!.k, evil);
  assert.equal([...row!.b], [0, 255, 1]);
  assert.is(row!.at.getTime(), at.getTime());
}));

test("sessions run in UTC whatever the database's time zone", () => withPort(async (sql, db) => {
  await db.sql.unsafe(`ALTER DATABASE ${db.name} SET timezone TO 'America/New_York'`);
  const [r] = await sql.query<{ tz: string; h: number }>("SELECT current_setting('TimeZone') AS tz, extract(hour FROM $1::timestamptz)::int AS h", [new Date(Date.UTC(2026, 0, 1, 3))]);
  assert.equal([r!.tz, r!.h], ["UTC", 3]);
}));

test("transaction() commits on success, rolls back on error; nested calls roll back to their savepoint", () => withPort(async (sql) => {
  await sql.query("CREATE TABLE t (n int)");
  await sql.transaction(async (tx) => {
    await tx.query("INSERT INTO t VALUES (1)");
    await failure(tx.transaction(async (inner) => {
      await inner.query("INSERT INTO t VALUES (2)");
      await inner.query("INSERT INTO nowhere VALUES (3)");
    }));
    await tx.query("INSERT INTO t VALUES (4)");
  });
  await sql.transaction(async (tx) => {
    await tx.query("INSERT INTO t VALUES (5)");
    throw new Error("abandon");
  }).catch(() => {});
  const rows = await sql.query<{ n: number }>("SELECT n FROM t ORDER BY n");
  assert.equal(rows.map((r) => r.n), [1, 4]);
}));

test("a deadlock is a retryable conflict", () => withPort(async (sql) => {
  await sql.query("CREATE TABLE t (id int PRIMARY KEY, v int)");
  await sql.query("INSERT INTO t VALUES (1, 0), (2, 0)");
  let step!: () => void;
  const bothLocked = new Promise<void>((r) => {
    let n = 0;
    step = () => ++n === 2 && r();
  });
  const cross = (first: number, second: number) => sql.transaction(async (tx) => {
    await tx.query("UPDATE t SET v = v + 1 WHERE id = $1", [first]);
    step();
    await bothLocked;
    await tx.query("UPDATE t SET v = v + 1 WHERE id = $1", [second]);
  });
  const results = await Promise.allSettled([cross(1, 2), cross(2, 1)]);
  const failed = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as StoreError);
  assert.is(failed.length, 1, "exactly one side is the deadlock victim");
  assert.is(failed[0]!.code, "conflict");
  assert.is(failed[0]!.retryable, true);
}));

test("a connection killed mid-query is unavailable, and the next call works", () => withPort(async (sql, db) => {
  const slow = failure(sql.query("SELECT pg_sleep(30)")); // handled at once: it fails while we kill it
  const admin = adminSql(await srv());
  try {
    for (let i = 0; i < 100; i++) {
      const killed = await admin`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = ${db.name} AND query LIKE 'SELECT pg_sleep%'`;
      if (killed.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.end();
  }
  const e = await slow;
  assert.is(e.code, "unavailable", e.message);
  const [r] = await sql.query<{ one: number }>("SELECT 1 AS one");
  assert.is(r!.one, 1);
}, { SRC_PGSQL_MAX_OPEN: "1" }));

test("fromPostgres wraps the caller's instance and leaves it open on close()", async () => {
  const db = await emptyDatabase(await srv());
  try {
    const port = fromPostgres(db.sql);
    assert.not.match(port.location, new RegExp(db.env.PGPASSWORD!));
    await port.close();
    const [r] = await db.sql`SELECT 2 AS two`;
    assert.is(r!.two, 2);
  } finally {
    await db.drop();
  }
});

test.run();
