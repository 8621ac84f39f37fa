/**
 * What `src serve` (Node) and cli/serve-deno.ts share: the stores and the graph store opened lazily
 * from the resolved settings, the handler, the access log, and the listen address. Runtime-specific
 * parts (the fs adapter, the listener) are passed in.
 */
import { join } from "node:path";
import type { FsPort } from "../lib/ports/fs.ts";
import type { Stores } from "../lib/stores.ts";
import type { GraphStore } from "../lib/graph/store.ts";
import { openStore } from "../lib/mod.ts";
import { splitAddr, type ResolvedConfig } from "../lib/config.ts";
import { openBlobRoot, isS3Root } from "../lib/adapters/graph-root.ts";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import { createHandler, type Handler } from "../lib/serve/app.ts";
import { lazyOpen } from "../lib/serve/lazy-open.ts";
import { mkdir } from "node:fs/promises";

/** The resolved settings serve uses; `env` (process env + env file) is where PG* and AWS_* are read. */
export interface ServeSettings {
  localStore: "fs" | "pgsql";
  sgpath: string;
  graphstoreRoot: string;
  addr: string;
  env: Record<string, string>;
}

export function serveSettings(c: ResolvedConfig): ServeSettings {
  return { localStore: c.localStore.value, sgpath: c.sgpath.value, graphstoreRoot: c.graphstoreRoot.value, addr: c.addr.value, env: c.env };
}

export interface Server {
  handler: Handler;
  /** "fs at /x/store" / "pgsql at postgres://u@h:5432/db", for the start line. */
  describe: string;
  close(): Promise<void>;
}

export function setupServer(s: ServeSettings, fsAt: (dir: string) => FsPort, log: (line: string) => void): Server {
  const stores = lazyOpen<Stores>("store", async () => {
    if (s.localStore === "pgsql") {
      const { connectPostgres } = await import("../lib/adapters/postgres.ts");
      return openStore({ localStore: "pgsql", sql: connectPostgres({ env: s.env }) });
    }
    return openStore({ fs: fsAt(join(s.sgpath, "store")) });
  });
  const graph = lazyOpen<GraphStore>("graph store", async () => {
    if (!isS3Root(s.graphstoreRoot)) await mkdir(s.graphstoreRoot, { recursive: true, mode: 0o700 });
    const blob = await openBlobRoot(s.graphstoreRoot, { env: s.env });
    try {
      return await openGraphStore(blob);
    } catch (e) {
      await blob.close().catch(() => undefined);
      throw e;
    }
  });
  const handler = createHandler({
    stores: stores.get,
    graph: graph.get,
    log: (line) => log(`${new Date().toISOString()} ${line}`),
    logError: (e) => log(`${new Date().toISOString()} internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  const where = s.localStore === "pgsql" ? "pgsql" : `fs at ${join(s.sgpath, "store")}`;
  return {
    handler,
    describe: `store ${where}, graph store at ${s.graphstoreRoot}`,
    async close() {
      await Promise.allSettled([stores.close(), graph.close()]);
    },
  };
}

/** The resolved addr (checked by lib/config.ts) as what listeners take. */
export function listenOn(addr: string): { hostname: string; port: number } {
  const { host, port } = splitAddr(addr)!;
  return { hostname: host, port };
}
