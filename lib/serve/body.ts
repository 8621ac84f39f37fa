/**
 * What a request brings, checked: bodies read with a size limit (413 beyond it, checked while reading,
 * so a lying or missing Content-Length does not matter), JSON that must parse to an object (400
 * otherwise) with only the fields a route takes, query parameters a route takes, and path numbers.
 */
import { concatBytes } from "../bytes.ts";
import { badRequest, HttpError } from "./http-error.ts";
import type { Ctx } from "./context.ts";

/** JSON bodies: 1 MiB. App storage values (32 MiB) and graph imports name their own limits. */
export const JSON_LIMIT = 1024 * 1024;

export async function readBytes(c: Ctx, limit: number): Promise<Uint8Array> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

/** The body as a JSON object. An empty body is `{}`, so `POST` without fields works. */
export async function readJson(c: Ctx, limit = JSON_LIMIT): Promise<Record<string, unknown>> {
  const bytes = await readBytes(c, limit);
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    // Only where: the engine's message quotes the body around the error, which may hold a password.
    const at = e instanceof Error ? /position (\d+)/.exec(e.message)?.[1] : undefined;
    throw badRequest(`the body is not valid JSON${at !== undefined ? ` (error at byte ${at})` : ""}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest("the body must be a JSON object");
  return value as Record<string, unknown>;
}

function tooLarge(limit: number): HttpError {
  return new HttpError("too_large", `the body is larger than ${limit} bytes`);
}

/** The body's fields, refusing any not in `allowed` (400 naming it), so a caller cannot slip in authorUID or admin. */
export function fields(body: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw badRequest(`unknown field "${k}" (allowed: ${allowed.join(", ")})`, k);
  return body;
}

/**
 * The fields `keys` of the body that it has, as store input: built key by key, so nothing else of the
 * body reaches the store, and an absent field stays absent. Values are not checked here: the store
 * checks every type and shape (invalid_input naming the field, 400).
 */
export function pick<T extends object>(body: Record<string, unknown>, keys: readonly (keyof T & string)[]): T {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (body[k] !== undefined) out[k] = body[k];
  return out as T;
}

/**
 * The query parameters, refusing one not in `allowed` or given twice (400 naming it): a misspelt
 * filter would otherwise be ignored and answer with everything.
 */
export function queryOf(c: Ctx, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, values] of Object.entries(c.req.queries())) {
    if (!allowed.includes(k)) {
      throw badRequest(`unknown query parameter "${k}"${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}`, k);
    }
    if (values.length > 1) throw badRequest(`${k}: give it once`, k);
    out[k] = values[0];
  }
  return out;
}

/** `?name=true|false`; absent is undefined, anything else 400. */
export function boolQuery(c: Ctx, name: string): boolean | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  if (v !== "true" && v !== "false") throw badRequest(`${name}: must be true or false`, name);
  return v === "true";
}

/** `?limit=&cursor=` as PageOptions; a limit that is not an integer is 400 (the store checks its range). */
export function pageOptions(c: Ctx): { limit?: number; cursor?: string } {
  const limit = c.req.query("limit"), cursor = c.req.query("cursor");
  if (limit !== undefined && !/^\d{1,7}$/.test(limit)) throw badRequest("limit: must be an integer", "limit");
  return { ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(cursor !== undefined ? { cursor } : {}) };
}

/** A route parameter that must be a positive integer (thread and changeset numbers). */
export function intParam(c: Ctx, name: string): number {
  const v = c.req.param(name) ?? "";
  if (!/^[1-9]\d{0,15}$/.test(v)) throw badRequest(`${name}: must be a positive integer`, name);
  return Number(v);
}
