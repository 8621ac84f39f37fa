/**
 * Writes and input checks, each test on its own fresh root: repo case-insensitivity, deleteCommit,
 * re-import, not_found, invalid_input with its field.
 */
import * as assert from "uvu/assert";
import type { GraphStore } from "../../lib/graph/store.ts";
import { rejects } from "./harness.ts";
import { allDefs, allRefs } from "./graph-queries.ts";
import { caseNamed, importCase, withRoot, type GraphFactory, type It } from "./graph.ts";
import { defKeyOf, expectCase, expectDefs, expectRefs, type Expected } from "./srclib-expect.ts";

/** The expectations of a case imported at another repo or commit. */
export const moved = (e: Expected, repo: string, commit = e.commit): Expected => expectCase(e.id, repo, commit, e.files);
const at = (e: Expected) => ({ repo: e.repo, commit: e.commit });
const key = (e: Expected, i = 0) => {
  const d = e.defs[i]!;
  return { ...at(e), unitType: d.UnitType, unit: d.Unit, path: d.Path };
};
const hex = (c: string) => c.repeat(40);

async function importAt(store: GraphStore, e: Expected) {
  return importCase(store, e, at(e));
}

export function writeTests(it: It, make: GraphFactory): void {
  it("repos match case-insensitively and show as imported; commit IDs fold to lower case", () => withRoot(make, async ({ store }) => {
    const e = moved(caseNamed("go/go-sample-0"), "github.com/sgtest/X");
    const s = await importCase(store, e, { commit: e.commit.toUpperCase() });
    assert.equal([s.repo, s.commit], ["github.com/sgtest/X", e.commit]);
    const asked = { repo: "GitHub.com/SGTEST/x", commit: e.commit.toUpperCase() };
    assert.equal(await store.units(asked), e.units);
    for (const d of e.defs) assert.equal(await store.def({ ...asked, unitType: d.UnitType, unit: d.Unit, path: d.Path }), d, `def ${d.Path}`);
    assert.equal(await allRefs(store, asked), expectRefs(e, {}), "refs: empty DefRepo is the repo as imported");
    assert.equal((await store.commits()).map((c) => [c.repo, c.commit]), [["github.com/sgtest/X", e.commit]]);
    assert.equal((await store.commits({ repo: "GITHUB.COM/sgtest/x" })).length, 1);
    assert.equal(await store.repos(), ["github.com/sgtest/X"]);
    const again = await importCase(store, e, { repo: "GITHUB.com/sgtest/x" });
    assert.ok(again.replaced, "an import under the same repo in other case replaces the commit");
    assert.equal((await store.repos()).length, 1);

    // Refs naming their repo explicitly (DefRepo) resolve when the import's repo differs only in case.
    const py = moved(caseNamed("python/python-mock-stdlib"), "GitHub.com/Python/CPython");
    await importAt(store, py);
    const explicit = py.refs.filter((r) => r.DefRepo === "github.com/python/cpython" && py.defs.some((d) => d.Unit === r.DefUnit && d.Path === r.DefPath));
    assert.ok(explicit.length > 0, "the fixture has refs with an explicit DefRepo into their own import");
    for (const r of explicit) {
      const def = { unitType: r.DefUnitType, unit: r.DefUnit, path: r.DefPath };
      const got = await allRefs(store, { ...at(py), def });
      assert.ok(got.some((x) => x.File === r.File && x.Start === r.Start && x.End === r.End), `refs to ${r.DefPath} hold ${r.File}:${r.Start}`);
    }
  }));

  it("deleteCommit() removes exactly one commit and returns false when the commit is not stored", () => withRoot(make, async ({ store }) => {
    const a1 = caseNamed("go/go15vendor");
    const a2 = moved(a1, a1.repo, hex("a"));
    const b = caseNamed("python/python-sample-0");
    for (const e of [a1, a2, b]) await importAt(store, e);
    assert.is(await store.deleteCommit({ repo: a1.repo.toUpperCase(), commit: a1.commit }), true);
    assert.equal((await store.commits()).map((c) => c.commit).sort(), [a2.commit, b.commit].sort());
    await rejects(store.units(at(a1)), "not_found");
    await rejects(store.def(key(a1)), "not_found");
    assert.equal(await store.units(at(a2)), a2.units);
    assert.equal(await store.def(key(a2)), a2.defs[0]);
    assert.equal(await allDefs(store, at(b)), expectDefs(b, {}), "the other repo untouched");
    assert.is(await store.deleteCommit(at(a1)), false, "deleting again");
    assert.is(await store.deleteCommit({ repo: "example.com/none", commit: a1.commit }), false, "a repo never imported");
    assert.equal(await store.repos(), [a1.repo, b.repo].sort());
    assert.is(await store.deleteCommit(at(a2)), true);
    assert.equal(await store.repos(), [b.repo], "a repo without commits is no longer listed");
  }));

  it("a re-import replaces the commit in one step: new version, replaced: true, old answers gone", () => withRoot(make, async ({ store }) => {
    const old = caseNamed("go/go-sample-0");
    const neu = moved(caseNamed("go/godep-include"), old.repo, old.commit);
    const first = await importAt(store, old);
    const page = await store.defs({ ...at(old), limit: 1 });
    assert.ok(page.nextCursor, "a first page of one def has a cursor");
    const second = await importAt(store, neu);
    assert.is(second.replaced, true);
    assert.is.not(second.version, first.version);
    assert.equal(await store.units(at(neu)), neu.units);
    assert.equal(await allDefs(store, at(neu)), expectDefs(neu, {}));
    const gone = old.defs.filter((d) => !neu.defs.some((n) => defKeyOf(n) === defKeyOf(d)));
    for (const d of gone) await rejects(store.def({ ...at(old), unitType: d.UnitType, unit: d.Unit, path: d.Path }), "not_found");
    const [c] = await store.commits();
    assert.equal([c!.version, c!.units, c!.defs, c!.refs, c!.docs], [second.version, neu.units.length, neu.defs.length, neu.refs.length, neu.docs.length]);
    await rejects(store.defs({ ...at(old), limit: 1, cursor: page.nextCursor! }), "conflict");
  }));

  it("not_found for a commit that is not stored and for a def that is not in the commit", () => withRoot(make, async ({ store }) => {
    const e = caseNamed("go/go-sample-0");
    await rejects(store.units(at(e)), "not_found");
    await rejects(store.def(key(e)), "not_found");
    await importAt(store, e);
    const missing = { ...at(e), commit: hex("b") };
    await rejects(store.units(missing), "not_found");
    await rejects(store.def({ ...key(e), commit: missing.commit }), "not_found");
    await rejects(store.defs(missing), "not_found");
    await rejects(store.refs(missing), "not_found");
    await rejects(store.units({ ...at(e), repo: "github.com/sgtest/other" }), "not_found");
    await rejects(store.def({ ...key(e), path: "NoSuchDef" }), "not_found");
    await rejects(store.def({ ...key(e), unit: "no/such/unit" }), "not_found");
    await rejects(store.def({ ...key(e), unitType: "NoSuchType" }), "not_found");
  }));

  it("invalid_input names the field: repo, commit, unitType, limit, cursor", () => withRoot(make, async ({ store }) => {
    const e = caseNamed("go/go-misc");
    await importAt(store, e);
    for (const repo of ["", "https://github.com/x/y", "github.com//x", "github.com/x y"]) {
      await rejects(store.units({ repo, commit: e.commit }), "invalid_input", "repo");
      await rejects(importCase(store, e, { repo }), "invalid_input", "repo");
    }
    for (const commit of ["", "abc", e.commit.slice(1), "g".repeat(40), e.commit + "0"]) {
      await rejects(store.units({ repo: e.repo, commit }), "invalid_input", "commit");
      await rejects(importCase(store, e, { commit }), "invalid_input", "commit");
    }
    await rejects(store.defs({ ...at(e), unit: e.units[0]!.Name }), "invalid_input", "unitType");
    await rejects(store.refs({ ...at(e), unit: e.units[0]!.Name }), "invalid_input", "unitType");
    for (const limit of [0, 1001, -1, 1.5]) {
      await rejects(store.defs({ ...at(e), limit }), "invalid_input", "limit");
      await rejects(store.refs({ ...at(e), limit }), "invalid_input", "limit");
    }
    assert.is((await store.defs({ ...at(e), limit: 1000 })).items.length, e.defs.length, "limit 1000 is allowed");
    await rejects(store.defs({ ...at(e), cursor: "not-a-cursor" }), "invalid_input", "cursor");
    const [u1, u2] = e.units;
    const defsPage = await store.defs({ ...at(e), unitType: u1!.Type, unit: u1!.Name, limit: 1 });
    const refsPage = await store.refs({ ...at(e), limit: 1 });
    assert.ok(defsPage.nextCursor && refsPage.nextCursor, "first pages of one item have cursors");
    await rejects(store.refs({ ...at(e), cursor: defsPage.nextCursor! }), "invalid_input", "cursor");
    await rejects(store.defs({ ...at(e), cursor: refsPage.nextCursor! }), "invalid_input", "cursor");
    await rejects(store.defs({ ...at(e), unitType: u2!.Type, unit: u2!.Name, cursor: defsPage.nextCursor! }), "invalid_input", "cursor");
    await rejects(store.defs({ ...at(e), namePrefix: "a", cursor: defsPage.nextCursor! }), "invalid_input", "cursor");
  }));
}
