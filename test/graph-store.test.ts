/**
 * The graph store's write protocol where the conformance suite does not reach: failed, crashed and
 * racing imports, re-imports under a paging reader, root formats. On a memory root and a folder root.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { CommitRef, GraphStore } from "../lib/graph/store.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import { StoreError } from "../lib/errors.ts";
import { synthFiles, synthUnit } from "./support/graph-synth.ts";
import { each, keys, rejects, tombstones, versions, wrap } from "./support/graph-roots.ts";

const repo = "example.com/Acme/App";
const commit = "c0ffee".padEnd(40, "0");
const at: CommitRef = { repo, commit };
const v1 = () => synthFiles({ units: 3, defsPerUnit: 12, refsPerDef: 2, variant: "v1" });
const v2 = () => synthFiles({ units: 4, defsPerUnit: 9, refsPerDef: 3, variant: "v2" });

/** What a reader sees of the commit: the variant of every unit and the def count. */
async function snapshot(g: GraphStore): Promise<string> {
  const units = await g.units(at);
  let defs = 0;
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const p = await g.defs({ ...at, limit: 1000, cursor });
    defs += p.items.length;
    cursor = p.nextCursor;
  }
  return `${units.map((u) => (u.Data as { variant: string }).variant).join(",")}:${units.length} units:${defs} defs`;
}

/** A port whose puts fail after `n` succeeded (like a network that went away). */
function failingAfter(blob: BlobPort, n: number, error: () => unknown): BlobPort {
  let puts = 0;
  return { ...wrap(blob), put: async (k, d) => {
    if (++puts > n) throw error();
    await blob.put(k, d);
  } };
}

/** A process that dies after `n` puts: nothing it does afterwards reaches the root (no cleanup either). */
function crashingAfter(blob: BlobPort, n: number): BlobPort {
  let puts = 0;
  const dead = () => new StoreError("unavailable", "the process died");
  return {
    ...wrap(blob),
    put: async (k, d) => {
      if (++puts > n) throw dead();
      await blob.put(k, d);
    },
    delete: async () => {
      if (puts > n) throw dead();
    },
  };
}

/** Random small delays before every operation, so that concurrent calls interleave. */
function jittery(blob: BlobPort): BlobPort {
  const pause = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  return {
    ...wrap(blob),
    get: async (k, r) => (await pause(), blob.get(k, r)),
    put: async (k, d) => (await pause(), blob.put(k, d)),
    delete: async (ks) => (await pause(), blob.delete(ks)),
  };
}

each("an import whose writes fail midway leaves nothing visible and the previous version intact", async (blob) => {
  const g = await openGraphStore(blob);
  const first = await g.import({ ...at, files: v1() });
  const before = await snapshot(g);
  for (const error of [() => new StoreError("unavailable", "connection reset"), () => new Error("not a StoreError")]) {
    const bad = await openGraphStore(failingAfter(blob, Math.floor(first.objects / 2), error));
    const e = await rejects(bad.import({ ...at, files: v2() }), error() instanceof StoreError ? "unavailable" : "internal");
    if (e.code === "internal") assert.ok(e.message.includes(blob.location), "names the root");
    assert.is(await snapshot(g), before);
    assert.equal(await versions(blob), { data: [first.version], markers: [first.version] });
  }
  const fresh = { repo, commit: "f".repeat(40) };
  const bad = await openGraphStore(failingAfter(blob, 3, () => new StoreError("unavailable", "disk full")));
  await rejects(bad.import({ ...fresh, files: v1() }), "unavailable");
  await rejects(g.units(fresh), "not_found");
  assert.equal((await g.commits()).map((c) => c.commit), [commit]);
  assert.equal(await versions(blob), { data: [first.version], markers: [first.version] });
});

each("an aborted import leaves nothing visible", async (blob) => {
  const g = await openGraphStore(blob);
  const ac = new AbortController();
  let writes = 0;
  const onProgress = (p: { phase: string }) => {
    if (p.phase === "write" && ++writes === 4) ac.abort();
  };
  await rejects(g.import({ ...at, files: v1() }, { onProgress, signal: ac.signal }), "unavailable", /abort/);
  await rejects(g.units(at), "not_found");
  assert.equal(await versions(blob), { data: [], markers: [] });
});

