/**
 * App storage over HTTP, binary-safe: keys are any 1-1024 bytes, values any bytes up to 32 MiB.
 * Repo scope `${REPO}/-/storage/:app/:bucket[/:key]` (read: repo read; write: repo write); global scope
 * `/api/storage/:app/:bucket[/:key]` (site admins only). The server keeps its own tokens under the app
 * "srcstore.serve": that app does not exist here (404), in either scope.
 *
 * A key travels as one path segment, percent-encoded byte by byte, and is decoded here from the raw
 * URL: the router's decoding (decodeURIComponent) would turn bytes that are not UTF-8 into text.
 * The keys "." and ".." are listed but cannot be named: URL parsers drop dot segments, also as %2E.
 */
import type { StorageScope } from "../../model.ts";
import { StoreError } from "../../errors.ts";
import { MAX_VALUE_BYTES } from "../../input/app-storage.ts";
import { REPO, type App, type Ctx } from "../context.ts";
import { readBytes } from "../body.ts";
import { badRequest } from "../http-error.ts";
import { repoFor, requireAdmin } from "../access.ts";
import { TOKEN_APP } from "../tokens.ts";

/** The key's bytes, percent-encoded: every byte but the URL-unreserved ones, so it is one path segment. */
function encodeKey(key: Uint8Array): string {
  let s = "";
  for (const b of key) {
    const ch = String.fromCharCode(b);
    s += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return s;
}

const enc = new TextEncoder();

/** A raw path segment to bytes: `%XX` is that byte, anything else its UTF-8 bytes. Malformed `%`: 400. */
function decodeKey(segment: string): Uint8Array {
  const [first, ...escaped] = segment.split("%");
  const out = [...enc.encode(first)];
  for (const part of escaped) {
    if (!/^[0-9A-Fa-f]{2}/.test(part)) throw badRequest("key: malformed percent-encoding", "key");
    out.push(parseInt(part.slice(0, 2), 16), ...enc.encode(part.slice(2)));
  }
  return Uint8Array.from(out);
}

/** A listed key: `key` encoded for the path, `text` when its bytes are valid UTF-8 (for people reading). */
function listed(key: Uint8Array): { key: string; text?: string } {
  try {
    return { key: encodeKey(key), text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(key) };
  } catch {
    return { key: encodeKey(key) };
  }
}

/** The last segment of the request's raw path (the key routes end in `/:key`), as bytes. */
function rawKey(c: Ctx): Uint8Array {
  const path = new URL(c.req.url).pathname;
  return decodeKey(path.slice(path.lastIndexOf("/") + 1));
}

type ScopeOf = (c: Ctx, need: "read" | "write") => Promise<StorageScope>;

/** `:app` and `:bucket` of the route in a scope; the server's own app is not there. */
function named(c: Ctx, repoID?: number): StorageScope {
  const app = c.req.param("app") ?? "";
  if (app === TOKEN_APP) throw new StoreError("not_found", `app ${JSON.stringify(app)} not found`);
  return { app, ...(repoID !== undefined ? { repoID } : {}), bucket: c.req.param("bucket") ?? "" };
}

const repoScope: ScopeOf = async (c, need) => named(c, (await repoFor(c, need)).repo.id);
const globalScope: ScopeOf = async (c) => {
  requireAdmin(c);
  return named(c);
};

/** The routes of one scope under `base` (which ends in `/:app/:bucket`). */
function scopeRoutes(app: App, base: string, scopeOf: ScopeOf): void {
  const store = async (c: Ctx) => (await c.var.deps.stores()).appStorage;

  app.get(base, async (c) => {
    const scope = await scopeOf(c, "read");
    const keys = await (await store(c)).list(scope);
    return c.json({ items: keys.map(listed) });
  });

  app.delete(base, async (c) => {
    const scope = await scopeOf(c, "write");
    await (await store(c)).deleteBucket(scope);
    return c.body(null, 204);
  });

  // Hono answers HEAD with the GET route (and drops the body): HEAD asks exists() instead of reading.
  app.get(`${base}/:key`, async (c) => {
    const scope = await scopeOf(c, "read");
    const key = rawKey(c);
    if (c.req.method === "HEAD") {
      if (!(await (await store(c)).exists(scope, key))) throw new StoreError("not_found", "key not found");
      return c.body(null, 200);
    }
    const value = await (await store(c)).get(scope, key);
    return c.body(value as Uint8Array<ArrayBuffer>, 200, { "content-type": "application/octet-stream" });
  });

  app.put(`${base}/:key`, async (c) => {
    const scope = await scopeOf(c, "write");
    const key = rawKey(c);
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") {
      throw badRequest("If-None-Match: only \"*\" (create, do not overwrite) is supported", "If-None-Match");
    }
    // Exactly the store's limit, so a value too large is always 413, never the store's 400.
    const value = await readBytes(c, MAX_VALUE_BYTES);
    const s = await store(c);
    await (ifNoneMatch === undefined ? s.put(scope, key, value) : s.putNoOverwrite(scope, key, value));
    return c.body(null, 204);
  });

  app.delete(`${base}/:key`, async (c) => {
    const scope = await scopeOf(c, "write");
    await (await store(c)).delete(scope, rawKey(c));
    return c.body(null, 204);
  });
}

export function storageRoutes(app: App): void {
  scopeRoutes(app, `${REPO}/-/storage/:app/:bucket`, repoScope);
  scopeRoutes(app, "/api/storage/:app/:bucket", globalScope);
}
