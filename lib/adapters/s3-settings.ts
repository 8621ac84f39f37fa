/**
 * Where an S3 root is and how to reach it: the `s3://bucket[/prefix]` form, bucket and prefix rules,
 * and the settings read from the environment. Pure (no SDK, no runtime call beyond reading the
 * environment), so the rules are testable without a server.
 *
 * Environment (`S3BlobOptions` fields win over it):
 * - AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY, or AWS_SECRET_KEY (the original Sourcegraph name),
 *   and AWS_SESSION_TOKEN. Without them, the SDK's default credential chain (profile, SSO, web
 *   identity, container or instance role), which reads the process environment itself.
 * - AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.
 * - AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: an S3-compatible server (MinIO, R2, s3rver).
 * - SRC_S3_FORCE_PATH_STYLE=true|false: path-style addressing; default true when an endpoint is set.
 * - AWS_MAX_ATTEMPTS: attempts per request (1-20); default 5.
 */
import { StoreError, invalid } from "../errors.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3BlobOptions {
  bucket: string;
  /** Every key lives under `<prefix>/`; default none. */
  prefix?: string;
  /** Where the settings are read; default the process environment. */
  env?: Env;
  region?: string;
  /** An S3-compatible server, e.g. "http://127.0.0.1:9000". */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: S3Credentials;
  /** Attempts per request, retries included (SDK standard mode, exponential backoff); default 5. */
  maxAttempts?: number;
}

export interface S3Settings {
  bucket: string;
  prefix: string;
  region: string;
  /** undefined: AWS's own endpoint for the region. */
  endpoint: string | undefined;
  /** False for an S3-compatible server: checksums only where S3 requires them. */
  isAws: boolean;
  forcePathStyle: boolean;
  /** undefined: the SDK's default credential chain. */
  credentials: S3Credentials | undefined;
  /** Which settings gave the credentials, for messages. */
  credentialSource: string;
  maxAttempts: number;
  /** "s3://bucket/prefix" plus " (endpoint)" when custom. No secret. */
  location: string;
  /** The server, for messages: the endpoint or "AWS S3 (us-east-1)". */
  where: string;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_PREFIX_BYTES = 512;
const enc = new TextEncoder();

/** `s3://bucket[/prefix]` -> its parts; invalid_input (field `field`) when malformed. */
export function parseS3Root(root: string, field = "root"): { bucket: string; prefix: string } {
  if (typeof root !== "string" || !root.startsWith("s3://")) throw invalid(field, `must look like s3://bucket[/prefix]`);
  const rest = root.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  return { bucket: checkBucket(bucket, field), prefix: checkPrefix(prefix, field) };
}

/** S3's rules for a general purpose bucket name (which MinIO and R2 share). */
export function checkBucket(name: unknown, field = "bucket"): string {
  if (typeof name !== "string" || name === "") throw invalid(field, "needs a bucket name: s3://bucket[/prefix]");
  // Never echo what could be "user:secret@bucket".
  if (/[@:]/.test(name)) {
    throw invalid(field, "must not hold credentials or a port; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_ENDPOINT_URL_S3 for a server");
  }
  const bad = (why: string) => invalid(field, `bucket name ${JSON.stringify(name)} ${why}`);
  if (name.length < 3 || name.length > 63) throw bad("must be 3 to 63 characters long");
  if (!/^[a-z0-9.-]+$/.test(name)) throw bad("may hold only lower-case letters, digits, dots and hyphens");
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) throw bad("must start and end with a letter or digit");
  if (name.includes("..")) throw bad("must not hold two dots in a row");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad("must not look like an IP address");
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    throw bad("uses a prefix or suffix S3 reserves");
  }
  return name;
}

