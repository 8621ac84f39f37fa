/**
 * Input validation shared by every backend: a bad value is invalid_input naming its field, before
 * anything is read or written.
 */
import { invalid } from "./errors.ts";

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,37}[A-Za-z0-9_])?$/;
const EMAIL = /^[^\s@\x00-\x1f\x7f]+@[^\s@\x00-\x1f\x7f]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const CONTROL = /[\x00-\x1f\x7f]/;
/** Half of a UTF-16 surrogate pair on its own: not text; PostgreSQL would store U+FFFD instead. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (field: string, v: string): string => {
  if (LONE_SURROGATE.test(v)) throw invalid(field, "must be well-formed Unicode (no unpaired surrogate)");
  return v;
};

export function login(field: string, v: unknown): string {
  if (typeof v !== "string" || !LOGIN.test(v) || v.includes("..")) {
    throw invalid(field, "must be 1-39 letters, digits, '_', '-' or '.', starting with a letter or digit");
  }
  return v;
}

export function email(field: string, v: unknown): string {
  if (typeof v !== "string" || v.length > 254 || !EMAIL.test(v)) {
    throw invalid(field, "must be an email address of at most 254 characters");
  }
  return wellFormed(field, v);
}

/** A store-assigned numeric ID. */
export function id(field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw invalid(field, "must be a positive integer");
  return v;
}

export function bool(field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw invalid(field, "must be true or false");
  return v;
}

/** Free text without control characters (newlines and tabs allowed when `multiline`). */
export function text(field: string, v: unknown, max: number, opts: { multiline?: boolean; required?: boolean } = {}): string {
  if (typeof v !== "string") throw invalid(field, "must be a string");
  if (opts.required && v.trim() === "") throw invalid(field, "must not be empty");
  if (v.length > max) throw invalid(field, `must be at most ${max} characters`);
  const bad = opts.multiline ? /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/ : CONTROL;
  if (bad.test(v)) throw invalid(field, "must not contain control characters");
  return wellFormed(field, v);
}

export function optText(field: string, v: unknown, max: number, opts: { multiline?: boolean } = {}): string {
  return v === undefined ? "" : text(field, v, max, opts);
}

/** An app, bucket or similar name. */
export function name(field: string, v: unknown): string {
  if (typeof v !== "string" || !NAME.test(v)) {
    throw invalid(field, "must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit");
  }
  return v;
}

export function commitID(field: string, v: unknown): string {
  if (typeof v !== "string" || !COMMIT.test(v)) throw invalid(field, "must be 40 or 64 lower-case hex digits");
  return v;
}

/** "host/path" without scheme, "..", empty segments, backslashes or control characters. */
export function repoURI(field: string, v: unknown): string {
  if (typeof v !== "string" || v.length === 0 || v.length > 255) throw invalid(field, "must be 1-255 characters");
  if (v.includes("://") || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) throw invalid(field, "must not have a scheme (write host/path)");
  if (CONTROL.test(v) || v.includes("\\") || /\s/.test(v)) throw invalid(field, "must not contain spaces, backslashes or control characters");
  const parts = v.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) throw invalid(field, "must not have empty, '.' or '..' segments");
  return wellFormed(field, v);
}

/** An absolute http(s) URL, or empty. */
export function url(field: string, v: unknown, opts: { required?: boolean } = {}): string {
  if (v === undefined && !opts.required) return "";
  const s = text(field, v, 2048);
  if (s === "" && !opts.required) return "";
  try {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw invalid(field, "must be an absolute http or https URL");
  }
  return s;
}

export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw invalid(field, `must be one of ${allowed.join(", ")}`);
  }
  return v as T;
}

export function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

/** Four-digit years only: every backend and driver stores and reads those back unchanged. */
const MIN_DATE = Date.UTC(1000, 0, 1);
const MAX_DATE = Date.UTC(10000, 0, 1) - 1;

export function date(field: string, v: unknown): Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw invalid(field, "must be a valid Date");
  if (v.getTime() < MIN_DATE || v.getTime() > MAX_DATE) throw invalid(field, "must be a Date from the year 1000 to 9999 (UTC)");
  return new Date(v.getTime());
}

export function object(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid(field, "must be an object");
  return v as Record<string, unknown>;
}

/** A password: not empty, at most 1024 characters (the KDF's input is bounded). */
export function password(field: string, v: unknown): string {
  if (typeof v !== "string" || v.length === 0) throw invalid(field, "must not be empty");
  if (v.length > 1024) throw invalid(field, "must be at most 1024 characters");
  return v;
}

/** A secret given back to us (token, code): a non-empty string of bounded size. */
export function token(field: string, v: unknown): string {
  if (typeof v !== "string" || v.length === 0 || v.length > 512) throw invalid(field, "must be a non-empty string");
  return v;
}

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export function limit(v: unknown): number {
  return v === undefined ? DEFAULT_LIMIT : int("limit", v, 1, MAX_LIMIT);
}

/** Rejects keys the contract does not know, so a typo ("privat") is not silently ignored. */
export function knownKeys(field: string, v: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw invalid(`${field}.${k}`, "is not a known field");
  }
}
