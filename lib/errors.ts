/**
 * Every failure a store reports is a StoreError with a stable `code`; callers branch on the code,
 * never on the message. The original error (driver, filesystem) rides along as `cause`.
 */
export type ErrorCode =
  | "not_found"
  | "already_exists"
  | "invalid_input"
  | "conflict"
  | "unavailable"
  | "unsupported"
  | "schema_mismatch"
  | "permission_denied"
  | "internal";

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "not_found", "already_exists", "invalid_input", "conflict", "unavailable",
  "unsupported", "schema_mismatch", "permission_denied", "internal",
]);

export class StoreError extends Error {
  override readonly name = "StoreError";
  readonly code: ErrorCode;
  /** For invalid_input: the offending field, e.g. "login" or "repo.uri". */
  readonly field: string | undefined;
  /** For conflict: the same call may succeed if made again (a serialization failure or deadlock). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; field?: string; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
    this.retryable = options?.retryable ?? false;
  }
}

/** True when `e` is a StoreError, optionally with the given code. */
export function isStoreError(e: unknown, code?: ErrorCode): e is StoreError {
  if (!(e instanceof Error) || e.name !== "StoreError") return false;
  const c = (e as { code?: unknown }).code;
  return typeof c === "string" && CODES.has(c) && (code === undefined || c === code);
}

export const notFound = (what: string): StoreError => new StoreError("not_found", `${what} not found`);

export const alreadyExists = (what: string): StoreError =>
  new StoreError("already_exists", `${what} already exists`);

export const invalid = (field: string, why: string): StoreError =>
  new StoreError("invalid_input", `${field}: ${why}`, { field });

export const conflict = (why: string): StoreError => new StoreError("conflict", why);
