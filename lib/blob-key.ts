/** The input rules of the blob port (lib/ports/blob.ts): keys, prefixes, ranges, data; every adapter checks them before any I/O. */
import type { BlobRange } from "./ports/blob.ts";
import { invalid } from "./errors.ts";

const MAX_KEY_BYTES = 1024;
const enc = new TextEncoder();

/** A key an adapter may store: invalid_input (field "key") otherwise. */
export function checkBlobKey(key: unknown): string {
  if (typeof key !== "string" || key === "") throw invalid("key", "must be a non-empty string");
  if (enc.encode(key).length > MAX_KEY_BYTES) throw invalid("key", `must be at most ${MAX_KEY_BYTES} UTF-8 bytes`);
  if (/[\x00-\x1f\x7f\\]/.test(key) || /\p{Cs}/u.test(key)) {
    throw invalid("key", "must not contain control characters, backslashes or unpaired surrogates");
  }
  if (key.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw invalid("key", `must not have empty, "." or ".." segments: ${JSON.stringify(key)}`);
  }
  return key;
}

/**
 * A list prefix: "" (everything) or a string that could start a valid key. A prefix is matched
 * against the keys' UTF-8 bytes (S3 sends it as UTF-8), so it must be well-formed UTF-16: a lone
 * surrogate (half of an emoji, say) has no UTF-8 form, and would match differently on each adapter.
 */
export function checkBlobPrefix(prefix: unknown): string {
  if (typeof prefix !== "string") throw invalid("prefix", "must be a string");
  if (prefix === "") return prefix;
  if (/[\x00-\x1f\x7f\\]/.test(prefix) || /\p{Cs}/u.test(prefix) || prefix.startsWith("/") || prefix.includes("//")) {
    throw invalid("prefix", `cannot start any valid key: ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

/** Compares keys by their UTF-8 bytes, the order S3 lists in (differs from JS order beyond U+FFFF). */
export function compareKeys(a: string, b: string): number {
  const x = enc.encode(a), y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A get range as the port defines it (integers >= 0; an end before the start reads nothing). */
export function checkBlobRange(range: BlobRange | undefined): BlobRange | undefined {
  if (range === undefined) return undefined;
  const ok = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (typeof range !== "object" || range === null || !ok(range.start) || (range.end !== undefined && !ok(range.end))) {
    throw invalid("range", "start and end must be integers >= 0");
  }
  return range;
}

/** A copy of bytes [start, end) of `b`, cut at its end; the whole of it without a range. */
export function sliceRange(b: Uint8Array, range: BlobRange | undefined): Uint8Array {
  return range === undefined ? b.slice() : b.slice(range.start, Math.max(range.start, range.end ?? b.length));
}

/** Bytes to put: a Uint8Array (a Buffer is one). */
export function checkBlobData(data: unknown): void {
  if (!(data instanceof Uint8Array)) throw invalid("data", "must be a Uint8Array");
}
