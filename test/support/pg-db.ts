/**
 * A fresh, migrated database per test, in milliseconds: `CREATE DATABASE t_<random> TEMPLATE <tpl>`.
 *
 * The template `srcstore_tpl_<12 hex>` is named after a sha256 over the names and contents of
 * migrations/*.sql, so a changed migration gets a new template. It is built once per server, by
 * whichever test process (Node or Deno) asks first: under an advisory lock in the maintenance
 * database, as `<tpl>_building`, migrated with lib/adapters/pg-migrate.ts, then closed to connections and
 * renamed, so it appears complete or not at all. Nobody connects to it afterwards (CREATE DATABASE
 * ... TEMPLATE fails while anyone is connected to the template).
 *
 * STRATEGY FILE_COPY: the default WAL_LOG writes the whole database (~8 MB) to the WAL, and on a new
 * server each new 16 MB WAL segment is zero-filled first; measured here, FILE_COPY was as fast or
 * faster (20-50 ms a database on a busy 2-core machine) and its DROP twice as fast.
 */
import { createHash, randomBytes } from "node:crypto";
import postgres from "postgres";
import { DEFAULT_DIR, migrateUp, migrationFiles } from "../../lib/adapters/pg-migrate.ts";
import { pgUrl, type PgServer } from "./pg-server.ts";
import { withAdmin } from "./pg-admin.ts";

export interface FreshDatabase {
  /** postgres:// URL of the new database, password included. */
  url: string;
  /** The server's PG* variables with PGDATABASE set to the new database. */
  env: Record<string, string>;
  name: string;
  /** DROP DATABASE ... WITH (FORCE). */
  drop(): Promise<void>;
}

/** Arbitrary, fixed: the advisory lock key under which templates are built. */
const TEMPLATE_LOCK = 0x5372_6354; // "SrcT"

/** Per server (url): the template's name once it exists. */
const templates = new Map<string, Promise<string>>();

export async function freshDatabase(server: PgServer): Promise<FreshDatabase> {
  let tpl = templates.get(server.url);
  if (!tpl) {
    tpl = ensureTemplate(server);
    templates.set(server.url, tpl);
    tpl.catch(() => templates.delete(server.url)); // a failed build is retried by the next call
  }
  const template = await tpl;
  const name = `t_${randomBytes(8).toString("hex")}`;
  await withAdmin(server, (sql) => sql.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`));
  const env = { ...server.env, PGDATABASE: name };
  let dropped = false;
  return {
    url: pgUrl(env),
    env,
    name,
    async drop() {
      if (dropped) return;
      await withAdmin(server, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      dropped = true;
    },
  };
}

/** `srcstore_tpl_` + the first 12 hex of sha256 over the migration files' names and contents. */
export function templateName(dir: string = DEFAULT_DIR): string {
  const h = createHash("sha256");
  for (const f of migrationFiles(dir)) h.update(`${f.name}\0${f.sha256}\0`);
  return `srcstore_tpl_${h.digest("hex").slice(0, 12)}`;
}

/** Creates the template unless it exists; returns its name. Safe when many processes ask at once. */
export async function ensureTemplate(server: PgServer, dir: string = DEFAULT_DIR): Promise<string> {
  const tpl = templateName(dir);
  const building = `${tpl}_building`;
  const exists = async (sql: postgres.Sql) => (await sql`select 1 from pg_database where datname = ${tpl}`).length > 0;
  await withAdmin(server, async (sql) => {
    if (await exists(sql)) return;
    // Session lock on the one connection (max: 1); released when it closes, even after a crash.
    await sql`select pg_advisory_lock(${TEMPLATE_LOCK})`;
    try {
      if (await exists(sql)) return; // built by another process while we waited
      await sql.unsafe(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`); // left by a crashed build
      await sql.unsafe(`CREATE DATABASE ${building} STRATEGY FILE_COPY`);
      await migrateUp({ databaseUrl: pgUrl({ ...server.env, PGDATABASE: building }), dir });
      // Closed to connections first: once it has its final name, nobody can hold it open.
      await sql.unsafe(`ALTER DATABASE ${building} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
      await sql.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${building}'`);
      await sql.unsafe(`ALTER DATABASE ${building} RENAME TO ${tpl}`);
    } finally {
      await sql`select pg_advisory_unlock(${TEMPLATE_LOCK})`;
    }
  });
  return tpl;
}