each("a crashed import stays invisible; the next import and deleteCommit remove its objects", async (blob) => {
  const g = await openGraphStore(blob);
  const crash = async () => {
    const dying = await openGraphStore(crashingAfter(blob, 6));
    await rejects(dying.import({ ...at, files: v2() }), "unavailable");
  };
  await crash();
  await rejects(g.units(at), "not_found");
  assert.equal(await g.commits(), []);
  assert.is((await versions(blob)).data.length, 1, "the crash left data");
  assert.is((await versions(blob)).markers.length, 0);

  const ok = await g.import({ ...at, files: v1() });
  assert.is(ok.replaced, false);
  assert.equal(await versions(blob), { data: [ok.version], markers: [ok.version] });

  await crash();
  assert.is(await snapshot(g), "v1,v1,v1:3 units:36 defs");
  assert.is((await versions(blob)).data.length, 2);
  assert.is(await g.deleteCommit(at), true);
  assert.equal(await versions(blob), { data: [], markers: [] });
  await crash();
  assert.is(await g.deleteCommit(at), false, "leftovers alone are not a stored commit");
  assert.equal(await versions(blob), { data: [], markers: [] });
  assert.is(await g.deleteCommit(at), false);
});

each("two imports of one commit racing end with one visible, complete version and no leftovers", async (blob) => {
  for (let round = 0; round < 3; round++) {
    const a = await openGraphStore(jittery(blob));
    const b = await openGraphStore(jittery(blob));
    const [ra, rb] = await Promise.all([a.import({ ...at, files: v1() }), b.import({ ...at, files: v2() })]);
    const g = await openGraphStore(blob);
    const commits = await g.commits();
    assert.is(commits.length, 1);
    const winner = commits[0]!.version === ra.version ? ra : rb;
    assert.ok([ra.version, rb.version].includes(commits[0]!.version));
    assert.equal(await versions(blob), { data: [winner.version], markers: [winner.version] });
    assert.is((await keys(blob, `data/`)).length, winner.objects - 1, "every object of the winner, nothing else");
    assert.is(await snapshot(g), winner === ra ? "v1,v1,v1:3 units:36 defs" : "v2,v2,v2,v2:4 units:36 defs");
  }
});

each("deleteCommit while an import writes: the import never leaves an incomplete version visible", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v1() });
  let puts = 0;
  const deleting: BlobPort = {
    ...wrap(blob),
    put: async (k, d) => {
      await blob.put(k, d);
      if (++puts === 5) assert.is(await g.deleteCommit(at), true);
    },
  };
  const writer = await openGraphStore(deleting);
  // The delete's tombstone is newer than the import: the import withdraws (the delete came after it).
  const s = await writer.import({ ...at, files: v2() });
  await rejects(g.units(at), "not_found");
  assert.equal(await versions(blob), { data: [], markers: [] });
  assert.is((await tombstones(blob)).length, 1, "the delete's tombstone stays until the next import");
  const again = await g.import({ ...at, files: v2() });
  assert.ok(again.version > s.version && !again.replaced, "after a delete, an import replaces nothing");
  assert.equal(await tombstones(blob), []);
});

each("a re-import replaces the commit in one step while a reader pages; old cursors conflict", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v1() });
  const page = await g.defs({ ...at, limit: 10 });
  assert.ok(page.nextCursor);
  const refsPage = await g.refs({ ...at, unitType: "GoPackage", unit: synthUnit(0), limit: 5 });
  assert.ok(refsPage.nextCursor);

  // Readers during the re-import see the old commit or the new one, whole.
  const writer = await openGraphStore(jittery(blob));
  let running = true;
  const seen = new Set<string>();
  const reading = (async () => {
    while (running) seen.add(await snapshot(g));
  })();
  const second = await writer.import({ ...at, files: v2() });
  running = false;
  await reading;
  assert.ok(second.replaced);
  for (const s of seen) assert.ok(["v1,v1,v1:3 units:36 defs", "v2,v2,v2,v2:4 units:36 defs"].includes(s), s);
  assert.is(await snapshot(g), "v2,v2,v2,v2:4 units:36 defs");

  await rejects(g.defs({ ...at, limit: 10, cursor: page.nextCursor }), "conflict", /re-imported/);
  await rejects(g.refs({ ...at, unitType: "GoPackage", unit: synthUnit(0), limit: 5, cursor: refsPage.nextCursor }), "conflict");
  const fresh = await g.defs({ ...at, limit: 10 });
  const e = await rejects(g.defs({ ...at, limit: 10, file: "x.go", cursor: fresh.nextCursor }), "invalid_input");
  assert.is(e.field, "cursor");
  await rejects(g.refs({ ...at, limit: 10, cursor: fresh.nextCursor }), "invalid_input");
  await rejects(g.defs({ repo, commit: "e".repeat(40), limit: 10, cursor: fresh.nextCursor }), "invalid_input");
  assert.is((await g.defs({ ...at, limit: 10, cursor: fresh.nextCursor })).items.length, 10);
});

