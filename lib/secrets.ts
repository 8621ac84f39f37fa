/**
 * Secrets through WebCrypto only (Node 20+, Deno, edge runtimes alike): random tokens, SHA-256 for
 * high-entropy secrets (OAuth client secrets, tokens), PBKDF2-SHA256 for passwords, constant-time
 * comparison. Stored forms are self-describing, so a hash written by one backend verifies on another.
 *
 * Password hashes are self-describing PHC-style strings, `$pbkdf2-sha256$i=600000$<salt>$<hash>`
 * (unpadded base64), so any backend can verify them and the cost can be raised later: `needsRehash`
 * tells when a stored hash is weaker than today's default.
 */
import { fromBase64, toBase64 } from "./base64.ts";

export const PBKDF2_ITERATIONS = 600_000;
const enc = new TextEncoder();

/** A URL-safe random token with 256 bits of entropy. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text)));
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, iterations);
  return `$pbkdf2-sha256$i=${iterations}$${b64(salt)}$${b64(hash)}`;
}

/** Verifies against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = /^\$pbkdf2-sha256\$i=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const expected = fromBase64(m[3]!);
  const actual = await pbkdf2(password, fromBase64(m[2]!), iterations, expected.length * 8);
  return constantTimeEqual(actual, expected);
}

let decoyPassword: string | undefined;

/**
 * A well-formed password hash at today's cost that no password matches (its digest is random bytes):
 * checking a password against it costs what a real check costs, so a user without a password (or a
 * missing user) is not told apart by timing.
 */
export function decoyPasswordHash(): string {
  const rnd = (n: number) => b64(crypto.getRandomValues(new Uint8Array(n)));
  return (decoyPassword ??= `$pbkdf2-sha256$i=${PBKDF2_ITERATIONS}$${rnd(16)}$${rnd(32)}`);
}

export function needsRehash(encoded: string): boolean {
  const m = /^\$pbkdf2-sha256\$i=(\d+)\$/.exec(encoded);
  return !m || Number(m[1]) < PBKDF2_ITERATIONS;
}

/** Compares without an early exit, so timing does not tell how much of a secret matched. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/*
 * Client secrets are high-entropy (at least 16 characters, usually generated), so one salted SHA-256
 * protects them; a slow KDF would cost every token request tens of milliseconds. The stored form is
 * self-describing, PHC-style: `$sha256$<salt>$<hash>` (unpadded base64), hash = SHA-256(salt || secret).
 */
const STORED = /^\$sha256\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

export async function hashClientSecret(secret: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `$sha256$${b64(salt)}$${b64(await saltedHash(salt, secret))}`;
}

/** Constant time in the secret; a malformed stored form never matches. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const actual = await saltedHash(fromBase64(m[1]!), secret);
  return constantTimeEqual(actual, fromBase64(m[2]!));
}

let decoy: Promise<string> | undefined;

/**
 * A well-formed stored hash of a random secret nobody knows: checking a secret against it costs what
 * a real check costs, so an unknown client ID is not told apart by timing.
 */
export function decoySecretHash(): Promise<string> {
  return (decoy ??= hashClientSecret(randomToken()));
}

async function saltedHash(salt: Uint8Array, secret: string): Promise<Uint8Array> {
  const s = enc.encode(secret);
  const buf = new Uint8Array(salt.length + s.length);
  buf.set(salt);
  buf.set(s, salt.length);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", buf as BufferSource));
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, bits = 256): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
  const out = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, key, bits);
  return new Uint8Array(out);
}

const b64 = (bytes: Uint8Array): string => toBase64(bytes).replace(/=+$/, "");
