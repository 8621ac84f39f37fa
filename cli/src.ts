#!/usr/bin/env node
/**
 * The `src` command line: declares commands and hands each to one function in cli/. Store code and
 * adapters load inside the actions, so `src --help` stays instant.
 */
import { cac } from "cac";
import { commandHelp, groupHelp } from "./help.ts";
import { fail, joinCommandWords } from "./output.ts";
import { ADDR_OPTION, settingOptions, typedSpelling, valueOptions } from "./options.ts";
import { VERSION } from "./version.ts";

const cli = cac("src");
settingOptions(cli);

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
  .action(async (login: string) => (await import("./user.ts")).userPasswd(login));

cli.command("store info", "Show the backend, its location and record counts")
  .option("--json", "Print JSON")
  .action(async (o) => (await import("./store-info.ts")).storeInfo(o));

cli.command("config", "Show the resolved settings and where each came from (flag, env, file:line, default), secrets masked")
  .option(ADDR_OPTION[0], "The listen address src serve would use")
  .option("--json", "Print one JSON array of {name, value, source}")
  .example("src config --config ./config.ini --env-file ./config.env")
  .action(async (o) => (await import("./settings.ts")).showConfig(o));

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

cli.command("serve", "Serve the stores and the graph store over HTTP (JSON API; see README)")
  .option(...ADDR_OPTION)
  .example("src serve --addr 127.0.0.1:3080")
  .example("src serve -s pgsql --addr 0.0.0.0:3080 --graphstore.root s3://my-bucket/graph")
  .action(async () => (await import("./serve.ts")).serveCommand());

cli.command("graph import <...paths>", "Import srclib build folders or unit/graph files for a repo at a commit (replaces an earlier import)")
  .option("--repo <uri>", "Repo URI, e.g. github.com/alice/proj (required)")
  .option("--commit <sha>", "Full commit ID, 40 or 64 hex digits (required)")
  .option("--json", "Print the summary as JSON")
  .example("src graph import --repo github.com/alice/proj --commit $(git rev-parse HEAD) .srclib-cache/$(git rev-parse HEAD)")
  .action(async (paths: string[], o) => (await import("./graph.ts")).graphImport(paths, o));

cli.command("graph units", "List the source units of a commit, by type then name")
  .option("--repo <uri>", "Repo URI (required)")
  .option("--commit <sha>", "Commit ID (required)")
  .option("--json", "One JSON object per line")
  .action(async (o) => (await import("./graph.ts")).graphUnits(o));

cli.command("graph defs", "List the defs of a commit, or look one up by its key")
  .option("--repo <uri>", "Repo URI (required)")
  .option("--commit <sha>", "Commit ID (required)")
  .option("--unit-type <type>", "Only this unit's defs, by path (with --unit)")
  .option("--unit <name>", "Unit name (with --unit-type)")
  .option("--path <path>", "The one def with this path in the unit (needs --unit-type and --unit)")
  .option("--file <file>", "Only defs in this file, by position")
  .option("--name-prefix <prefix>", "Only defs whose name starts with this (case-insensitive), by name")
  .option("--limit <n>", "Page size, 1..1000 (default 100)")
  .option("--cursor <cursor>", "Continue after the page that returned this cursor")
  .option("--all", "Follow the cursors to the end")
  .option("--json", "One JSON object per line (see \"Paging\" below)")
  .example("src graph defs --repo github.com/alice/proj --commit $SHA --name-prefix new --json")
  .action(async (o) => (await import("./graph.ts")).graphDefs(o));

cli.command("graph refs", "List the refs of a commit: to a def, in a file, in a unit, or all")
  .option("--repo <uri>", "Repo URI (required)")
  .option("--commit <sha>", "Commit ID (required)")
  .option("--def-repo <uri>", "Refs to a def in this repo (default: --repo)")
  .option("--def-unit-type <type>", "Refs to the def in this unit type (with --def-unit and --def-path)")
  .option("--def-unit <name>", "... in this unit")
  .option("--def-path <path>", "... with this path")
  .option("--file <file>", "Only refs in this file")
  .option("--unit-type <type>", "Only refs in this unit (with --unit)")
  .option("--unit <name>", "Unit name (with --unit-type)")
  .option("--limit <n>", "Page size, 1..1000 (default 100)")
  .option("--cursor <cursor>", "Continue after the page that returned this cursor")
  .option("--all", "Follow the cursors to the end")
  .option("--json", "One JSON object per line (see \"Paging\" below)")
  .example("src graph refs --repo github.com/alice/proj --commit $SHA --def-unit-type GoPackage --def-unit github.com/alice/proj --def-path NewThing --all")
  .action(async (o) => (await import("./graph.ts")).graphRefs(o));

cli.command("graph docs", "Show every doc attached to a def key (or to a unit or file: --path \"\")")
  .option("--repo <uri>", "Repo URI (required)")
  .option("--commit <sha>", "Commit ID (required)")
  .option("--unit-type <type>", "Unit type (required)")
  .option("--unit <name>", "Unit name (required)")
  .option("--path <path>", "Def path (default \"\")")
  .option("--json", "One JSON object per line")
  .action(async (o) => (await import("./graph.ts")).graphDocs(o));

cli.command("graph ls", "List the imported commits with their counts, size and import time")
  .option("--repo <uri>", "Only this repo's commits")
  .option("--json", "One JSON object per line")
  .action(async (o) => (await import("./graph.ts")).graphLs(o));

cli.command("graph rm", "Remove a commit's graph data")
  .option("--repo <uri>", "Repo URI (required)")
  .option("--commit <sha>", "Commit ID (required)")
  .option("--yes", "Confirm without asking (needed when stdin is not a terminal)")
  .action(async (o) => (await import("./graph.ts")).graphRm(o));

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
  graph: [
    "The root: --graphstore.root <folder | s3://bucket[/prefix]>, else $SRC_GRAPHSTORE_ROOT, else <sgpath>/graphstore.",
    "S3: AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), or the SDK's other credential",
    "sources; AWS_REGION; AWS_ENDPOINT_URL_S3 for S3-compatible stores (MinIO, R2, ...).",
    "",
    "Paging (defs, refs): --json prints one JSON object per line. When more results remain, the last line",
    "is {\"nextCursor\":\"...\"} (a line with no other field): pass it to --cursor for the next page, or use",
    "--all to get everything. The table prints the cursor on stderr. Other listings are never cut.",
    "",
    "Exit codes:",
    "  0    done (an empty answer too)",
    "  1    failed: not found (root, commit, def), unavailable, permission or credentials refused, a",
    "       cursor made before the commit was re-imported, a root of a newer format",
    "  2    invalid input: options, a malformed srclib file (named; nothing imported); rm off a terminal",
    "       without --yes",
    "  130  import interrupted (Ctrl-C); nothing of it was imported",
  ].join("\n"),
};

cli.help(commandHelp(cli, groupFooters));
cli.version(VERSION);

/** Options that take a value, so that the word after one is not taken for a command word. */
const takesValue = valueOptions(cli);

async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`src graph defs --all --json | head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : fail(e)));
  const args = joinCommandWords(argv, cli.commands.map((c) => c.name), (o) => takesValue.has(o));
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
  try {
    await cli.runMatchedCommand();
  } catch (e) {
    throw typedSpelling(e, args, `see "src ${cli.matchedCommand?.name ?? ""} --help"`, (o) => takesValue.has(o));
  }
}

main(process.argv.slice(2)).catch(fail);
