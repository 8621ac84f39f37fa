/**
 * Migrations for the CLI, tests and release pipelines. Never imported by the runtime store, which only
 * checks the version; an adapter because it binds node-pg-migrate, pg and the file system.
 * node-pg-migrate applies migrations/*.sql through `pg`, and this module adds what it
 * lacks: sha256 checksums of applied files, a status report, drop to nothing, truncate, and
 * creation of the database. Every step that reads or changes the migration state runs under
 * node-pg-migrate's own advisory lock, so concurrent `create`s (and any other node-pg-migrate run)
 * take turns.
 */
import pg from "pg";
import { runner, PG_MIGRATE_LOCK_ID } from "node-pg-migrate";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { pgSettings, type Env, type PgSettings } from "../pgsql/settings.ts";
import { toStoreError } from "../pgsql/driver-errors.ts";
import { tlsOptions, usesTls } from "./postgres.ts";
import { CHECKSUMS_TABLE, MIGRATIONS_TABLE, STORE_TABLES } from "../pgsql/schema.ts";

export interface MigrateOptions {
  /** A postgres:// URL; default: DATABASE_URL / PG* from `env`. */
  databaseUrl?: string;
  /** Where PG* variables are read; default the process environment. */
  env?: Env;
  /** The migrations folder; default the package's migrations/. */
  dir?: string;
}

export interface MigrationFile {
  name: string;
  path: string;
  sha256: string;
}

export type AppliedState = "ok" | "changed" | "no-file" | "unrecorded";

export interface MigrationStatus {
  /** The database, without password. */
  database: string;
  applied: { name: string; runOn: Date; state: AppliedState }[];
  pending: string[];
  /** Applied, but the file differs from the one that ran. */
  changed: string[];
  /** Applied, but this release has no such file (a newer release, or a deleted file). */
  unknown: string[];
}

/**
 * The package's migrations/: two levels up from lib/adapters/ in the sources, three from the npm
 * package's built dist/lib/adapters/.
 */
export const DEFAULT_DIR: string = [
  fileURLToPath(new URL("../../migrations/", import.meta.url)),
  fileURLToPath(new URL("../../../migrations/", import.meta.url)),
].find((d) => existsSync(d)) ?? fileURLToPath(new URL("../../migrations/", import.meta.url));

