/**
 * Opens the store the CLI works on, as the resolved settings say (cli/settings.ts): the fs backend
 * under <sgpath>/store, or pgsql on the database that PG* / DATABASE_URL name (env file included).
 */
import { join } from "node:path";
import { openStore, type Stores } from "../lib/mod.ts";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import type { FsPort } from "../lib/ports/fs.ts";
import { loadConfig } from "./settings.ts";
import { openAndKeep } from "./open-and-keep.ts";

/** The global options as cac parsed them; the settings are read from argv as typed (see loadConfig). */
export interface GlobalOptions {
  sgpath?: string;
  localStore?: string;
}

export async function openCliStore(): Promise<Stores> {
  const c = await loadConfig();
  return openSettingsStore({ localStore: c.localStore.value, sgpath: c.sgpath.value, env: c.env }, nodeFs);
}

/**
 * The store resolved settings name: fs under <sgpath>/store through `fsAt` (nodeFs, or denoFs for
 * cli/serve-deno.ts), or pgsql on the database PG* / DATABASE_URL in `env` name.
 */
export async function openSettingsStore(s: { localStore: "fs" | "pgsql"; sgpath: string; env: Record<string, string> }, fsAt: (dir: string) => FsPort): Promise<Stores> {
  if (s.localStore === "fs") return openStore({ fs: fsAt(join(s.sgpath, "store")) });
  // The driver loads only for pgsql: the fs default never pays for it.
  const { connectPostgres } = await import("../lib/adapters/postgres.ts");
  return openAndKeep(connectPostgres({ env: s.env }), (sql) => openStore({ localStore: "pgsql", sql }));
}
