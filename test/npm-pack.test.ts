/**
 * The npm package (issue 5, part 1): `npm pack` (its prepack builds dist/ with tsc) gives a tarball a
 * fresh Node project installs from the npm cache and uses with plain Node, no tsx and no TypeScript:
 * "srcstore" + "srcstore/adapters/node-fs" open an fs store, "srcstore/edge" a memory one, "srcstore/migrate" migrates a PostgreSQL
 * database and "srcstore" opens a pgsql store on it, `npx src --help` runs from node_modules/.bin, and a
 * consumer .ts typechecks against the packaged .d.ts. The script runs under a hook refusing @aws-sdk
 * (test/support/deny-aws-register.mjs): only its s3:// root needs the SDK. Node only: Deno uses the .ts sources (deno.json).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import { repoRoot } from "./support/spawn.ts";
import { pgServer, pgUrl, type PgServer } from "./support/pg-server.ts";
import { withAdmin } from "./support/pg-admin.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000, ...opts });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  assert.is(r.status, 0, `${cmd} ${args.join(" ")} (exit ${r.status}${r.error ? `, ${r.error.message}` : ""}):\n${out.slice(-4000)}`);
  return String(r.stdout ?? "");
}

// The consumer's environment: no tsx loader, no TypeScript on the way. Its install prefers the npm cache
// (filled by the repo's own install); --prefer-offline rather than --offline because `npm ci` caches
// tarballs but not the registry metadata a range needs.
const env = { ...process.env, NODE_OPTIONS: "", NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

const consumerScript = `
import { openStore } from "srcstore";
import { nodeFs } from "srcstore/adapters/node-fs";
import { connectPostgres } from "srcstore/adapters/postgres";
import { migrateUp } from "srcstore/migrate";
import * as edge from "srcstore/edge";
import { openBlobRoot } from "srcstore/adapters/graph-root";
import { openGraphStore } from "srcstore/graph";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "srcstore-consumer-"));
try {
  const fs = await openStore({ fs: nodeFs(dir) });
  const alice = await fs.users.create({ login: "alice", name: "Alice" });
  console.log("fs", (await fs.users.getByLogin("alice")).name, alice.uid);
  await fs.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const applied = await migrateUp({ databaseUrl: process.env.DATABASE_URL });
console.log("migrated", applied.length);
const sql = connectPostgres();
const pg = await openStore({ localStore: "pgsql", sql });
const bob = await pg.users.create({ login: "bob", name: "Bob" });
console.log("pgsql", (await pg.users.get(bob.uid)).login, bob.uid);
await pg.close();
await sql.close();

const mem = await edge.openStore({ fs: edge.memoryFs() });
console.log("edge", (await mem.users.create({ login: "carol" })).login);
await mem.close();

const gdir = mkdtempSync(join(tmpdir(), "srcstore-consumer-graph-"));
try {
  const graph = await openGraphStore(await openBlobRoot(gdir));
  console.log("graph", (await graph.commits()).length);
  await graph.close();
} finally {
  rmSync(gdir, { recursive: true, force: true });
}
// Run under a hook refusing @aws-sdk: everything above worked without it, and an s3:// root needs it.
await openBlobRoot("s3://some-bucket/graph").catch((e) => console.log("s3", e.code, /cannot load @aws-sdk/.test(e.message)));
`;

const consumerTs = `
import { openStore, isStoreError, type Stores, type User } from "srcstore";
import { nodeFs } from "srcstore/adapters/node-fs";
import { migrateUp, type MigrationStatus } from "srcstore/migrate";

export async function firstUser(dir: string): Promise<User> {
  const stores: Stores = await openStore({ fs: nodeFs(dir) });
  try {
    return await stores.users.create({ login: "alice" });
  } catch (e) {
    if (isStoreError(e, "already_exists")) return stores.users.getByLogin("alice");
    throw e;
  }
}
export const up: (o: { databaseUrl: string }) => Promise<string[]> = migrateUp;
export type S = MigrationStatus["pending"];
// @ts-expect-error: the types are real, not any
export const wrong: number = openStore;
`;

if (isDeno) {
  console.log("# npm-pack: skipped on Deno (it tests the npm package on Node; Deno imports the .ts sources through deno.json)");
  test.skip("npm pack, install and use on Node (skipped on Deno)", () => {});
} else {
  let work = "";
  let server: PgServer | undefined;
  let dbName = "";

  test.before(async () => {
    work = mkdtempSync(join(tmpdir(), "srcstore-npm-pack-"));
    server = await pgServer();
    dbName = `pack_${randomBytes(6).toString("hex")}`;
    await withAdmin(server, (sql) => sql.unsafe(`CREATE DATABASE ${dbName}`));
  });

  test.after(async () => {
    if (server && dbName) await withAdmin(server, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("npm pack builds dist/ and ships only dist, cli/bin.js, migrations and the README; a fresh project installs it and uses it with plain Node", () => {
    const t0 = performance.now();
    // prepack runs `npm run build` (tsc -p tsconfig.build.json) before packing.
    const packOut = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: repoRoot, env });
    const packed = JSON.parse(packOut.slice(packOut.search(/^\[/m)))[0] as {
      filename: string; size: number; unpackedSize: number; files: { path: string }[];
    };
    const paths = packed.files.map((f) => f.path);
    const stray = paths.filter((p) => !/^(dist\/lib\/.+\.(js|d\.ts)|dist\/cli\/.+\.js|cli\/bin\.js|migrations\/.+\.sql|README\.md|package\.json|LICENSE)$/.test(p));
    assert.equal(stray, [], "unexpected files in the package");
    for (const p of ["dist/lib/mod.js", "dist/lib/mod.d.ts", "dist/cli/src.js", "cli/bin.js", "README.md"]) assert.ok(paths.includes(p), p);
    assert.ok(paths.some((p) => p.startsWith("migrations/")), "migrations/");
    const tarball = join(work, packed.filename);
    console.log(`# npm pack: ${packed.filename}, ${paths.length} files, ${(packed.size / 1024).toFixed(1)} KB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked`);

    const app = join(work, "app");
    run("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball, "@types/node@~20.19.0"], { cwd: app, env });
    const installed = readdirSync(join(app, "node_modules"));
    for (const dev of ["tsx", "typescript", "esbuild"]) assert.not.ok(installed.includes(dev), `${dev} installed in the consumer`);

    writeFileSync(join(app, "use.mjs"), consumerScript);
    const denyAws = join(repoRoot, "test", "support", "deny-aws-register.mjs");
    const out = run(process.execPath, ["--import", pathToFileURL(denyAws).href, "use.mjs"], { cwd: app, env: { ...env, ...server!.env, PGDATABASE: dbName, DATABASE_URL: pgUrl({ ...server!.env, PGDATABASE: dbName }) } });
    assert.match(out, /^fs Alice 1$/m);
    assert.match(out, /^migrated [1-9]\d*$/m);
    assert.match(out, /^pgsql bob 1$/m);
    assert.match(out, /^edge carol$/m);
    assert.match(out, /^graph 0$/m);
    assert.match(out, /^s3 unavailable true$/m, "the s3:// root hit the @aws-sdk guard");

    const help = run("npx", ["--offline", "--no-install", "src", "--help"], { cwd: app, env });
    for (const c of ["user add", "user list", "pgsql create"]) assert.ok(help.includes(c), `src --help lists ${c}`);
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    assert.ok(run("npx", ["--offline", "--no-install", "src", "--version"], { cwd: app, env }).includes(version), "src --version");
    const sgpath = join(work, "sgpath");
    run("npx", ["--offline", "--no-install", "src", "user", "add", "carol", "--email", "carol@example.com"], { cwd: app, env: { ...env, SGPATH: sgpath } });
    assert.match(run("npx", ["--offline", "--no-install", "src", "user", "list"], { cwd: app, env: { ...env, SGPATH: sgpath } }), /carol/);

    writeFileSync(join(app, "consumer.ts"), consumerTs);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"], skipLibCheck: false },
      include: ["consumer.ts"],
    }));
    run(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: app, env });
    console.log(`# npm-pack: pack, install, fs + pgsql script, npx src, consumer typecheck in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });

  test("dist/ is git-ignored and built from lib/ and cli/ only", () => {
    assert.ok(existsSync(join(repoRoot, "dist", "lib", "mod.js")) && statSync(join(repoRoot, "dist")).isDirectory());
    const r = spawnSync("git", ["check-ignore", "-q", "dist/lib/mod.js"], { cwd: repoRoot });
    if (r.status !== null && !r.error) assert.is(r.status, 0, "dist/ must be in .gitignore");
    assert.not.ok(existsSync(join(repoRoot, "dist", "test")), "tests are not built");
  });
}

test.run();
