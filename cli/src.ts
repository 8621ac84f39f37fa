#!/usr/bin/env node
/**
 * The `src` command line: declares commands and hands each to one function in cli/. Store code and
 * adapters load inside the actions, so `src --help` stays instant.
 */
import { cac } from "cac";
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

cli.help();
cli.version(VERSION);

async function main(argv: string[]): Promise<void> {
  const args = joinCommandWords(argv, cli.commands.map((c) => c.name));
  cli.parse(["node", "src", ...args], { run: false });
  if (!cli.matchedCommand) {
    if (cli.options.help || cli.options.version) return;
    const word = cli.args[0];
    if (word === undefined) return cli.outputHelp();
    throw new Error(`unknown command "${cli.args.join(" ")}": see "src --help"`);
  }
  await cli.runMatchedCommand();
}

main(process.argv.slice(2)).catch(fail);
