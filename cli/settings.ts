/**
 * The settings every `src` command runs with: lib/config.ts resolves them (flag > environment > config
 * file > default); this file gives it the Node side (argv, process.env, files, home and working
 * folder), prints its warnings, and is `src config`. `src serve` reads the same `loadConfig()`.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { StoreError } from "../lib/errors.ts";
import { describeConfig, resolveConfig, type ConfigInput, type ResolvedConfig } from "../lib/config.ts";
import { table, UsageError } from "./output.ts";
import { cell } from "./graph-output.ts";

let loaded: Promise<ResolvedConfig> | undefined;

/**
 * The resolved settings of this process, read once (each warning is printed once, on stderr, as
 * `src: warning: <file>:<line>: <message>`). invalid_input for a bad value, naming where it came from.
 *
 * @example
 * ```ts
 * const c = await loadConfig();
 * if (c.localStore.value === "pgsql") connectPostgres({ env: c.env });
 * ```
 */
export function loadConfig(): Promise<ResolvedConfig> {
  loaded ??= (async () => {
    const c = await resolveConfig({ flags: configFlags(), env: process.env, readFile: readText, home: homedir(), cwd: process.cwd() });
    for (const w of c.warnings) process.stderr.write(`src: warning: ${w.file}:${w.line}: ${w.message}\n`);
    // The env file's variables join the process environment, as systemd's EnvironmentFile does: the
    // AWS SDK's credential chain (AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE, ...) reads process.env itself.
    for (const [name, source] of Object.entries(c.envSources)) {
      if (source.kind === "env-file" && process.env[name] === undefined) process.env[name] = c.env[name];
    }
    return c;
  })();
  return loaded;
}

/** `src config`: the resolved settings, where each came from, secrets masked. */
export async function showConfig(o: { json?: boolean }): Promise<void> {
  const rows = describeConfig(await loadConfig());
  if (o.json) return void console.log(JSON.stringify(rows));
  // A value from an env file can hold a line break, a tab or a terminal escape: shown escaped, the table stays a table.
  process.stdout.write(table(["NAME", "VALUE", "SOURCE"], rows.map((r) => [r.name, r.value, r.source].map(cell))));
}

/** The setting flags as typed on the command line (cac would turn "0123" into a number). */
export function configFlags(argv: readonly string[] = process.argv.slice(2)): ConfigInput["flags"] {
  strayGraphstoreOption(argv);
  const dotted = stringOption("graphstore.root", argv);
  const dashed = stringOption("graphstore-root", argv);
  if (dotted !== undefined && dashed !== undefined) throw new UsageError("--graphstore.root is given 2 times: give it once");
  return {
    localStore: stringOption("local-store", argv, "s"),
    graphstoreRoot: dotted ?? dashed,
    sgpath: stringOption("sgpath", argv),
    addr: stringOption("addr", argv),
    config: stringOption("config", argv),
    envFile: stringOption("env-file", argv),
  };
}

/**
 * The value of `--name <value>` as typed. cac (through mri) turns number-like values into numbers:
 * unit "010" would become 10 and an all-digit 40-character commit 1.2e+39, so string options are
 * read from argv (both `--name v` and `--name=v`, kebab or camel case, and `-x v` / `-x=v` for a
 * one-letter `short` name, up to a `--`).
 */
export function stringOption(name: string, argv: readonly string[] = process.argv.slice(2), short?: string): string | undefined {
  const spellings = new Set([`--${name}`, `--${name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`]);
  if (short !== undefined) spellings.add(`-${short}`);
  let value: string | undefined;
  let seen = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    for (const s of spellings) {
      if (a === s) {
        value = argv[++i];
        seen++;
      } else if (a.startsWith(`${s}=`)) {
        value = a.slice(s.length + 1);
        seen++;
      }
    }
  }
  if (seen > 1) throw new UsageError(`--${name} is given ${seen} times: give it once`);
  if (seen === 1 && value === undefined) throw new UsageError(`--${name} needs a value`);
  return value;
}

// ---- internals -----------------------------------------------------------------------------------

/**
 * `--graphstore`, `--graphstore.rot`, ...: anything named like the root option that is not it. cac
 * would take it as an unknown `graphstore` sub-option, and the default root be used silently.
 */
function strayGraphstoreOption(argv: readonly string[]): void {
  for (const a of argv) {
    if (a === "--") return;
    const name = /^--(graphstore[^=]*)/i.exec(a)?.[1];
    if (name !== undefined && !["graphstore.root", "graphstore-root", "graphstoreRoot"].includes(name)) {
      throw new UsageError(`unknown option --${name}: the graph store root is --graphstore.root <folder | s3://bucket[/prefix]>`);
    }
  }
}

/** A settings file's text; undefined when it does not exist. A file we may not read is an error, not "absent". */
async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "EISDIR") throw new StoreError("invalid_input", `${path} is a folder, not a settings file`, { cause: e });
    const kind = code === "EACCES" || code === "EPERM" ? "permission_denied" : "unavailable";
    throw new StoreError(kind, `cannot read ${path}: ${code ?? (e as Error).message}`, { cause: e });
  }
}
