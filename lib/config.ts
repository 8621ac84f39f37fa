/**
 * The settings of `src` and `src serve`, resolved once, with one precedence for every setting:
 * command-line flag > environment (the process's, then the env file's) > config file > default.
 *
 * | setting         | flag                              | environment         | config file                   | default                |
 * | --------------- | --------------------------------- | ------------------- | ----------------------------- | ---------------------- |
 * | localStore      | --local-store, -s                 | SRC_LOCAL_STORE     | [serve.Local store] Store     | fs                     |
 * | graphstoreRoot  | --graphstore.root                 | SRC_GRAPHSTORE_ROOT | [serve] graphstore.root       | <sgpath>/graphstore    |
 * | sgpath          | --sgpath                          | SGPATH              |                               | ~/.sourcegraph         |
 * | addr            | --addr                            | SRC_ADDR            | [serve] addr                  | 127.0.0.1:3080         |
 *
 * Pure: the caller passes the flags, the environment and a file reader, so this runs on any runtime.
 * An empty variable or config value counts as unset (`SGPATH=` in a unit file); an empty flag is an error.
 *
 * @example
 * ```ts
 * import { resolveConfig } from "./config.ts";
 * const c = await resolveConfig({ flags: {}, env: { SRC_LOCAL_STORE: "pgsql" }, readFile: async () => undefined, home: "/home/a", cwd: "/" });
 * c.localStore.value; // "pgsql", from { kind: "env", name: "SRC_LOCAL_STORE" }
 * ```
 */
import { StoreError } from "./errors.ts";
import { parseEnvFile } from "./config/env-file.ts";
import { readIniSettings, type FileSetting, type FileSettingName } from "./config/ini-file.ts";
import { absolutePath, parentFolder } from "./config/paths.ts";
import { checkAddr, checkFolder, checkGraphRoot, checkLocalStore, type Check } from "./config/values.ts";

export { describeConfig } from "./config/describe.ts";
export { splitAddr } from "./config/values.ts";

export type Source =
  | { kind: "flag"; name: string }
  | { kind: "env"; name: string }
  | { kind: "env-file"; name: string; file: string; line: number }
  | { kind: "file"; file: string; line: number; key: string }
  | { kind: "default" };

export interface Setting<T> {
  value: T;
  source: Source;
}

export interface ConfigWarning {
  file: string;
  line: number;
  message: string;
}

export interface ResolvedConfig {
  localStore: Setting<"fs" | "pgsql">;
  /** An absolute folder, or s3://bucket[/prefix] (checked further when opened). */
  graphstoreRoot: Setting<string>;
  /** Absolute. */
  sgpath: Setting<string>;
  /** "host:port" for `src serve`; port 0 = any free port (see splitAddr). */
  addr: Setting<string>;
  /** The INI file that was read, if any, and what named it (flag --config, or default). */
  configFile?: string;
  configFileSource?: Source;
  /** The env file that was read, if any, and what named it (flag --env-file, or default). */
  envFile?: string;
  envFileSource?: Source;
  /** The process environment with the env file's variables added (set ones win): adapters read PG*, AWS_* from here. */
  env: Record<string, string>;
  /** Where each variable of `env` came from (env or env-file:line), for `src config`. */
  envSources: Record<string, Source>;
  warnings: ConfigWarning[];
}

export interface ConfigInput {
  flags: { localStore?: string; graphstoreRoot?: string; sgpath?: string; addr?: string; config?: string; envFile?: string };
  env: Record<string, string | undefined>;
  /** Reads a file: its text, or undefined when it does not exist. Other errors throw. */
  readFile(path: string): Promise<string | undefined>;
  /** For ~ and the default SGPATH ~/.sourcegraph. */
  home: string;
  /** Relative paths in flags and the environment resolve against it. */
  cwd: string;
  /** Default /etc/sourcegraph/config.ini and /etc/sourcegraph/config.env; tests pass temp paths. */
  defaults?: { configFile?: string; envFile?: string };
}

export const DEFAULT_CONFIG_FILE = "/etc/sourcegraph/config.ini";
export const DEFAULT_ENV_FILE = "/etc/sourcegraph/config.env";
export const DEFAULT_ADDR = "127.0.0.1:3080";

/**
 * Reads the env file and the config file, and resolves every setting. invalid_input for a bad value,
 * wherever it is given, even where a higher layer overrides it (the message names where it came
 * from: flag, variable, or file:line and key, and what is allowed)
 * and for a --config or --env-file that does not exist; unknown config keys and malformed env lines
 * are `warnings`. No message ever holds a variable's value.
 */
