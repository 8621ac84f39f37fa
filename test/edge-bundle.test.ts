/**
 * The edge entry (lib/edge.ts) bundles for runtimes without Node: esbuild (tsx's copy in node_modules),
 * browser and neutral platforms, ESM, minified, code splitting, `postgres` external (the caller brings
 * it). The core is the entry plus the chunks it imports statically; what only dynamic imports reach is
 * the on-demand S3 part (s3-blob.ts and the AWS SDK). Fails when the core imports a Node built-in or
 * is 60 KB gzipped or more, when the S3 part imports one under browser conditions (where the SDK's
 * browser build and its polyfill packages apply), and when postgres.js under workerd conditions needs
 * a built-in beyond node:buffer, node:events, node:stream. Prints the sizes as `# ` lines.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { builtinModules } from "node:module";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import type * as Esbuild from "esbuild";
import { repoRoot } from "./support/spawn.ts";
import { isStoreError, memoryFs, openStore } from "../lib/edge.ts";

const CORE_BUDGET_GZ = 60 * 1024;
const ALLOWED_FOR_POSTGRES = new Set(["buffer", "events", "stream"]);
const builtins = new Set(builtinModules.filter((n) => !n.startsWith("_")));
const isBuiltin = (p: string): boolean => p.startsWith("node:") || builtins.has(p.split("/")[0]!);

let loaded: Promise<typeof Esbuild> | undefined;
const esbuild = () => (loaded ??= import("esbuild").then((m) => ((m as unknown as { default?: typeof Esbuild }).default ?? m) as typeof Esbuild));

/**
 * Node built-ins become externals so they show in the metafile instead of failing the build. A bare
 * name that a package imports and the bundler resolves (lib-storage's "buffer", "events", "stream" -> stream-browserify in the
 * browser; readable-stream's "util": false) is an npm polyfill or an empty module, not a built-in.
 */
const builtinsExternal: Esbuild.Plugin = {
  name: "builtins-external",
  setup(b) {
    b.onResolve({ filter: /^[a-z:_]/ }, async (a) => {
      if (a.pluginData === "probe" || !isBuiltin(a.path) || a.path.startsWith("cloudflare:")) return undefined;
      // Our own code gets no polyfill benefit of the doubt: a bare "buffer" from lib/ is a built-in.
      if (!a.path.startsWith("node:") && a.importer.includes("/node_modules/")) {
        const r = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: "probe" });
        if (r.errors.length === 0 && !r.external) return undefined; // a package, or a "browser" map's false
      }
      return { path: a.path, external: true };
    });
  },
};

interface Part {
  files: string[];
  min: number;
  gz: number;
  builtins: string[];
}

/** What every edge build here shares: ESM, minified, in memory, `postgres` left to the caller. */
function edgeOptions(platform: "browser" | "neutral"): Esbuild.BuildOptions {
  return {
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    format: "esm",
    minify: true,
    metafile: true,
    logLevel: "silent",
    platform,
    external: ["postgres", "cloudflare:*"],
    plugins: [builtinsExternal],
    ...(platform === "browser" ? { conditions: ["worker", "browser"] } : { mainFields: ["module", "main"], conditions: ["worker"] }),
  };
}

/** The Node built-ins the given outputs import, sorted. */
function builtinsIn(outputs: Esbuild.Metafile["outputs"][string][]): string[] {
  return [...new Set(outputs.flatMap((o) => o.imports.filter((i) => i.external && isBuiltin(i.path)).map((i) => i.path)))].sort();
}

