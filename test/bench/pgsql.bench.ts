/**
 * The pgsql backend against raw postgres.js (`npm run bench:pgsql`): users.create / get / getByLogin
 * and appStorage.put / putNoOverwrite / get through openStore({ localStore: "pgsql" }), sequential and
 * with 16 calls in flight, next to a baseline that sends THE SAME statements straight through
 * postgres.js (`sql.unsafe(text, params, { prepare: true })`) on its own pool of the same size. The
 * statements are captured, not copied by hand: a recording SqlPort around the store's port records one
 * call of each operation (recording-sql.ts), and the baseline replays those texts with fresh
 * parameters per call. Then getByLogin and users.list pages at 1,000 vs 100,000 users.
 *
 * The server is the one the environment names (DATABASE_URL, PGHOST/PGPORT) or else a throwaway
 * embedded one (test/support/pg-server.ts, fsync=off); every data set is a fresh migrated database,
 * dropped at the end. Prints, never asserts on time.
 *
 * Settings (environment): BENCH_SECONDS (per timed write run, default 2; read runs and scale slices
 * get a fraction); BENCH_ROUNDS (write runs per cell, default 3; reads and scale runs get 2n+1);
 * SRC_PGSQL_MAX_OPEN (pool size of the store and of the baseline, default the store's).
 */
import { cpus } from "node:os";
import postgres from "postgres";
import { openStore } from "../../lib/mod.ts";
import { connectPostgres, poolOptions } from "../../lib/adapters/postgres.ts";
import { pgSettings, type PgSettings } from "../../lib/pgsql/settings.ts";
import type { Stores } from "../../lib/stores.ts";
import type { StorageScope } from "../../lib/model.ts";
import { pgServer, type PgServer } from "../support/pg-server.ts";
import { freshDatabase, type FreshDatabase } from "../support/pg-db.ts";
import { cellRow, compare, type Cell, type CompareOptions, type Pair } from "./compare.ts";
import { rate, ratio, rng, table } from "./measure.ts";
import { newUser } from "./login-scale.ts";
import { oneLine, RecordingSql, Replay, rowMismatch } from "./recording-sql.ts";
import { buildUsers, BULK_USERS_SQL, interleaved, type ScaleResult } from "./pg-users-scale.ts";

const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = num("BENCH_SECONDS", 2);
const ROUNDS = num("BENCH_ROUNDS", 3);
const OPTS: CompareOptions = { writeRounds: ROUNDS, writeMs: SECONDS * 1000, readRounds: ROUNDS * 2 + 1, readMs: SECONDS * 200 };
const IN_FLIGHT = [1, 16];
const SCALE = [1_000, 100_000] as const;
const SCALE_OPTS = { runs: ROUNDS * 2 + 1, slices: 4, sliceMs: (SECONDS * 1000) / 16, warmMs: SECONDS * 50 };
const PAGE = 100;
/** The deep page starts this far into the list (by position), reached by walking its cursors. */
const DEEP = 0.9;
const TARGET = 1.3;
/** The captured calls use this number in their names and keys; the baseline's own start at BASE_FROM. */
const CAP = 900_000_001;
const TOKEN = String(CAP);
const BASE_FROM = 500_000_000;
const SCOPE: StorageScope = { app: "bench", bucket: "values" };
const VALUE = Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) & 0xff);

const log = (s = "") => console.log(s);
const fmt = (n: number) => n.toLocaleString("en-US");

/** A postgres.js pool with the options connectPostgres uses (lib/adapters/postgres.ts). */
function rawPool(s: PgSettings, name: string, max = s.max): postgres.Sql {
  const o = poolOptions(s);
  return postgres({ ...o, max, connection: { ...o.connection, application_name: name } });
}

