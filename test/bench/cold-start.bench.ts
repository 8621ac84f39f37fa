/**
 * Cold start (`npm run bench:cold`), issue 5 section 4: the time a FRESH process takes to import the
 * main entry (lib/mod.ts) with the scenario's adapter, open a store and get a first answer, on Node
 * and on Deno, and whether it loaded the AWS SDK. Each figure is the median of N fresh processes
 * (COLD_N, default 7) after one warm-up process per cell, so disk caches (the OS page cache, tsx's
 * transpile cache, Deno's DENO_DIR) are warm and the figures are the runtime's, not the disk's.
 *
 * Scenarios (test/bench/cold-start-child.ts):
 * - fs: openStore on a data dir (node-fs on Node, deno-fs on Deno), users.get of a user made here;
 * - pgsql: connectPostgres from PG* (pgServer(), migrated once here with migrateUp), openStore,
 *   users.get;
 * - graph-folder / graph-s3: lib/mod.ts, lib/graph/mod.ts and graph-root imported; openBlobRoot on a
 *   folder root / on an s3:// root against s3rver in this process (the child gets only env), then
 *   openGraphStore and units() of a commit imported here from the srclib fixtures;
 * - noop: the child with nothing imported: the runtime and (on Node) tsx, for reference.
 *
 * Timestamps: this process reads performance.timeOrigin + now() right before spawn; the child reads
 * the same wall-based clock at its first statement and after each step. "start" is the spawn.
 * On Node the child runs under `node --import tsx`: tsx registers its loader (a hooks thread,
 * esbuild) before the child's first statement, which is the "ready" column; `node -e 0` is plain
 * Node's own start for reference. tsx also transpiles every .ts module of lib/ on load (from its
 * disk cache after the warm-up), so Node's import figures include tsx's per-module cost, which a
 * build to .js would not pay.
 *
 * AWS SDK: the child counts @aws-sdk modules in the CommonJS module cache (createRequire().cache),
 * filled on both runtimes when the SDK loads (its packages are CommonJS); the graph-s3 row shows the
 * count sees it. Besides, each scenario runs once more under the guard of test/blob-lazy-aws.test.ts
 * that makes loading the SDK fail: on Node a resolve hook (test/support/deny-aws-register.mjs), on
 * Deno an import map (test/support/deny-aws-import-map.json) sending the SDK to a throwing module.
 * Every scenario but graph-s3 must still answer under it; graph-s3 must hit it.
 *
 * For a Node figure without tsx, the same child also runs on plain `node` as JavaScript (esbuild, as
 * tsx uses it, strips its types) importing the built dist/lib/*.js of `npm run build`, when dist/
 * exists (not rebuilt here: build first for figures of the current sources).
 *
 * Settings (environment): COLD_N (timed processes per cell, default 7); COLD_RUNTIMES (any of
 * "node", "node-dist", "deno"; default all three). Prints, never asserts on time.
 */
import { execFile, type ExecFileOptions } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../lib/mod.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";
import { connectPostgres } from "../../lib/adapters/postgres.ts";
import { migrateUp } from "../../lib/adapters/pg-migrate.ts";
import { openBlobRoot } from "../../lib/adapters/graph-root.ts";
import { openGraphStore } from "../../lib/graph/mod.ts";
import { srclibDir } from "../../lib/adapters/srclib-dir.ts";
import { pgServer, type PgServer } from "../support/pg-server.ts";
import { s3Server, type S3Server } from "../support/s3-server.ts";
import { repoRoot } from "../support/spawn.ts";
import { median, table } from "./measure.ts";

const N = Math.max(1, Number(process.env.COLD_N ?? 7));
const RUNTIMES = (process.env.COLD_RUNTIMES ?? "node,node-dist,deno").split(",").map((s) => s.trim());
const CHILD = join(repoRoot, "test", "bench", "cold-start-child.ts");
const DENO = join(repoRoot, "node_modules", ".bin", "deno");
const REPO = "github.com/srcstore/cold";
const COMMIT = "c".repeat(40);

const clock = () => performance.timeOrigin + performance.now();
const log = (s = "") => console.log(s);

interface ChildOut {
  scenario?: string;
  first: number;
  imported: number;
  opened: number;
  answered: number;
  read?: string;
  aws: number;
  error?: string;
}
interface Run {
  out: ChildOut;
  spawnAt: number;
  exitAt: number;
}