async function bundle(platform: "browser" | "neutral", extra: Partial<Esbuild.BuildOptions> = {}) {
  const r = await (await esbuild()).build({
    ...edgeOptions(platform),
    entryPoints: [join(repoRoot, "lib", "edge.ts")],
    outdir: "edge-out",
    splitting: true,
    ...extra,
  });
  const outs = r.metafile!.outputs;
  const entry = Object.keys(outs).find((k) => outs[k]!.entryPoint === "lib/edge.ts")!;
  const core = new Set<string>();
  const visit = (k: string) => {
    if (core.has(k)) return;
    core.add(k);
    for (const i of outs[k]!.imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(entry);
  const bytes = new Map(r.outputFiles!.map((f) => [f.path.slice(repoRoot.length + 1), f.contents]));
  const part = (files: string[]): Part => ({
    files,
    min: files.reduce((n, k) => n + bytes.get(k)!.length, 0),
    gz: files.reduce((n, k) => n + gzipSync(bytes.get(k)!, { level: 9 }).length, 0),
    builtins: builtinsIn(files.map((k) => outs[k]!)),
  });
  return { core: part([...core]), s3: part(Object.keys(outs).filter((k) => !core.has(k))), warnings: r.warnings };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
// Each test's first note starts on a fresh line: uvu prints its progress marks without a newline.
const report = (label: string, p: Part) =>
  console.log(`\n# ${label}: ${kb(p.min)} minified, ${kb(p.gz)} gzipped (${p.files.length} files)${p.builtins.length ? `; built-ins: ${p.builtins.join(", ")}` : ""}`);

for (const platform of ["browser", "neutral"] as const) {
  test(`edge entry bundles for ${platform}: core free of Node built-ins and under budget, S3 on demand`, async () => {
    const { core, s3 } = await bundle(platform);
    report(`${platform} core (edge.ts, no S3)`, core);
    report(`${platform} S3 part (on demand)`, s3);
    console.log(`# ${platform} core + S3: ${kb(core.min + s3.min)} minified, ${kb(core.gz + s3.gz)} gzipped`);
    assert.equal(core.builtins, [], `Node built-ins in the ${platform} core`);
    assert.ok(core.gz < CORE_BUDGET_GZ, `${platform} core is ${kb(core.gz)} gzipped, budget ${kb(CORE_BUDGET_GZ)}`);
    assert.ok(s3.files.some((f) => /s3-blob/.test(f)), "s3-blob.ts is a chunk of its own, loaded by dynamic import");
    assert.ok(!core.files.some((f) => /s3-blob|dist-es/.test(f)), `the core holds no S3 module: ${core.files.join(", ")}`);
    // Off the browser platform esbuild ignores package.json "browser" maps, so the SDK resolves to its
    // Node build (credential files, node:http...): recorded, not a failure; edge bundlers use browser.
    if (platform === "browser") assert.equal(s3.builtins, [], "Node built-ins in the S3 part under browser conditions");
  });
}

test("with postgres.js (workerd, worker, browser): only node:buffer, node:events, node:stream", async () => {
  const src = `import postgres from "postgres";
    import { fromPostgres, openStore } from "./lib/edge.ts";
    export default (url: string) => openStore({ localStore: "pgsql", sql: fromPostgres(postgres(url)) });`;
  const r = await (await esbuild()).build({
    ...edgeOptions("neutral"),
    stdin: { contents: src, loader: "ts", resolveDir: repoRoot, sourcefile: "pg-edge.ts" },
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"], // postgres.js bundled this time
  });
  const out = r.outputFiles![0]!.contents;
  const inputs = Object.keys(r.metafile!.inputs);
  assert.ok(inputs.some((k) => k.includes("node_modules/postgres/cf/")), "postgres.js's Cloudflare build is bundled");
  const used = builtinsIn(Object.values(r.metafile!.outputs));
  console.log(`\n# with postgres.js (workerd): ${kb(out.length)} minified, ${kb(gzipSync(out, { level: 9 }).length)} gzipped; built-ins: ${used.join(", ") || "none"}`);
  assert.equal(used.filter((p) => !ALLOWED_FOR_POSTGRES.has(p.replace(/^node:/, ""))), [], "built-ins beyond node:buffer, node:events, node:stream");
});

test("srcstore/serve with the edge stores bundles without Node built-ins (browser and neutral), and answers", async () => {
  const src = `import { createHandler } from "./lib/serve/mod.ts";
    import { memoryBlob, memoryFs, openGraphStore, openStore } from "./lib/edge.ts";
    export default async () => createHandler({ stores: async () => openStore({ fs: memoryFs() }), graph: async () => openGraphStore(memoryBlob()) });`;
  for (const platform of ["browser", "neutral"] as const) {
    const r = await (await esbuild()).build({
      ...edgeOptions(platform),
      stdin: { contents: src, loader: "ts", resolveDir: repoRoot, sourcefile: "serve-edge.ts" },
    });
    const out = r.outputFiles![0]!.contents;
    const used = builtinsIn(Object.values(r.metafile!.outputs));
    console.log(`\n# ${platform} serve handler + edge stores, no S3: ${kb(out.length)} minified, ${kb(gzipSync(out, { level: 9 }).length)} gzipped`);
    assert.equal(used, [], `${platform}: Node built-ins in the serve bundle`);
  }
  const { createHandler } = await import("../lib/serve/mod.ts");
  const { memoryBlob, openGraphStore } = await import("../lib/edge.ts");
  const stores = await openStore({ fs: memoryFs() });
  const handler = createHandler({ stores: async () => stores, graph: async () => openGraphStore(memoryBlob()) });
  const signUp = await handler(new Request("http://edge/api/accounts", { method: "POST", body: JSON.stringify({ login: "edgy", password: "correct horse battery staple" }) }));
  assert.is(signUp.status, 201, await signUp.clone().text());
  assert.is((await handler(new Request("http://edge/healthz"))).status, 200);
  await stores.close();
});

test("edge openStore: memory fs works; pgsql without `sql` is invalid_input (no environment pool)", async () => {
  const stores = await openStore({ fs: memoryFs() });
  assert.is((await stores.users.create({ login: "alice" })).login, "alice");
  const e = await openStore({ localStore: "pgsql" }).then(() => undefined, (x: unknown) => x);
  assert.ok(isStoreError(e) && e.code === "invalid_input" && e.field === "sql", String(e));
});

test.run();
