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

export async function openCliStore(_o?: GlobalOptions): Promise<Stores> {
  const c = await loadConfig();
  if (c.localStore.value === "fs") return openStore({ fs: nodeFs(join(c.sgpath.value, "store")) });
  // The driver loads only for pgsql: the fs default never pays for it.
  const { connectPostgres } = await import("../lib/adapters/postgres.ts");
  const sql = connectPostgres({ env: c.env });
  try {
    return await openStore({ localStore: "pgsql", sql });
  } catch (e) {
    // A pool we made and openStore refused (schema behind, server down) is ours to close.
    await sql.close().catch(() => undefined);
    throw e;
  }
}
