/**
 * `src serve` under load (`npm run bench:serve`): requests per second and p50/p99 latency of a read
 * endpoint (GET a thread) and a write endpoint (POST a comment), on fs and on pgsql, from autocannon
 * on loopback against a real `src serve` process; next to a baseline in the same run: the same store
 * call the handler makes (threads.get / threads.addComment), made directly in-process with as many
 * calls in flight as autocannon has connections, on the same data. A middle column runs the same
 * request through the handler in-process (no HTTP, no sockets), to split the cost between what the
 * handler adds (token check, repo and permission lookups: 3-4 store reads) and the transport.
 * Prints ratios; never asserts.
 *
 * Settings (environment): BENCH_SECONDS per run (default 5), BENCH_CONNECTIONS (default 16).
 */
import autocannon from "autocannon";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../lib/mod.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";
import { connectPostgres } from "../../lib/adapters/postgres.ts";
import type { Stores } from "../../lib/stores.ts";
import { createHandler } from "../../lib/serve/mod.ts";
import { StoreError } from "../../lib/errors.ts";
import { startServe, stopPg, type Backend } from "../support/serve-process.ts";
import { firstAdmin } from "../support/http-client.ts";
import { ratio, rate, table } from "./measure.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const REPO = "bench.example/serve";

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function http(url: string, token: string, method: "GET" | "POST", path: string, body?: string): Promise<Run> {
  const r = await autocannon({
    url: url + path,
    method,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body } : {}),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** CONNECTIONS loops calling `op` for SECONDS; latencies in ms. */
async function direct(op: () => Promise<unknown>): Promise<Run> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await op();
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  }));
  const secs = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const at = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN;
  return { rps: lat.length / secs, p50: at(0.5), p99: at(0.99), errors };
}

async function bench(backend: Backend): Promise<string[][]> {
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-bench-serve-"));
  const s = await startServe(backend, { sgpath });
  let stores: Stores | undefined;
  try {
    const admin = await firstAdmin(s.url);
    await admin.ok("POST", "/api/repos", { uri: REPO });
    await admin.ok("POST", `/api/repos/${REPO}/-/threads`, { title: "bench", body: "first" });
    const token = admin.token!;
    stores = backend === "fs"
      ? await openStore({ fs: nodeFs(join(sgpath, "store")) })
      : await openStore({ localStore: "pgsql", sql: connectPostgres({ env: s.db!.env }) });
    const repo = await stores.repos.getByURI(REPO);
    const me = await stores.users.getByLogin("admin");
    const st = stores;
    const rows: string[][] = [];
    const handler = createHandler({ stores: async () => st, graph: async () => Promise.reject(new StoreError("unavailable", "not in this bench")) });
    const call = (method: string, path: string, body?: string) => async () => {
      const r = await handler(new Request(`http://bench${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) }));
      if (r.status >= 300) throw new Error(`${r.status}`);
      await r.arrayBuffer();
    };
    const thread = `/api/repos/${REPO}/-/threads/1`;
    const comment = JSON.stringify({ body: "load" });
    const cases: [string, () => Promise<Run>, () => Promise<Run>, () => Promise<Run>][] = [
      ["GET thread", () => http(s.url, token, "GET", thread), () => direct(call("GET", thread)), () => direct(() => st.threads.get(repo.id, 1))],
      ["POST comment", () => http(s.url, token, "POST", `${thread}/comments`, comment), () => direct(call("POST", `${thread}/comments`, comment)),
        () => direct(() => st.threads.addComment(repo.id, 1, { authorUID: me.uid, body: "load" }))],
    ];
    for (const [name, viaHttp, viaHandler, inProcess] of cases) {
      const h = await viaHttp();
      const p = await viaHandler();
      const d = await inProcess();
      rows.push([backend, name, rate(h.rps), h.p50.toFixed(1), h.p99.toFixed(1), rate(p.rps), rate(d.rps), d.p50.toFixed(2), d.p99.toFixed(2),
        ratio(h.rps / d.rps), ratio(p.rps / d.rps), String(h.errors + p.errors + d.errors)]);
    }
    return rows;
  } finally {
    await stores?.close();
    await s.stop();
    rmSync(sgpath, { recursive: true, force: true });
  }
}

const rows: string[][] = [];
try {
  for (const backend of ["fs", "pgsql"] as const) rows.push(...(await bench(backend)));
} finally {
  await stopPg();
}
console.log(`\nsrc serve vs the same store call in-process: ${CONNECTIONS} in flight, ${SECONDS} s per run (autocannon on loopback)\n`);
console.log(table(["backend", "endpoint", "HTTP req/s", "p50 ms", "p99 ms", "handler req/s", "direct ops/s", "p50 ms", "p99 ms", "HTTP / direct", "handler / direct", "errors"], rows));
