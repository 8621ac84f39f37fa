/** Checks of app-storage inputs, shared by every backend. */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

/** Keys are 1 to 1024 bytes. */
export const MAX_KEY_BYTES = 1024;
/** Values are at most 32 MiB. */
export const MAX_VALUE_BYTES = 32 * 1024 * 1024;

const enc = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface CheckedScope {
  app: string;
  /** Absent for the app's global (repo-less) scope. */
  repoID: number | undefined;
  bucket: string;
}

/** App and bucket are names (v.name, compared case-sensitively); repoID, when given, is an ID. */
export function checkScope(scope: M.StorageScope): CheckedScope {
  const o = v.object("scope", scope);
  v.knownKeys("scope", o, ["app", "repoID", "bucket"]);
  return {
    app: v.name("scope.app", o.app),
    repoID: o.repoID === undefined ? undefined : v.id("scope.repoID", o.repoID),
    bucket: v.name("scope.bucket", o.bucket),
  };
}

/**
 * The key's bytes, as a copy the caller cannot change afterwards: a string is taken as its UTF-8
 * bytes (a lone surrogate has none, so it is refused rather than silently replaced).
 */
export function checkKey(key: M.StorageKey): Uint8Array {
  let bytes: Uint8Array;
  if (typeof key === "string") {
    if (LONE_SURROGATE.test(key)) throw invalid("key", "must be valid Unicode (no lone surrogates)");
    bytes = enc.encode(key);
  } else if (key instanceof Uint8Array) {
    bytes = key.slice();
  } else {
    throw invalid("key", "must be a string or a Uint8Array");
  }
  if (bytes.length < 1 || bytes.length > MAX_KEY_BYTES) throw invalid("key", `must be 1 to ${MAX_KEY_BYTES} bytes`);
  return bytes;
}

/** A Uint8Array (any bytes, empty allowed) of at most 32 MiB; returned as given, not copied. */
export function checkValue(value: Uint8Array): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid("value", "must be a Uint8Array");
  if (value.length > MAX_VALUE_BYTES) throw invalid("value", `must be at most ${MAX_VALUE_BYTES} bytes (32 MiB)`);
  return value;
}
