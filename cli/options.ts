/**
 * The options that name settings (lib/config.ts), declared once for the two programs that take them:
 * `src` (cli/src.ts, every command) and the Deno entry of `src serve` (cli/serve-deno.ts). Their
 * values are read from argv by cli/settings.ts; cac declares them for help and for its check of
 * unknown options. Light on purpose: `src --help` loads it.
 */
import type { CAC } from "cac";

/** `--addr`, the listen address of `src serve` (and what `src config` shows for it). */
export const ADDR_OPTION = ["--addr <host:port>", "Listen address (default: $SRC_ADDR, else [serve] addr of the config file, else 127.0.0.1:3080; port 0 = any free port)"] as const;

/** Declares --sgpath, -s/--local-store, --config, --env-file and --graphstore.root on every command of `cli`. */
export function settingOptions(cli: CAC): void {
  cli.option("--sgpath <dir>", "Data directory (default: $SGPATH, else ~/.sourcegraph)");
  cli.option("-s, --local-store <fs|pgsql>", "Backend (default: $SRC_LOCAL_STORE, else [serve.Local store] Store of the config file, else fs)");
  cli.option("--config <file>", "INI config file (default: /etc/sourcegraph/config.ini when it exists)");
  cli.option("--env-file <file>", "KEY=VALUE variables, systemd style, not overriding the environment (default: /etc/sourcegraph/config.env when it exists)");
  cli.option("--graphstore.root <root>", "Graph store: a folder or s3://bucket[/prefix] (default: $SRC_GRAPHSTORE_ROOT, else [serve] graphstore.root of the config file, else <sgpath>/graphstore)");
  // cac nests "--graphstore.root x" as { graphstore: { root: "x" } } but looks the top name up when it
  // checks for unknown options, so the option answers to "graphstore" (cli/settings.ts refuses any other
  // "--graphstore.<x>"), and to "graphstoreRoot" for the "--graphstore-root" people type.
  cli.globalCommand.options.find((o) => o.rawName.startsWith("--graphstore.root"))!.names = ["graphstore", "graphstoreRoot"];
}

/**
 * cac's error for an unknown option, said better: cac names it camel-cased ("--graphstoreRot"), so
 * it is named as typed, with where to look (`see`, e.g. `see "src graph defs --help"`); a value that
 * starts with "-" (`--limit -1`, `--name-prefix -x`), taken for options, gets how to give it.
 * `takesValue` tells the options that take a value. Other errors are returned as they are.
 */
export function typedSpelling(e: unknown, args: readonly string[], see: string, takesValue: (option: string) => boolean): unknown {
  const name = e instanceof Error && e.name === "CACError" ? /^Unknown option `--?(\S+)`$/.exec(e.message)?.[1] : undefined;
  if (name === undefined || !(e instanceof Error)) return e;
  const dashed = args.findIndex((a, i) => i > 0 && /^-[^-]/.test(a) && a.slice(1).startsWith(name) && takesValue(args[i - 1]!));
  if (dashed > 0) {
    e.message = `${args[dashed - 1]} ${args[dashed]}: "${args[dashed]}" was taken for an option; write ${args[dashed - 1]}=${args[dashed]}`;
    return e;
  }
  const camel = (w: string) => w.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const typed = args.find((a) => a.startsWith("--") && camel(a.slice(2).replace(/=.*/s, "")) === name);
  e.message = `Unknown option \`${typed === undefined ? (name.length > 1 ? `--${name}` : `-${name}`) : typed.replace(/=.*/s, "")}\`: ${see}`;
  return e;
}

/** The options of `cli`'s commands that take a value ("--sgpath", "-s", ...), so the word after one is known to be its value. */
export function valueOptions(cli: CAC): Set<string> {
  const all = new Set([cli.globalCommand, ...cli.commands].flatMap((c) => c.options)
    .filter((o) => /[<[]/.test(o.rawName)).flatMap((o) => o.rawName.split(/[\s,]+/).filter((w) => w.startsWith("-"))));
  all.add("--graphstore-root");
  return all;
}
