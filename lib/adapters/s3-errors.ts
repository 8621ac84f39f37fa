/**
 * S3 and AWS SDK failures -> StoreError, in one place. Messages name the bucket and the server and
 * say which settings to check. The SDK copies every field of S3's error XML onto its exception
 * (AWSAccessKeyId, StringToSign, CanonicalRequest, SignatureProvided), and network errors can carry
 * the request: so the cause is a new Error holding only the error's name, Code, HTTP status and
 * request id, and any server text shown is scrubbed of the credentials in use.
 */
import { StoreError } from "../errors.ts";
import type { S3Settings } from "./s3-settings.ts";

/** S3's answers to credentials it does not accept. */
const AUTH_CODES = new Set([
  "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken",
  "TokenRefreshRequired", "AccountProblem", "AllAccessDisabled", "InvalidClientTokenId", "RequestTimeTooSkewed",
  "Forbidden",
]);

/** The SDK's credential chain failing, before any request is sent. */
const PROVIDER_ERRORS = new Set(["CredentialsProviderError", "TokenProviderError"]);

/** What to set, for a missing or unusable credential source. */
const CREDENTIAL_SETTINGS = "set AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), or AWS_PROFILE, or another source the AWS SDK reads (~/.aws/credentials and ~/.aws/config, SSO, web identity, container or instance role)";

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
  "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Codes that say "try again" (S3: "retry InternalError", "SlowDown"), also where no HTTP status
 * comes with them: DeleteObjects' per-key errors.
 */
export const TRANSIENT_CODES = new Set(["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "OperationAborted"]);

/** The few diagnostic fields of an SDK or socket error. */
export interface S3ErrorFacts {
  name: string;
  code: string;
  status: number | undefined;
  requestId: string | undefined;
  attempts: number | undefined;
}

export function errorFacts(e: unknown): S3ErrorFacts {
  const x = (e ?? {}) as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown; attempts?: unknown } };
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const name = str(x.name) ?? "Error";
  return {
    name,
    code: str(x.Code) ?? str(x.code) ?? (name !== "Error" ? name : ""),
    status: num(x.$metadata?.httpStatusCode),
    requestId: str(x.$metadata?.requestId),
    attempts: num(x.$metadata?.attempts),
  };
}

/** The error's name, Code, HTTP status and request id; nothing else of it (no message, no stack). */
export function sanitizedCause(e: unknown): Error {
  const f = errorFacts(e);
  const copy = new Error(`${f.code || f.name}${f.status ? ` (HTTP ${f.status})` : ""}`);
  copy.name = f.name;
  const dst = copy as unknown as Record<string, unknown>;
  if (f.code) dst.Code = f.code;
  if (f.status !== undefined) dst.httpStatusCode = f.status;
  if (f.requestId) dst.requestId = f.requestId;
  return copy;
}

/** `e` (from an operation on `s`) as one StoreError. */
export function s3Error(e: unknown, s: S3Settings): StoreError {
  if (e instanceof StoreError) return e;
  const f = errorFacts(e);
  const opts = { cause: sanitizedCause(e) };
  const bucket = JSON.stringify(s.bucket);
  const tries = f.attempts && f.attempts > 1 ? ` after ${f.attempts} attempts` : "";
  const what = `${f.code || f.name}${f.status ? `, HTTP ${f.status}` : ""}`;

  if (PROVIDER_ERRORS.has(f.name) && f.status === undefined) return credentialsError(e, s, opts);
  if (AUTH_CODES.has(f.code) || AUTH_CODES.has(f.name) || f.status === 403) {
    return new StoreError("permission_denied", `S3 denied access to bucket ${bucket} at ${s.where} (${what}): ${authHint(f.code, s)}`, opts);
  }
  if (f.code === "NoSuchBucket") return new StoreError("unavailable", `S3 bucket ${bucket} does not exist at ${s.where}`, opts);
  if (f.status === undefined && (NETWORK_CODES.has(f.code) || f.name === "TimeoutError" || f.name === "AbortError")) {
    return new StoreError("unavailable", `S3 at ${s.where} is unreachable (${what})${tries}; try again`, { ...opts, retryable: true });
  }
  if ((f.status !== undefined && f.status >= 500) || f.status === 429 || TRANSIENT_CODES.has(f.code)) {
    return new StoreError("unavailable", `S3 at ${s.where} failed (${what})${tries}; try again`, { ...opts, retryable: true });
  }
  const text = scrub(typeof (e as { message?: unknown })?.message === "string" ? (e as Error).message : "", s);
  return new StoreError("internal", `S3 error on bucket ${bucket} at ${s.where} (${what})${text ? `: ${text}` : ""}`, opts);
}

