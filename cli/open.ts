/**
 * Opens the store the CLI works on, as the resolved settings say (cli/settings.ts): the fs backend
 * under <sgpath>/store, or pgsql on the database that PG* / DATABASE_URL name (env file included).
 */
import { join } from "node:path";
import { openStore, type Stores } from "../lib/mod.ts";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import { loadConfig } from "./settings.ts";

/** The global options as cac parsed them; the settings are read from argv as typed (see loadConfig). */
export interface GlobalOptions {
  sgpath?: string;
  localStore?: string;
}

export async function openCliStore(): Promise<Stores> {
  const c = await loadConfig();
  if (c.localStore.value === "fs") return openStore({ fs: nodeFs(join(c.sgpath.value, "store")) });
  // The driver loads only for pgsql: the fs default never pays for it.
  const { connectPostgres } = await import("../lib/adapters/postgres.ts");
  return openAndKeep(connectPostgres({ env: c.env }), (sql) => openStore({ localStore: "pgsql", sql }));
}

/**
 * `open(resource)`, closing `resource` when that fails: a pool we made and openStore refused (schema
 * behind, server down) is ours to close, and `src serve` retries a failed open once a second, where a
 * PostgreSQL pool left behind each time would hold its connection for a minute.
 */
export async function openAndKeep<R extends { close(): Promise<void> }, T>(resource: R, open: (r: R) => Promise<T>): Promise<T> {
  try {
    return await open(resource);
  } catch (e) {
    await resource.close().catch(() => undefined);
    throw e;
  }
}
