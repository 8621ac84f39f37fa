/** Admin statements for tests: empty databases, and one-off queries as the server's superuser. */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { pgUrl, type PgServer } from "./pg-server.ts";

/** postgres.js on `database` (default the maintenance database) as the server's user, one connection. */
export function adminSql(server: PgServer, database?: string): postgres.Sql {
  const e = server.env;
  return postgres({
    host: e.PGHOST, port: Number(e.PGPORT), user: e.PGUSER, pass: e.PGPASSWORD, database: database ?? e.PGDATABASE,
    ssl: !e.PGSSLMODE || e.PGSSLMODE === "disable" ? false : "prefer", max: 1, onnotice: () => {},
    connection: { application_name: "srcstore-test-admin", TimeZone: "UTC" },
  });
}

/** One admin connection for `fn`, always closed after. */
export async function withAdmin<T>(server: PgServer, fn: (sql: postgres.Sql) => Promise<T>, database?: string): Promise<T> {
  const sql = adminSql(server, database);
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

export interface EmptyDatabase {
  name: string;
  url: string;
  env: Record<string, string>;
  /** A query on this database as the superuser. */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/** A new database with no tables at all (no srcstore schema). */
export async function emptyDatabase(server: PgServer): Promise<EmptyDatabase> {
  const name = `e_${randomBytes(8).toString("hex")}`;
  await withAdmin(server, (admin) => admin.unsafe(`CREATE DATABASE ${name}`));
  const env = { ...server.env, PGDATABASE: name };
  const sql = adminSql(server, name);
  return {
    name, env, url: pgUrl(env), sql,
    async drop() {
      await sql.end();
      await withAdmin(server, (admin) => admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