/** The migration files of `dir`, in node-pg-migrate's order (numeric prefix, then name). */
export function migrationFiles(dir = DEFAULT_DIR): MigrationFile[] {
  const names = readdirSync(dir).filter((f) => f.endsWith(".sql") && !f.startsWith("."));
  const prefix = (f: string) => Number(/^\d+/.exec(f)?.[0] ?? Number.NaN);
  names.sort((a, b) => prefix(a) - prefix(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((f) => {
    const path = join(dir, f);
    return { name: f.slice(0, -4), path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
  });
}

/** Applied, pending and changed migrations. */
export async function migrationStatus(opts: MigrateOptions = {}): Promise<MigrationStatus> {
  return withClient(settingsOf(opts), (c, s) => readStatus(c, s, migrationFiles(opts.dir)));
}

/**
 * Applies every pending migration in one transaction (all or nothing) and records their checksums.
 * Refuses, changing nothing, when an applied file changed or is unknown. Returns the names applied.
 */
export async function migrateUp(opts: MigrateOptions = {}): Promise<string[]> {
  const files = migrationFiles(opts.dir);
  return withClient(settingsOf(opts), (c, s) => locked(c, async () => {
    refuseUntrusted(await readStatus(c, s, files));
    const ran = await run(c, s, opts.dir ?? DEFAULT_DIR, "up");
    // Also records files a run killed between its commit and this step left unrecorded.
    for (const f of files) {
      await c.query(`INSERT INTO ${CHECKSUMS_TABLE} (name, sha256) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE name = $1) ON CONFLICT (name) DO NOTHING`, [f.name, f.sha256]);
    }
    return ran;
  }));
}

/**
 * Reverts every applied migration in one transaction, then drops the migrations table: afterwards no
 * srcstore table is left. Refuses when an applied file changed or is unknown. Returns the names reverted.
 */
export async function migrateDown(opts: MigrateOptions = {}): Promise<string[]> {
  const files = migrationFiles(opts.dir);
  return withClient(settingsOf(opts), (c, s) => locked(c, async () => {
    const st = await readStatus(c, s, files);
    refuseUntrusted(st);
    const ran = st.applied.length > 0 ? await run(c, s, opts.dir ?? DEFAULT_DIR, "down") : [];
    await c.query(`DROP TABLE IF EXISTS ${MIGRATIONS_TABLE}`);
    return ran;
  }));
}

/** Empties every store table in one statement, restarting IDs; keeps the schema and migrations. */
export async function truncateStores(opts: MigrateOptions = {}): Promise<string[]> {
  const files = migrationFiles(opts.dir);
  return withClient(settingsOf(opts), (c, s) => locked(c, async () => {
    const st = await readStatus(c, s, files);
    refuseUntrusted(st);
    if (st.pending.length > 0) {
      throw new StoreError("schema_mismatch", `the database at ${s.location} has pending migrations (${st.pending.join(", ")}): run "src pgsql create" first`);
    }
    await c.query(`TRUNCATE ${STORE_TABLES.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY`);
    return [...STORE_TABLES];
  }));
}

/**
 * Creates the database named by the settings when it is missing, connecting to the maintenance
 * database `postgres` (or `template1`). True when this call created it; a concurrent creator wins quietly.
 */
export async function createDatabase(opts: MigrateOptions = {}): Promise<boolean> {
  const s = settingsOf(opts);
  const server = s.location.slice(0, s.location.lastIndexOf("/"));
  let lastError: StoreError | undefined;
  for (const maintenance of ["postgres", "template1"].filter((d) => d !== s.database)) {
    try {
      return await withClient({ ...s, database: maintenance, location: `${server}/${maintenance}` }, async (c) => {
        const found = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [s.database]);
        if (found.rowCount) return false;
        try {
          await c.query(`CREATE DATABASE ${quoteIdent(s.database)}`);
          return true;
        } catch (e) {
          // Created meanwhile by a concurrent caller: 42P04, or 23505 when both got past the check.
          const code = (e as { code?: string }).code;
          if (code === "42P04" || code === "23505") return false;
          throw e;
        }
      });
    } catch (e) {
      lastError = e instanceof StoreError ? e : toStoreError(e, s.location);
      if ((lastError.cause as { code?: unknown } | undefined)?.code !== "3D000") throw lastError; // else: try the next one
    }
  }
  throw lastError ?? new StoreError("unavailable", `no maintenance database to create ${s.database} from`);
}

// ---- internals -----------------------------------------------------------------------------------

function settingsOf(opts: MigrateOptions): PgSettings {
  const env = opts.env ?? (globalThis as { process?: { env: Env } }).process?.env ?? {};
  return pgSettings(opts.databaseUrl ? { ...env, DATABASE_URL: opts.databaseUrl } : env);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function withClient<T>(s: PgSettings, fn: (c: pg.Client, s: PgSettings) => Promise<T>): Promise<T> {
  const c = await connect(s);
  try {
    return await fn(c, s);
  } catch (e) {
    throw e instanceof StoreError ? e : toStoreError(e, s.location);
  } finally {
    await c.end().catch(() => {});
  }
}

/** libpq's sslmode for `pg`, which cannot fall back by itself: allow and prefer try both ways. */
async function connect(s: PgSettings): Promise<pg.Client> {
  const tls = usesTls(s) ? tlsOptions(s) : false;
  const attempts = !tls ? [false] : s.sslmode === "allow" ? [false, tls] : s.sslmode === "prefer" ? [tls, false] : [tls];
  let last: unknown;
  for (const ssl of attempts) {
    const c = new pg.Client({
      host: s.host, port: s.port, user: s.user, password: s.password, database: s.database, ssl,
      connectionTimeoutMillis: 10_000, options: "-c TimeZone=UTC", application_name: "srcstore-migrate",
    });
    c.on("error", () => {}); // a dropped connection surfaces on the next query
    try {
      await c.connect();
      return c;
    } catch (e) {
      last = e;
      await c.end().catch(() => {});
      const code = (e as { code?: string }).code ?? "";
      const noPassword = /password must be a string/.test(String((e as { message?: unknown }).message));
      if (code.startsWith("28") || code === "3D000" || noPassword) break; // another SSL setting will not help
    }
  }
  throw toStoreError(last, s.location);
}

async function locked<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
  await c.query("SELECT pg_advisory_lock($1)", [PG_MIGRATE_LOCK_ID]);
  try {
    return await fn();
  } finally {
    await c.query("SELECT pg_advisory_unlock($1)", [PG_MIGRATE_LOCK_ID]).catch(() => {});
  }
}

async function exists(c: pg.Client, table: string): Promise<boolean> {
  const r = await c.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [table]);
  return Boolean(r.rows[0]?.t);
}

async function readStatus(c: pg.Client, s: PgSettings, files: MigrationFile[]): Promise<MigrationStatus> {
  const applied = (await exists(c, MIGRATIONS_TABLE))
    ? (await c.query<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`)).rows
    : [];
  const sums = new Map<string, string>();
  if (await exists(c, CHECKSUMS_TABLE)) {
    for (const r of (await c.query<{ name: string; sha256: string }>(`SELECT name, sha256 FROM ${CHECKSUMS_TABLE}`)).rows) sums.set(r.name, r.sha256);
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const out: MigrationStatus = { database: s.location, applied: [], pending: [], changed: [], unknown: [] };
  for (const a of applied) {
    const f = byName.get(a.name);
    const sum = sums.get(a.name);
    const state: AppliedState = !f ? "no-file" : sum === undefined ? "unrecorded" : sum === f.sha256 ? "ok" : "changed";
    out.applied.push({ name: a.name, runOn: a.run_on, state });
    if (state === "changed") out.changed.push(a.name);
    if (state === "no-file") out.unknown.push(a.name);
  }
  const done = new Set(applied.map((a) => a.name));
  out.pending = files.filter((f) => !done.has(f.name)).map((f) => f.name);
  return out;
}

function refuseUntrusted(st: MigrationStatus): void {
  if (st.changed.length > 0) {
    throw new StoreError("schema_mismatch",
      `migration file ${st.changed.map((n) => `migrations/${n}.sql`).join(", ")} changed after it was applied to ${st.database}: restore the file as it was; never edit an applied migration, add a new one`);
  }
  if (st.unknown.length > 0) {
    throw new StoreError("schema_mismatch",
      `${st.database} has applied migration ${st.unknown.join(", ")}, which this release does not have: it was migrated by a newer srcstore (or the file was deleted)`);
  }
}

async function run(c: pg.Client, s: PgSettings, dir: string, direction: "up" | "down"): Promise<string[]> {
  try {
    const ran = await runner({
      dbClient: c, dir, direction, migrationsTable: MIGRATIONS_TABLE, count: Number.POSITIVE_INFINITY,
      checkOrder: true, singleTransaction: true, advisoryLockMode: "wait", log: () => {},
    });
    return ran.map((m) => m.name);
  } catch (e) {
    const pgErr = e as { code?: string; message?: string };
    if (pgErr.code && /^(08|28|57P0)/.test(pgErr.code)) throw toStoreError(e, s.location);
    throw new StoreError("internal", `migrating ${direction} at ${s.location} failed and was rolled back: ${pgErr.message ?? String(e)}`, { cause: e });
  }
}
