/**
 * The fs backend against raw baselines (`npm run bench`): create and get throughput of the users and
 * app storage stores on the real Node adapter, sequential and with 16 calls in flight, next to a bare
 * durable write (temp + fsync + rename + directory fsync) and a bare read (readFile + JSON.parse) of
 * the same bytes; where a call's time goes; and get-by-login at 1,000 vs 100,000 users.
 *
 * Prints, never asserts. Settings (environment): BENCH_DIR (default the OS temp dir); BENCH_SECONDS
 * (per timed write run, default 2; read runs get a fifth); BENCH_ROUNDS (write runs per cell, default
 * 3; reads get 2n+1); BENCH_LOOKUPS (get-by-login lookups per run, default 20000); BENCH_BUILD
 * ("store" or "memory-copy": force how the 1k/100k data sets are built).
 */
import * as fsp from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../lib/mod.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";
import { isStoreError } from "../../lib/errors.ts";
import type { Stores } from "../../lib/stores.ts";
import type { StorageScope } from "../../lib/model.ts";
import { Baseline } from "./baseline.ts";
import { breakdown, cellRow, compare, describe, type Cell, type CompareOptions, type Pair } from "./compare.ts";
import { rate, ratio, rng, table, throughput } from "./measure.ts";
import { CountingFs, fsInfo } from "./probe.ts";
import { buildUsers, loginScale, newUser, type BuildMode, type DataSet } from "./login-scale.ts";

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = env("BENCH_SECONDS", 2);
const ROUNDS = env("BENCH_ROUNDS", 3);
const OPTS: CompareOptions = { writeRounds: ROUNDS, writeMs: SECONDS * 1000, readRounds: ROUNDS * 2 + 1, readMs: SECONDS * 200 };
const IN_FLIGHT = [1, 16];
const LOOKUPS = env("BENCH_LOOKUPS", 20_000);
const SCALE = [1_000, 100_000] as const;
/** Building the 100k set through the durable store may take this long (the limit)... */
const BUILD_LIMIT_S = 180;
/** ...and the whole bench should stay within this. */
const TOTAL_BUDGET_S = 300;
const LOGIN_RUNS = 5;
const LOGIN_WARMUP = 2_000;
const LOGIN_CHUNKS = 10;
/** Calls per breakdown: writes, reads (after their own warm-up). */
const PROFILE_WRITES = 100;
const PROFILE_READS = 1000;
const READ_WARM = 300;
const SCOPE: StorageScope = { app: "bench", bucket: "values" };
const VALUE = Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) & 0xff);

const log = (s = "") => console.log(s);

