/**
 * What the graph store must answer for the real srclib fixtures (test/fixtures/srclib/), derived from the
 * files themselves by this test's own reader: the normalization rules of notes/graph-design.md applied
 * independently of lib/graph/srclib-input.ts, so the suite checks the store against the rules, not
 * against a copy of its own reader.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Def, Doc, Ref, SourceUnit, SrclibFile } from "../../lib/graph/store.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
export const FIXTURES = env.SRCLIB_FIXTURES ?? fileURLToPath(new URL("../fixtures/srclib/", import.meta.url));

/** Where the test cases of each toolchain are: every folder directly below is one case. */
const CASE_ROOTS = [
  "go/testdata/expected/src/github.com/sgtest",
  "python/testdata/expected",
  "javascript/testdata/expected",
  "sample/testdata/expected",
];

/** Repos whose refs name their own repo explicitly (DefRepo), so those refs resolve inside the import. */
const REPO_OF: Record<string, string> = {
  "python-stdlib-refs": "github.com/python/cpython",
  "python-mock-stdlib": "github.com/python/cpython",
};

export interface RawFile {
  /** Relative to the case folder, "/"-separated: what SrclibFile.path says. */
  path: string;
  bytes: Uint8Array;
}

export interface Expected {
  /** "go/go-misc", "python/python-sample-0", ... */
  id: string;
  repo: string;
  commit: string;
  /** Unit files first, each followed by its graph file (units by Type, Name), then the ignored files. */
  files: RawFile[];
  /** Bytes of the unit and graph files. */
  srclibBytes: number;
  units: SourceUnit[];
  /** Import order: units by Type then Name, each file's entries in file order. Docs attached. */
  defs: Def[];
  refs: Ref[];
  docs: Doc[];
}

/** UTF-8 byte order, from UTF-16 without encoding: surrogates sort above the rest of the BMP. */
export function cmpStr(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

export type SortKey = (string | number)[];

function cmpKey(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    const c = typeof x === "number" && typeof y === "number" ? x - y : cmpStr(String(x), String(y));
    if (c !== 0) return c;
  }
  return 0;
}

/** A sorted copy; equal keys keep their order (the import's). */
export function sortBy<T>(xs: readonly T[], key: (t: T) => SortKey): T[] {
  return xs.map((x) => ({ x, k: key(x) })).sort((a, b) => cmpKey(a.k, b.k)).map((e) => e.x);
}

export const lower = (s: string): string => s.toLowerCase();
export const defKeyOf = (x: { UnitType: string; Unit: string; Path: string }): string => `${x.UnitType}\0${x.Unit}\0${x.Path}`;

export const DEF_ORDER = {
  unit: (d: Def): SortKey => [d.Path],
  file: (d: Def): SortKey => [d.DefStart, d.UnitType, d.Unit, d.Path],
  name: (d: Def): SortKey => [lower(d.Name), d.Name, d.UnitType, d.Unit, d.Path],
  all: (d: Def): SortKey => [d.UnitType, d.Unit, d.Path],
};

export const REF_ORDER = {
  def: (r: Ref): SortKey => [r.UnitType, r.Unit, r.File, r.Start, r.End],
  file: (r: Ref): SortKey => [r.Start, r.End, r.UnitType, r.Unit],
  unit: (r: Ref): SortKey => [r.File, r.Start, r.End],
  all: (r: Ref): SortKey => [r.UnitType, r.Unit, r.File, r.Start, r.End],
};

export interface DefsFilter {
  unitType?: string;
  unit?: string;
  file?: string;
  namePrefix?: string;
}

/** The defs a DefsQuery must return, in its order. */
export function expectDefs(e: Expected, q: DefsFilter): Def[] {
  const hit = e.defs.filter((d) =>
    (q.unit === undefined || (d.UnitType === q.unitType && d.Unit === q.unit)) &&
    (q.file === undefined || d.File === q.file) &&
    (q.namePrefix === undefined || lower(d.Name).startsWith(lower(q.namePrefix))));
  const order = q.unit !== undefined ? DEF_ORDER.unit : q.file !== undefined ? DEF_ORDER.file : q.namePrefix !== undefined ? DEF_ORDER.name : DEF_ORDER.all;
  return sortBy(hit, order);
}

export interface Target {
  repo?: string;
  unitType: string;
  unit: string;
  path: string;
}

export interface RefsFilter {
  def?: Target;
  file?: string;
  unitType?: string;
  unit?: string;
}

export const pointsTo = (r: Ref, t: Target, repo: string): boolean =>
  lower(r.DefRepo) === lower(t.repo ?? repo) && r.DefUnitType === t.unitType && r.DefUnit === t.unit && r.DefPath === t.path;

/** The refs a RefsQuery must return, in its order. */
export function expectRefs(e: Expected, q: RefsFilter): Ref[] {
  const hit = e.refs.filter((r) =>
    (q.def === undefined || pointsTo(r, q.def, e.repo)) &&
    (q.file === undefined || r.File === q.file) &&
    (q.unit === undefined || (r.UnitType === q.unitType && r.Unit === q.unit)));
  const order = q.def ? REF_ORDER.def : q.file !== undefined ? REF_ORDER.file : q.unit !== undefined ? REF_ORDER.unit : REF_ORDER.all;
  return sortBy(hit, order);
}

/** The def a ref points to when it is in the import. */
export function targetDef(e: Expected, r: Ref, byKey: Map<string, Def>): Def | undefined {
  if (lower(r.DefRepo) !== lower(e.repo)) return undefined;
  return byKey.get(`${r.DefUnitType}\0${r.DefUnit}\0${r.DefPath}`);
}