/** "node-dist": plain node (no tsx) on the child transpiled to .mjs importing the built dist/lib/*.js. */
type Runtime = "node" | "node-dist" | "deno";

/** Set by distChild(): the .mjs child for "node-dist". */
let DIST_CHILD = "";

function argv(rt: Runtime, scenario: string, guard: boolean): [string, string[]] {
  if (rt === "node-dist") return [process.execPath, [...(guard ? ["--import", "./test/support/deny-aws-register.mjs"] : []), DIST_CHILD, scenario]];
  if (rt === "node") return [process.execPath, ["--import", "tsx", ...(guard ? ["--import", "./test/support/deny-aws-register.mjs"] : []), CHILD, scenario]];
  return [DENO, ["run", "-A", "--quiet", ...(guard ? ["--import-map=test/support/deny-aws-import-map.json"] : []), CHILD, scenario]];
}

/** Runs cmd, resolving with the spawn and exit times and stdout (rejects on a failed start only). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ spawnAt: number; exitAt: number; stdout: string; stderr: string; ok: boolean }> {
  const opts: ExecFileOptions = { cwd: repoRoot, env, timeout: 120_000 };
  return new Promise((resolve) => {
    const spawnAt = clock();
    execFile(cmd, args, opts, (err, stdout, stderr) => {
      resolve({ spawnAt, exitAt: clock(), stdout: String(stdout), stderr: String(stderr), ok: !err });
    });
  });
}

async function runChild(rt: Runtime, scenario: string, env: NodeJS.ProcessEnv, guard = false): Promise<Run> {
  const [cmd, args] = argv(rt, scenario, guard);
  const r = await run(cmd, args, env);
  const line = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (!line) throw new Error(`${rt} ${scenario}: no output\n${r.stdout}\n${r.stderr}`);
  return { out: JSON.parse(line) as ChildOut, spawnAt: r.spawnAt, exitAt: r.exitAt };
}

const ms = (x: number) => x.toFixed(0);

/**
 * One warm-up process per scenario, then N rounds of one process per scenario (interleaved, so a
 * slow spell of the machine spreads over every scenario); a scenario's first error fails its cell.
 */
async function cells(rt: Runtime, scenarios: { name: string; env: NodeJS.ProcessEnv }[]): Promise<(Run[] | string)[]> {
  const res: (Run[] | string)[] = [];
  for (const s of scenarios) {
    const warm = await runChild(rt, s.name, s.env);
    res.push(warm.out.error ?? []);
  }
  for (let i = 0; i < N; i++) {
    for (const [k, s] of scenarios.entries()) {
      const cur = res[k]!;
      if (typeof cur === "string") continue;
      const r = await runChild(rt, s.name, s.env);
      if (r.out.error) res[k] = r.out.error;
      else cur.push(r);
    }
  }
  return res;
}

const HEAD = ["scenario", "ready", "imported", "opened", "answered", "exit", "import only", "read", "aws mods", "SDK denied"];

function row(scenario: string, runs: Run[] | string, guarded: string): string[] {
  if (typeof runs === "string") return [scenario, "FAILED", "", "", "", "", "", runs.slice(0, 80), "", guarded];
  const med = (f: (r: Run) => number) => ms(median(runs.map(f)));
  const has = scenario !== "noop";
  return [
    scenario,
    med((r) => r.out.first - r.spawnAt),
    has ? med((r) => r.out.imported - r.spawnAt) : "-",
    has ? med((r) => r.out.opened - r.spawnAt) : "-",
    has ? med((r) => r.out.answered - r.spawnAt) : "-",
    med((r) => r.exitAt - r.spawnAt),
    has ? med((r) => r.out.imported - r.out.first) : "-",
    runs[0]!.out.read || "-",
    String(Math.max(...runs.map((r) => r.out.aws))),
    guarded,
  ];
}

/** The scenario once under the SDK guard: "answered" or "refused: <why>". */
async function guardedRun(rt: Runtime, scenario: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const r = await runChild(rt, scenario, env, true);
    if (!r.out.error) return `answered (${r.out.aws})`;
    return /deny-aws/.test(r.out.error) ? "hit the guard" : `error: ${r.out.error.slice(0, 60)}`;
  } catch (e) {
    return `error: ${(e as Error).message.split("\n")[0]!.slice(0, 60)}`;
  }
}

