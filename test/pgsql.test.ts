/**
 * The conformance suite on the pgsql backend: a real PostgreSQL (the one test/run.ts started, PG* from
 * the environment, or one started here), a fresh migrated database per test.
 */
import { openStore } from "../lib/mod.ts";
import { connectPostgres } from "../lib/adapters/postgres.ts";
import { conformance } from "./conformance/index.ts";
import { pgServer, type PgServer } from "./support/pg-server.ts";
import { freshDatabase } from "./support/pg-db.ts";

let server: Promise<PgServer> | undefined;

conformance(async (clock) => {
  server ??= pgServer();
  const db = await freshDatabase(await server);
  const stores = await openStore({ localStore: "pgsql", sql: connectPostgres({ env: db.env }), clock: clock.now });
  return {
    stores,
    clock,
    close: async () => {
      await stores.close();
      await db.drop();
    },
  };
});
