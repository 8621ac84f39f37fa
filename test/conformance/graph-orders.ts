/**
 * The documented orders at their ties, which the real fixtures rarely reach: a small synthetic commit
 * whose defs share DefStart and lower-cased names, whose paths sort differently in UTF-8 and UTF-16,
 * and whose refs share Start or everything but the Def flag (equal refs keep the import's order).
 */
import * as assert from "uvu/assert";
import { allDefs, allRefs } from "./graph-queries.ts";
import { importCase, withRoot, type GraphFactory, type It } from "./graph.ts";
import { expectCase, expectDefs, expectRefs } from "./srclib-expect.ts";

const utf8 = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const def = (Path: string, Name: string, File: string, DefStart: number) => ({ Path, Name, Kind: "var", File, DefStart, DefEnd: DefStart + 4 });
const ref = (DefUnit: string, DefPath: string, File: string, Start: number, End: number, Def = false) =>
  ({ DefUnitType: "T", DefUnit, DefPath, File, Start, End, Def });

const FILES = [
  { path: "a/T.unit.json", bytes: utf8({ Name: "a", Type: "T", Files: ["f.go", "g.go"], Dir: "a" }) },
  {
    path: "a/T.graph.json",
    bytes: utf8({
      Defs: [def("z", "Same", "f.go", 10), def("y", "same", "f.go", 10), def("x", "SAME", "g.go", 5), def("\u{1F600}", "emoji", "g.go", 40), def("\uFF21", "Ébc", "g.go", 30)],
      Refs: [ref("", "x", "g.go", 1, 2), ref("b", "w", "f.go", 20, 30), ref("b", "w", "f.go", 20, 25, true), ref("b", "w", "f.go", 20, 25)],
      Docs: [{ Path: "y", Format: "text/plain", Data: "second" }, { Unit: "a", Path: "y", Format: "", Data: "first? no: import order" }],
    }),
  },
  { path: "b/T.unit.json", bytes: utf8({ Name: "b", Type: "T", Files: ["f.go"] }) },
  { path: "b/T.graph.json", bytes: utf8({ Defs: [def("w", "same", "f.go", 10)], Refs: [ref("", "w", "f.go", 20, 25)] }) },
];

export function orderTests(it: It, make: GraphFactory): void {
  it("orders break ties as documented: UTF-8 byte order, then the next key; equal refs keep the import's order", () => withRoot(make, async ({ store }) => {
    const e = expectCase("synthetic/orders", "example.com/orders", "0123456789".repeat(4), FILES);
    await importCase(store, e);
    const at = { repo: e.repo, commit: e.commit };
    const queries = [{}, { unitType: "T", unit: "a" }, { file: "f.go" }, { file: "g.go" }, { namePrefix: "SA" }, { namePrefix: "é" }, { namePrefix: "" }];
    for (const q of queries) assert.equal(await allDefs(store, { ...at, ...q }), expectDefs(e, q), `defs ${JSON.stringify(q)}`);
    assert.equal((await allDefs(store, { ...at, unitType: "T", unit: "a" })).map((d) => d.Path), ["x", "y", "z", "\uFF21", "\u{1F600}"], "paths in UTF-8 byte order");
    const rq = [{}, { def: { unitType: "T", unit: "b", path: "w" } }, { file: "f.go" }, { unitType: "T", unit: "a" }];
    for (const q of rq) assert.equal(await allRefs(store, { ...at, ...q }), expectRefs(e, q), `refs ${JSON.stringify(q)}`);
    const inFile = await allRefs(store, { ...at, file: "f.go" });
    assert.equal(inFile.map((r) => [r.Unit, r.Start, r.End, r.Def]), [["a", 20, 25, true], ["a", 20, 25, false], ["b", 20, 25, false], ["a", 20, 30, false]]);
    const y = await store.def({ ...at, unitType: "T", unit: "a", path: "y" });
    assert.equal(y.Docs.map((d) => d.Data), ["second", "first? no: import order"], "a def's docs in import order");
  }));
}