each("a root with a newer format, a damaged format file or other objects is refused", async (blob) => {
  const enc = new TextEncoder();
  const g = await openGraphStore(blob);
  assert.is(await blob.get("graphstore.json"), undefined, "opening writes nothing");
  await g.import({ ...at, files: v1() });
  assert.equal(JSON.parse(new TextDecoder().decode(await blob.get("graphstore.json"))), { format: 1 });

  await blob.put("graphstore.json", enc.encode(`{"format":2}`));
  const newer = `graph store at ${blob.location} has format 2; this srcstore reads format 1: upgrade srcstore`;
  const e = await rejects(openGraphStore(blob), "schema_mismatch");
  assert.is(e.message, newer);
  await rejects(g.import({ ...at, files: v2() }), "schema_mismatch", /upgrade srcstore/);
  assert.is(await snapshot(g), "v1,v1,v1:3 units:36 defs");

  await blob.put("graphstore.json", enc.encode(`not json`));
  await rejects(openGraphStore(blob), "schema_mismatch", /graphstore\.json/);
  await blob.delete(["graphstore.json"]);
  await openGraphStore(blob); // only our own prefixes: still ours
  await blob.put("photos/cat.jpg", enc.encode("meow"));
  await rejects(openGraphStore(blob), "schema_mismatch", /not a graph store.*photos\/cat\.jpg/);
});

each("queries: repo case-insensitive and shown as last imported, orders, docs, absent units", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v1() });
  await g.import({ repo: repo.toUpperCase(), commit: "d".repeat(40), files: v2() });
  assert.equal(await g.repos(), [repo.toUpperCase()]);
  assert.equal((await g.commits({ repo: repo.toLowerCase() })).map((c) => [c.repo, c.commit]),
    [[repo, commit], [repo.toUpperCase(), "d".repeat(40)]]);
  const lower = { repo: repo.toLowerCase(), commit: commit.toUpperCase() };
  const key = { ...lower, unitType: "GoPackage", unit: synthUnit(1), path: "F00003" };
  const def = await g.def(key);
  assert.equal([def.Repo, def.CommitID, def.Name, def.Docs], [repo, commit, "Func3", [{ Format: "text/plain", Data: "Func3 does thing 3 (v1)." }]]);
  assert.equal((await g.docs(key)).map((d) => [d.Repo, d.Path, d.DocUnit]), [[repo, "F00003", synthUnit(1)]]);
  assert.equal(await g.docs({ ...key, path: "F00001" }), []);
  await rejects(g.def({ ...key, path: "nope" }), "not_found");
  await rejects(g.def({ ...key, commit: "9".repeat(40) }), "not_found");

  const unit = await g.defs({ ...lower, unitType: "GoPackage", unit: synthUnit(1) });
  assert.equal(unit.items.map((d) => d.Path), [...unit.items.map((d) => d.Path)].sort());
  assert.equal((await g.defs({ ...lower, unitType: "GoPackage", unit: "absent" })).items, []);
  assert.equal((await g.refs({ ...lower, unitType: "GoPackage", unit: "absent" })).items, []);

  // Refs to a def: same-unit refs were written with empty DefUnit; v2 also points from the previous unit.
  const target = { repo: repo.toUpperCase(), unitType: "GoPackage", unit: synthUnit(1), path: "F00003" };
  const to = await g.refs({ ...lower, def: target });
  assert.equal(to.items.map((r) => [r.Unit, r.File, r.DefRepo, r.DefUnit]), [
    [synthUnit(1), "pkg00001/file2.go", repo, synthUnit(1)], [synthUnit(1), "pkg00001/file3.go", repo, synthUnit(1)],
  ]);
  const to2 = await g.refs({ repo, commit: "d".repeat(40), def: { ...target, repo: undefined } });
  assert.equal(to2.items.map((r) => [r.Unit, r.File, r.Repo, r.DefRepo]), [
    [synthUnit(0), "pkg00000/file1.go", repo.toUpperCase(), repo.toUpperCase()],
    [synthUnit(1), "pkg00001/file2.go", repo.toUpperCase(), repo.toUpperCase()],
    [synthUnit(1), "pkg00001/file3.go", repo.toUpperCase(), repo.toUpperCase()],
  ]);
  const names = await g.defs({ ...lower, namePrefix: "FUNC1", limit: 4 });
  assert.equal(names.items.map((d) => d.Name), ["Func1", "Func1", "Func1", "Func10"]);
  const rest = await g.defs({ ...lower, namePrefix: "func1", limit: 100, cursor: undefined });
  assert.is(rest.items.length, 3 * 3, "Func1, Func10, Func11 in 3 units");
  const next = await g.defs({ ...lower, namePrefix: "FUNC1", limit: 4, cursor: names.nextCursor });
  assert.equal([...names.items, ...next.items, ...(await g.defs({ ...lower, namePrefix: "FUNC1", limit: 4, cursor: next.nextCursor })).items], rest.items);

  let all: string[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const p = await g.refs({ ...lower, limit: 7, cursor });
    all = all.concat(p.items.map((r) => `${r.Unit} ${r.File} ${String(r.Start).padStart(5)}`));
    cursor = p.nextCursor;
  }
  assert.is(all.length, 3 * 12 * 2);
  assert.equal(all, [...all].sort());
});

test.run();
