/**
 * A Deno program outside this repo, written as a JSR user writes it (`jsr:@srcstore/srcstore/...`),
 * opens an fs store through the Deno adapter, a pgsql store from PG* in its environment, and a folder
 * graph root. Its deno.json maps the jsr: names to lib/ as deno.json exports them (the module is not on
 * JSR yet) and `postgres` to npm:postgres, as JSR rewrites the bare import on publish; it sends
 * @aws-sdk/* to a module that throws, so the run also shows the SDK is not loaded without an s3:// root. (Types: deno-publish.test.ts.)
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./support/spawn.ts";
import { pgServer, type PgServer } from "./support/pg-server.ts";
import { freshDatabase } from "./support/pg-db.ts";

const json = (f: string) => JSON.parse(readFileSync(join(repoRoot, f), "utf8"));
const url = (f: string) => pathToFileURL(join(repoRoot, f)).href;

const program = `
import { openStore } from "jsr:@srcstore/srcstore";
import { denoFs } from "jsr:@srcstore/srcstore/adapters/deno-fs";
import { openBlobRoot } from "jsr:@srcstore/srcstore/adapters/graph-root";
import { openGraphStore } from "jsr:@srcstore/srcstore/graph";

const dir = await Deno.makeTempDir();
try {
  const fs = await openStore({ fs: denoFs(dir + "/store") });
  const ann = await fs.users.create({ login: "ann" });
  await fs.close();
  const again = await openStore({ fs: denoFs(dir + "/store") });
  console.log(\`fs \${(await again.users.get(ann.uid)).login}\`);
  await again.close();

  const pg = await openStore({ localStore: "pgsql" });
  const ben = await pg.users.create({ login: "ben" });
  console.log(\`pgsql \${(await pg.users.getByLogin("BEN")).uid === ben.uid}\`);
  await pg.close();

  const graph = await openGraphStore(await openBlobRoot(dir + "/graphstore"));
  console.log(\`graph \${(await graph.commits()).length} commits\`);
  await graph.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
`;

let server: PgServer;
test.before(async () => {
  server = await pgServer();
});
test.after(async () => {
  await server?.stop();
});

test("a Deno program importing jsr:@srcstore/srcstore opens fs, pgsql and a graph folder, without @aws-sdk", async () => {
  const db = await freshDatabase(server);
  const dir = mkdtempSync(join(tmpdir(), "srcstore-deno-consumer-"));
  try {
    const imports: Record<string, string> = {};
    for (const [key, source] of Object.entries(json("deno.json").exports as Record<string, string>)) {
      imports[`jsr:@srcstore/srcstore${key.slice(1)}`] = url(source);
    }
    imports.postgres = `npm:postgres@${json("package.json").dependencies.postgres}`;
    imports["@aws-sdk/client-s3"] = imports["@aws-sdk/lib-storage"] = url("test/support/deny-aws-module.mjs");
    writeFileSync(join(dir, "deno.json"), JSON.stringify({ imports }, null, 2));
    writeFileSync(join(dir, "main.ts"), program);
    const deno = join(repoRoot, "node_modules", ".bin", "deno");
    // Only what a deployment sets: the PG* variables, HOME for Deno's cache, PATH. No NODE_OPTIONS, no tsx.
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, NO_COLOR: "1", ...db.env };
    if (process.env.DENO_DIR) Object.assign(env, { DENO_DIR: process.env.DENO_DIR });
    const r = spawnSync(deno, ["run", "--allow-all", "--quiet", "main.ts"], { cwd: dir, env, encoding: "utf8", timeout: 180_000 });
    assert.is(r.status, 0, `${r.stdout}${r.stderr}`.slice(-4000));
    assert.equal(r.stdout.trim().split("\n"), ["fs ann", "pgsql true", "graph 0 commits"]);
    console.log(`# a Deno program opened fs, pgsql and a graph folder through jsr:@srcstore/srcstore (${Object.keys(imports).length - 3} entry points mapped)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test.run();
