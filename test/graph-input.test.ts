/**
 * Reading srclib output (lib/graph/srclib-input.ts) and walking a build folder (lib/adapters/srclib-dir.ts):
 * every fixture group in test/fixtures/srclib parses to what a raw count of its JSON gives, with the
 * unit and "empty means same" rules applied; each kind of malformed file is invalid_input naming it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSrclib } from "../lib/graph/srclib-input.ts";
import { jsonErrorOffset, jsonSyntaxError } from "../lib/graph/json-error.ts";
import { srclibDir, srclibFiles } from "../lib/adapters/srclib-dir.ts";
import { checkCommitRef, checkDefKey, checkDefsQuery, checkRefsQuery } from "../lib/graph/query-input.ts";
import { isStoreError } from "../lib/errors.ts";
import type { ImportProgress, SrclibFile } from "../lib/graph/store.ts";
import { tempDir } from "./support/disk-fs.ts";

const FIXTURES = process.env.SRCLIB_FIXTURES ?? fileURLToPath(new URL("./fixtures/srclib/", import.meta.url));
const REPO = "github.com/example/Repo";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
type Obj = Record<string, any>;

function rawFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? rawFiles(p) : [p];
  });
}

async function collect(it: AsyncIterable<SrclibFile>): Promise<SrclibFile[]> {
  const out: SrclibFile[] = [];
  for await (const f of it) out.push(f);
  return out;
}

/** The promise rejects with a StoreError of that code (and field), its message holding every fragment. */
async function rejects(p: Promise<unknown>, code: string, field: string | undefined, ...fragments: string[]) {
  try {
    await p;
  } catch (e) {
    assert.ok(isStoreError(e), `not a StoreError: ${e}`);
    assert.is(e.code, code, e.message);
    assert.is(e.field, field, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return e;
  }
  assert.unreachable("did not reject");
}

async function withDir(files: Record<string, string | Uint8Array>, fn: (dir: string) => Promise<void>) {
  const tmp = await tempDir("srcstore-graph-input-");
  try {
    for (const [rel, body] of Object.entries(files)) {
      await mkdir(dirname(join(tmp.dir, rel)), { recursive: true });
      await writeFile(join(tmp.dir, rel), body);
    }
    await fn(tmp.dir);
  } finally {
    await tmp.remove();
  }
}

const read = (dir: string, o: { repo?: unknown; commit?: unknown } = {}) =>
  readSrclib({ repo: (o.repo ?? REPO) as string, commit: (o.commit ?? COMMIT) as string, files: srclibDir(dir) });

// ---- the fixtures ----------------------------------------------------------------------------------

for (const group of ["go", "python", "javascript", "sample"]) {
  test(`readSrclib() parses the ${group} fixtures: counts per unit equal a raw count, every record filled`, async () => {
    const dir = join(FIXTURES, group);
    const unitFiles = rawFiles(dir).filter((f) => f.endsWith(".unit.json"));
    const progress: ImportProgress[] = [];
    const parsed = await readSrclib(
      { repo: REPO, commit: COMMIT.toUpperCase(), files: srclibDir(dir) },
      { onProgress: (p) => progress.push(p) },
    );
    assert.is(parsed.repo, REPO);
    assert.is(parsed.commit, COMMIT);
    assert.is(parsed.units.length, unitFiles.length);
    const srclibBytes = rawFiles(dir).filter((f) => /\.(unit|graph)\.json$/.test(f)).reduce((n, f) => n + statSync(f).size, 0);
    assert.is(parsed.bytesRead, srclibBytes);
    assert.is(progress.length, unitFiles.length * 2);
    assert.equal(progress.at(-1), { phase: "read", done: unitFiles.length * 2, total: unitFiles.length * 2, bytes: srclibBytes });

    const keys = parsed.units.map((u) => `${u.unit.Type}\0${u.unit.Name}`);
    assert.equal(keys, [...keys].sort(), "units by Type then Name");
    let defs = 0, refs = 0, docs = 0;
    for (const u of parsed.units) {
      const rawUnit = JSON.parse(readFileSync(join(dir, u.unitFile), "utf8")) as Obj;
      const raw = JSON.parse(readFileSync(join(dir, u.graphFile), "utf8")) as Obj;
      assert.is(u.unitFile.replace(/\.unit\.json$/, ""), u.graphFile.replace(/\.graph\.json$/, ""));
      assert.equal(u.unit, { ...rawUnit, Files: rawUnit.Files ?? [], Dir: rawUnit.Dir ?? "" }, "unit kept verbatim");
      assert.is(u.defs.length, (raw.Defs ?? []).length, u.graphFile);
      assert.is(u.refs.length, (raw.Refs ?? []).length, u.graphFile);
      assert.is(u.docs.length, (raw.Docs ?? []).length, u.graphFile);
      defs += u.defs.length, refs += u.refs.length, docs += u.docs.length;
      u.defs.forEach((d, i) => {
        const r = raw.Defs[i];
        assert.is(d.Path, r.Path, "file order kept");
        assert.equal([d.Repo, d.CommitID, d.UnitType, d.Unit], [REPO, COMMIT, u.unit.Type, u.unit.Name]);
        assert.equal([d.Name, d.Kind ?? "", d.File, d.DefStart, d.DefEnd], [r.Name, r.Kind ?? "", r.File, r.DefStart, r.DefEnd]);
        assert.equal([d.Exported, d.Local, d.Test, d.TreePath], [r.Exported ?? false, r.Local ?? false, r.Test ?? false, r.TreePath ?? ""]);
        assert.equal(d.Data, r.Data ?? {});
        assert.equal(d.Docs, []);
      });
      u.refs.forEach((ref, i) => {
        const r = raw.Refs[i];
        assert.equal([ref.Repo, ref.CommitID, ref.UnitType, ref.Unit], [REPO, COMMIT, u.unit.Type, u.unit.Name]);
        assert.is(ref.DefRepo, r.DefRepo || REPO);
        assert.is(ref.DefUnitType, r.DefUnitType || u.unit.Type);
        assert.is(ref.DefUnit, r.DefUnit || u.unit.Name);
        assert.equal([ref.DefPath, ref.Def, ref.File, ref.Start, ref.End], [r.DefPath, r.Def ?? false, r.File, r.Start, r.End]);
      });
      u.docs.forEach((doc, i) => {
        const r = raw.Docs[i];
        assert.equal([doc.Repo, doc.CommitID], [REPO, COMMIT]);
        assert.is(doc.UnitType, r.UnitType || u.unit.Type);
        assert.is(doc.Unit, r.Unit || u.unit.Name);
        assert.is(doc.DocUnit, r.DocUnit || u.unit.Name);
        assert.equal([doc.Path, doc.Format, doc.Data, doc.File, doc.Start, doc.End],
          [r.Path ?? "", r.Format ?? "", r.Data ?? "", r.File ?? "", r.Start ?? 0, r.End ?? 0]);
      });
    }
    console.log(`# ${group}: ${parsed.units.length} units, ${defs} defs, ${refs} refs, ${docs} docs, ${parsed.bytesRead} bytes`);
  });
}

test("readSrclib() reads every fixture group as one import (no two units share Type and Name)", async () => {
  const parsed = await read(FIXTURES);
  const count = (k: "defs" | "refs" | "docs") => parsed.units.reduce((n, u) => n + u[k].length, 0);
  assert.equal([parsed.units.length, count("defs"), count("refs"), count("docs")], [58, 442, 1477, 119]);
});

test("readSrclib() applies the fixtures' variations: def Unit '.', defs without unit, empty-means-same, other-unit docs", async () => {
  const all = (await read(FIXTURES)).units;
  const sample = all.find((u) => u.unit.Type === "sample")!;
  assert.is(sample.defs[0]!.Unit, "tiny-test-repo-with-readme", "the sample def says Unit '.'");
  assert.is(sample.unit.Dir, "", "the sample unit has no Dir");

  const js = all.filter((u) => u.unit.Type === "CommonJSPackage");
  const jsRaw = js.map((u) => JSON.parse(readFileSync(join(FIXTURES, u.graphFile), "utf8")) as Obj);
  assert.ok(jsRaw.some((g) => g.Defs.some((d: Obj) => d.UnitType === undefined)), "JS defs carry no UnitType");
  assert.ok(js.every((u) => u.defs.every((d) => d.UnitType === "CommonJSPackage" && d.Unit === u.unit.Name)));
  let unitOnly = 0;
  js.forEach((u, i) => jsRaw[i]!.Refs?.forEach((r: Obj, j: number) => {
    if (r.DefUnit && !r.DefUnitType) {
      unitOnly++;
      assert.is(u.refs[j]!.DefUnitType, "CommonJSPackage");
      assert.is(u.refs[j]!.DefUnit, r.DefUnit);
      assert.is(u.refs[j]!.DefRepo, r.DefRepo);
    }
  }));
  assert.ok(unitOnly > 0, "some JS refs name DefUnit without DefUnitType");
  const noRepo = all.flatMap((u) => u.refs).filter((r) => r.DefRepo === REPO);
  assert.ok(noRepo.length > 100, "refs without DefRepo get the import's repo");

  const goDocs = all.filter((u) => u.unit.Type === "GoPackage").flatMap((u) => u.docs);
  assert.ok(goDocs.some((d) => d.Unit === "fmt" && d.DocUnit === "github.com/sgtest/go-misc/scope"), "a doc naming another unit keeps it");
  assert.ok(all.flatMap((u) => u.docs).filter((d) => d.Path === "").length >= 30, "docs with Path '' are kept");
  assert.ok(all.flatMap((u) => u.docs).some((d) => d.Format === ""), "docs with Format '' are kept");
});

test("readSrclib() takes a plain array: progress has the total; null and missing fields take zero values", async () => {
  const enc = new TextEncoder();
  const file = (path: string, json: unknown): SrclibFile => ({ path, read: async () => enc.encode(JSON.stringify(json)) });
  const progress: ImportProgress[] = [];
  const parsed = await readSrclib({
    repo: REPO, commit: COMMIT + "0".repeat(24),
    files: [
      { path: "README.md", read: () => Promise.reject(new Error("ignored files are not read")) },
      file("x/T.graph.json", { Defs: [{ Path: "p", Name: "n", Data: null, Docs: [{ Format: "text/plain", Data: "inline" }] }], Refs: null, Symbols: [1] }),
      file("x/T.unit.json", { Name: "u", Type: "T", Files: null, Dir: null, Extra: { a: [1] } }),
      file("x/T.depresolve.json", []),
    ],
  }, { onProgress: (p) => progress.push(p) });
  assert.is(parsed.commit.length, 64);
  assert.equal(progress.map((p) => [p.done, p.total]), [[1, 2], [2, 2]]);
  const u = parsed.units[0]!;
  assert.equal(u.unit, { Name: "u", Type: "T", Files: [], Dir: "", Extra: { a: [1] } });
  assert.equal(u.defs[0], {
    Repo: REPO, CommitID: parsed.commit, UnitType: "T", Unit: "u", Path: "p", Name: "n", Kind: "", File: "",
    DefStart: 0, DefEnd: 0, Exported: false, Local: false, Test: false, Data: {}, TreePath: "", Docs: [],
  });
  assert.equal(u.refs, []);
  assert.equal(u.docs, [{
    Repo: REPO, CommitID: parsed.commit, UnitType: "T", Unit: "u", Path: "p", Format: "text/plain", Data: "inline",
    File: "", Start: 0, End: 0, DocUnit: "u",
  }], "a def's inline Docs become docs of its key");
});

// ---- malformed input -------------------------------------------------------------------------------

const UNIT = JSON.stringify({ Name: "u", Type: "GoPackage", Files: ["a.go"], Dir: "." });
const GRAPH = (g: unknown) => JSON.stringify(g);
const def = (o: Obj = {}) => ({ Path: "p", Name: "n", Kind: "func", File: "a.go", DefStart: 1, DefEnd: 2, ...o });

const malformed: [string, Record<string, string | Uint8Array>, string, ...string[]][] = [
  ["a graph file that is not JSON", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": "{\"Defs\": [" }, "d/GoPackage.graph.json: not valid JSON: Unexpected end of JSON input at line 1, column 11"],
  ["a unit file that is a top-level array", { "d/GoPackage.unit.json": "[]", "d/GoPackage.graph.json": "{}" }, "d/GoPackage.unit.json: must be a JSON object, not an array"],
  ["Defs not an array", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: {} }) }, "d/GoPackage.graph.json: Defs: must be an array"],
  ["a def that is not an object", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def(), 3] }) }, "d/GoPackage.graph.json: Defs[1]: must be a JSON object"],
  ["a def without Path", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def({ Path: undefined })] }) }, "d/GoPackage.graph.json: Defs[0].Path: is missing"],
  ["a def with Path ''", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def({ Path: "" })] }) }, "Defs[0].Path: must not be empty"],
  ["a def without Name", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def({ Name: undefined })] }) }, "Defs[0].Name: is missing"],
  ...([-1, 1.5, "3", 2 ** 32] as const).map((n): [string, Record<string, string>, string] =>
    [`DefStart ${JSON.stringify(n)}`, { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def(), def({ Path: "q", DefStart: n })] }) },
      "d/GoPackage.graph.json: Defs[1].DefStart: must be an integer 0..4294967295"]),
  ["a ref End of 2^32", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Refs: [{ DefPath: "p", End: 2 ** 32 }] }) }, "Refs[0].End: must be an integer 0..4294967295"],
  ["a ref without DefPath", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Refs: [{ File: "a.go" }] }) }, "Refs[0].DefPath: is missing"],
  ["a ref Def that is not a boolean", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Refs: [{ DefPath: "p", Def: 1 }] }) }, "Refs[0].Def: must be true or false"],
  ["a doc Data that is not a string", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Docs: [{ Path: "", Data: 5 }] }) }, "Docs[0].Data: must be a string"],
  ["a unit without Name", { "d/GoPackage.unit.json": JSON.stringify({ Type: "GoPackage" }), "d/GoPackage.graph.json": "{}" }, "d/GoPackage.unit.json: Name: is missing"],
  ["a unit with Name ''", { "d/GoPackage.unit.json": JSON.stringify({ Name: "", Type: "GoPackage" }), "d/GoPackage.graph.json": "{}" }, "d/GoPackage.unit.json: Name: must not be empty"],
  ["a unit Type that is not the file's", { "d/GoPackage.unit.json": JSON.stringify({ Name: "u", Type: "PipPackage" }), "d/GoPackage.graph.json": "{}" },
    "d/GoPackage.unit.json: Type: is \"PipPackage\", but the file is named GoPackage.unit.json"],
  ["unit Files holding a number", { "d/GoPackage.unit.json": JSON.stringify({ Name: "u", Type: "GoPackage", Files: ["a", 1] }), "d/GoPackage.graph.json": "{}" }, "Files[1]: must be a string"],
  ["a unit file without its graph file", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.depresolve.json": "[]" }, "d/GoPackage.unit.json: has no GoPackage.graph.json beside it"],
  ["a graph file without its unit file", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": "{}", "e/GoPackage.graph.json": "{}" }, "e/GoPackage.graph.json: has no GoPackage.unit.json beside it"],
  ["a graph file beside another type's unit", { "d/GoPackage.unit.json": UNIT, "d/PipPackage.graph.json": "{}" }, "has no"],
  ["two units with the same Type and Name", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": "{}", "e/GoPackage.unit.json": UNIT, "e/GoPackage.graph.json": "{}" },
    "e/GoPackage.unit.json: Name: unit GoPackage \"u\" is also defined by d/GoPackage.unit.json"],
  ["two defs with the same Path", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def({ Path: "a/b" }), def({ Path: "c" }), def({ Path: "a/b" })] }) },
    "d/GoPackage.graph.json: Defs[2].Path: \"a/b\" is also the path of Defs[0]"],
  ["a lone surrogate in a def Name", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": '{"Defs":[{"Path":"p","Name":"x\\ud800"}]}' },
    "d/GoPackage.graph.json: Defs[0].Name: must be well-formed Unicode"],
  ["a lone surrogate deep in a def's Data", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": '{"Defs":[{"Path":"p","Name":"x","Data":{"a b":["\\udc00"]}}]}' },
    "Defs[0].Data[\"a b\"][0]: must be well-formed Unicode"],
  ["a lone surrogate in a unit Name", { "d/GoPackage.unit.json": '{"Name":"\\udfff","Type":"GoPackage"}', "d/GoPackage.graph.json": "{}" }, "d/GoPackage.unit.json: Name: must be well-formed"],
  ["bytes that are not UTF-8", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": new Uint8Array([0x7b, 0xff, 0x7d]) }, "d/GoPackage.graph.json: not valid UTF-8"],
  ["a control character in a def Path", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": GRAPH({ Defs: [def({ Path: "a\nb" })] }) }, "Defs[0].Path: must not contain control characters"],
  ["an empty graph file", { "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": "" }, "d/GoPackage.graph.json: not valid JSON: Unexpected end of JSON input at line 1, column 1"],
];

for (const [name, files, ...fragments] of malformed) {
  test(`readSrclib() rejects ${name}, naming the file`, () =>
    withDir(files, async (dir) => void await rejects(read(dir), "invalid_input", "files", ...fragments)));
}

test("a JSON syntax error is one short line naming the file, the line and the column", async () => {
  const cases: [string, string][] = [
    // V8 gives no position here and quotes the file, newlines included.
    ['{\n  "Defs": [],\n  "Refs": oops,\n  "Docs": []\n}\n', "Unexpected token 'o' at line 3, column 11"],
    ["{\r\n\"Defs\": [\r\n]}}", "Unexpected non-whitespace character after JSON at line 3, column 3"],
    [`{"Defs": [{"Path": "${"p".repeat(500)}" "Name": "n"}]}`, "Expected ',' or '}' after property value at line 1, column 523"],
    [`{"Defs": [{"Name": "\u{1F600}\u{1F600}", "Path": nul}]}`, "Unexpected token '}' at line 1, column 37"],
    ["\u0001{}", "Unexpected token '\\u0001' at line 1, column 1"],
    ['{"Defs": [\n', "Unexpected end of JSON input at line 2, column 1"],
  ];
  for (const [graph, what] of cases) {
    await withDir({ "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": graph }, async (dir) => {
      const e = await rejects(read(dir), "invalid_input", "files");
      assert.is(e!.message, `files: d/GoPackage.graph.json: not valid JSON: ${what}`);
    });
  }
  // A long token quoted by the engine: cut, on one line, the position kept.
  const long = `${"\u0001".repeat(5)}${"x".repeat(400)}`;
  const m = jsonSyntaxError(long, new Error(`Unexpected token '${"y".repeat(300)}',\n"${long}" is not valid JSON`));
  assert.ok(m.length < 160 && !/[\r\n]/.test(m), m);
  assert.match(m, /^Unexpected token 'y+\.\.\. at line 1, column 1$/);
  // SpiderMonkey's form (Firefox): its line and column are kept.
  assert.is(jsonSyntaxError("[1,\n]", new SyntaxError("JSON.parse: unexpected character at line 2 column 1 of the JSON data")), "unexpected character at line 2, column 1");
});

test("jsonErrorOffset agrees with JSON.parse on valid and broken JSON, and with V8's position where it gives one", () => {
  const seeds = ['{"Defs":[{"Path":"a/b","Name":"n\\u00e9\\n","DefStart":0,"Data":{"x":[-1.5e+3,true,false,null]}}],"Refs":[]}', "[[], {}, \"\", 0, 1E9]", '  "s"  '];
  const junk = ['"', "\\", "{", "}", "[", "]", ",", ":", "0", "-", ".", "e", "t", "n", " ", "\n", "\t", "\u0001", "x", "\u00e9"];
  let seed = 7;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  let checked = 0, positioned = 0;
  for (const base of seeds) {
    assert.is(jsonErrorOffset(base), undefined, base);
    for (let k = 0; k < 400; k++) {
      let t = base;
      for (let m = 1 + rand(2); m > 0; m--) {
        const at = rand(t.length + 1);
        const op = rand(3);
        t = op === 0 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + junk[rand(junk.length)] + t.slice(op === 1 ? at : at + 1);
      }
      let engine: number | undefined | "valid" = "valid";
      try {
        JSON.parse(t);
      } catch (e) {
        const p = /at position (\d+)/.exec((e as Error).message);
        engine = p ? Number(p[1]) : undefined;
      }
      const mine = jsonErrorOffset(t);
      if (engine === "valid") assert.is(mine, undefined, JSON.stringify(t));
      else {
        assert.ok(mine !== undefined, `${JSON.stringify(t)} is not valid JSON`);
        if (engine !== undefined) {
          assert.is(mine, engine, JSON.stringify(t));
          positioned++;
        }
      }
      checked++;
    }
  }
  assert.ok(positioned > 100, `only ${positioned} positions compared`);
  console.log(`\n# jsonErrorOffset: ${checked} mutated texts, ${positioned} positions equal to V8's`);
});

test("readSrclib() rejects input without any unit", () =>
  withDir({ "README.md": "x", "d/GoPackage.depresolve.json": "[]", "d/.unit.json": "{}" }, async (dir) => {
    const e = await rejects(read(dir), "invalid_input", "files");
    assert.is(e!.message, "files: no <UnitType>.unit.json found");
  }));

test("readSrclib() checks repo and commit before reading anything", async () => {
  const files = [{ path: "GoPackage.unit.json", read: () => Promise.reject(new Error("must not be read")) }];
  for (const repo of ["", "https://github.com/a/b", "github.com//b", "github.com/a\\b", "github.com/\ud800", 5]) {
    await rejects(readSrclib({ repo: repo as string, commit: COMMIT, files }), "invalid_input", "repo");
  }
  for (const commit of ["", "0123", COMMIT + "0", "g".repeat(40), COMMIT.slice(1) + "\n", 7]) {
    await rejects(readSrclib({ repo: REPO, commit: commit as string, files }), "invalid_input", "commit");
  }
});

test("readSrclib() names a file given twice, and a file that cannot be read", async () => {
  const f = { path: "GoPackage.unit.json", read: async () => new TextEncoder().encode(UNIT) };
  await rejects(readSrclib({ repo: REPO, commit: COMMIT, files: [f, f] }), "invalid_input", "files", "GoPackage.unit.json: given twice");
  const broken = { path: "x/GoPackage.graph.json", read: () => Promise.reject(new Error("disk on fire")) };
  await rejects(readSrclib({ repo: REPO, commit: COMMIT, files: [broken] }), "unavailable", undefined, "x/GoPackage.graph.json", "disk on fire");
});

test("readSrclib() stops when aborted: StoreError unavailable 'import aborted'", async () => {
  const ac = new AbortController();
  let reads = 0;
  const files = (async function* () {
    for (let i = 0; i < 10; i++) {
      const unit = JSON.stringify({ Name: `u${i}`, Type: "GoPackage" });
      yield { path: `d${i}/GoPackage.unit.json`, read: async () => (reads++, new TextEncoder().encode(unit)) };
      if (i === 2) ac.abort(new Error("user pressed ^C"));
    }
  })();
  const e = await rejects(readSrclib({ repo: REPO, commit: COMMIT, files }, { signal: ac.signal }), "unavailable", undefined, "import aborted");
  assert.is((e!.cause as Error).message, "user pressed ^C");
  assert.is(reads, 3);
});

// ---- srclibDir and srclibFiles ---------------------------------------------------------------------

test("srclibDir() yields unit and graph files only, relative '/' paths in UTF-8 byte order, readable", () =>
  withDir({
    "b/GoPackage.unit.json": "1", "a-b/T.graph.json": "2", "a/b/T.unit.json": "3", "é/T.graph.json": "4", "\u{1F600}/T.unit.json": "5",
    "\uFF21/T.unit.json": "6", "T.graph.json": "7", "README.md": "x", "a/T.depresolve.json": "x", "a/.unit.json": "x",
    "a/T.unit.v0.json": "x", "a/T.unit.json.bak": "x",
  }, async (dir) => {
    const files = await collect(srclibDir(dir));
    assert.equal(files.map((f) => f.path), [
      "T.graph.json", "a-b/T.graph.json", "a/b/T.unit.json", "b/GoPackage.unit.json", "é/T.graph.json", "\uFF21/T.unit.json", "\u{1F600}/T.unit.json",
    ]);
    assert.equal(await Promise.all(files.map(async (f) => new TextDecoder().decode(await f.read()))), ["7", "2", "3", "1", "4", "6", "5"]);
  }));

test("srclibDir() follows links to files, skips links to folders (no loop on a cycle)", () =>
  withDir({ "real/T.unit.json": "u", "other/T.graph.json": "g" }, async (dir) => {
    await symlink(join(dir, "other", "T.graph.json"), join(dir, "real", "T.graph.json"));
    await symlink(dir, join(dir, "real", "loop"));
    await symlink(join(dir, "other"), join(dir, "linked"));
    await symlink(join(dir, "nowhere.txt"), join(dir, "real", "dangling.txt"));
    const files = await collect(srclibDir(dir));
    assert.equal(files.map((f) => f.path), ["other/T.graph.json", "real/T.graph.json", "real/T.unit.json"]);
    assert.is(new TextDecoder().decode(await files[1]!.read()), "g");
    await symlink(join(dir, "missing.json"), join(dir, "real", "X.unit.json"));
    await rejects(collect(srclibDir(dir)), "invalid_input", "dir", "X.unit.json", "broken symbolic link");
  }));

test("srclibDir() rejects a missing folder and a file, field 'dir'", () =>
  withDir({ "GoPackage.unit.json": UNIT }, async (dir) => {
    await rejects(collect(srclibDir(join(dir, "nope"))), "invalid_input", "dir", join(dir, "nope"), "no such folder");
    await rejects(collect(srclibDir(join(dir, "GoPackage.unit.json"))), "invalid_input", "dir", "is a file, not a folder");
    await rejects(read(join(dir, "nope")), "invalid_input", "dir");
  }));

test("srclibFiles() reads given files; a wrong name is rejected at once, a missing file when read", () =>
  withDir({ "d/GoPackage.unit.json": UNIT, "d/GoPackage.graph.json": "{}" }, async (dir) => {
    const given = srclibFiles([`${dir}/d/./GoPackage.unit.json`, `${dir}//d/GoPackage.graph.json`]);
    assert.equal(given.map((f) => f.path), [`${dir}/d/GoPackage.unit.json`, `${dir}/d/GoPackage.graph.json`]);
    const parsed = await readSrclib({ repo: REPO, commit: COMMIT, files: given });
    assert.is(parsed.units[0]!.unit.Name, "u");
    try {
      srclibFiles([`${dir}/d/README.md`]);
      assert.unreachable("accepted README.md");
    } catch (e) {
      assert.ok(isStoreError(e, "invalid_input") && e.field === "files" && e.message.includes("README.md"), String(e));
    }
    const missing = srclibFiles([`${dir}/e/GoPackage.unit.json`]);
    await rejects(readSrclib({ repo: REPO, commit: COMMIT, files: missing }), "invalid_input", "files", `${dir}/e/GoPackage.unit.json: no such file`);
    await mkdir(join(dir, "f", "X.graph.json"), { recursive: true });
    await rejects(srclibFiles([join(dir, "f", "X.graph.json")])[0]!.read(), "invalid_input", "files", "is a folder, not a file");
  }));

// ---- query input -----------------------------------------------------------------------------------

test("query checks: commit refs, def keys, defs and refs queries name the bad field", () => {
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(isStoreError(e, "invalid_input"), String(e));
      return e.field;
    }
    return "(accepted)";
  };
  assert.equal(checkCommitRef({ repo: REPO, commit: COMMIT.toUpperCase() }), { repo: REPO, commit: COMMIT });
  assert.is(field(() => checkCommitRef({ repo: REPO, commit: COMMIT, x: 1 })), "at.x");
  assert.is(field(() => checkCommitRef(null)), "at");
  const key = { repo: REPO, commit: COMMIT, unitType: "GoPackage", unit: "u", path: "" };
  assert.equal(checkDefKey(key), key, "path '' names a unit's docs");
  assert.is(field(() => checkDefKey({ ...key, unitType: "" })), "unitType");
  assert.is(field(() => checkDefKey({ ...key, unit: "x".repeat(1025) })), "unit");
  assert.is(field(() => checkDefKey({ ...key, path: "a\tb" })), "path");
  assert.is(field(() => checkDefKey({ ...key, path: "x".repeat(4097) })), "path");
  assert.is(field(() => checkDefKey({ ...key, path: 3 })), "path");
  const at = { repo: REPO, commit: COMMIT };
  assert.equal(checkDefsQuery({ ...at, namePrefix: "" }), { ...at, namePrefix: "", limit: 100 });
  assert.is(field(() => checkDefsQuery({ ...at, unitType: "GoPackage" })), "unit");
  assert.is(field(() => checkDefsQuery({ ...at, unit: "u" })), "unitType");
  assert.is(field(() => checkDefsQuery({ ...at, namePrefix: "x".repeat(257) })), "namePrefix");
  assert.is(field(() => checkDefsQuery({ ...at, file: "a\u0000" })), "file");
  assert.is(field(() => checkDefsQuery({ ...at, limit: 1001 })), "limit");
  assert.is(field(() => checkDefsQuery({ ...at, cursor: "" })), "cursor");
  assert.is(field(() => checkDefsQuery({ ...at, def: {} })), "query.def");
  assert.equal(checkRefsQuery({ ...at, def: { unitType: "T", unit: "u", path: "p" }, limit: 5 }),
    { ...at, def: { repo: REPO, unitType: "T", unit: "u", path: "p" }, limit: 5 });
  assert.is(field(() => checkRefsQuery({ ...at, def: { unitType: "T", unit: "u" } })), "def.path");
  // def.repo is compared with what imports keep as DefRepo, which need not be a repo URI.
  assert.is(field(() => checkRefsQuery({ ...at, def: { repo: "x://y", unitType: "T", unit: "u", path: "p" } })), "(accepted)");
  assert.is(field(() => checkRefsQuery({ ...at, def: { repo: "", unitType: "T", unit: "u", path: "p" } })), "def.repo");
  assert.is(field(() => checkRefsQuery({ ...at, def: { repo: "a\u0000", unitType: "T", unit: "u", path: "p" } })), "def.repo");
  assert.is(field(() => checkRefsQuery({ ...at, def: { unitType: "T", unit: "u", path: "p", Path: "p" } })), "def.Path");
  assert.is(field(() => checkRefsQuery({ ...at, unit: "u" })), "unitType");
});

test.run();
