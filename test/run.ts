/**
 * The one test command (`npm test`): typecheck, then every test/*.test.ts under Node (tsx) and under
 * Deno. uvu can exit 0 after an error in a hook (FACTS.md), so a run is judged by its counts: it
 * passes only when it printed a summary, passed + skipped = total, and it exited 0.
 * Prints `N passed, N failed, N skipped` last and exits non-zero on any failure.
 *
 * Usage: tsx test/run.ts [--node-only|--deno-only] [name-filter...]
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pgServer, serverNamedByEnv, type PgServer } from "./support/pg-server.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith("--"));
const runtimes = args.includes("--node-only") ? ["node"] : args.includes("--deno-only") ? ["deno"] : ["node", "deno"];

interface Job {
  label: string;
  cmd: string;
  argv: string[];
  /** A plain check (typecheck): one test, judged by its exit code. */
  plain?: boolean;
}

interface Outcome {
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
}

/** A test file still running after this long is killed (with its children) and fails. */
const TIMEOUT_MS = Number(process.env.SRCSTORE_TEST_TIMEOUT_S ?? 300) * 1000;

function run(job: Job): Promise<{ code: number | null; out: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(job.cmd, job.argv, {
      cwd: root,
      detached: true, // its own process group, so a timeout kills tsx's node child too
      env: { ...process.env, ...pg?.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let out = "";
    const timer = setTimeout(() => {
      out += `\ntest/run.ts: killed after ${TIMEOUT_MS / 1000} s without finishing\n`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, TIMEOUT_MS);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (e) => (out += `\n${e.message}`));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - start });
    });
  });
}

function judge(job: Job, code: number | null, out: string): Omit<Outcome, "ms"> {
  if (job.plain) return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  const count = (label: string) => {
    const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, "m").exec(out.replace(/\x1b\[[0-9;]*m/g, ""));
    return m ? Number(m[1]) : undefined;
  };
  const total = count("Total"), passed = count("Passed"), skipped = count("Skipped") ?? 0;
  if (total === undefined || passed === undefined) return { passed: 0, failed: 1, skipped: 0 };
  const failed = total - passed - skipped;
  // A non-zero exit with all tests passed (a crash after the summary) still fails the file.
  return { passed, failed: failed > 0 ? failed : code === 0 ? 0 : 1, skipped };
}

const files = readdirSync(join(root, "test"))
  .filter((f) => f.endsWith(".test.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const jobs: Job[] = [];
if (filters.length === 0) jobs.push({ label: "typecheck (tsc)", cmd: bin("tsc"), argv: ["-p", "."], plain: true });
for (const f of files) {
  const path = join("test", f);
  if (runtimes.includes("node")) jobs.push({ label: `node ${path}`, cmd: bin("tsx"), argv: [path] });
  if (runtimes.includes("deno")) jobs.push({ label: `deno ${path}`, cmd: bin("deno"), argv: ["run", "-A", "--quiet", path] });
}

// One PostgreSQL for the whole run when a pgsql test is selected and the environment names no server;
// its PG* variables go to every test process. pg-server.ts also kills it on exit, SIGINT and SIGTERM.
let pg: PgServer | undefined;
if (!serverNamedByEnv() && files.some((f) => f.includes("pgsql"))) {
  pg = await pgServer();
  console.log(`# PostgreSQL: ${pg.describe} (started in ${pg.startMs} ms)`);
}

const totals: Outcome = { passed: 0, failed: 0, skipped: 0, ms: 0 };
const parallel = Math.max(1, Number(process.env.SRCSTORE_TEST_JOBS ?? 2));
let next = 0;
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const job = jobs[next++]!;
    const { code, out, ms } = await run(job);
    const o = judge(job, code, out);
    totals.passed += o.passed;
    totals.failed += o.failed;
    totals.skipped += o.skipped;
    const status = o.failed > 0 ? "FAIL" : "ok  ";
    // Test files may print lines starting with "#" to report what they checked (rounds, records).
    const notes = out.split("\n").filter((l) => l.startsWith("# ")).map((l) => `      ${l}`);
    process.stdout.write(`${status} ${job.label}: ${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped (${(ms / 1000).toFixed(1)} s)\n`);
    if (notes.length) process.stdout.write(notes.join("\n") + "\n");
    if (o.failed > 0) process.stdout.write(out.split("\n").map((l) => `    | ${l}`).join("\n") + "\n");
  }
}
try {
  await Promise.all(Array.from({ length: parallel }, worker));
} finally {
  await pg?.stop();
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
