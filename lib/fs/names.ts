/**
 * Names from users become file names only through `seg`: reversible, case-preserving on
 * case-folding filesystems, free of "/", NUL and "..", and bounded in length.
 */

const SAFE = /[a-z0-9_.-]/;
const MAX_PLAIN = 120;
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });

function bytesOf(key: string | Uint8Array): Uint8Array {
  return typeof key === "string" ? enc.encode(key) : key;
}

/**
 * Encodes a name to one path segment: [a-z0-9_-] and inner dots stay as they are, every other byte
 * (upper-case letters included, so "A" and "a" never share a file on macOS) becomes "%XX". Names whose
 * encoding would exceed 120 characters get a shortened, hashed form "<prefix>~<sha256>" that cannot
 * be decoded: callers that list such names keep the full key inside the file.
 */
export async function seg(key: string | Uint8Array): Promise<string> {
  const plain = segPlain(key);
  if (plain.length <= MAX_PLAIN) return plain;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytesOf(key) as BufferSource));
  return `${plain.slice(0, 48).replace(/%[0-9A-F]?$/, "")}~${hex(digest)}`;
}

/** The reversible encoding alone, for names validated short enough (logins, numbers). */
export function segPlain(key: string | Uint8Array): string {
  const bytes = bytesOf(key);
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const ch = String.fromCharCode(b);
    const leadingDot = ch === "." && i === 0;
    out += b < 0x80 && SAFE.test(ch) && !leadingDot ? ch : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out === "" ? "%" : out;
}

/** True for names made by `seg` that were hashed and cannot be decoded. */
export const isHashed = (name: string): boolean => name.includes("~");

/** The bytes a plain (not hashed) segment stands for. */
export function unsegBytes(name: string): Uint8Array {
  if (name === "%") return new Uint8Array(0);
  const out: number[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === "%") {
      out.push(parseInt(name.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(name.charCodeAt(i));
  }
  return new Uint8Array(out);
}

export const unseg = (name: string): string => dec.decode(unsegBytes(name));

/** Fixed-width decimal, so that names sort as numbers do. */
export const num = (n: number): string => String(n).padStart(12, "0");

export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Bytewise order, for binary keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
