/**
 * The SQL port over postgres.js: with postgres-port.ts (the port itself, `fromPostgres`), the only
 * files of the pgsql backend that touch the driver. Driver and server errors map to StoreError codes
 * once, there, so stores branch on codes only. This file adds the pool from the environment.
 *
 * @example
 * ```ts
 * import { openStore } from "srcstore";
 * import { connectPostgres } from "srcstore/adapters/postgres";
 * const stores = await openStore({ localStore: "pgsql", sql: connectPostgres() }); // PG* from the environment
 * ```
 */
import postgres from "postgres";
import { readFileSync } from "node:fs";
import type { SqlPort } from "../ports/sql.ts";
import { PostgresPort } from "./postgres-port.ts";
import { pgSettings, type Env, type PgSettings } from "../pgsql/settings.ts";

export { fromPostgres } from "./postgres-port.ts";

export interface ConnectOptions {
  /** Where PG*, DATABASE_URL and SRC_PGSQL_MAX_OPEN are read; default the process environment. */
  env?: Env;
  /** Seconds to wait for a connection; default 10. */
  connectTimeoutSeconds?: number;
  /**
   * Named prepared statements (default true). Turn off behind a transaction-pooling proxy
   * (PgBouncer in transaction mode), which cannot keep them.
   */
  prepare?: boolean;
}

/** A pool from the environment (or `options.env`), its sessions in UTC. Ends with `close()`. */
export function connectPostgres(options: ConnectOptions = {}): SqlPort {
  const s = pgSettings(options.env ?? (globalThis as { process?: { env: Env } }).process?.env ?? {});
  const sql = postgres(poolOptions(s, options.connectTimeoutSeconds));
  return new PostgresPort(sql, sql, s.location, true, options.prepare ?? true);
}

/** The postgres.js options of `connectPostgres` for `s` (the benchmark's baseline pool uses them too). */
export function poolOptions(s: PgSettings, connectTimeoutSeconds = 10): postgres.Options<{}> {
  return {
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    database: s.database,
    ssl: sslOption(s),
    max: s.max,
    connect_timeout: connectTimeoutSeconds,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { TimeZone: "UTC", application_name: "srcstore" },
  };
}

/** libpq's sslmode in postgres.js terms. verify-ca checks the chain but not the host name. */
function sslOption(s: PgSettings): postgres.Options<{}>["ssl"] {
  if (!usesTls(s)) return false;
  if (s.sslmode === "allow" || s.sslmode === "prefer" || s.sslmode === "require") return s.sslmode;
  return tlsOptions(s);
}

/** False for a Unix socket or sslmode=disable: no TLS is ever tried. */
export const usesTls = (s: PgSettings): boolean => !s.host.startsWith("/") && s.sslmode !== "disable";

/**
 * The checks libpq's sslmode asks of a TLS connection (shared with the migration runner's `pg`):
 * verify-full the chain and the host name, verify-ca the chain only (against PGSSLROOTCERT, or the
 * system CAs), anything else encryption without verification.
 */
export function tlsOptions(s: PgSettings): { rejectUnauthorized: boolean; ca?: string; checkServerIdentity?: () => undefined } {
  if (s.sslmode !== "verify-full" && s.sslmode !== "verify-ca") return { rejectUnauthorized: false };
  const ca = s.sslrootcert ? readFileSync(s.sslrootcert, "utf8") : undefined;
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    ...(s.sslmode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}),
  };
}
