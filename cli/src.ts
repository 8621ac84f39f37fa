#!/usr/bin/env node
/**
 * The `src` command line: declares commands and hands each to one function in cli/. Store code and
 * adapters load inside the actions, so `src --help` stays instant.
 */
import { cac } from "cac";
import { commandHelp, groupHelp } from "./help.ts";
import { fail, joinCommandWords } from "./output.ts";
import { VERSION } from "./version.ts";

const cli = cac("src");

cli.option("--sgpath <dir>", "Data directory (default: $SGPATH, else ~/.sourcegraph)");

cli.command("user add <login>", "Create a user")
  .option("--email <address>", "Set the user's primary email (taken as verified)")
  .option("--admin", "Make the user a site admin")
  .option("--name <name>", "Display name")
  .example("src user add alice --email alice@example.com --admin")
  .action(async (login: string, o) => (await import("./user.ts")).userAdd(login, o));

cli.command("user list", "List users")
  .option("--query <prefix>", "Only logins starting with this (case-insensitive)")
  .option("--all", "Include disabled users")
  .option("--json", "One JSON object per line")
  .action(async (o) => (await import("./user.ts")).userList(o));

cli.command("user passwd <login>", "Set a user's password, read from stdin (never from arguments)")
  .example("printf '%s' \"$PASSWORD\" | src user passwd alice")
  .action(async (login: string, o) => (await import("./user.ts")).userPasswd(login, o));

cli.command("store info", "Show the backend, its location and record counts")
  .option("--json", "Print JSON")
  .action(async (o) => (await import("./store-info.ts")).storeInfo(o));

cli.command("pgsql create", "Apply pending migrations (idempotent; concurrent runs take turns)")
  .option("--createdb", "First create the database when it is missing")
  .example("PGDATABASE=src src pgsql create --createdb")
  .action(async (o) => (await import("./pgsql.ts")).pgsqlCreate(o));

cli.command("pgsql drop", "Drop every srcstore table, the migrations table included (deletes all data)")
  .option("--yes", "Confirm without asking (needed when stdin is not a terminal)")
  .action(async (o) => (await import("./pgsql.ts")).pgsqlDrop(o));

cli.command("pgsql reset", "Drop, then create (deletes all data)")
  .option("--yes", "Confirm without asking (needed when stdin is not a terminal)")
  .action(async (o) => (await import("./pgsql.ts")).pgsqlReset(o));

cli.command("pgsql truncate", "Empty every store table, restarting IDs; keep the schema (deletes all data)")
  .option("--yes", "Confirm without asking (needed when stdin is not a terminal)")
  .action(async (o) => (await import("./pgsql.ts")).pgsqlTruncate(o));

cli.command("pgsql status", "Show applied, pending and changed migrations; exit 0 up to date, 3 pending, 4 changed or unknown")
  .option("--json", "Print one JSON document")
  .example("src pgsql status --json || echo \"exit $?\"")
  .action(async (o) => (await import("./pgsql.ts")).pgsqlStatus(o));

/** Shown under `src <group> --help`. */
const groupFooters: Record<string, string> = {
  pgsql: [
    "The database: DATABASE_URL (postgres://user:password@host:port/db), else PGHOST PGPORT PGUSER PGPASSWORD",
    "PGDATABASE PGSSLMODE PGSSLROOTCERT. Output names it without the password.",
    "",
    "Exit codes:",
    "  0  done (status: up to date)",
    "  1  failed: server unreachable, authentication, missing database, permission, schema refused",
    "  2  invalid input or settings; drop/reset/truncate off a terminal without --yes",
    "  3  status: migrations are pending (run \"src pgsql create\")",
    "  4  status: an applied migration changed or is unknown to this release (wins over 3)",
  ].join("\n"),
};

cli.help(commandHelp(cli, groupFooters));
cli.version(VERSION);

async function main(argv: string[]): Promise<void> {
  const args = joinCommandWords(argv, cli.commands.map((c) => c.name));
  // "src pgsql", "src pgsql --help": the help of every "pgsql ..." command.
  const [group, next] = args;
  if (group !== undefined && (next === undefined || next === "--help" || next === "-h") && args.length <= 2) {
    const help = groupHelp(cli, group, groupFooters[group]);
    if (help !== undefined) return void process.stdout.write(help);
  }
  cli.parse(["node", "src", ...args], { run: false });
  if (!cli.matchedCommand) {
    if (cli.options.help || cli.options.version) return;
    const word = cli.args[0];
    if (word === undefined) return cli.outputHelp();
    const see = groupHelp(cli, word) !== undefined ? `src ${word} --help` : "src --help";
    throw new Error(`unknown command "${cli.args.join(" ")}": see "${see}"`);
  }
  await cli.runMatchedCommand();
}

main(process.argv.slice(2)).catch(fail);
