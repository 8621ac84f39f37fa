/**
 * `src serve` on Deno, with Deno.serve: `deno run -A cli/serve-deno.ts [--addr host:port]
 * [--local-store fs|pgsql] [--graphstore.root ...]`, the same settings, handler and log as the Node
 * command (cli/serve.ts). SIGTERM or SIGINT: requests in flight finish (30 s at most) while new ones get
 * 503 "shutting down" with Connection: close, then Deno's shutdown, then the stores close. (Deno's
 * shutdown() alone cuts request bodies still arriving: "BadResource: Cannot read body", so it runs
 * only once nothing is in flight.) Declares only the slice of `Deno` it calls, so tsc checks it too.
 */
import { denoFs } from "../lib/adapters/deno-fs.ts";
import { listenOn, serveSettings, setupServer } from "./serve-setup.ts";
import { loadConfig } from "./settings.ts";
import { fail } from "./output.ts";

interface DenoServer {
  shutdown(): Promise<void>;
  finished: Promise<void>;
}
interface DenoSlice {
  serve(
    o: { hostname: string; port: number; onListen(a: { hostname: string; port: number }): void },
    handler: (req: Request) => Promise<Response>,
  ): DenoServer;
  addSignalListener(signal: "SIGTERM" | "SIGINT", fn: () => void): void;
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno: DenoSlice }).Deno;
const DRAIN_MS = 30_000;

async function main(): Promise<void> {
  const settings = serveSettings(await loadConfig());
  const { hostname, port } = listenOn(settings.addr);
  const app = setupServer(settings, denoFs, (line) => console.error(line));
  let inFlight = 0;
  let draining = false;
  let drained: () => void = () => undefined;
  const handler = async (req: Request): Promise<Response> => {
    if (draining) {
      const body = JSON.stringify({ code: "unavailable", message: "the server is shutting down" });
      return new Response(body, { status: 503, headers: { "content-type": "application/json", connection: "close", "retry-after": "1" } });
    }
    inFlight++;
    try {
      return await app.handler(req);
    } finally {
      if (--inFlight === 0 && draining) drained();
    }
  };
  const server = Deno.serve({
    hostname,
    port,
    onListen: (a) => console.log(`src serve: listening on http://${a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname}:${a.port} (${app.describe})`),
  }, handler);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`src serve: ${signal}: finishing requests in flight`);
    draining = true;
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        drained = resolve;
        setTimeout(resolve, DRAIN_MS);
      });
    }
    await server.shutdown();
    await app.close();
    console.error("src serve: stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  await server.finished;
}

main().catch(fail);
