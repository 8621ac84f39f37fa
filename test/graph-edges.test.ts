/**
 * Graph-store edge cases found in review: very large units, case-insensitive name prefixes beyond
 * ASCII, ref targets in repos that are not repo URIs, a store opened on something that is no port, a
 * caller's file list that fails.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import type { SrclibFile } from "../lib/graph/store.ts";
import { memoryBlob } from "../lib/adapters/memory-blob.ts";
import { rejects } from "./support/graph-roots.ts";

const at = { repo: "example.com/edge/Cases", commit: "e".repeat(40) };
const enc = new TextEncoder();
const file = (path: string, v: unknown): SrclibFile => {
  const bytes = enc.encode(JSON.stringify(v));
  return { path, read: async () => bytes };
};
const unit = (name: string, graph: { Defs?: unknown[]; Refs?: unknown[]; Docs?: unknown[] }): SrclibFile[] => [
  file(`${name}/GoPackage.unit.json`, { Name: name, Type: "GoPackage", Files: ["a.go"] }),
  file(`${name}/GoPackage.graph.json`, graph),
];
const def = (Path: string, Name = Path) => ({ Path, Name, Kind: "func", File: "a.go", DefStart: 0, DefEnd: 1 });

test("a unit with more records than a call can take arguments (150,000 refs) imports and answers", async () => {
  const REFS = 150_000;
  const Refs = Array.from({ length: REFS }, (_, i) => ({ DefPath: "F", File: "a.go", Start: i, End: i + 1 }));
  const g = await openGraphStore(memoryBlob());
  try {
    const s = await g.import({ ...at, files: unit("big", { Defs: [def("F")], Refs }) });
    assert.is(s.refs, REFS);
    const page = await g.refs({ ...at, def: { unitType: "GoPackage", unit: "big", path: "F" }, limit: 3 });
    assert.equal(page.items.map((r) => r.Start), [0, 1, 2]);
    const last = await g.refs({ ...at, file: "a.go", limit: 1000 });
    assert.is(last.items.length, 1000);
  } finally {
    await g.close();
  }
});

test("namePrefix matches names in any case, a Greek final sigma included", async () => {
  const g = await openGraphStore(memoryBlob());
  try {
    await g.import({ ...at, files: unit("greek", { Defs: [def("a", "ΟΔΟΣΑ"), def("b", "οδος"), def("c", "Straße"), def("d", "İstanbul")] }) });
    const names = async (namePrefix: string) => (await g.defs({ ...at, namePrefix })).items.map((d) => d.Name);
    assert.equal(await names("ΟΔΟΣ"), ["οδος", "ΟΔΟΣΑ"], "a prefix ending in Σ is not a word's end");
    assert.equal(await names("οδοσ"), ["οδος", "ΟΔΟΣΑ"]);
    assert.equal(await names("οδος"), ["οδος", "ΟΔΟΣΑ"]);
    assert.equal(await names("ΟΔΟΣΑ"), ["ΟΔΟΣΑ"]);
    assert.equal(await names("STRASSE"), [], "toLowerCase does not fold ß to ss");
    assert.equal(await names("strasse".slice(0, 4)), ["Straße"]);
    assert.equal(await names("İst"), ["İstanbul"]);
    const inUnit = await g.defs({ ...at, unitType: "GoPackage", unit: "greek", namePrefix: "ΟΔΟΣ" });
    assert.equal(inUnit.items.map((d) => d.Path), ["a", "b"], "the same match when a unit picks the order");
  } finally {
    await g.close();
  }
});

test("refs to a def in a repo that is not a repo URI (as srclib writes them) can be asked for", async () => {
  const odd = ["?", "https://example.com/x", `example.com/${"long/".repeat(60)}end`, "Example.com/With Space"];
  const g = await openGraphStore(memoryBlob());
  try {
    const Refs = odd.map((DefRepo, i) => ({ DefRepo, DefUnitType: "GoPackage", DefUnit: "other", DefPath: "X", File: "a.go", Start: i, End: i + 1 }));
    await g.import({ ...at, files: unit("u", { Defs: [def("F")], Refs }) });
    for (const [i, repo] of odd.entries()) {
      const page = await g.refs({ ...at, def: { repo: repo.toUpperCase(), unitType: "GoPackage", unit: "other", path: "X" } });
      assert.equal(page.items.map((r) => [r.DefRepo, r.Start]), [[repo, i]], repo);
    }
    const e = await rejects(g.refs({ ...at, def: { repo: "", unitType: "GoPackage", unit: "other", path: "X" } }), "invalid_input");
    assert.is(e.field, "def.repo");
  } finally {
    await g.close();
  }
});

test("opening the store on something that is not a blob port is invalid_input, a StoreError", async () => {
  for (const blob of [undefined, null, {}, "folder"]) {
    const e = await rejects(openGraphStore(blob as unknown as BlobPort), "invalid_input");
    assert.is(e.field, "blob");
  }
  const e = await rejects(openGraphStore(memoryBlob(), { clock: Date.now() as unknown as () => Date }), "invalid_input");
  assert.is(e.field, "clock");
});

test("a files list that fails midway is unavailable naming the listing, not the root", async () => {
  const g = await openGraphStore(memoryBlob());
  try {
    async function* failing(): AsyncIterable<SrclibFile> {
      yield* unit("u", { Defs: [def("F")] });
      throw new Error("the disk went away");
    }
    const e = await rejects(g.import({ ...at, files: failing() }), "unavailable", /^the srclib files cannot be listed: the disk went away$/);
    assert.ok(e.cause instanceof Error);
    await rejects(g.units(at), "not_found");
  } finally {
    await g.close();
  }
});

test.run();
