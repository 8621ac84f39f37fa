/**
 * Connection settings from the environment, read the way libpq reads them: `DATABASE_URL` (a
 * postgres:// URL) first, then `PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE PGSSLROOTCERT`
 * for whatever the URL leaves out, then libpq's defaults. Pool size from `SRC_PGSQL_MAX_OPEN`.
 * Pure: the caller passes the environment in, so this runs on any runtime.
 */
import { StoreError, invalid } from "../errors.ts";

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
const SSL_MODES: readonly SslMode[] = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

export interface PgSettings {
  host: string;
  port: number;
  user: string;
  /** Never printed: `location` is the password-free description. */
  password: string;
  database: string;
  sslmode: SslMode;
  /** A file of trusted CA certificates, for verify-ca and verify-full. */
  sslrootcert: string | undefined;
  /** Most connections the pool opens. */
  max: number;
  /** `postgres://user@host:port/database`, without the password. */
  location: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Default pool size: small, since every server process of a code host holds its own pool. */
export const DEFAULT_MAX_OPEN = 10;

/** invalid_input (field = the variable) for a malformed URL, port, SSL mode or pool size. */
export function pgSettings(env: Env): PgSettings {
  const url = env.DATABASE_URL ? parseUrl(env.DATABASE_URL) : undefined;
  const pick = (fromUrl: string | undefined, name: string) => (fromUrl || env[name] || undefined);
  const host = pick(url?.host, "PGHOST") ?? "localhost";
  const portText = pick(url?.port, "PGPORT") ?? "5432";
  const user = pick(url?.user, "PGUSER") ?? env.USER ?? env.LOGNAME ?? "postgres";
  const database = pick(url?.database, "PGDATABASE") ?? user;
  const sslText = pick(url?.params.get("sslmode") ?? undefined, "PGSSLMODE") ?? "prefer";
  const maxText = env.SRC_PGSQL_MAX_OPEN || String(DEFAULT_MAX_OPEN);

  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw invalid(url?.port ? "DATABASE_URL" : "PGPORT", `port must be 1 to 65535, got ${JSON.stringify(portText)}`);
  if (!(SSL_MODES as readonly string[]).includes(sslText)) {
    throw invalid(url?.params.get("sslmode") ? "DATABASE_URL" : "PGSSLMODE", `SSL mode must be one of ${SSL_MODES.join(", ")}, got ${JSON.stringify(sslText)}`);
  }
  const max = Number(maxText);
  if (!/^\d+$/.test(maxText) || max < 1 || max > 1000) throw invalid("SRC_PGSQL_MAX_OPEN", `must be 1 to 1000, got ${JSON.stringify(maxText)}`);

  return {
    host, port, user, database, max,
    password: pick(url?.password, "PGPASSWORD") ?? "",
    sslmode: sslText as SslMode,
    sslrootcert: pick(url?.params.get("sslrootcert") ?? undefined, "PGSSLROOTCERT"),
    location: `postgres://${user}@${host.includes("/") ? `[${host}]` : host}:${port}/${database}`,
  };
}

interface UrlParts {
  host?: string;
  port?: string;
  user?: string;
  password?: string;
  database?: string;
  params: URLSearchParams;
}

function parseUrl(text: string): UrlParts {
  let u: URL;
  try {
    u = new URL(text);
  } catch (e) {
    // The message must not echo the URL: it may hold a password.
    throw new StoreError("invalid_input", "DATABASE_URL: not a valid URL (expected postgres://user:password@host:port/database)", { field: "DATABASE_URL", cause: e instanceof Error ? new Error(e.name) : undefined });
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw invalid("DATABASE_URL", `scheme must be postgres:// or postgresql://, got ${JSON.stringify(u.protocol)}`);
  }
  // An unencoded "/" in the password moves the rest into the path: refuse rather than show it.
  if (u.pathname.includes("@")) throw invalid("DATABASE_URL", "malformed: percent-encode special characters of the password (/ as %2F, @ as %40)");
  const dec = (s: string) => (s ? decodeURIComponent(s) : undefined);
  const host = u.searchParams.get("host") ?? dec(u.hostname.replace(/^\[|\]$/g, ""));
  return {
    ...(host ? { host } : {}),
    ...(u.port ? { port: u.port } : {}),
    ...(u.username ? { user: dec(u.username)! } : {}),
    ...(u.password ? { password: dec(u.password)! } : {}),
    ...(u.pathname.length > 1 ? { database: dec(u.pathname.slice(1))! } : {}),
    params: u.searchParams,
  };
}
