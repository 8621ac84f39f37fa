/** `src config`: the resolved settings as rows, with where each came from and every secret masked. */
import type { ResolvedConfig, Setting, Source } from "../config.ts";
import { hideUrlPassword, maskVariable } from "./mask.ts";

export interface ConfigRow {
  name: string;
  value: string;
  source: string;
}

/**
 * The four settings (by their flag names), the config and env files, then every PG*, DATABASE_URL,
 * AWS_* and SRC_* variable of `c.env` by name: what the stores and the graph store will be opened with.
 */
export function describeConfig(c: ResolvedConfig): ConfigRow[] {
  const setting = (name: string, s: Setting<string>): ConfigRow => ({ name, value: hideUrlPassword(s.value), source: sourceText(s.source) });
  const file = (name: string, path: string | undefined, source: Source | undefined): ConfigRow =>
    ({ name, value: path ?? "(none)", source: source === undefined ? "-" : sourceText(source) });
  const rows: ConfigRow[] = [
    setting("local-store", c.localStore),
    setting("graphstore.root", c.graphstoreRoot),
    setting("sgpath", c.sgpath),
    setting("addr", c.addr),
    file("config", c.configFile, c.configFileSource),
    file("env-file", c.envFile, c.envFileSource),
  ];
  const names = Object.keys(c.env).filter((n) => SHOWN.test(n)).sort();
  for (const name of names) {
    rows.push({ name, value: maskVariable(name, c.env[name]!), source: sourceText(c.envSources[name] ?? { kind: "env", name }) });
  }
  return rows;
}

/** "flag --local-store", "env SGPATH", "/etc/sourcegraph/config.ini:3" (env file lines too), "default". */
export function sourceText(s: Source): string {
  switch (s.kind) {
    case "flag":
      return `flag ${s.name}`;
    case "env":
      return `env ${s.name}`;
    case "env-file":
    case "file":
      return `${s.file}:${s.line}`;
    case "default":
      return "default";
  }
}

/** The variables the stores and the graph store read. */
const SHOWN = /^(PG[A-Z]|DATABASE_URL$|AWS_|SRC_)/;
