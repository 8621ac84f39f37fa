/**
 * The graph store's conformance suite: one battery for every root (folder, S3), on Node and Deno.
 * Expectations come from the srclib fixture files themselves (srclib-expect.ts). Read-only tests share
 * one store holding every fixture case, imported lazily by the first test that needs it and closed by
 * the suite's last test; every other test opens (make) and closes its own root. No uvu hooks: an
 * error in a hook would be swallowed (FACTS.md).
 */
import { suite, type Test } from "uvu";
import type { BlobPort } from "../../lib/ports/blob.ts";
import type { GraphStore, ImportSummary } from "../../lib/graph/store.ts";
import { fixtureCases, srclibFiles, type Expected } from "./srclib-expect.ts";
import { queryTests } from "./graph-queries.ts";
import { listTests } from "./graph-lists.ts";
import { costTests } from "./graph-cost.ts";
import { writeTests } from "./graph-writes.ts";
import { faultTests } from "./graph-faults.ts";
import { orderTests } from "./graph-orders.ts";
import { raceTests } from "./graph-races.ts";

/** A graph store on a fresh, empty root. */
export interface GraphRoot {
  store: GraphStore;
  /** The raw port under the store (a separate handle on the same root), for fault tests. */
  blob: BlobPort;
  /** Another store on the same root, over `wrap(port)` (counting, failing). Closed by close(). */
  reopen(wrap?: (b: BlobPort) => BlobPort): Promise<GraphStore>;
  /** Closes every store and port it opened and removes the root. */
  close(): Promise<void>;
}

export type GraphFactory = () => Promise<GraphRoot>;

export interface Loaded {
  root: GraphRoot;
  cases: { e: Expected; summary: ImportSummary }[];
}

/** The store holding every fixture case, created on first use. */
export interface Shared {
  get(): Promise<Loaded>;
  close(): Promise<void>;
}

/** The test registrar every graph-*.ts module gets: tests run under a watchdog; note() prints a
 *  `# root: ...` line that test/run.ts shows. */
export interface It {
  (title: string, fn: () => Promise<void>): void;
  note(line: string): void;
}

export function graphConformance(name: string, make: GraphFactory): void {
  const shared = sharedFixture(make);
  const reads = graphSuite(name, "graph store on the srclib fixtures");
  queryTests(reads.it, shared);
  listTests(reads.it, shared);
  costTests(reads.it, shared);
  reads.it("closes the store shared by the read-only tests", () => shared.close());
  reads.test.run();

  const writes = graphSuite(name, "graph store writes and input checks");
  writeTests(writes.it, make);
  orderTests(writes.it, make);
  writes.test.run();

  const faults = graphSuite(name, "graph store failures leave nothing visible");
  faultTests(faults.it, make);
  raceTests(faults.it, make);
  faults.test.run();
}

function graphSuite(root: string, what: string): { test: Test; it: It } {
  const name = `${root}: ${what}`;
  const test = suite(name);
  const it = (title: string, fn: () => Promise<void>) => test(title, () => watchdog(`${name}: ${title}`, fn));
  // uvu prints its dots without a newline: start on a fresh line so the note begins with "# ".
  return { test, it: Object.assign(it, { note: (line: string) => console.log(`\n# ${root}: ${line}`) }) };
}

/** Opens a root, runs `fn`, closes the root whatever happens. */
export async function withRoot<T>(make: GraphFactory, fn: (r: GraphRoot) => Promise<T>): Promise<T> {
  const r = await make();
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

/** Imports a fixture case at its own repo and commit, or at `at`. */
export function importCase(store: GraphStore, e: Expected, at: { repo?: string; commit?: string } = {}, options?: Parameters<GraphStore["import"]>[1]): Promise<ImportSummary> {
  return store.import({ repo: at.repo ?? e.repo, commit: at.commit ?? e.commit, files: srclibFiles(e.files) }, options);
}

export function caseNamed(id: string): Expected {
  const e = fixtureCases().find((c) => c.id === id);
  if (!e) throw new Error(`no fixture case ${id}`);
  return e;
}

function sharedFixture(make: GraphFactory): Shared {
  let loading: Promise<Loaded> | undefined;
  return {
    get() {
      loading ??= (async () => {
        const root = await make();
        try {
          const cases = [];
          for (const e of fixtureCases()) cases.push({ e, summary: await importCase(root.store, e) });
          return { root, cases };
        } catch (err) {
          await root.close().catch(() => {});
          throw err;
        }
      })();
      return loading;
    },
    async close() {
      if (!loading) return;
      const l = await loading.catch(() => undefined);
      loading = undefined;
      await l?.root.close();
    },
  };
}

/** Runs `fn` over `items`, at most `n` at a time (remote roots answer faster in parallel). */
export async function eachLimit<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const TEST_TIMEOUT_MS = 120_000;

/** A test that never settles fails by name instead of hanging the whole run. */
async function watchdog(name: string, body: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: still running after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
  });
  try {
    await Promise.race([body(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
