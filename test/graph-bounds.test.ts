/**
 * Bounded cost (issue 4): def(key), refs({def}), refs({file}), defs({unit}) and docs(key) read the
 * marker and ONE data object (after one list of the commit's markers), whatever the size of the
 * commit; bytes read stay within a small factor. Measured through countingBlob on a small synthetic
 * commit and one with 100x the units (so 100x the defs, refs and docs), on memory and folder roots.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import { countingBlob, type CountingBlob } from "../lib/graph/counting-blob.ts";
import type { GraphStore } from "../lib/graph/store.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import { memoryBlob } from "../lib/adapters/memory-blob.ts";
import { folderBlob } from "../lib/adapters/folder-blob.ts";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import { synthFile, synthFiles, synthPath, synthUnit } from "./support/graph-synth.ts";

const repo = "example.com/Synth/Repo";
const SMALL = { units: 3, defsPerUnit: 40, refsPerDef: 3 };
const LARGE = { ...SMALL, units: SMALL.units * 100 };
/** Lookups of each kind per commit; their costs are averaged (gets also maxed). */
const SAMPLES = 12;

interface Cost {
  gets: number;
  maxGets: number;
  lists: number;
  bytes: number;
}

type Lookup = (g: GraphStore, commit: string, unit: number, def: number) => Promise<unknown>;

const lookups: Record<string, Lookup> = {
  "def(key)": (g, commit, u, d) => g.def({ repo, commit, unitType: "GoPackage", unit: synthUnit(u), path: synthPath(d) }),
  "docs(key)": (g, commit, u, d) => g.docs({ repo, commit, unitType: "GoPackage", unit: synthUnit(u), path: synthPath(d) }),
  "refs({def})": (g, commit, u, d) =>
    g.refs({ repo, commit, def: { unitType: "GoPackage", unit: synthUnit(u), path: synthPath(d) } }),
  "refs({file})": (g, commit, u, d) => g.refs({ repo, commit, file: synthFile(u, d % 8) }),
  "defs({file})": (g, commit, u, d) => g.defs({ repo, commit, file: synthFile(u, d % 8) }),
  "defs({unit})": (g, commit, u) => g.defs({ repo, commit, unitType: "GoPackage", unit: synthUnit(u) }),
  "refs({unit})": (g, commit, u) => g.refs({ repo, commit, unitType: "GoPackage", unit: synthUnit(u) }),
};

async function measure(c: CountingBlob, g: GraphStore, commit: string, units: number, lookup: Lookup): Promise<Cost> {
  const cost: Cost = { gets: 0, maxGets: 0, lists: 0, bytes: 0 };
  for (let s = 0; s < SAMPLES; s++) {
    const u = (s * 7919) % units, d = (s * 13) % SMALL.defsPerUnit;
    c.reset();
    const r = await lookup(g, commit, u, d);
    assert.ok(r !== undefined);
    cost.gets += c.stats.gets;
    cost.maxGets = Math.max(cost.maxGets, c.stats.gets);
    cost.lists += c.stats.lists;
    cost.bytes += c.stats.bytesRead;
  }
  return { gets: cost.gets / SAMPLES, maxGets: cost.maxGets, lists: cost.lists / SAMPLES, bytes: Math.round(cost.bytes / SAMPLES) };
}

async function bounds(name: string, blob: BlobPort): Promise<void> {
  const c = countingBlob(blob);
  const g = await openGraphStore(c.port);
  try {
    const small = "1".repeat(40), large = "2".repeat(40);
    const s = await g.import({ repo, commit: small, files: synthFiles(SMALL) });
    const l = await g.import({ repo, commit: large, files: synthFiles(LARGE) });
    assert.is(l.defs, s.defs * 100);
    assert.is(l.refs, s.refs * 100);
    console.log(`\n# ${name}: small commit ${s.defs} defs, ${s.refs} refs, ${s.docs} docs in ${s.objects} objects; ` +
      `large ${l.defs} defs, ${l.refs} refs, ${l.docs} docs in ${l.objects} objects`);
    for (const [what, lookup] of Object.entries(lookups)) {
      const a = await measure(c, g, small, SMALL.units, lookup);
      const b = await measure(c, g, large, LARGE.units, lookup);
      console.log(`# ${name} ${what}: small ${a.gets} gets + ${a.lists} list, ${a.bytes} B; ` +
        `large ${b.gets} gets + ${b.lists} list, ${b.bytes} B (x${(b.bytes / a.bytes).toFixed(2)})`);
      assert.ok(a.maxGets <= 2 && b.maxGets <= 2, `${what}: at most the marker and one object`);
      assert.is(b.gets, a.gets, `${what}: as many gets at both sizes`);
      assert.ok(a.lists <= 1 && b.lists <= 1, `${what}: one list of the markers`);
      assert.ok(b.bytes <= a.bytes * 3, `${what}: bytes within 3x (${a.bytes} -> ${b.bytes})`);
    }
  } finally {
    await g.close();
  }
}

test("memory root: lookups read as many objects on a commit 100x larger", async () => {
  await bounds("memory", memoryBlob());
});

test("folder root: lookups read as many objects on a commit 100x larger", async () => {
  const dir = await mkdtemp(join(tmpdir(), "graph-bounds-"));
  try {
    await bounds("folder", folderBlob(nodeFs(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
