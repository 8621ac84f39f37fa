/**
 * `src serve` on Deno, with Deno.serve: `deno run -A cli/serve-deno.ts [--addr host:port]
 * [--local-store fs|pgsql] [--graphstore.root ...] [--config FILE] [--env-file FILE] [--sgpath DIR]`,
 * the same options (cli/options.ts), settings, handler and log as the Node command (cli/serve.ts);
 * `--help` shows them, and an unknown option or any argument is refused (exit 2), as `src` does.
 * SIGTERM or SIGINT: requests in flight finish (30 s at most) while new ones get 503 "shutting down"
 * with Connection: close, then Deno's shutdown, then the stores close; a second signal exits at once.
 * (Deno's shutdown() alone cuts request bodies still arriving: "BadResource: Cannot read body", so it
 * runs only once nothing is in flight.) Declares only the slice of `Deno` it calls, so tsc checks it too.
 */
import { cac } from "cac";
import { denoFs } from "../lib/adapters/deno-fs.ts";
import { cannotListen, DRAIN_MS, listenOn, serveSettings, settlesBy, setupServer, stopOnSignals } from "./serve-setup.ts";
import { loadConfig } from "./settings.ts";
import { ADDR_OPTION, settingOptions, typedSpelling, valueOptions } from "./options.ts";
import { fail, UsageError } from "./output.ts";

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
  args: string[];
}
const Deno = (globalThis as unknown as { Deno: DenoSlice }).Deno;

const NAME = "deno run -A cli/serve-deno.ts";
const cli = cac(NAME);
settingOptions(cli);
cli.option(...ADDR_OPTION);
cli.usage("[options]");
cli.example(`${NAME} --addr 127.0.0.1:3080`);
cli.example(`${NAME} -s pgsql --addr 0.0.0.0:3080 --graphstore.root s3://my-bucket/graph`);
cli.help((sections) => {
  sections.splice(2, 0, { body: "  Serve the stores and the graph store over HTTP with Deno.serve: `src serve` on Deno (JSON API; see README)" });
  return sections;
});

async function main(argv: string[]): Promise<void> {
  cli.parse(["deno", NAME, ...argv], { run: false });
  if (cli.options.help) return;
  const see = `see "${NAME} --help"`;
  const word = cli.args[0];
  if (word !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(word)}: cli/serve-deno.ts takes options only; ${see}`);
  try {
    cli.globalCommand.checkUnknownOptions();
    cli.globalCommand.checkOptionValue();
  } catch (e) {
    const takesValue = valueOptions(cli);
    throw typedSpelling(e, argv, see, (o) => takesValue.has(o));
  }
  await serveDeno();
}

async function serveDeno(): Promise<void> {
  const settings = serveSettings(await loadConfig());
  const { hostname, port } = listenOn(settings.addr);
  const log = (line: string) => console.error(line);
  const app = setupServer(settings, denoFs, log);
  let server: DenoServer;
  try {
    server = Deno.serve({
      hostname,
      port,
      onListen: (a) => console.log(`src serve: listening on http://${a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname}:${a.port} (${app.describe})`),
    }, app.handler);
  } catch (e) {
    throw cannotListen(settings.addr, e);
  }
  stopOnSignals({
    on: (signal, fn) => Deno.addSignalListener(signal, fn),
    async stop() {
      const deadline = Date.now() + DRAIN_MS;
      const drained = await app.drain(DRAIN_MS);
      if (!drained) log(`src serve: requests still running after ${DRAIN_MS / 1000} s: closing them`);
      await settlesBy(server.shutdown(), deadline);
      await app.close();
    },
    inFlight: app.inFlight,
    log,
    exit: (code) => Deno.exit(code),
  });
  await server.finished;
}

main(Deno.args).catch(fail);
