/**
 * The HTTP API of srcstore as one web-standard handler, `(Request) => Promise<Response>`, on Hono: the
 * same handler runs under Node (cli/serve.ts), Deno (cli/serve-deno.ts) and edge runtimes.
 * Routes live in routes/, one file per area; this file wires the parts every request shares: the
 * access log, the caller's identity, and errors as `{code, message}` JSON.
 */
import { Hono } from "hono";
import type { Stores } from "../stores.ts";
import type { GraphStore } from "../graph/store.ts";
import type { App, AppEnv, ServeDeps } from "./context.ts";
import { errorBody, unauthenticated } from "./http-error.ts";
import { authenticate } from "./tokens.ts";
import { healthRoutes } from "./routes/health.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { userRoutes } from "./routes/users.ts";
import { orgRoutes } from "./routes/orgs.ts";
import { repoRoutes } from "./routes/repos.ts";
import { threadRoutes } from "./routes/threads.ts";
import { changesetRoutes } from "./routes/changesets.ts";
import { storageRoutes } from "./routes/storage.ts";
import { graphRoutes } from "./routes/graph.ts";

export interface HandlerOptions {
  /** The stores (open lazily with lazyOpen so the server starts while PostgreSQL is down). */
  stores: () => Promise<Stores>;
  graph: () => Promise<GraphStore>;
  clock?: () => Date;
  /** One line per request: method, path, status, duration. Never the query, headers or body. */
  log?: (line: string) => void;
  /** Errors that are not StoreErrors (bugs): logged here in full, answered as "internal error". */
  logError?: (e: unknown) => void;
}

export type Handler = (req: Request) => Promise<Response>;

export function createApp(o: HandlerOptions): App {
  const deps: ServeDeps = { stores: o.stores, graph: o.graph, clock: o.clock ?? (() => new Date()), logError: o.logError ?? (() => undefined) };
  const app: App = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const start = performance.now();
    c.set("deps", deps);
    c.set("viewer", null);
    await next();
    if (o.log) {
      o.log(accessLine(c.req.method, c.req.path, c.res.status, performance.now() - start));
    }
  });

  app.use("/api/*", async (c, next) => {
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthenticated("Authorization must be \"Bearer <token>\"");
      c.set("viewer", await authenticate(await deps.stores(), m[1]!, deps.clock()));
    }
    await next();
  });

  healthRoutes(app);
  accountRoutes(app);
  userRoutes(app);
  orgRoutes(app);
  repoRoutes(app);
  threadRoutes(app);
  changesetRoutes(app);
  storageRoutes(app);
  graphRoutes(app);

  app.notFound((c) => c.json({ code: "not_found", message: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((e, c) => {
    const { status, body, known } = errorBody(e);
    if (!known) o.logError?.(e);
    const headers: Record<string, string> = {};
    if (status === 401) headers["WWW-Authenticate"] = "Bearer";
    if (body.retryable || status === 503) headers["Retry-After"] = "1";
    return c.json(body, status as 400, headers);
  });
  return app;
}

/** One access-log line: method, path, status, duration. Never the query, headers or body. */
export function accessLine(method: string, path: string, status: number, ms: number): string {
  return `${method} ${path} ${status} ${ms.toFixed(1)}ms`;
}

/** The handler: `createHandler(o)(request)`. */
export function createHandler(o: HandlerOptions): Handler {
  const app = createApp(o);
  return async (req) => app.fetch(req);
}
