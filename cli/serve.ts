/**
 * `src serve` on Node: the handler of lib/serve on node:http (@hono/node-server). Prints one line when
 * listening (with the real port when --addr asks for port 0), one access-log line per request on
 * stderr, and on SIGTERM or SIGINT stops accepting, lets requests in flight finish (30 s at most),
 * closes the stores and exits 0.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import { listenOn, serveSettings, setupServer } from "./serve-setup.ts";
import { loadConfig } from "./settings.ts";

const DRAIN_MS = 30_000;

export async function serveCommand(): Promise<void> {
  const settings = serveSettings(await loadConfig());
  const { hostname, port } = listenOn(settings.addr);
  const app = setupServer(settings, nodeFs, (line) => process.stderr.write(`${line}\n`));
  const server = serve({ fetch: app.handler, hostname, port });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${settings.addr}: ${e.code ?? e.message}`);
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  console.log(`src serve: listening on http://${host}:${bound.port} (${app.describe})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`src serve: ${signal}: finishing requests in flight\n`);
    const force = setTimeout(() => {
      process.stderr.write(`src serve: requests still running after ${DRAIN_MS / 1000} s: closing them\n`);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }, DRAIN_MS);
    force.unref();
    server.close(async () => {
      clearTimeout(force);
      await app.close();
      process.stderr.write("src serve: stopped\n");
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open until they time out.
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