async function main(): Promise<void> {
  const t0 = performance.now();
  const base = process.env.BENCH_DIR ?? tmpdir();
  const shm = await fsp.stat("/dev/shm").then((s) => (s.isDirectory() ? "/dev/shm" : undefined), () => undefined);
  const root = await fsp.mkdtemp(join(base, "srcstore-bench-"));
  const cleanup: string[] = [root];
  try {
    log(`srcstore fs bench: Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
    log(`data dir:  ${await fsInfo(root)}`);
    if (shm) log(`tmpfs dir: ${await fsInfo(shm)}`);
    log(`each cell: median of ${OPTS.writeRounds} runs of ${OPTS.writeMs / 1000} s (writes) or ${OPTS.readRounds} runs of ` +
      `${OPTS.readMs / 1000} s (reads), store and baseline alternating, after a warm-up`);
    log();

    const cells: Cell[] = [];
    const notes: string[] = [];
    await benchUsers(root, cells, notes);
    await benchAppStorage(root, cells, notes);

    log("Throughput: store (nodeFs) vs raw baseline on the same filesystem");
    log(table(["operation", "in flight", "store ops/s", "baseline ops/s", "store/baseline"], cells.map(cellRow)));
    for (const n of notes) log(n);
    log();

    const seq = (name: string) => cells.find((c) => c.name === name && c.inFlight === 1)!.store;
    const users = { create: seq("users.create"), getByLogin: seq("users.getByLogin") };
    await benchLoginScale(root, shm, users, TOTAL_BUDGET_S - (performance.now() - t0) / 1000, cleanup);
    log();
    log(`total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    for (const d of cleanup) await fsp.rm(d, { recursive: true, force: true });
  }
}

interface UserRates {
  /** Sequential creates/s and getByLogin/s on the data dir. */
  create: number;
  getByLogin: number;
}

/** Users: where time goes, then create / get / getByLogin vs baseline. */
async function benchUsers(root: string, cells: Cell[], notes: string[]): Promise<void> {
  const prof = new CountingFs(nodeFs(join(root, "profile-users")));
  const ps = await openStore({ fs: prof.fs });
  const bCreate = await breakdown(prof, PROFILE_WRITES, (i) => ps.users.create(newUser(i)));
  const record = bCreate.dataWrites.find((w) => w.path.startsWith("users/uid/"));
  if (!record) throw new Error("no user record written during the profile");
  const bGet = await breakdown(prof, PROFILE_READS, (i) => ps.users.get(1 + (i % PROFILE_WRITES)), READ_WARM);
  const bLogin = await breakdown(prof, PROFILE_READS, (i) => ps.users.getByLogin(`user${i % PROFILE_WRITES}`), READ_WARM);
  const pb = await Baseline.open(join(root, "profile-base-users"), record.bytes);
  const bWrite = await breakdown(undefined, PROFILE_WRITES, (i) => pb.write(i));
  const bRead = await breakdown(undefined, PROFILE_READS, (i) => pb.read(i % PROFILE_WRITES), READ_WARM);
  log(`Where the time goes, per call: ${PROFILE_WRITES} sequential writes / ${PROFILE_READS} reads after a warm-up, one run ` +
    `(the table below is steadier)`);
  log(`  port calls by purpose, with their wall time (concurrent calls count once); node:fs calls underneath, each one or`);
  log(`  more thread-pool trips (readFile = open + fstat + read + close). User record ${record.path}: ${record.bytes.length} bytes`);
  for (const l of describe("users.create", bCreate, bWrite, "baseline write")) log(l);
  for (const l of describe("users.get(uid)", bGet, bRead, "baseline read")) log(l);
  for (const l of describe("users.getByLogin", bLogin, bRead, "baseline read")) log(l);
  log();

  const stores = await openStore({ fs: nodeFs(join(root, "users")) });
  const bl = await Baseline.open(join(root, "base-users"), record.bytes);
  notes.push(`users: baseline record = ${record.bytes.length} bytes (a user record as the store writes it)`);
  const pick = rng(7);
  const creates: Pair = {
    name: "users.create", write: true,
    store: (i) => stores.users.create(newUser(i)),
    base: (i) => bl.write(i),
  };
  const nUsers = () => creates.next![0];
  const baseRead = () => bl.read(Math.floor(pick() * creates.next![1]));
  for (const inFlight of IN_FLIGHT) cells.push(await compare(creates, inFlight, OPTS));
  const reads: Pair[] = [
    { name: "users.get(uid)", write: false, store: () => stores.users.get(1 + Math.floor(pick() * nUsers())), base: baseRead },
    { name: "users.getByLogin", write: false, store: () => stores.users.getByLogin(`user${Math.floor(pick() * nUsers())}`), base: baseRead },
  ];
  for (const p of reads) for (const inFlight of IN_FLIGHT) cells.push(await compare(p, inFlight, OPTS));
  await stores.close();
  await ps.close();
}

/** App storage put / putNoOverwrite / get vs baseline; skipped while the fs store is a stub. */
async function benchAppStorage(root: string, cells: Cell[], notes: string[]): Promise<void> {
  const prof = new CountingFs(nodeFs(join(root, "profile-app")));
  const ps = await openStore({ fs: prof.fs });
  try {
    await ps.appStorage.put(SCOPE, "probe", VALUE);
  } catch (e) {
    if (!isStoreError(e, "unsupported")) throw e;
    notes.push(`app storage: skipped, the fs store is not implemented yet (${e.message})`);
    return;
  }
  const bPut = await breakdown(prof, PROFILE_WRITES, (i) => ps.appStorage.put(SCOPE, `key-${i}`, VALUE));
  const record = bPut.dataWrites[0];
  if (!record) throw new Error("no app storage file written during the profile");
  const bPno = await breakdown(prof, PROFILE_WRITES, (i) => ps.appStorage.putNoOverwrite(SCOPE, `pno-${i}`, VALUE));
  const bGet = await breakdown(prof, PROFILE_READS, (i) => ps.appStorage.get(SCOPE, `key-${i % PROFILE_WRITES}`), READ_WARM);
  const pb = await Baseline.open(join(root, "profile-base-app"), record.bytes);
  const bWrite = await breakdown(undefined, PROFILE_WRITES, (i) => pb.write(i));
  const bRead = await breakdown(undefined, PROFILE_READS, (i) => pb.read(i % PROFILE_WRITES), READ_WARM);
  log(`Where the time goes, per call (same method): a ${VALUE.length}-byte value is stored as ${record.path}: ${record.bytes.length} bytes`);
  for (const l of describe("appStorage.put", bPut, bWrite, "baseline write")) log(l);
  for (const l of describe("appStorage.putNoOverwrite", bPno, bWrite, "baseline write")) log(l);
  for (const l of describe("appStorage.get", bGet, bRead, pb.parses ? "baseline read" : "baseline read (no parse)")) log(l);
  log();
  await ps.close();

  const stores: Stores = await openStore({ fs: nodeFs(join(root, "app")) });
  const bl = await Baseline.open(join(root, "base-app"), record.bytes);
  notes.push(`app storage: ${VALUE.length}-byte values, one bucket; baseline record = ${record.bytes.length} bytes` +
    (bl.parses ? "" : " (not JSON: the baseline read is readFile alone)"));
  const pick = rng(11);
  const put: Pair = {
    name: "appStorage.put", write: true,
    store: (i) => stores.appStorage.put(SCOPE, `key-${i}`, VALUE),
    base: (i) => bl.write(i),
  };
  for (const inFlight of IN_FLIGHT) cells.push(await compare(put, inFlight, OPTS));
  const pno: Pair = {
    name: "appStorage.putNoOverwrite", write: true,
    store: (i) => stores.appStorage.putNoOverwrite(SCOPE, `pno-${i}`, VALUE),
    base: (i) => bl.write(1e9 + i),
  };
  for (const inFlight of IN_FLIGHT) cells.push(await compare(pno, inFlight, OPTS));
  const [keys, baseKeys] = put.next!;
  const get: Pair = {
    name: "appStorage.get", write: false,
    store: () => stores.appStorage.get(SCOPE, `key-${Math.floor(pick() * keys)}`),
    base: () => bl.read(Math.floor(pick() * baseKeys)),
  };
  for (const inFlight of IN_FLIGHT) cells.push(await compare(get, inFlight, OPTS));
  await stores.close();
}

/**
 * get-by-login at 1k and 100k users. Both data sets are built the same way, through the store: on the
 * data dir if 100k creates fit BUILD_LIMIT_S, else on tmpfs if they fit what is left of the total
 * budget, else on the memory adapter with the files then copied verbatim to tmpfs.
 */
async function benchLoginScale(root: string, shm: string | undefined, rates: UserRates, leftS: number, cleanup: string[]): Promise<void> {
  const [small, large] = SCALE;
  const fmt = (n: number) => n.toLocaleString("en-US");
  log(`get-by-login at ${fmt(small)} vs ${fmt(large)} users`);
  const lookupsS = (2 * LOGIN_RUNS * (LOOKUPS + LOGIN_WARMUP)) / rates.getByLogin;
  const buildLeftS = Math.max(0, leftS - lookupsS);
  const est = (perSec: number) => (small + large) / perSec;
  log(`  building ${fmt(small)} + ${fmt(large)} users through the store on the data dir: ${rate(rates.create)} creates/s measured -> ~${est(rates.create).toFixed(0)} s (limit ${BUILD_LIMIT_S} s)`);
  let medium = root;
  let mode: BuildMode = "store";
  const forced = process.env.BENCH_BUILD as BuildMode | undefined;
  if (forced !== "store" && (forced === "memory-copy" || est(rates.create) > BUILD_LIMIT_S)) {
    medium = await fsp.mkdtemp(join(shm ?? root, "srcstore-bench-login-"));
    cleanup.push(medium);
    const probeDir = join(medium, "probe");
    const probe = await openStore({ fs: nodeFs(probeDir) });
    const r = await throughput((i) => probe.users.create(newUser(i)), { inFlight: 1, minMs: 1000, minOps: 20 });
    await probe.close();
    await fsp.rm(probeDir, { recursive: true, force: true });
    log(`  on ${shm ? "tmpfs" : "the data dir"}: ${rate(r.perSec)} creates/s measured -> ~${est(r.perSec).toFixed(0)} s ` +
      `(left of the ${TOTAL_BUDGET_S} s budget after ~${lookupsS.toFixed(0)} s of lookups: ${buildLeftS.toFixed(0)} s)`);
    mode = forced === "memory-copy" || est(r.perSec) > Math.min(BUILD_LIMIT_S, buildLeftS) ? "memory-copy" : "store";
  }
  log(mode === "store"
    ? `  building both data sets through the store on nodeFs in ${medium}`
    : `  too slow: building both data sets through the store on the memory adapter, then copying its files ` +
      `verbatim to ${medium} (BENCH_BUILD=store builds them on nodeFs there instead)`);
  const dataSet = (n: number) => ({ dir: join(medium, `users-${n}`), users: n });
  const sets: [DataSet, DataSet] = [dataSet(small), dataSet(large)];
  for (const s of sets) {
    const ms = await buildUsers(s.dir, s.users, mode);
    log(`  built ${fmt(s.users)} users in ${(ms / 1000).toFixed(1)} s`);
  }
  log(`  lookups through nodeFs on ${await fsInfo(medium)}`);
  const r = await loginScale(sets, { lookups: LOOKUPS, warmup: LOGIN_WARMUP, runs: LOGIN_RUNS, chunks: LOGIN_CHUNKS });
  log(`  per run: ${fmt(LOOKUPS)} random existing logins on each set, sequential, after a ${fmt(LOGIN_WARMUP)}-lookup ` +
    `warm-up of each, the two sets interleaved in ${LOGIN_CHUNKS} slices; median of ${LOGIN_RUNS} runs`);
  log(`  runs 1k:   ${r.runsSmall.map(rate).join(", ")} ops/s`);
  log(`  runs 100k: ${r.runsLarge.map(rate).join(", ")} ops/s`);
  log(`  per-run ratios: ${r.runsSmall.map((x, i) => ratio(x / r.runsLarge[i]!)).join(", ")}`);
  log(`get-by-login 1k: ${rate(r.small)} ops/s, 100k: ${rate(r.large)} ops/s, ratio ${ratio(r.small / r.large)} (target <= 1.3)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