/**
 * The child as plain JavaScript for `node` without tsx: transpiled with esbuild (tsx's own), its
 * "../../lib/x.ts" imports pointed at dist/lib/x.js (the build of \`npm run build\`, used as it is).
 * Undefined when there is no build.
 */
async function distChild(dir: string): Promise<string | undefined> {
  const distLib = join(repoRoot, "dist", "lib");
  if (!existsSync(join(distLib, "mod.js"))) return undefined;
  const req = createRequire(createRequire(import.meta.url).resolve("tsx"));
  const esbuild = req("esbuild") as { transformSync(src: string, o: { loader: "ts"; format: "esm" }): { code: string } };
  const js = esbuild.transformSync(await readFile(CHILD, "utf8"), { loader: "ts", format: "esm" }).code
    .replace(/(["'])\.\.\/\.\.\/lib\/([^"']+)\.ts\1/g, (_m, q: string, p: string) => `${q}${pathToFileURL(join(distLib, `${p}.js`)).href}${q}`);
  if (/\.\.\/\.\.\/lib\//.test(js)) throw new Error("cold-start: some child import was not pointed at dist/");
  const file = join(dir, "cold-start-child.mjs");
  await writeFile(file, js);
  return file;
}

/** When dist/ was built, and how many lib/ sources are newer than it. */
function distBuilt(): string {
  const at = statSync(join(repoRoot, "dist", "lib", "mod.js")).mtimeMs;
  const lib = join(repoRoot, "lib");
  const newer = readdirSync(lib, { recursive: true }).map(String).filter((f) => f.endsWith(".ts") && statSync(join(lib, f)).mtimeMs > at);
  return `${new Date(at).toISOString()}, ${newer.length ? `${newer.length} lib/ sources newer (${newer.slice(0, 3).join(", ")}${newer.length > 3 ? ", ..." : ""})` : "no lib/ source newer"}`;
}

async function version(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args, process.env);
  return r.stdout.trim().split("\n")[0] ?? "?";
}

async function main(): Promise<void> {
  const cleanup: (() => Promise<void>)[] = [];
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true"; // the s3 setup here loads the SDK on Node 20
  try {
    log(`srcstore cold-start bench: ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
    log(`node ${process.version} (child: node --import tsx), ${RUNTIMES.includes("deno") ? await version(DENO, ["--version"]) : "deno skipped"} (child: deno run -A)`);
    log(`N=${N} fresh processes per cell (medians), after 1 warm-up process per cell`);

    // The data the children read, made once here.
    const tmp = await mkdtemp(join(tmpdir(), "srcstore-cold-"));
    cleanup.push(() => rm(tmp, { recursive: true, force: true }));
    const fsDir = join(tmp, "store");
    await mkdir(fsDir);
    const fsStores = await openStore({ fs: nodeFs(fsDir) });
    const fsUid = (await fsStores.users.create({ login: "cold-fs" })).uid;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      NO_COLOR: "1",
      COLD_DIR: fsDir,
      COLD_UID: String(fsUid),
      COLD_REPO: REPO,
      COLD_COMMIT: COMMIT,
    };
    const scenarios: { name: string; env: NodeJS.ProcessEnv }[] = [{ name: "noop", env }, { name: "fs", env }];

    let pg: PgServer | undefined;
    try {
      pg = await pgServer();
      cleanup.push(() => pg!.stop());
      await migrateUp({ env: pg.env });
      const sql = connectPostgres({ env: pg.env });
      try {
        const uid = (await (await openStore({ localStore: "pgsql", sql })).users.create({ login: `cold-pg-${process.pid}` })).uid;
        scenarios.push({ name: "pgsql", env: { ...env, ...pg.env, COLD_UID: String(uid) } });
      } finally {
        await sql.close();
      }
      log(`pgsql: ${pg.describe}`);
    } catch (e) {
      log(`pgsql: UNAVAILABLE, skipped: ${(e as Error).message.split("\n")[0]}`);
    }

    const fixtures = join(repoRoot, "test", "fixtures", "srclib");
    const graphDir = join(tmp, "graph");
    await mkdir(graphDir);
    const folder = await openBlobRoot(graphDir);
    const summary = await (await openGraphStore(folder)).import({ repo: REPO, commit: COMMIT, files: srclibDir(fixtures) });
    await folder.close();
    scenarios.push({ name: "graph-folder", env: { ...env, COLD_GRAPH_ROOT: graphDir } });
    log(`graph: the srclib fixtures as one commit (${summary.units} units, ${summary.objects} objects)`);

    let s3: S3Server | undefined;
    try {
      s3 = await s3Server();
      cleanup.push(() => s3!.close());
      const root = `s3://${s3.bucket}/cold`;
      const blob = await openBlobRoot(root, { env: s3.env });
      await (await openGraphStore(blob)).import({ repo: REPO, commit: COMMIT, files: srclibDir(fixtures) });
      await blob.close();
      scenarios.push({ name: "graph-s3", env: { ...env, ...s3.env, AWS_MAX_ATTEMPTS: "1", COLD_GRAPH_ROOT: root } });
      log(`s3: s3rver in this process at ${s3.endpoint}, root ${root}`);
    } catch (e) {
      log(`s3: UNAVAILABLE, skipped: ${(e as Error).message.split("\n")[0]}`);
    }
    log();

    DIST_CHILD = (await distChild(tmp)) ?? "";
    const medians: Partial<Record<Runtime, Record<string, { ready: number; importOnly: number }>>> = {};
    for (const rt of RUNTIMES as Runtime[]) {
      if (rt === "node-dist" && !DIST_CHILD) {
        log("Node on the built dist/ (no tsx): skipped, no dist/lib/mod.js (npm run build)");
        log();
        continue;
      }
      const rows: string[][] = [];
      const all = await cells(rt, scenarios);
      for (const [k, s] of scenarios.entries()) {
        const guarded = s.name === "noop" ? "-" : await guardedRun(rt, s.name, s.env);
        rows.push(row(s.name, all[k]!, guarded));
        const runs = all[k]!;
        if (typeof runs !== "string") (medians[rt] ??= {})[s.name] = { ready: median(runs.map((r) => r.out.first - r.spawnAt)), importOnly: median(runs.map((r) => r.out.imported - r.out.first)) };
      }
      log({
        node: "Node (node --import tsx child.ts, lib/*.ts): median ms from spawn",
        "node-dist": "Node on the built dist/ (plain node child.mjs, dist/lib/*.js as built by npm run build, no tsx): median ms from spawn",
        deno: "Deno (deno run -A child.ts, lib/*.ts): median ms from spawn",
      }[rt]);
      log(table(HEAD, rows));
      log();
    }
    // Plain Node, for reference: no tsx, no file (after the tables, on a quiet machine).
    const plain: number[] = [], plainReady: number[] = [];
    for (let i = 0; i <= N; i++) {
      const a = await run(process.execPath, ["-e", "0"], env);
      const b = await run(process.execPath, ["-e", "console.log(performance.timeOrigin + performance.now())"], env);
      if (i === 0) continue; // warm-up
      plain.push(a.exitAt - a.spawnAt);
      plainReady.push(Number(b.stdout.trim()) - b.spawnAt);
    }
    log(`plain node, no tsx: \`node -e 0\` spawn to exit ${ms(median(plain))} ms; first statement of \`node -e\` at ${ms(median(plainReady))} ms`);
    const t = medians.node, d = medians["node-dist"];
    if (t && d) {
      const extra = Object.keys(t).filter((k) => k !== "noop" && d[k]).map((k) => `${k} +${ms(t[k]!.importOnly - d[k]!.importOnly)}`);
      log(`tsx's share on Node (tsx child minus plain-node dist child, medians): start ${t.noop && d.noop ? `+${ms(t.noop.ready - d.noop.ready)}` : "?"} ms ` +
        `(its loader, before the child's first statement); import only: ${extra.join(", ")} ms (transpiled .ts through its hooks vs built .js)`);
      log(`dist/lib/mod.js built ${distBuilt()}; figures on it are for that build`);
      log();
    }
    log("ready: the child's first statement (runtime start, plus tsx's loader on Node); imported: lib/mod.ts and the");
    log("scenario's adapter evaluated (graph rows: also lib/graph/mod.ts and graph-root); opened: the store open");
    log("(pgsql: first connection and schema check; graph: root check); answered: first read done; exit: the parent sees");
    log("the process end; import only: imported - ready. aws mods: max @aws-sdk modules in the CommonJS cache at the end.");
    log("SDK denied: one more run under test/blob-lazy-aws.test.ts's guard (Node resolve hook, Deno import map) that");
    log("makes loading @aws-sdk fail: \"answered (n)\" = worked without the SDK, \"hit the guard\" = needed it.");
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
