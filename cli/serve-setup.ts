/**
 * What `src serve` (Node) and cli/serve-deno.ts share: the stores and the graph store opened lazily
 * from the resolved settings, the handler, the access log, the listen address, and shutdown: the
 * drain of requests in flight and what SIGTERM and SIGINT do. Runtime-specific parts (the fs
 * adapter, the listener, signal registration) are passed in.
 */
import { join } from "node:path";
import type { FsPort } from "../lib/ports/fs.ts";
import type { Stores } from "../lib/stores.ts";
import type { GraphStore } from "../lib/graph/store.ts";
import { splitAddr, type ResolvedConfig } from "../lib/config.ts";
import { openBlobRoot, isS3Root } from "../lib/adapters/graph-root.ts";
import { parseS3Root, s3Settings } from "../lib/adapters/s3-settings.ts";
import { pgSettings } from "../lib/pgsql/settings.ts";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import { accessLine, createHandler, type Handler } from "../lib/serve/app.ts";
import { lazyOpen } from "../lib/serve/lazy-open.ts";
import { cell } from "./graph-output.ts";
import { openSettingsStore } from "./open.ts";
import { openAndKeep } from "./open-and-keep.ts";
import { mkdir } from "node:fs/promises";

/** How long a shutdown waits for requests in flight before it cuts them. */
export const DRAIN_MS = 30_000;

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
  /**
   * The handler, counting the requests in flight. Once drain() has begun, a new request is answered
   * 503 "the server is shutting down", and every answer carries `Connection: close`, so that no
   * keep-alive client is served on while the server stops.
   */
  handler: Handler;
  /** "fs at /x/store" / "pgsql at postgres://u@h:5432/db", for the start line. */
  describe: string;
  /** Requests whose handler has not returned yet. */
  inFlight(): number;
  /** Begins the drain; resolves true once no request is in flight, false after `ms` with some still running. */
  drain(ms: number): Promise<boolean>;
  /** Closes the stores; call it after drain(), so that no request in flight loses its store. */
  close(): Promise<void>;
}

/**
 * The server of `s`. Settings that can never work (a malformed DATABASE_URL or PGPORT, an s3:// root
 * or AWS_* settings S3 would refuse) are invalid_input here, before it listens: the command stops
 * with exit 2 rather than answering 503 for ever. What may come right by itself (PostgreSQL down, a
 * schema behind, a bucket not reachable yet) is left to the lazy opens and /healthz.
 */
export function setupServer(s: ServeSettings, fsAt: (dir: string) => FsPort, log: (line: string) => void): Server {
  const database = s.localStore === "pgsql" ? pgSettings(s.env).location : undefined;
  const storeDir = join(s.sgpath, "store");
  if (isS3Root(s.graphstoreRoot)) s3Settings({ ...parseS3Root(s.graphstoreRoot, "graphstore.root"), env: s.env });
  const stores = lazyOpen<Stores>("store", () => openSettingsStore(s, fsAt));
  const graph = lazyOpen<GraphStore>("graph store", async () => {
    if (!isS3Root(s.graphstoreRoot)) await mkdir(s.graphstoreRoot, { recursive: true, mode: 0o700 });
    return openAndKeep(await openBlobRoot(s.graphstoreRoot, { env: s.env }), openGraphStore);
  });
  // One line each, whatever the path holds: a "%0A" in it must not start a forged line.
  const stamp = (line: string) => `${new Date().toISOString()} ${line}`;
  const inner = createHandler({
    stores: stores.get,
    graph: graph.get,
    log: (line) => log(stamp(cell(line))),
    logError: (e) => log(stamp(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
  });

  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  const handler: Handler = async (req) => {
    if (draining) {
      log(stamp(cell(accessLine(req.method, new URL(req.url).pathname, 503, 0))));
      return shuttingDown();
    }
    inFlight++;
    try {
      const res = await inner(req);
      return draining ? closingConnection(res) : res;
    } finally {
      if (--inFlight === 0) idle?.();
    }
  };

  const where = database !== undefined ? `pgsql at ${database}` : `fs at ${storeDir}`;
  return {
    handler,
    describe: `store ${where}, graph store at ${s.graphstoreRoot}`,
    inFlight: () => inFlight,
    drain(ms) {
      draining = true;
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        idle = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
    async close() {
      await Promise.allSettled([stores.close(), graph.close()]);
    },
  };
}

/**
 * What SIGTERM and SIGINT do, the same on Node and Deno: the first one runs `stop` (stop taking
 * requests, drain, close the stores), then exits 0; a second one, while that runs, exits at once with
 * 128 + its number (130 for SIGINT, 143 for SIGTERM), cutting whatever is still in flight: Ctrl-C
 * twice does not wait out the 30 s of the drain.
 */
export function stopOnSignals(o: {
  on(signal: "SIGTERM" | "SIGINT", fn: () => void): void;
  stop(): Promise<void>;
  inFlight(): number;
  log(line: string): void;
  exit(code: number): void;
}): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    o.on(signal, () => {
      if (stopping) {
        const n = o.inFlight();
        o.log(`src serve: ${signal} again: stopping now, ${n} request${n === 1 ? "" : "s"} cut`);
        return o.exit(128 + SIGNAL_NUMBER[signal]);
      }
      stopping = true;
      o.log(`src serve: ${signal}: finishing requests in flight`);
      o.stop().then(
        () => (o.log("src serve: stopped"), o.exit(0)),
        (e: unknown) => (o.log(`src serve: stopping failed: ${e instanceof Error ? e.message : String(e)}`), o.exit(1)),
      );
    });
  }
}

/**
 * True when `p` settles by `deadline` (a Date.now() time), false when the deadline comes first; a
 * rejection of `p` passes through. The timer is cleared either way, so it holds no exit back.
 */
export async function settlesBy(p: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The resolved addr (checked by lib/config.ts) as what listeners take. */
export function listenOn(addr: string): { hostname: string; port: number } {
  const { host, port } = splitAddr(addr)!;
  return { hostname: host, port };
}

/**
 * A listen failure as one line naming the address and what to do: Node's error codes (EADDRINUSE)
 * and Deno's error names (AddrInUse) mean the same things.
 */
export function cannotListen(addr: string, e: unknown): Error {
  const code = (e as { code?: unknown }).code;
  const id = typeof code === "string" ? code : e instanceof Error ? e.name : "";
  const why = LISTEN_ERRORS[id] ?? (e instanceof Error ? e.message.split("\n")[0] : String(e));
  return new Error(`cannot listen on ${addr}: ${why}`, { cause: e });
}

// ---- internals -----------------------------------------------------------------------------------

const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;

const IN_USE = "the address is in use (another server? choose another with --addr)";
const NOT_HERE = "no interface of this machine has that address (0.0.0.0 listens on every one)";
const DENIED = "permission denied (ports below 1024 need privileges: choose a port above 1023)";
const UNKNOWN_HOST = "the host name does not resolve";
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: IN_USE, AddrInUse: IN_USE,
  EADDRNOTAVAIL: NOT_HERE, AddrNotAvailable: NOT_HERE,
  EACCES: DENIED, PermissionDenied: DENIED,
  ENOTFOUND: UNKNOWN_HOST, EAI_AGAIN: UNKNOWN_HOST,
};

function shuttingDown(): Response {
  const body = JSON.stringify({ code: "unavailable", message: "the server is shutting down" });
  return new Response(body, { status: 503, headers: { "content-type": "application/json", connection: "close", "retry-after": "1" } });
}

/** `res` with `Connection: close`, so that the client does not send more on this connection. */
function closingConnection(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("connection", "close");
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