export async function resolveConfig(input: ConfigInput): Promise<ResolvedConfig> {
  const warnings: ConfigWarning[] = [];
  const env: Record<string, string> = {};
  const envSources: Record<string, Source> = {};
  for (const [name, value] of Object.entries(input.env)) {
    if (value === undefined) continue;
    env[name] = value;
    envSources[name] = { kind: "env", name };
  }
  const envFile = await readNamedFile(input, "envFile", "--env-file", input.defaults?.envFile ?? DEFAULT_ENV_FILE);
  if (envFile !== undefined) {
    const parsed = parseEnvFile(envFile.text);
    warn(warnings, envFile.path, parsed.problems);
    for (const v of parsed.vars) {
      if (input.env[v.name] !== undefined) continue; // set in the environment: not overridden
      env[v.name] = v.value;
      envSources[v.name] = { kind: "env-file", name: v.name, file: envFile.path, line: v.line };
    }
  }
  const configFile = await readNamedFile(input, "config", "--config", input.defaults?.configFile ?? DEFAULT_CONFIG_FILE);
  const ini = configFile === undefined ? undefined : readIniSettings(configFile.text, configFile.path);
  if (configFile !== undefined && ini !== undefined) warn(warnings, configFile.path, ini.problems);

  const from: Sources = { input, env, envSources, ini: ini?.settings ?? {}, iniFile: configFile?.path ?? "" };
  const def = <T>(value: T): Setting<T> => ({ value, source: { kind: "default" } });
  const localStore = pick(from, "localStore", "--local-store", "SRC_LOCAL_STORE", checkLocalStore) ?? def("fs" as const);
  const sgpath = pick(from, "sgpath", "--sgpath", "SGPATH", checkFolder) ?? def(absolutePath("~/.sourcegraph", "/", input.home));
  const graphstoreRoot = pick(from, "graphstoreRoot", "--graphstore.root", "SRC_GRAPHSTORE_ROOT", checkGraphRoot) ?? def(absolutePath("graphstore", sgpath.value, input.home));
  const addr = pick(from, "addr", "--addr", "SRC_ADDR", checkAddr) ?? def(DEFAULT_ADDR);

  return {
    localStore, graphstoreRoot, sgpath, addr,
    ...(configFile ? { configFile: configFile.path, configFileSource: configFile.source } : {}),
    ...(envFile ? { envFile: envFile.path, envFileSource: envFile.source } : {}),
    env, envSources, warnings,
  };
}

// ---- internals -----------------------------------------------------------------------------------

type SettingName = "localStore" | "graphstoreRoot" | "sgpath" | "addr";

interface Sources {
  input: ConfigInput;
  env: Record<string, string>;
  envSources: Record<string, Source>;
  ini: Partial<Record<FileSettingName, FileSetting>>;
  iniFile: string;
}

/**
 * The setting from the first place that sets it; undefined when none does (use the default). Every
 * place that sets it is checked, not only the one that wins: a flag must not hide a broken config
 * file (or variable) until the day the flag is left out.
 */
function pick<T>(s: Sources, name: SettingName, flag: string, variable: string, check: Check<T>): Setting<T> | undefined {
  const { home, cwd } = s.input;
  const given: Setting<T>[] = [];
  const flagValue = s.input.flags[name];
  if (flagValue !== undefined) {
    given.push({ value: checked(check(flagValue, cwd, home), flag, name), source: { kind: "flag", name: flag } });
  }
  const envValue = s.env[variable];
  if (envValue) {
    const source = s.envSources[variable] ?? { kind: "env", name: variable };
    const where = source.kind === "env-file" ? `${source.file}:${source.line}: ${variable}` : variable;
    given.push({ value: checked(check(envValue, cwd, home), where, name), source });
  }
  const file = name === "sgpath" ? undefined : s.ini[name];
  if (file !== undefined && file.value !== "") {
    // A relative path in the config file means next to it, wherever src was started.
    const value = checked(check(file.value, parentFolder(s.iniFile), home), `${s.iniFile}:${file.line}: ${file.key}`, name);
    given.push({ value, source: { kind: "file", file: s.iniFile, line: file.line, key: file.key } });
  }
  return given[0];
}

function checked<T>(result: { value: T } | { why: string }, where: string, field: SettingName): T {
  if ("why" in result) throw new StoreError("invalid_input", `${where}: ${result.why}`, { field });
  return result.value;
}

/**
 * The file a flag names (it must exist), else the default file when it exists. Relative flag paths
 * are taken from the working directory.
 */
async function readNamedFile(input: ConfigInput, flag: "config" | "envFile", flagName: string, fallback: string): Promise<{ path: string; text: string; source: Source } | undefined> {
  const given = input.flags[flag];
  if (given === undefined) {
    const text = await input.readFile(fallback);
    return text === undefined ? undefined : { path: fallback, text, source: { kind: "default" } };
  }
  if (given === "") throw new StoreError("invalid_input", `${flagName}: must not be empty`, { field: flag });
  const path = absolutePath(given, input.cwd, input.home);
  const text = await input.readFile(path);
  if (text === undefined) throw new StoreError("invalid_input", `${flagName} ${path}: no such file`, { field: flag });
  return { path, text, source: { kind: "flag", name: flagName } };
}

/** A garbled file (binary, the wrong file) would bury the terminal: a few warnings, then a count. */
const MOST_WARNINGS_PER_FILE = 10;

function warn(into: ConfigWarning[], file: string, problems: readonly { line: number; message: string }[]): void {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  for (const p of sorted.slice(0, MOST_WARNINGS_PER_FILE)) into.push({ file, ...p });
  const rest = sorted.slice(MOST_WARNINGS_PER_FILE);
  if (rest.length > 0) into.push({ file, line: rest[0]!.line, message: `${rest.length} more problems from here on (not shown): is this the right file?` });
}
