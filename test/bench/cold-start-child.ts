/**
 * Child of test/bench/cold-start.bench.ts: one cold start, in a fresh process, of one scenario
 * (argv[2]): "noop" (the runtime and loader only), "fs", "pgsql", "graph-folder" or "graph-s3".
 * Everything of srcstore is loaded with import() after the first timestamp, so nothing of it is
 * loaded before. Prints one JSON line: epoch-ms timestamps (performance.timeOrigin + now()) of
 * `first` (this module's first statement), `imported` (lib/mod.ts and the scenario's adapter
 * evaluated), `opened` (store open) and `answered` (first read answered), what it read, and
 * `aws`: the @aws-sdk modules in the CommonJS module cache, which both Node and Deno fill when the
 * SDK loads (its packages are CommonJS; test/blob-lazy-aws.test.ts shows the count sees it).
 *
 * Settings come from the environment only: COLD_DIR (fs data dir), COLD_UID (the user to get),
 * PG* (pgsql), COLD_GRAPH_ROOT (a folder or s3:// root), COLD_REPO / COLD_COMMIT, AWS_* (s3).
 */
const clock = () => performance.timeOrigin + performance.now();
const first = clock();

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`cold-start-child: ${k} is not set`);
  return v;
};

async function main(): Promise<void> {
  const scenario = process.argv[2] ?? "noop";
  let imported = first, opened = first, answered = first;
  let read = "";
  if (scenario === "fs") {
    const mod = await import("../../lib/mod.ts");
    const fs = isDeno
      ? (await import("../../lib/adapters/deno-fs.ts")).denoFs(env("COLD_DIR"))
      : (await import("../../lib/adapters/node-fs.ts")).nodeFs(env("COLD_DIR"));
    imported = clock();
    const stores = await mod.openStore({ fs });
    opened = clock();
    read = (await stores.users.get(Number(env("COLD_UID")))).login;
    answered = clock();
  } else if (scenario === "pgsql") {
    const mod = await import("../../lib/mod.ts");
    const { connectPostgres } = await import("../../lib/adapters/postgres.ts");
    imported = clock();
    const sql = connectPostgres();
    try {
      const stores = await mod.openStore({ localStore: "pgsql", sql });
      opened = clock();
      read = (await stores.users.get(Number(env("COLD_UID")))).login;
      answered = clock();
    } finally {
      await sql.close();
    }
  } else if (scenario === "graph-folder" || scenario === "graph-s3") {
    await import("../../lib/mod.ts");
    const { openGraphStore } = await import("../../lib/graph/mod.ts");
    const { openBlobRoot } = await import("../../lib/adapters/graph-root.ts");
    imported = clock();
    const blob = await openBlobRoot(env("COLD_GRAPH_ROOT"));
    try {
      const graph = await openGraphStore(blob);
      opened = clock();
      read = `${(await graph.units({ repo: env("COLD_REPO"), commit: env("COLD_COMMIT") })).length} units`;
      answered = clock();
    } finally {
      await blob.close();
    }
  } else if (scenario !== "noop") {
    throw new Error(`cold-start-child: unknown scenario ${scenario}`);
  }
  const { createRequire } = await import("node:module");
  let cache: Record<string, unknown> = {};
  try {
    cache = createRequire(import.meta.url).cache ?? {};
  } catch { /* no CommonJS cache on this runtime */ }
  const aws = Object.keys(cache).filter((k) => k.includes("@aws-sdk")).length;
  console.log(JSON.stringify({ scenario, first, imported, opened, answered, read, aws }));
}

main().catch((e: unknown) => {
  const err = e as { code?: string; message?: string; cause?: { message?: string } };
  console.log(JSON.stringify({ error: `${err.code ?? ""} ${err.message ?? String(e)} <- ${err.cause?.message ?? ""}`.replace(/\n/g, " ") }));
  process.exitCode = 1;
});
