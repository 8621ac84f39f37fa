/**
 * Migrations on a real PostgreSQL: the runner, checksums, all-or-nothing application, drop, truncate,
 * and the version guard at openStore, both ways.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, DEFAULT_DIR, migrateDown, migrateUp, migrationFiles, migrationStatus, truncateStores } from "../lib/adapters/pg-migrate.ts";
import { CHECKSUMS_TABLE, MIGRATIONS, MIGRATIONS_TABLE, STORE_TABLES } from "../lib/pgsql/schema.ts";
import { openStore } from "../lib/mod.ts";
import { connectPostgres } from "../lib/adapters/postgres.ts";
import { isStoreError } from "../lib/errors.ts";
import { pgServer, type PgServer } from "./support/pg-server.ts";
import { adminSql, emptyDatabase, type EmptyDatabase } from "./support/pg-admin.ts";

let server: Promise<PgServer> | undefined;

async function withDb(fn: (db: EmptyDatabase) => Promise<void>): Promise<void> {
  server ??= pgServer();
  const db = await emptyDatabase(await server);
  try {
    await fn(db);
  } finally {
    await db.drop();
  }
}

/** A copy of migrations/ to change freely. */
function copyOfMigrations(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), "srcstore-mig-"));
  cpSync(DEFAULT_DIR, dir, { recursive: true });
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const tables = async (db: EmptyDatabase) =>
  (await db.sql<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`).map((r) => r.tablename);

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(isStoreError(e), `expected a StoreError, got ${String(e)}`);
    assert.is(e.code, code, e.message);
    assert.match(e.message, pattern);
    return;
  }
  assert.unreachable("expected a rejection");
}

test("the release's migration list equals migrations/*.sql, in order", () => {
  assert.equal(migrationFiles().map((f) => f.name), [...MIGRATIONS]);
  assert.equal(readdirSync(DEFAULT_DIR).filter((f) => !f.endsWith(".sql")), [], "only .sql files in migrations/");
});

test("migrateUp applies every migration once, records each checksum, and a second run applies nothing", () => withDb(async (db) => {
  assert.equal(await migrateUp({ databaseUrl: db.url }), [...MIGRATIONS]);
  assert.equal(await migrateUp({ databaseUrl: db.url }), []);
  const sums = await db.sql<{ name: string; sha256: string }[]>`SELECT name, sha256 FROM srcstore_migration_checksums ORDER BY name`;
  assert.equal(sums.map((r) => [r.name, r.sha256]), migrationFiles().map((f) => [f.name, f.sha256]));
  const st = await migrationStatus({ databaseUrl: db.url });
  assert.equal(st.pending, []);
  assert.equal(st.changed, []);
  assert.ok(st.applied.every((a) => a.state === "ok"));
  assert.not.match(st.database, new RegExp(db.env.PGPASSWORD!), "status names the database without its password");
}));

test("STORE_TABLES names exactly the tables the migrations make, besides the migration records", () => withDb(async (db) => {
  await migrateUp({ databaseUrl: db.url });
  const made = (await tables(db)).filter((t) => t !== MIGRATIONS_TABLE && t !== CHECKSUMS_TABLE);
  assert.equal(made, [...STORE_TABLES].sort());
}));

test("a migration that fails midway leaves the schema as it was, with nothing recorded", () => withDb(async (db) => {
  const m = copyOfMigrations();
  try {
    await migrateUp({ databaseUrl: db.url, dir: m.dir });
    const before = await tables(db);
    writeFileSync(join(m.dir, "0901_good.sql"), "-- Up Migration\nCREATE TABLE half_a (x int);\n-- Down Migration\nDROP TABLE half_a;\n");
    writeFileSync(join(m.dir, "0902_bad.sql"), "-- Up Migration\nCREATE TABLE half_b (x int);\nSELECT 1/0;\n-- Down Migration\nDROP TABLE half_b;\n");
    await rejectsWith(migrateUp({ databaseUrl: db.url, dir: m.dir }), "internal", /rolled back.*division by zero/);
    assert.equal(await tables(db), before);
    const st = await migrationStatus({ databaseUrl: db.url, dir: m.dir });
    assert.equal(st.pending, ["0901_good", "0902_bad"]);
  } finally {
    m.done();
  }
}));

test("a changed applied migration is reported and makes migrateUp refuse, naming the file", () => withDb(async (db) => {
  const m = copyOfMigrations();
  try {
    await migrateUp({ databaseUrl: db.url, dir: m.dir });
    appendFileSync(join(m.dir, `${MIGRATIONS[0]}.sql`), "\n-- edited after release\n");
    const st = await migrationStatus({ databaseUrl: db.url, dir: m.dir });
    assert.equal(st.changed, [MIGRATIONS[0]]);
    assert.is(st.applied[0]!.state, "changed");
    await rejectsWith(migrateUp({ databaseUrl: db.url, dir: m.dir }), "schema_mismatch", new RegExp(`migrations/${MIGRATIONS[0]}\\.sql changed`));
  } finally {
    m.done();
  }
}));

test("an applied migration this release does not have is reported and refused", () => withDb(async (db) => {
  await migrateUp({ databaseUrl: db.url });
  await db.sql`INSERT INTO pgmigrations (name, run_on) VALUES ('9999_from_the_future', now())`;
  const st = await migrationStatus({ databaseUrl: db.url });
  assert.equal(st.unknown, ["9999_from_the_future"]);
  await rejectsWith(migrateUp({ databaseUrl: db.url }), "schema_mismatch", /9999_from_the_future.*newer srcstore/);
}));

test("five concurrent migrateUp calls on an empty database all succeed and apply each migration once", () => withDb(async (db) => {
  const runs = await Promise.all(Array.from({ length: 5 }, () => migrateUp({ databaseUrl: db.url })));
  assert.equal(runs.flat().sort(), [...MIGRATIONS].sort());
  const rows = await db.sql<{ name: string; n: number }[]>`SELECT name, count(*)::int AS n FROM pgmigrations GROUP BY name ORDER BY name`;
  assert.equal(rows.map((r) => [r.name, r.n]), MIGRATIONS.map((n) => [n, 1]));
}));

test("migrateDown removes every srcstore table, the migration records included", () => withDb(async (db) => {
  await migrateUp({ databaseUrl: db.url });
  assert.equal(await migrateDown({ databaseUrl: db.url }), [...MIGRATIONS].reverse());
  assert.equal(await tables(db), []);
  assert.equal(await migrateDown({ databaseUrl: db.url }), [], "dropping nothing is fine");
  assert.equal(await migrateUp({ databaseUrl: db.url }), [...MIGRATIONS], "and it can be created again");
}));

test("truncateStores empties every store table, restarts IDs and keeps schema and migrations", () => withDb(async (db) => {
  await migrateUp({ databaseUrl: db.url });
  const stores = await openStore({ localStore: "pgsql", sql: connectPostgres({ env: db.env }) });
  try {
    await stores.users.create({ login: "alice" });
    await stores.users.create({ login: "bob" });
    await stores.repos.create({ uri: "example.com/a" });
    assert.equal(await truncateStores({ databaseUrl: db.url }), [...STORE_TABLES]);
    assert.is((await stores.info()).counts.users, 0);
    const carol = await stores.users.create({ login: "carol" });
    assert.is(carol.uid, 1, "identities restarted");
  } finally {
    await stores.close();
  }
  assert.is((await migrationStatus({ databaseUrl: db.url })).applied.length, MIGRATIONS.length);
}));

test("truncateStores refuses while migrations are pending", () => withDb(async (db) => {
  await rejectsWith(truncateStores({ databaseUrl: db.url }), "schema_mismatch", /pending migrations.*src pgsql create/);
}));

test("openStore on a database without the schema, or behind it, says to run src pgsql create", () => withDb(async (db) => {
  const open = () => openStore({ localStore: "pgsql", sql: connectPostgres({ env: db.env }) });
  await rejectsWith(open(), "schema_mismatch", /has no srcstore schema.*run "src pgsql create"/);
  const m = copyOfMigrations();
  try {
    rmSync(join(m.dir, `${MIGRATIONS[MIGRATIONS.length - 1]}.sql`));
    await migrateUp({ databaseUrl: db.url, dir: m.dir });
    await rejectsWith(open(), "schema_mismatch", new RegExp(`is at ${MIGRATIONS[MIGRATIONS.length - 2]}, this release expects ${MIGRATIONS[MIGRATIONS.length - 1]}: run "src pgsql create"`));
  } finally {
    m.done();
  }
  await migrateUp({ databaseUrl: db.url });
  const stores = await open();
  await stores.close();
}));

test("openStore refuses a schema migrated by a newer release", () => withDb(async (db) => {
  await migrateUp({ databaseUrl: db.url });
  await db.sql`INSERT INTO pgmigrations (name, run_on) VALUES ('9999_from_the_future', now())`;
  await rejectsWith(openStore({ localStore: "pgsql", sql: connectPostgres({ env: db.env }) }), "schema_mismatch", /newer than this release.*upgrade srcstore/);
}));

test("five concurrent createDatabase calls for a missing database all succeed, and one creates it", async () => {
  const s = await (server ??= pgServer());
  const name = `c_${Math.random().toString(16).slice(2, 10)}`;
  try {
    const made = await Promise.all(Array.from({ length: 5 }, () => createDatabase({ env: { ...s.env, PGDATABASE: name } })));
    assert.equal(made.filter(Boolean).length, 1);
    assert.is(await createDatabase({ env: { ...s.env, PGDATABASE: name } }), false);
  } finally {
    const admin = adminSql(s);
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
  }
});

test.run();