export const defsByKey = (e: Expected): Map<string, Def> => new Map(e.defs.map((d) => [defKeyOf(d), d]));

/** SrclibFile objects over the case's bytes. */
export function srclibFiles(files: readonly RawFile[]): SrclibFile[] {
  return files.map((f) => ({ path: f.path, read: async () => f.bytes.slice() }));
}

let cached: Expected[] | undefined;

/** Every fixture case, read once per process. */
export function fixtureCases(): Expected[] {
  if (cached) return cached;
  if (!existsSync(FIXTURES)) throw new Error(`srclib fixtures not found at ${FIXTURES} (set SRCLIB_FIXTURES)`);
  const out: Expected[] = [];
  for (const root of CASE_ROOTS) {
    const dir = join(FIXTURES, root);
    for (const name of readdirSync(dir).sort()) {
      if (!statSync(join(dir, name)).isDirectory()) continue;
      const group = root.split("/")[0]!;
      const id = `${group}/${name}`;
      const commit = createHash("sha1").update(id).digest("hex");
      out.push(expectCase(id, REPO_OF[name] ?? `github.com/sgtest/${name}`, commit, walk(join(dir, name), "")));
    }
  }
  return (cached = out);
}

function walk(dir: string, rel: string): RawFile[] {
  const files: RawFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const path = rel ? `${rel}/${name}` : name;
    if (statSync(abs).isDirectory()) files.push(...walk(abs, path));
    else files.push({ path, bytes: new Uint8Array(readFileSync(abs)) });
  }
  return files;
}

type Json = Record<string, unknown>;
const parse = (b: Uint8Array): Json => JSON.parse(new TextDecoder().decode(b)) as Json;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const int = (v: unknown): number => (typeof v === "number" ? v : 0);
const same = (v: unknown, own: string): string => (typeof v === "string" && v !== "" ? v : own);

/** Reads one case's units and graphs by the design's input rules. */
export function expectCase(id: string, repo: string, commit: string, raw: RawFile[]): Expected {
  const byPath = new Map(raw.map((f) => [f.path, f]));
  const pairs: { unit: SourceUnit; unitFile: RawFile; graphFile: RawFile }[] = [];
  for (const f of raw) {
    const m = /^(?:(.*)\/)?([^/]+)\.unit\.json$/.exec(f.path);
    if (!m) continue;
    const graphFile = byPath.get(`${m[1] ? m[1] + "/" : ""}${m[2]}.graph.json`);
    if (!graphFile) throw new Error(`${id}: ${f.path} has no graph file`);
    const u = parse(f.bytes);
    const unit: SourceUnit = { ...u, Name: u.Name as string, Type: u.Type as string, Files: (u.Files as string[] | null) ?? [], Dir: str(u.Dir) };
    pairs.push({ unit, unitFile: f, graphFile });
  }
  const ordered = sortBy(pairs, (p) => [p.unit.Type, p.unit.Name]);
  const used = new Set(ordered.flatMap((p) => [p.unitFile.path, p.graphFile.path]));
  const e: Expected = {
    id, repo, commit,
    files: [...ordered.flatMap((p) => [p.unitFile, p.graphFile]), ...raw.filter((f) => !used.has(f.path))],
    srclibBytes: ordered.reduce((n, p) => n + p.unitFile.bytes.length + p.graphFile.bytes.length, 0),
    units: ordered.map((p) => p.unit), defs: [], refs: [], docs: [],
  };
  for (const { unit: u, graphFile } of ordered) {
    const g = parse(graphFile.bytes);
    for (const d of (g.Defs as Json[] | null) ?? []) {
      e.defs.push({
        Repo: repo, CommitID: commit, UnitType: u.Type, Unit: u.Name, Path: d.Path as string, Name: d.Name as string,
        Kind: str(d.Kind), File: str(d.File), DefStart: int(d.DefStart), DefEnd: int(d.DefEnd),
        Exported: d.Exported === true, Local: d.Local === true, Test: d.Test === true,
        Data: d.Data ?? {}, TreePath: str(d.TreePath), Docs: [],
      });
    }
    for (const r of (g.Refs as Json[] | null) ?? []) {
      e.refs.push({
        DefRepo: same(r.DefRepo, repo), DefUnitType: same(r.DefUnitType, u.Type), DefUnit: same(r.DefUnit, u.Name),
        DefPath: r.DefPath as string, Def: r.Def === true, Repo: repo, CommitID: commit, UnitType: u.Type, Unit: u.Name,
        File: str(r.File), Start: int(r.Start), End: int(r.End),
      });
    }
    for (const o of (g.Docs as Json[] | null) ?? []) {
      e.docs.push({
        Repo: repo, CommitID: commit, UnitType: same(o.UnitType, u.Type), Unit: same(o.Unit, u.Name), Path: str(o.Path),
        Format: str(o.Format), Data: str(o.Data), File: str(o.File), Start: int(o.Start), End: int(o.End),
        DocUnit: same(o.DocUnit, u.Name),
      });
    }
  }
  const byKey = defsByKey(e);
  for (const doc of e.docs) byKey.get(defKeyOf(doc))?.Docs.push({ Format: doc.Format, Data: doc.Data });
  return e;
}

/** The distinct keys that docs name, in first-seen order. */
export function docKeys(e: Expected): { unitType: string; unit: string; path: string }[] {
  const seen = new Map<string, { unitType: string; unit: string; path: string }>();
  for (const d of e.docs) if (!seen.has(defKeyOf(d))) seen.set(defKeyOf(d), { unitType: d.UnitType, unit: d.Unit, path: d.Path });
  return [...seen.values()];
}

export const distinct = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