/** The environment of a fresh database, with the pool size passed through. */
const dbEnv = (db: FreshDatabase): Record<string, string> => ({
  ...db.env,
  ...(process.env.SRC_PGSQL_MAX_OPEN ? { SRC_PGSQL_MAX_OPEN: process.env.SRC_PGSQL_MAX_OPEN } : {}),
});

interface Open {
  db: FreshDatabase;
  stores: Stores;
  pools: postgres.Sql[];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const server = await pgServer();
  const opened: Open[] = [];
  const open = async (): Promise<Open & { settings: PgSettings; env: Record<string, string> }> => {
    const db = await freshDatabase(server);
    const o: Open = { db, stores: undefined as unknown as Stores, pools: [] };
    opened.push(o);
    const env = dbEnv(db);
    o.stores = await openStore({ localStore: "pgsql", sql: connectPostgres({ env }) });
    return { ...o, settings: pgSettings(env), env };
  };
  try {
    const m = await open();
    const base = rawPool(m.settings, "srcstore-bench-baseline");
    opened[0]!.pools.push(base);
    await header(server, base, m.settings);

    const cells: Cell[] = [];
    const notes: string[] = [];
    await throughputs(m.stores, m.env, base, m.settings.max, cells, notes);
    log("Throughput: store (pgsql) vs the same statements sent by raw postgres.js");
    log(table(["operation", "in flight", "store ops/s", "baseline ops/s", "store/baseline"], cells.map(cellRow)));
    for (const n of notes) log(n);
    log();

    const scale = await scaleBench(open);
    log();
    log("Summary");
    log(table(["operation", "in flight", "store ops/s", "baseline ops/s", "store/baseline"], cells.map(cellRow)));
    log();
    log(table(
      ["users at scale (sequential)", `${fmt(SCALE[0])} users ops/s`, `${fmt(SCALE[1])} users ops/s`, "1k/100k", `within ${TARGET}x`],
      scale.map(([name, r]) => [name, rate(r.med[0]), rate(r.med[1]), ratio(r.med[0] / r.med[1]), r.med[0] / r.med[1] <= TARGET ? "yes" : "NO"]),
    ));
    log("ratios, not absolutes, are the point: the absolute rates depend on the server's durability settings (see the header)");
    log();
    log(`total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    for (const o of opened) {
      await o.stores?.close().catch(() => {});
      for (const p of o.pools) await p.end({ timeout: 5 }).catch(() => {});
      await o.db.drop().catch((e: unknown) => console.error(`could not drop ${o.db.name}: ${String(e)}`));
    }
    await server.stop();
  }
}

async function header(server: PgServer, base: postgres.Sql, s: PgSettings): Promise<void> {
  const [v] = await base.unsafe<{ server_version: string }[]>("SHOW server_version");
  const [g] = await base.unsafe<Record<string, string>[]>(`SELECT current_setting('fsync') AS fsync,
    current_setting('synchronous_commit') AS synchronous_commit, current_setting('full_page_writes') AS full_page_writes,
    current_setting('shared_buffers') AS shared_buffers, current_setting('max_connections') AS max_connections`);
  log(`srcstore pgsql bench: Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
  log(`PostgreSQL ${v!.server_version} (SHOW server_version); server: ${server.describe}`);
  log(`server settings: fsync=${g!.fsync}, synchronous_commit=${g!.synchronous_commit}, full_page_writes=${g!.full_page_writes}, ` +
    `shared_buffers=${g!.shared_buffers}, max_connections=${g!.max_connections}`);
  if (g!.fsync === "off" || g!.synchronous_commit === "off") {
    log(`  NOTE: ${server.dir ? "the embedded test server runs" : "this server runs"} with ${g!.fsync === "off" ? "fsync=off" : ""}` +
      `${g!.fsync === "off" && g!.synchronous_commit === "off" ? " and " : ""}${g!.synchronous_commit === "off" ? "synchronous_commit=off" : ""}: ` +
      `commits are not durable, so writes here are far faster than on a production server. Ratios, not absolutes, are the point.`);
  }
  log(`client: store via connectPostgres (pool of ${s.max}, SRC_PGSQL_MAX_OPEN), baseline via its own postgres.js pool of ${s.max}; ` +
    `both over ${s.host.startsWith("/") ? "a unix socket" : `TCP to ${s.host}`}, from this one Node process`);
  log(`each cell: median of ${OPTS.writeRounds} runs of ${OPTS.writeMs / 1000} s (writes) or ${OPTS.readRounds} runs of ` +
    `${OPTS.readMs / 1000} s (reads), store and baseline alternating, after a warm-up`);
  log();
}

/** What one store call sends, captured through a recording port; the baseline that replays it. */
async function captureAll(stores: Stores, env: Record<string, string>, base: postgres.Sql): Promise<Map<string, Replay>> {
  const port = connectPostgres({ env });
  const rec = new RecordingSql(port);
  const cap = await openStore({ localStore: "pgsql", sql: rec });
  const out = new Map<string, Replay>();
  try {
    const capture = async (name: string, call: () => Promise<unknown>, from: string | number) => {
      rec.take();
      await call();
      out.set(name, new Replay(base, rec.take(), from));
    };
    await capture("users.create", () => cap.users.create(newUser(CAP)), TOKEN);
    const uid = (await stores.users.getByLogin(`user${CAP}`)).uid;
    await capture("users.get(uid)", () => cap.users.get(uid), uid);
    await capture("users.getByLogin", () => cap.users.getByLogin(`user${CAP}`), `user${CAP}`);
    await capture("appStorage.put", () => cap.appStorage.put(SCOPE, `key-${CAP}`, VALUE), TOKEN);
    await capture("appStorage.putNoOverwrite", () => cap.appStorage.putNoOverwrite(SCOPE, `pno-${CAP}`, VALUE), TOKEN);
    await capture("appStorage.get", () => cap.appStorage.get(SCOPE, `key-${CAP}`), TOKEN);
  } finally {
    await cap.close(); // ends `port`, the capture's own pool
  }
  log(`Statements per store call, captured by a recording SqlPort around the store's port (one call each; ` +
    `* = varies per call, (now) = the store's clock):`);
  for (const [name, r] of out) {
    const n = r.statements.length;
    log(`  ${name}: ${n} statement${n === 1 ? "" : "s"}${r.transactional ? " in a transaction (the baseline sends them in one postgres.js sql.begin)" : ", no transaction"}`);
    for (const l of r.describe()) log(l);
  }
  log();
  return out;
}

async function throughputs(stores: Stores, env: Record<string, string>, base: postgres.Sql, max: number, cells: Cell[], notes: string[]): Promise<void> {
  const cap = await captureAll(stores, env, base);
  const replay = (name: string) => cap.get(name)!;
  /** One baseline call before timing: it must get the rows the store's call got. */
  const check = async (name: string, to: string | number) => {
    const r = replay(name);
    const bad = rowMismatch(r, await r.run(to));
    if (bad.length) notes.push(`WARNING ${name}: the baseline's check call differs from the store's: ${bad.join("; ")}`);
  };
  const run = async (p: Pair) => {
    for (const inFlight of IN_FLIGHT) cells.push(await compare(p, inFlight, OPTS));
  };
  const anyTx = [...cap.values()].some((r) => r.transactional);
  notes.push(`baseline: the captured statement texts through postgres.js sql.unsafe(text, params, { prepare: true }) on its own pool of ${max}, ` +
    `fresh params per call; ${anyTx ? "calls whose statements ran in a transaction are replayed in sql.begin" : "every call above sent its statements outside a transaction, and so does the baseline"}`);
  notes.push(`writes: new logins / keys on every call (store user<i>, key-<i>; baseline from ${BASE_FROM}); ` +
    `reads: random existing rows (rng), the same sequence on both sides`);

  // users
  await check("users.create", String(BASE_FROM - 1));
  const creates: Pair = {
    name: "users.create", write: true,
    store: (i) => stores.users.create(newUser(i)),
    base: (i) => replay("users.create").run(String(BASE_FROM + i)),
  };
  await run(creates);
  const rows = await base.unsafe<{ uid: number; login: string }[]>("SELECT uid, login FROM users ORDER BY uid");
  const uids = rows.map((r) => r.uid);
  const logins = rows.map((r) => r.login);
  notes.push(`users: reads pick among the ${fmt(rows.length)} users both sides created`);
  const pickFrom = <T>(xs: T[], seed: number) => {
    const pick = rng(seed);
    return () => xs[Math.floor(pick() * xs.length)]!;
  };
  await check("users.get(uid)", uids[uids.length - 1]!);
  const sUid = pickFrom(uids, 7), bUid = pickFrom(uids, 7);
  await run({
    name: "users.get(uid)", write: false,
    store: () => stores.users.get(sUid()),
    base: () => replay("users.get(uid)").run(bUid()),
  });
  await check("users.getByLogin", logins[logins.length - 1]!);
  const sLogin = pickFrom(logins, 8), bLogin = pickFrom(logins, 8);
  await run({
    name: "users.getByLogin", write: false,
    store: () => stores.users.getByLogin(sLogin()),
    base: () => replay("users.getByLogin").run(bLogin()),
  });

  // app storage
  await check("appStorage.put", String(BASE_FROM - 1));
  const put: Pair = {
    name: "appStorage.put", write: true,
    store: (i) => stores.appStorage.put(SCOPE, `key-${i}`, VALUE),
    base: (i) => replay("appStorage.put").run(String(BASE_FROM + i)),
  };
  await run(put);
  await check("appStorage.putNoOverwrite", String(BASE_FROM - 1));
  await run({
    name: "appStorage.putNoOverwrite", write: true,
    store: (i) => stores.appStorage.putNoOverwrite(SCOPE, `pno-${i}`, VALUE),
    base: (i) => replay("appStorage.putNoOverwrite").run(String(BASE_FROM + i)),
  });
  const keys = put.next![0];
  notes.push(`app storage: ${VALUE.length}-byte values in one global bucket; get picks among the ${fmt(keys)} keys the store's put wrote`);
  await check("appStorage.get", "0");
  const sKey = pickFrom(Array.from({ length: keys }, (_, k) => k), 11), bKey = pickFrom(Array.from({ length: keys }, (_, k) => k), 11);
  await run({
    name: "appStorage.get", write: false,
    store: () => stores.appStorage.get(SCOPE, `key-${sKey()}`),
    base: () => replay("appStorage.get").run(String(bKey())),
  });
}

type ScaleRow = [string, ScaleResult];

interface ScaleSet {
  n: number;
  stores: Stores;
  env: Record<string, string>;
  admin: postgres.Sql;
  cursor: string;
}

/** getByLogin and users.list pages at 1k vs 100k users, each set in its own fresh database. */
async function scaleBench(open: () => Promise<Open & { settings: PgSettings; env: Record<string, string> }>): Promise<ScaleRow[]> {
  const [small, large] = SCALE;
  log(`Users at scale: ${fmt(small)} vs ${fmt(large)} users, each set in its own fresh database: user0 by users.create, the rest by one`);
  log(`  ${oneLine(BULK_USERS_SQL)}`);
  log(`  ($1 = user0's registeredAt, $2 = n - 1: the columns and values users.create writes for newUser(i), checked through the store), then VACUUM ANALYZE users`);
  const sets: ScaleSet[] = [];
  for (const n of SCALE) {
    const o = await open();
    const admin = rawPool(o.settings, "srcstore-bench-build", 1);
    o.pools.push(admin);
    const ms = await buildUsers(o.stores, admin, n);
    // The cursor of the item at position DEEP * n, reached the way a caller would: page after page.
    let left = Math.floor(n * DEEP);
    let cursor: string | undefined;
    const tw = performance.now();
    let pages = 0;
    while (left > 0) {
      const page = await o.stores.users.list({ limit: Math.min(1000, left), ...(cursor ? { cursor } : {}) });
      cursor = page.nextCursor;
      left -= page.items.length;
      pages++;
      if (!cursor) throw new Error("the list ended before the deep page");
    }
    const deep = await o.stores.users.list({ limit: PAGE, cursor: cursor! });
    log(`  ${fmt(n)} users built in ${(ms / 1000).toFixed(1)} s; deep page: after ${fmt(Math.floor(n * DEEP))} users (${pages} page${pages === 1 ? "" : "s"} of up to 1,000 ` +
      `walked in ${((performance.now() - tw) / 1000).toFixed(1)} s), starts at ${deep.items[0]?.login}, ${deep.items.length} items`);
    sets.push({ n, stores: o.stores, env: o.env, admin, cursor: cursor! });
  }
  await plans(sets[1]!);

  const [s, l] = sets as [ScaleSet, ScaleSet];
  const picker = (n: number, seed: number) => {
    const pick = rng(seed);
    return () => `user${Math.floor(pick() * n)}`;
  };
  const ps = picker(s.n, 1001), pl = picker(l.n, 1002);
  const rows: ScaleRow[] = [];
  const measure = async (name: string, a: () => Promise<unknown>, b: () => Promise<unknown>) => {
    const r = await interleaved([a, b], SCALE_OPTS);
    rows.push([name, r]);
    log(`  ${name}: ${fmt(small)}: ${rate(r.med[0])} ops/s, ${fmt(large)}: ${rate(r.med[1])} ops/s, ratio ${ratio(r.med[0] / r.med[1])} ` +
      `(runs ${r.runs[0].map(rate).join(", ")} | ${r.runs[1].map(rate).join(", ")})`);
  };
  log(`  per run: a ${SCALE_OPTS.warmMs / 1000} s warm-up of each set, then ${SCALE_OPTS.slices} slices of ${SCALE_OPTS.sliceMs / 1000} s on each, ` +
    `the sets alternating; sequential calls; median of ${SCALE_OPTS.runs} runs; getByLogin picks random existing logins (rng)`);
  await measure("users.getByLogin", () => s.stores.users.getByLogin(ps()), () => l.stores.users.getByLogin(pl()));
  await measure(`users.list({ limit: ${PAGE} }) first page`, () => s.stores.users.list({ limit: PAGE }), () => l.stores.users.list({ limit: PAGE }));
  await measure(`users.list page at ${DEEP * 100}% via cursor`,
    () => s.stores.users.list({ limit: PAGE, cursor: s.cursor }), () => l.stores.users.list({ limit: PAGE, cursor: l.cursor }));
  return rows;
}

/** The plans of the store's lookup statements on the large set (captured, then EXPLAINed with the same params). */
async function plans(set: ScaleSet): Promise<void> {
  const rec = new RecordingSql(connectPostgres({ env: set.env }));
  const st = await openStore({ localStore: "pgsql", sql: rec });
  try {
    rec.take();
    await st.users.getByLogin("user12345");
    await st.users.list({ limit: PAGE });
    await st.users.list({ limit: PAGE, cursor: set.cursor });
    const names = ["getByLogin", "list first page", "list deep page"];
    log(`  plans at ${fmt(set.n)} users (EXPLAIN of the captured statements, same params):`);
    for (const [k, r] of rec.take().entries()) {
      const plan = await set.admin.unsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (COSTS OFF) ${r.text}`, r.params as postgres.ParameterOrJSON<never>[]);
      log(`    ${names[k] ?? `statement ${k + 1}`}: ${plan.map((p) => p["QUERY PLAN"].trim()).join("; ")}`);
    }
  } finally {
    await st.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
