/**
 * Query answers on every fixture commit, each compared with what the srclib files say
 * (srclib-expect.ts): units, def by key, defs by unit / file / name prefix, refs to a def, refs in a
 * file or unit, docs of a key. Read-only: they share one store holding every fixture case.
 */
import * as assert from "uvu/assert";
import type { Def, DefsQuery, GraphStore, Ref, RefsQuery } from "../../lib/graph/store.ts";
import { drain, rejects } from "./harness.ts";
import { eachLimit, type It, type Shared } from "./graph.ts";
import {
  defKeyOf, defsByKey, distinct, docKeys, expectDefs, expectRefs, lower, targetDef, type Expected,
} from "./srclib-expect.ts";

export const at = (e: Expected) => ({ repo: e.repo, commit: e.commit });
export const keyOf = (e: Expected, d: { UnitType: string; Unit: string; Path: string }) =>
  ({ ...at(e), unitType: d.UnitType, unit: d.Unit, path: d.Path });

/** Every def of a query, following cursors. */
export const allDefs = (s: GraphStore, q: DefsQuery, limit = 1000): Promise<Def[]> =>
  drain((cursor) => s.defs({ ...q, limit, ...(cursor ? { cursor } : {}) }));
export const allRefs = (s: GraphStore, q: RefsQuery, limit = 1000): Promise<Ref[]> =>
  drain((cursor) => s.refs({ ...q, limit, ...(cursor ? { cursor } : {}) }));

/** Upper-cased prefixes of the commit's names (1 and 3 characters), and "", that survive case folding. */
export function namePrefixes(e: Expected): string[] {
  const ps = e.defs.flatMap((d) => [1, 3].map((n) => Array.from(d.Name).slice(0, n).join("")))
    .map((q) => (lower(q.toUpperCase()) === lower(q) ? q.toUpperCase() : q));
  return ["", ...distinct(ps).sort()];
}

