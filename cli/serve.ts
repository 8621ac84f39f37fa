/**
 * `src serve` on Node: the handler of lib/serve on node:http (@hono/node-server). Prints one line when
 * listening (with the real port when --addr asks for port 0), one access-log line per request on
 * stderr. SIGTERM or SIGINT: it stops listening, answers requests that still come on open keep-alive
 * connections 503 and closes those connections, lets requests in flight finish (30 s at most), closes
 * the stores and exits 0; a second signal exits at once (cli/serve-setup.ts).
 */
import { serve } from "@hono/node-server";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import { cannotListen, DRAIN_MS, listenOn, serveSettings, settlesBy, setupServer, stopOnSignals } from "./serve-setup.ts";
import { loadConfig } from "./settings.ts";

export async function serveCommand(): Promise<void> {
  const settings = serveSettings(await loadConfig());
  const { hostname, port } = listenOn(settings.addr);
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  const app = setupServer(settings, nodeFs, log);
  // Without createServer or TLS options, @hono/node-server makes a plain node:http server.
  const server = serve({ fetch: app.handler, hostname, port }) as HttpServer;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  }).catch((e: unknown) => {
    throw cannotListen(settings.addr, e);
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  console.log(`src serve: listening on http://${host}:${bound.port} (${app.describe})`);

  const stop = async () => {
    const deadline = Date.now() + DRAIN_MS;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Connections idle now, or once the answer they carry from before the signal is out, would hold
    // close() for the keep-alive timeout; answers from now on say Connection: close.
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const done = (await app.drain(DRAIN_MS)) && (await settlesBy(closed, deadline));
    clearInterval(idle);
    if (!done) {
      log(`src serve: requests still running after ${DRAIN_MS / 1000} s: closing them`);
      server.closeAllConnections();
    }
    await app.close();
  };
  stopOnSignals({
    on: (signal, fn) => void process.on(signal, fn),
    stop,
    inFlight: app.inFlight,
    log,
    exit: (code) => process.exit(code),
  });
}
