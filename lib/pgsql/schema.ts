/**
 * What this release expects of the database: the migrations it ships (migrations/*.sql, in order) and
 * the tables they make. test/pgsql-migrate.test.ts keeps both lists equal to migrations/. The store
 * checks them at open, so it never runs on a schema it does not know.
 */
import type { SqlPort } from "../ports/sql.ts";
import { StoreError } from "../errors.ts";

/** The migration names (file names without ".sql") of this release, oldest first. */
export const MIGRATIONS: readonly string[] = [
  "0001_users_repos",
  "0002_accounts",
  "0003_orgs_oauth",
  "0004_repo_meta",
  "0005_app_storage",
  "0006_tracker",
];

/** node-pg-migrate's record of applied migrations. */
export const MIGRATIONS_TABLE = "pgmigrations";
/** sha256 of each applied migration file (made by migration 0001). */
export const CHECKSUMS_TABLE = "srcstore_migration_checksums";

/** Every table that holds store data: `src pgsql truncate` empties exactly these. */
export const STORE_TABLES: readonly string[] = [
  "users", "user_emails", "repos",
  // 0002_accounts:
  "user_passwords", "password_reset_tokens", "external_tokens",
  // 0003_orgs_oauth:
  "orgs", "org_members", "invites", "oauth_clients", "auth_codes",
  // 0004_repo_meta:
  "repo_configs", "repo_statuses", "repo_perms",
  // 0005_app_storage:
  "app_storage",
  // 0006_tracker:
  "tracker_numbers", "threads", "thread_comments", "thread_events", "changesets", "changeset_reviews", "changeset_events",
];

/**
 * The version guard: schema_mismatch when migrations of this release are not applied (run `src pgsql
 * create`) or when the database has migrations this release does not know (a newer release migrated
 * it: upgrade srcstore, do not downgrade the schema).
 */
export async function checkSchema(sql: SqlPort): Promise<void> {
  const [t] = await sql.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [MIGRATIONS_TABLE]);
  const applied = t?.t
    ? (await sql.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`)).map((r) => r.name)
    : [];
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!;
  const unknown = applied.filter((n) => !MIGRATIONS.includes(n));
  if (unknown.length > 0) {
    throw new StoreError("schema_mismatch",
      `the schema at ${sql.location} is at ${applied[applied.length - 1]}, newer than this release (${latest}): it was migrated by a newer srcstore; upgrade srcstore`);
  }
  const missing = MIGRATIONS.filter((n) => !applied.includes(n));
  if (missing.length > 0) {
    const at = applied.length > 0 ? `is at ${applied[applied.length - 1]}` : "has no srcstore schema";
    throw new StoreError("schema_mismatch", `the database at ${sql.location} ${at}, this release expects ${latest}: run "src pgsql create"`);
  }
}
