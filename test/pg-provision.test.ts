/**
 * The PostgreSQL the tests run on (support/pg-server.ts, support/pg-db.ts), on a real server: password
 * auth works and a wrong password fails cleanly, fresh databases are migrated and isolated, the
 * template is built once when many ask at once, a stopped server leaves nothing, and the server of
 * a test process killed with SIGKILL is reaped by the next start.
 * With `--pg-child` this file is that test process: it starts a server, prints it, and waits.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { migrationFiles, migrationStatus } from "../lib/adapters/pg-migrate.ts";
import { pgServer, startEmbeddedServer, type PgServer } from "./support/pg-server.ts";
import { ensureTemplate, freshDatabase, templateName } from "./support/pg-db.ts";
import { emit, startChild } from "./support/spawn.ts";

/** A client for `env` (PG* variables) that is ended after `fn`, whatever happens. */
async function withSql<T>(env: Record<string, string>, fn: (sql: postgres.Sql) => Promise<T>, pass = env.PGPASSWORD): Promise<T> {
  const sql = postgres({ host: env.PGHOST, port: Number(env.PGPORT), user: env.PGUSER, pass, database: env.PGDATABASE, max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

/** Live processes whose parent is `pid` (a postmaster's backends and workers). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid && alive(p);
    } catch {
      return false;
    }
  });
}

const ms = (t0: number) => Math.round(performance.now() - t0);
/** A "# " line for test/run.ts to show; on a line of its own (uvu's dots have no newline). */
const note = (s: string) => console.log(`\n# ${s}`);

if (process.argv.includes("--pg-child")) {
  startEmbeddedServer().then(
    (s) => emit(`server ${s.pid} ${s.dir}`),
    (e) => (console.error(e), process.exit(1)),
  );
  setInterval(() => {}, 60_000); // waits for its SIGKILL
} else {
  let shared: Promise<PgServer> | undefined;
  const server = () => (shared ??= pgServer());

  test("pgServer(): select 1 with the password, a clean error with a wrong one, no password in describe", async () => {
    const t0 = performance.now();
    const s = await server();
    note(`server: ${s.describe}${s.startMs === undefined ? "" : ` (started in ${s.startMs} ms: ${JSON.stringify(s.timings)})`}`);
    for (const k of ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"]) assert.ok(k in s.env, k);
    if (s.env.PGPASSWORD) {
      assert.not.ok(s.describe.includes(s.env.PGPASSWORD), "describe shows the password");
      assert.ok(new URL(s.url).password, "url carries the password");
    }
    const [row] = await withSql(s.env, (sql) => sql<{ one: number }[]>`select 1 as one`);
    assert.is(row!.one, 1);
    // The URL works too (postgres.js parses it like any client would).
    const viaUrl = postgres(s.url, { max: 1, onnotice: () => {} });
    try {
      assert.is((await viaUrl<{ db: string }[]>`select current_database() as db`)[0]!.db, s.env.PGDATABASE);
    } finally {
      await viaUrl.end();
    }
    let err: { code?: string; message?: string } | undefined;
    await withSql(s.env, (sql) => sql`select 1`, `wrong-${s.env.PGPASSWORD}`).catch((e) => (err = e));
    assert.ok(err, "a wrong password connected");
    assert.is(err!.code, "28P01", String(err!.message));
    assert.match(err!.message!, /password authentication failed/);
    note(`pgServer() ready in ${ms(t0)} ms`);
  });

  test("freshDatabase(): two migrated, isolated databases from the template; drop() removes one", async () => {
    const s = await server();
    await freshDatabase(s).then((d) => d.drop()); // builds the template if this server has none yet
    const t0 = performance.now();
    const a = await freshDatabase(s);
    const createMs = ms(t0);
    const b = await freshDatabase(s);
    try {
      assert.is.not(a.name, b.name);
      assert.is(a.env.PGDATABASE, a.name);
      assert.is(new URL(a.url).pathname, `/${a.name}`);
      // Migrated: every migration file applied and unchanged (whatever the schema holds).
      const files = migrationFiles().map((f) => f.name);
      for (const db of [a, b]) {
        const st = await migrationStatus({ databaseUrl: db.url });
        assert.equal(st.applied.map((x) => x.name), files);
        assert.equal(st.pending, []);
        assert.ok(st.applied.every((x) => x.state === "ok"));
      }
      // Isolated: a table and a row in one are not in the other.
      await withSql(a.env, async (sql) => {
        await sql`create table probe (x int)`;
        await sql`insert into probe values (42)`;
        assert.is((await sql`select current_database() as db`)[0]!.db, a.name);
      });
      await withSql(b.env, async (sql) => {
        assert.is((await sql`select to_regclass('probe') as t`)[0]!.t, null);
      });
      await a.drop();
      await withSql(s.env, async (sql) => {
        const names = (await sql<{ datname: string }[]>`select datname from pg_database`).map((r) => r.datname);
        assert.not.ok(names.includes(a.name), "dropped database still there");
        assert.ok(names.includes(b.name));
        assert.ok(names.includes(templateName()));
      });
    } finally {
      await a.drop();
      await b.drop();
    }
    note(`CREATE DATABASE from the template: ${createMs} ms`);
  });

  test("a new server: the template is built once when four ask at once; stop() leaves no process and no dir", async () => {
    const s = await startEmbeddedServer();
    let stopped = false;
    try {
      note(`own server started in ${s.startMs} ms: ${JSON.stringify(s.timings)}`);
      assert.ok(alive(s.pid!));
      const t0 = performance.now();
      const names = await Promise.all([1, 2, 3, 4].map(() => ensureTemplate(s)));
      const tplMs = ms(t0);
      assert.equal(names, Array(4).fill(templateName()));
      await withSql(s.env, async (sql) => {
        const dbs = await sql<{ datname: string; datallowconn: boolean; datistemplate: boolean }[]>`
          select datname, datallowconn, datistemplate from pg_database where datname like 'srcstore_tpl_%'`;
        assert.equal(dbs.map((d) => ({ ...d })), [{ datname: templateName(), datallowconn: false, datistemplate: true }]);
      });
      const times: number[] = [];
      const dbs = [];
      for (let i = 0; i < 5; i++) {
        const t1 = performance.now();
        dbs.push(await freshDatabase(s));
        times.push(ms(t1));
      }
      const t2 = performance.now();
      for (const d of dbs) await d.drop();
      note(`template built in ${tplMs} ms; CREATE DATABASE from it: ${times.join(", ")} ms; 5 drops: ${ms(t2)} ms`);

      const t3 = performance.now();
      await s.stop();
      stopped = true;
      note(`stop: ${ms(t3)} ms`);
      assert.not.ok(alive(s.pid!), "postmaster still running");
      assert.equal(childrenOf(s.pid!), [], "postmaster children still running");
      assert.not.ok(existsSync(s.dir!), "server dir still there");
    } finally {
      if (!stopped) await s.stop();
    }
  });

  test("the server of a test process killed with SIGKILL is reaped by the next start", async () => {
    const child = startChild("../pg-provision.test.ts", ["--pg-child"]);
    let line: string;
    try {
      line = await child.waitLine((l) => l.startsWith("server "), 60_000);
    } finally {
      child.proc.kill("SIGKILL");
      await child.exited;
    }
    const [, pidText, dir] = line.split(" ");
    const pid = Number(pidText);
    // Unless a concurrent start (the other runtime's test) reaped it already, it outlived its owner.
    if (alive(pid)) assert.ok(existsSync(dir!), "a live postmaster without its dir");
    const next = await startEmbeddedServer();
    try {
      assert.not.ok(alive(pid), "the orphaned postmaster still runs");
      assert.equal(childrenOf(pid), []);
      assert.not.ok(existsSync(dir!), "the orphan's dir is still there");
      assert.ok(alive(next.pid!));
    } finally {
      await next.stop();
    }
  });

  test("stop the shared server (a no-op for one named by the environment)", async () => {
    const s = await server();
    await s.stop();
    if (s.pid) assert.not.ok(alive(s.pid));
  });

  test.run();
}