/**
 * The SDK's default credential chain (used when the settings hold no credentials) found none, or
 * a source it found failed (an expired SSO session, a broken profile). No request reached S3. The
 * chain's own reason is shown only for the second case, on one line, scrubbed and cut short.
 */
function credentialsError(e: unknown, s: S3Settings, opts: { cause: Error }): StoreError {
  const raw = typeof (e as { message?: unknown })?.message === "string" ? (e as Error).message : "";
  const none = raw === "" || /^Could not load (credentials|token) from any providers/.test(raw);
  if (none) return new StoreError("permission_denied", `no AWS credentials were found for ${s.location}: ${CREDENTIAL_SETTINGS}`, opts);
  // Opaque runs of 20+ characters could be a token or key: never shown.
  let reason = scrub(raw.replace(/\s+/g, " ").trim(), s).replace(/[A-Za-z0-9+/=_-]{20,}/g, "***");
  if (reason.length > 160) reason = `${reason.slice(0, 160)}...`;
  return new StoreError("permission_denied", `the AWS SDK could not load credentials for ${s.location} (${reason}): fix that source, or ${CREDENTIAL_SETTINGS}`, opts);
}

function authHint(code: string, s: S3Settings): string {
  const keys = "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY)";
  const from = `credentials from ${s.credentialSource}`;
  if (code === "ExpiredToken" || code === "InvalidToken" || code === "TokenRefreshRequired") return `the session token is expired or invalid: renew AWS_SESSION_TOKEN (${from})`;
  if (code === "RequestTimeTooSkewed") return "this machine's clock is too far off the server's: fix the clock";
  if (code === "AccessDenied" || code === "Forbidden" || code === "AllAccessDisabled" || code === "AccountProblem") {
    return `the ${from} lack permission for this bucket (s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject), or are wrong: ${keys}`;
  }
  return `the ${from} were refused: ${keys}`;
}

/**
 * Server text with the credentials in use cut out (S3 messages can quote the key id), and whatever
 * looks like a signature, credential scope or token (a server may quote the Authorization header;
 * credentials from the SDK's chain are unknown here). Cut to 300 characters only afterwards, so
 * that no secret is cut in two and half of it kept.
 */
function scrub(text: string, s: S3Settings): string {
  let out = text;
  const c = s.credentials;
  for (const secret of [c?.secretAccessKey, c?.sessionToken, c?.accessKeyId]) {
    if (secret) out = out.split(secret).join("***");
  }
  out = out
    .replace(/((?:X-Amz-)?(?:Signature|Credential|Security-Token|SignatureProvided|AWSAccessKeyId)\s*[=:]\s*)[^\s,&"'<>]+/gi, "$1***")
    .replace(/\b[0-9a-f]{64}\b/gi, "***")
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, "***");
  return out.length > 300 ? `${out.slice(0, 300)}...` : out;
}

/**
 * A server without multi-object delete (501), or one that wants Content-MD5 the SDK no longer sends
 * (MinIO and others: "MissingContentMD5", or "InvalidRequest ... Content-Md5").
 */
export function refusesBatchDelete(e: unknown): boolean {
  const f = errorFacts(e);
  if (f.code === "NotImplemented" || f.status === 501 || f.code === "MissingContentMD5") return true;
  const msg = typeof (e as { message?: unknown })?.message === "string" ? (e as Error).message : "";
  return (f.code === "InvalidRequest" || f.code === "InvalidDigest" || f.status === 400) && /content-?md5/i.test(msg);
}

/** Waits before attempt `attempt + 1`: exponential with full jitter, as the SDK's standard mode. */
export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5_000, 100 * 2 ** attempt)));
}
