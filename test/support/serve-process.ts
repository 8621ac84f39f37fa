/**
 * A real `src serve` process for the HTTP tests, on the runtime running the test: under Node
 * `node --import tsx cli/src.ts serve`, under Deno the Deno entry `deno run -A cli/serve-deno.ts`.
 * It listens on a random loopback port (--addr 127.0.0.1:0; the port is read from its start line), on
 * fs in a fresh temp SGPATH or on pgsql in a fresh database (test/support/pg-db.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild, type Child } from "./spawn.ts";
import { isDeno } from "./disk-fs.ts";
import { pgServer, type PgServer } from "./pg-server.ts";
import { freshDatabase, type FreshDatabase } from "./pg-db.ts";

export type Backend = "fs" | "pgsql";

export interface ServeProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  child: Child;
  /** The access log and other stderr output so far. */
  stderr(): string;
  /** SIGTERM (or `signal`), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  /** Extra environment (e.g. PG* of another database). */
  env?: Record<string, string>;
  args?: string[];
  /** SGPATH for fs (default: a new temp dir, removed by stop()). */
  sgpath?: string;
}

let server: Promise<PgServer> | undefined;

/** The test PostgreSQL (started once per test process); stop it with stopPg() in test.after. */
export function pg(): Promise<PgServer> {
  server ??= pgServer();
  return server;
}

export async function stopPg(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
}

/** Starts `src serve`; `db` shares a database between processes (two servers on one database). */
export async function startServe(backend: Backend, o: ServeOptions & { db?: FreshDatabase } = {}): Promise<ServeProcess & { db?: FreshDatabase }> {
  const own = o.sgpath === undefined;
  const sgpath = o.sgpath ?? mkdtempSync(join(tmpdir(), "srcstore-serve-"));
  const db = backend === "pgsql" ? (o.db ?? (await freshDatabase(await pg()))) : undefined;
  const env: Record<string, string> = { SGPATH: sgpath, SRC_LOCAL_STORE: backend, ...(db ? db.env : {}), ...o.env };
  const script = isDeno ? "../../cli/serve-deno.ts" : "../../cli/src.ts";
  const args = [...(isDeno ? [] : ["serve"]), "--addr", "127.0.0.1:0", ...(o.args ?? [])];
  const child = startChild(script, args, [], env);
  let line: string;
  try {
    line = await child.waitLine((l) => l.startsWith("src serve: listening on "), 60_000);
  } catch (e) {
    child.proc.kill("SIGKILL");
    throw new Error(`src serve did not start: ${String(e)}\n${child.stderr()}`);
  }
  const url = /listening on (http:\/\/\S+)/.exec(line)![1]!;
  return {
    url,
    child,
    db,
    stderr: child.stderr,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      // process.kill, not child.kill: Deno's ChildProcess reports a kill()ed child as killed by the
      // signal even when it caught it and exited 0.
      if (child.proc.exitCode === null && child.proc.signalCode === null) process.kill(child.pid, signal);
      const r = await child.exited;
      if (own) rmSync(sgpath, { recursive: true, force: true });
      if (db && !o.db) await db.drop().catch(() => undefined);
      return r;
    },
  };
}
