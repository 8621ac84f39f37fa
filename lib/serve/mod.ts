/**
 * srcstore/serve: the HTTP API of `src serve` as one web-standard handler, `(Request) =>
 * Promise<Response>`, for any runtime: Node (cli/serve.ts), Deno (cli/serve-deno.ts), or an edge
 * platform's fetch handler with stores from "srcstore/edge". `lazyOpen` opens a store on first use and
 * retries a failed open, so a server can start while its database is down.
 *
 * @example
 * ```ts
 * import { createHandler } from "srcstore/serve";
 * import { memoryBlob, memoryFs, openGraphStore, openStore } from "srcstore/edge";
 * const stores = await openStore({ fs: memoryFs() });
 * const graph = await openGraphStore(memoryBlob());
 * const handler = createHandler({ stores: async () => stores, graph: async () => graph });
 * const res = await handler(new Request("http://localhost/healthz")); // 200 {"status":"ok",...}
 * ```
 */
export { createApp, createHandler, type Handler, type HandlerOptions } from "./app.ts";
export { lazyOpen, type LazyOpen } from "./lazy-open.ts";
export type { App, AppEnv, ServeDeps } from "./context.ts";
