/**
 * One place for the mapping of driver and server errors (postgres.js and pg report the same SQLSTATE
 * `code`s and socket error codes) to StoreError. Messages name the server, never the password, and
 * say what to do. The cause is a copy of the driver error without the statement's parameters, which
 * postgres.js attaches to its errors and which may hold a token or a password hash.
 */
import { StoreError } from "../errors.ts";

const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT",
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOENT",
]);

export function toStoreError(e: unknown, location: string): StoreError {
  if (e instanceof StoreError) return e;
  const err = e as { code?: unknown; message?: unknown; constraint_name?: unknown; constraint?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  const msg = typeof err.message === "string" ? err.message : String(e);
  const opts = { cause: withoutParameters(e, msg, code) };
  if (code === "23505") return new StoreError("already_exists", `already exists (${String(err.constraint_name ?? err.constraint ?? "unique constraint")})`, opts);
  if (code === "23503") return new StoreError("not_found", `a referenced record does not exist (${String(err.constraint_name ?? err.constraint ?? "foreign key")})`, opts);
  if (code === "40001" || code === "40P01") {
    return new StoreError("conflict", `concurrent change (${code === "40P01" ? "deadlock" : "serialization failure"}); retry`, { ...opts, retryable: true });
  }
  // pg and postgres.js refuse a password request without a password before the server answers.
  if (!code && /password must be a string|password authentication|no password|SASL/i.test(msg)) {
    return new StoreError("permission_denied", `authentication failed at ${location}: the server wants a password; set PGPASSWORD`, opts);
  }
  if (code === "28P01" || code === "28000") return new StoreError("permission_denied", `authentication failed at ${location}: check PGUSER and PGPASSWORD`, opts);
  if (code === "42501") return new StoreError("permission_denied", `permission denied at ${location}: ${msg}`, opts);
  if (code === "3D000") return new StoreError("unavailable", `database does not exist at ${location}: run "src pgsql create --createdb"`, opts);
  if (code === "42P01" || code === "42703") {
    return new StoreError("schema_mismatch", `the database schema at ${location} does not match this release (${msg}): run "src pgsql create"`, opts);
  }
  if (CONNECTION_CODES.has(code) || code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300") {
    return new StoreError("unavailable", `PostgreSQL at ${location} is unavailable (${code || msg}); try again`, opts);
  }
  if (code.startsWith("22") || code === "23514" || code === "23502") return new StoreError("invalid_input", `rejected by the database: ${msg}`, opts);
  return new StoreError("internal", `PostgreSQL error${code ? ` ${code}` : ""}: ${msg}`, opts);
}

/** The driver error's diagnostic fields, as a new Error: never its query, parameters or arguments. */
function withoutParameters(e: unknown, message: string, code: string): Error {
  if (!(e instanceof Error)) return new Error(message);
  const copy = new Error(message);
  copy.name = e.name;
  copy.stack = e.stack;
  // Not "detail": for a check violation it holds the whole failing row.
  const fields = ["severity", "hint", "routine", "schema_name", "table_name", "column_name", "constraint_name", "constraint", "errno", "address", "port"];
  const src = e as unknown as Record<string, unknown>;
  const dst = copy as unknown as Record<string, unknown>;
  if (code) dst.code = code;
  for (const f of fields) if (src[f] !== undefined) dst[f] = src[f];
  return copy;
}