/** A key prefix: "" or "/"-separated segments, none empty, "." or "..". */
export function checkPrefix(prefix: unknown, field = "prefix"): string {
  if (prefix === undefined || prefix === "") return "";
  if (typeof prefix !== "string") throw invalid(field, "prefix must be a string");
  const bad = (why: string) => invalid(field, `prefix ${JSON.stringify(prefix)} ${why}`);
  if (enc.encode(prefix).length > MAX_PREFIX_BYTES) throw bad(`must be at most ${MAX_PREFIX_BYTES} UTF-8 bytes`);
  if (/[\x00-\x1f\x7f\\?#]/.test(prefix) || /\p{Cs}/u.test(prefix)) {
    throw bad("must not hold control characters, backslashes, ? or #");
  }
  if (prefix.split("/").some((p) => p === "" || p === "." || p === "..")) throw bad(`must not have empty, "." or ".." segments`);
  return prefix;
}

/** The process environment: `process.env` (Node, Deno), else `Deno.env`, else nothing. */
export function defaultEnv(): Env {
  const g = globalThis as { process?: { env?: Env }; Deno?: { env: { toObject(): Record<string, string> } } };
  try {
    if (g.process?.env) return g.process.env;
  } catch { /* no access */ }
  try {
    if (g.Deno) return g.Deno.env.toObject();
  } catch { /* --allow-env not granted */ }
  return {};
}

/** Resolves options and environment; invalid_input or permission_denied for bad settings. */
export function s3Settings(o: S3BlobOptions): S3Settings {
  const env = o.env ?? defaultEnv();
  const get = (name: string): string | undefined => {
    try {
      const v = env[name];
      return v === undefined || v === "" ? undefined : v;
    } catch {
      return undefined; // Deno without --allow-env for this name
    }
  };
  const bucket = checkBucket(o.bucket);
  const prefix = checkPrefix(o.prefix);

  const region = o.region ?? get("AWS_REGION") ?? get("AWS_DEFAULT_REGION") ?? "us-east-1";
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(region)) throw invalid(o.region ? "region" : "AWS_REGION", `not a region name: ${JSON.stringify(region)}`);

  const endpointField = o.endpoint ? "endpoint" : get("AWS_ENDPOINT_URL_S3") ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL";
  const endpoint = checkEndpoint(o.endpoint ?? get("AWS_ENDPOINT_URL_S3") ?? get("AWS_ENDPOINT_URL"), endpointField);
  const isAws = endpoint === undefined || /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);

  let forcePathStyle = o.forcePathStyle;
  const pathStyle = get("SRC_S3_FORCE_PATH_STYLE");
  if (forcePathStyle === undefined && pathStyle !== undefined) {
    if (pathStyle !== "true" && pathStyle !== "false") throw invalid("SRC_S3_FORCE_PATH_STYLE", `must be true or false, got ${JSON.stringify(pathStyle)}`);
    forcePathStyle = pathStyle === "true";
  }
  forcePathStyle ??= endpoint !== undefined;

  const attemptsText = get("AWS_MAX_ATTEMPTS");
  const maxAttempts = o.maxAttempts ?? (attemptsText === undefined ? DEFAULT_MAX_ATTEMPTS : Number(attemptsText));
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw invalid(o.maxAttempts !== undefined ? "maxAttempts" : "AWS_MAX_ATTEMPTS", "must be an integer from 1 to 20");
  }

  const { credentials, credentialSource } = pickCredentials(o.credentials, get);
  const where = endpoint ?? `AWS S3 (${region})`;
  const location = `s3://${bucket}${prefix ? `/${prefix}` : ""}${endpoint ? ` (${endpoint})` : ""}`;
  return { bucket, prefix, region, endpoint, isAws, forcePathStyle, credentials, credentialSource, maxAttempts, location, where };
}

function pickCredentials(given: S3Credentials | undefined, get: (name: string) => string | undefined): { credentials: S3Credentials | undefined; credentialSource: string } {
  if (given) {
    if (typeof given.accessKeyId !== "string" || !given.accessKeyId || typeof given.secretAccessKey !== "string" || !given.secretAccessKey) {
      throw invalid("credentials", "needs a non-empty accessKeyId and secretAccessKey");
    }
    return { credentials: given, credentialSource: "the credentials passed in" };
  }
  const id = get("AWS_ACCESS_KEY_ID");
  const secretName = get("AWS_SECRET_ACCESS_KEY") !== undefined ? "AWS_SECRET_ACCESS_KEY" : "AWS_SECRET_KEY";
  const secret = get(secretName);
  if (id === undefined && secret === undefined) return { credentials: undefined, credentialSource: "the SDK's default credential chain" };
  if (id === undefined || secret === undefined) {
    throw new StoreError(
      "permission_denied",
      id === undefined
        ? `${secretName} is set without AWS_ACCESS_KEY_ID: set both, or neither to use the SDK's default credentials`
        : "AWS_ACCESS_KEY_ID is set without a secret: set AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY)",
    );
  }
  const token = get("AWS_SESSION_TOKEN");
  return {
    credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) },
    credentialSource: `AWS_ACCESS_KEY_ID and ${secretName}${token ? " with AWS_SESSION_TOKEN" : ""}`,
  };
}

/** An http(s) URL without user info; returned without a trailing slash. */
function checkEndpoint(text: string | undefined, field: string): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(field, "must be an http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid(field, "must be an http:// or https:// URL");
  // Never echo a URL that carries a password.
  if (url.username || url.password) throw invalid(field, "must not hold credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  if (url.search || url.hash) throw invalid(field, `must not have a query or fragment: ${url.origin}${url.pathname}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
