/**
 * What a client gets when a request fails: an HTTP status and a JSON body `{code, message, field?}`.
 * StoreError codes map one to one; the server adds its own few (unauthenticated, forbidden, ...).
 * Never a stack trace: an error that is neither is logged by the caller and answered as "internal".
 */
import { isStoreError, type ErrorCode } from "../errors.ts";

export type HttpCode = ErrorCode | "unauthenticated" | "forbidden" | "too_large" | "bad_request" | "method_not_allowed";

export const STATUS: Record<HttpCode, number> = {
  invalid_input: 400,
  bad_request: 400,
  unauthenticated: 401,
  permission_denied: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_exists: 409,
  conflict: 409,
  too_large: 413,
  internal: 500,
  unsupported: 501,
  unavailable: 503,
  schema_mismatch: 503,
};

export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly code: HttpCode;
  readonly field: string | undefined;
  constructor(code: HttpCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export const unauthenticated = (why = "sign in: send Authorization: Bearer <token> (POST /api/tokens makes one)") =>
  new HttpError("unauthenticated", why);
export const forbidden = (why: string) => new HttpError("forbidden", why);
export const badRequest = (why: string, field?: string) => new HttpError("bad_request", why, field);

export interface ErrorBody {
  code: HttpCode;
  message: string;
  field?: string;
  retryable?: boolean;
}

/** The status and body for `e`; `internal` when `e` is not one of ours (the caller logs it). */
export function errorBody(e: unknown): { status: number; body: ErrorBody; known: boolean } {
  if (e instanceof HttpError) {
    return { status: STATUS[e.code], body: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) }, known: true };
  }
  if (isStoreError(e)) {
    const code = e.code;
    // An internal StoreError's message may quote a driver or file system: keep it for the log only.
    const message = code === "internal" ? "internal error" : e.message;
    const body: ErrorBody = { code, message, ...(e.field ? { field: e.field } : {}), ...(e.retryable ? { retryable: true } : {}) };
    return { status: STATUS[code], body, known: code !== "internal" };
  }
  return { status: 500, body: { code: "internal", message: "internal error" }, known: false };
}
