/**
 * `src pgsql ...`: the PostgreSQL schema, one lib/adapters/pg-migrate.ts call per command. The database comes
 * from DATABASE_URL / PG* (lib/pgsql/settings.ts) of the resolved environment, the env file's included
 * (cli/settings.ts); output names it by its password-free `location`.
 */
import { createDatabase, migrateDown, migrateUp, migrationStatus, truncateStores, type MigrateOptions, type MigrationStatus } from "../lib/adapters/pg-migrate.ts";
import { pgSettings } from "../lib/pgsql/settings.ts";
import { confirmDeletion } from "./confirm.ts";
import { loadConfig } from "./settings.ts";
import { table } from "./output.ts";

/** `src pgsql status` exit codes (0 = up to date; 1 and 2 are the usual error codes). */
export const STATUS_PENDING = 3;
export const STATUS_UNTRUSTED = 4;

interface YesOption {
  yes?: boolean;
}

export async function pgsqlCreate(o: { createdb?: boolean }): Promise<void> {
  const opts = await options();
  const created = o.createdb ? await createDatabase(opts) : false;
  const applied = await migrateUp(opts);
  const what = applied.length > 0 ? `applied ${count(applied, "migration")} (${span(applied)}) to ${await location()}` : `${await location()} is up to date`;
  console.log(created ? `created the database; ${what}` : what);
}

export async function pgsqlDrop(o: YesOption): Promise<void> {
  const where = await location();
  await confirmDeletion(`all srcstore data in ${where}`, o.yes === true);
  const reverted = await migrateDown(await options());
  console.log(reverted.length > 0
    ? `dropped every srcstore table in ${where} (reverted ${count(reverted, "migration")})`
    : `nothing to drop: ${where} has no srcstore migrations applied`);
}

export async function pgsqlReset(o: YesOption): Promise<void> {
  const where = await location();
  await confirmDeletion(`all srcstore data in ${where}`, o.yes === true);
  const reverted = await migrateDown(await options());
  const applied = await migrateUp(await options());
  console.log(`reset ${where}: reverted ${count(reverted, "migration")}, applied ${count(applied, "migration")}`);
}

export async function pgsqlTruncate(o: YesOption): Promise<void> {
  const where = await location();
  await confirmDeletion(`all srcstore data in ${where}`, o.yes === true);
  const tables = await truncateStores(await options());
  console.log(`emptied ${count(tables, "store table")} in ${where}; the schema is kept`);
}

/** Prints the status; exit 0 when up to date, 3 when migrations are pending, 4 when any applied one is changed or unknown. */
export async function pgsqlStatus(o: { json?: boolean }): Promise<void> {
  const st = await migrationStatus(await options());
  process.exitCode = statusExitCode(st);
  if (o.json) return void console.log(JSON.stringify(st));
  console.log(`database: ${st.database}`);
  const rows = [
    ...st.applied.map((a) => [a.name, a.state, a.runOn.toISOString()]),
    ...st.pending.map((n) => [n, "pending", ""]),
  ];
  if (rows.length > 0) process.stdout.write(table(["MIGRATION", "STATE", "RUN ON"], rows));
  console.log(statusSummary(st));
}

export function statusExitCode(st: MigrationStatus): number {
  if (st.changed.length > 0 || st.unknown.length > 0) return STATUS_UNTRUSTED;
  return st.pending.length > 0 ? STATUS_PENDING : 0;
}

// ---- internals -----------------------------------------------------------------------------------

function statusSummary(st: MigrationStatus): string {
  const problems: string[] = [];
  if (st.changed.length > 0) problems.push(`${count(st.changed, "applied migration")} changed since it ran (${st.changed.join(", ")}): restore the file as it was`);
  if (st.unknown.length > 0) problems.push(`${count(st.unknown, "applied migration")} unknown to this release (${st.unknown.join(", ")}): upgrade srcstore`);
  if (problems.length > 0) return problems.join("; ");
  if (st.pending.length > 0) return `${count(st.pending, "migration")} pending: run "src pgsql create"`;
  const unrecorded = st.applied.filter((a) => a.state === "unrecorded").length;
  if (unrecorded > 0) return `up to date; ${count(unrecorded, "checksum")} not recorded yet: run "src pgsql create" to record them`;
  return "up to date";
}

/** The settings come from the resolved environment, read by lib/adapters/pg-migrate.ts itself. */
async function options(): Promise<MigrateOptions> {
  return { env: (await loadConfig()).env };
}

/** Where the commands act, without the password (throws invalid_input for malformed settings). */
async function location(): Promise<string> {
  return pgSettings((await loadConfig()).env).location;
}

/** "1 migration", "6 migrations": of a list, or of a number. */
function count(items: readonly unknown[] | number, noun: string): string {
  const n = typeof items === "number" ? items : items.length;
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function span(names: string[]): string {
  return names.length <= 2 ? names.join(", ") : `${names[0]} ... ${names[names.length - 1]}`;
}
