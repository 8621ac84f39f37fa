/** Checks of repo config inputs, shared by every backend. */
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

/** A config is at most 64 KiB as UTF-8 JSON text. */
export const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_DEPTH = 64;

/**
 * A plain object of JSON values only (null, booleans, finite numbers, strings, arrays, plain
 * objects; no undefined, Dates, functions or cycles), at most 64 KiB encoded. Returns its JSON text.
 */
export function checkConfig(config: unknown): string {
  v.object("config", config);
  walk("config", config, 0);
  const text = JSON.stringify(config);
  if (new TextEncoder().encode(text).length > MAX_CONFIG_BYTES) {
    throw invalid("config", `must be at most ${MAX_CONFIG_BYTES} bytes as JSON`);
  }
  return text;
}

function walk(field: string, x: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw invalid(field, `must be nested at most ${MAX_DEPTH} levels deep`);
  if (x === null || typeof x === "string" || typeof x === "boolean") return;
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw invalid(field, "must be a finite number");
    return;
  }
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) walk(`${field}[${i}]`, x[i], depth + 1);
    return;
  }
  if (typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) throw invalid(field, "must be a plain object (JSON values only)");
    for (const k of Object.keys(x)) walk(`${field}.${k}`, (x as Record<string, unknown>)[k], depth + 1);
    return;
  }
  throw invalid(field, "must be a JSON value (null, boolean, number, string, array or object)");
}