export function queryTests(it: It, shared: Shared): void {
  it("units() lists every unit of a commit by Type then Name, with Files, Dir and extra fields verbatim", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) assert.equal(await root.store.units(at(e)), e.units, `${e.id}: units()`);
  });

  it("def() finds every def by its key, normalized, with every doc of its key in import order", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      await eachLimit(e.defs, 8, async (d) => assert.equal(await root.store.def(keyOf(e, d)), d, `${e.id}: def ${defKeyOf(d)}`));
    }
  });

  it("defs({unitType, unit}) returns each unit's defs by Path, as many as its graph file holds", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      for (const u of e.units) {
        const got = await allDefs(root.store, { ...at(e), unitType: u.Type, unit: u.Name });
        assert.equal(got, expectDefs(e, { unitType: u.Type, unit: u.Name }), `${e.id}: defs of unit ${u.Type} ${u.Name}`);
      }
    }
  });

  it("defs({file}) returns the defs of each file (package folders too) by DefStart, UnitType, Unit, Path", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      await eachLimit([...distinct(e.defs.map((d) => d.File)), "no/such/file.go"], 8, async (file) => {
        assert.equal(await allDefs(root.store, { ...at(e), file }), expectDefs(e, { file }), `${e.id}: defs in file ${file}`);
      });
    }
  });

  it("defs({namePrefix}) matches names case-insensitively, by lower-cased Name, Name, UnitType, Unit, Path", async () => {
    const { root, cases } = await shared.get();
    let queries = 0;
    for (const { e } of cases) {
      await eachLimit([...namePrefixes(e), "ZZZ-NO-SUCH-NAME"], 8, async (namePrefix) => {
        queries++;
        assert.equal(await allDefs(root.store, { ...at(e), namePrefix }), expectDefs(e, { namePrefix }), `${e.id}: defs with name prefix ${JSON.stringify(namePrefix)}`);
      });
    }
    it.note(`defs({namePrefix}): ${queries} prefixes checked`);
  });

  it("defs() narrows the ordering filter with the others (unit + file, unit + namePrefix, file + namePrefix)", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      for (const d of e.defs.filter((_, i) => i % 5 === 0)) {
        const unit = { unitType: d.UnitType, unit: d.Unit };
        const p = d.Name.slice(0, 2).toUpperCase();
        for (const q of [{ ...unit, file: d.File }, { ...unit, namePrefix: p }, { file: d.File, namePrefix: p }]) {
          assert.equal(await allDefs(root.store, { ...at(e), ...q }), expectDefs(e, q), `${e.id}: defs ${JSON.stringify(q)}`);
        }
      }
    }
  });

  it("every ref whose target def is in the import resolves: def(target) finds it and refs({def: target}) holds the ref", async () => {
    const { root, cases } = await shared.get();
    let resolvable = 0;
    for (const { e } of cases) {
      const byKey = defsByKey(e);
      const groups = new Map<string, { def: Def; refs: Ref[] }>();
      for (const r of e.refs) {
        const def = targetDef(e, r, byKey);
        if (!def) continue;
        resolvable++;
        const g = groups.get(defKeyOf(def)) ?? groups.set(defKeyOf(def), { def, refs: [] }).get(defKeyOf(def))!;
        g.refs.push(r);
      }
      await eachLimit([...groups.values()], 8, async ({ def, refs }) => {
        assert.equal(await root.store.def(keyOf(e, def)), def, `${e.id}: target ${defKeyOf(def)}`);
        const got = await allRefs(root.store, { ...at(e), def: { unitType: def.UnitType, unit: def.Unit, path: def.Path } });
        for (const r of refs) {
          assert.ok(got.some((x) => sameRef(x, r)), `${e.id}: refs to ${defKeyOf(def)} lack the ref at ${r.File}:${r.Start}-${r.End}`);
        }
      });
    }
    it.note(`${resolvable} refs resolve to a def in their import`);
  });

  it("refs({def}) lists every ref to each def across units by UnitType, Unit, File, Start, End (repo optional, any case)", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      await eachLimit(e.defs, 8, async (d) => {
        const def = { unitType: d.UnitType, unit: d.Unit, path: d.Path };
        const want = expectRefs(e, { def });
        assert.equal(await allRefs(root.store, { ...at(e), def }), want, `${e.id}: refs to ${defKeyOf(d)}`);
        if (want.length > 0) {
          const upper = await allRefs(root.store, { ...at(e), def: { ...def, repo: e.repo.toUpperCase() } });
          assert.equal(upper, want, `${e.id}: refs to ${defKeyOf(d)} with the repo upper-cased`);
        }
      });
    }
  });

  it("refs({file}) returns each file's refs by Start, End, UnitType, Unit", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      await eachLimit([...distinct(e.refs.map((r) => r.File)), "no/such/file.go"], 8, async (file) => {
        assert.equal(await allRefs(root.store, { ...at(e), file }), expectRefs(e, { file }), `${e.id}: refs in file ${file}`);
      });
    }
  });

  it("refs({unitType, unit}) returns each unit's refs by File, Start, End", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      for (const u of e.units) {
        const q = { unitType: u.Type, unit: u.Name };
        assert.equal(await allRefs(root.store, { ...at(e), ...q }), expectRefs(e, q), `${e.id}: refs in unit ${u.Type} ${u.Name}`);
      }
    }
  });

  it("docs() returns every doc of each key in import order, Path \"\" docs and docs naming another unit included", async () => {
    const { root, cases } = await shared.get();
    let total = 0, files = 0, foreign = 0;
    for (const { e } of cases) {
      const byKey = defsByKey(e);
      for (const k of docKeys(e)) {
        const want = e.docs.filter((d) => defKeyOf(d) === `${k.unitType}\0${k.unit}\0${k.path}`);
        const got = await root.store.docs({ ...at(e), ...k });
        assert.equal(got, want, `${e.id}: docs of ${k.unitType} ${k.unit} ${JSON.stringify(k.path)}`);
        total += got.length;
        if (k.path === "") files += got.length;
        if (!e.units.some((u) => u.Type === k.unitType && u.Name === k.unit)) foreign += got.length;
        if (!byKey.has(`${k.unitType}\0${k.unit}\0${k.path}`)) await rejects(root.store.def({ ...at(e), ...k }), "not_found");
      }
      const bare = e.defs.find((d) => d.Docs.length === 0);
      if (bare) assert.equal(await root.store.docs(keyOf(e, bare)), [], `${e.id}: docs of a def without docs`);
    }
    const inFiles = cases.reduce((n, c) => n + c.e.docs.length, 0);
    assert.is(total, inFiles, "docs returned over all keys = docs in the graph files");
    it.note(`docs: ${total} returned (${files} with Path "", ${foreign} naming a unit not in the import) of ${inFiles} in the files`);
  });
}

const sameRef = (a: Ref, b: Ref): boolean =>
  (Object.keys(b) as (keyof Ref)[]).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;
