/**
 * Visibility under concurrency: a reader (another store on the same root, as another process would
 * be) sees a commit's old version or its new one while a re-import runs, never a mix; two imports of
 * one commit at once leave one of them, whole.
 */
import * as assert from "uvu/assert";
import type { GraphStore } from "../../lib/graph/store.ts";
import { allDefs, allRefs } from "./graph-queries.ts";
import { caseNamed, importCase, withRoot, type GraphFactory, type It } from "./graph.ts";
import { moved } from "./graph-writes.ts";
import { expectDefs, expectRefs, type Expected } from "./srclib-expect.ts";

const REPO = "github.com/sgtest/races";

/** JSON with object keys sorted: equal values, whatever order the store builds objects in. */
const canon = (v: unknown): string => JSON.stringify(v, (_, x) =>
  x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);

/**
 * Which of `versions` the store shows for their commit. Each answer must be one version whole; the
 * version may change between two calls (a re-import may complete in between), so each is matched
 * on its own, and the units' version is returned.
 */
async function whole(s: GraphStore, versions: Expected[]): Promise<string> {
  const at = { repo: versions[0]!.repo, commit: versions[0]!.commit };
  const names = versions.map((e) => e.id).join(" or ");
  const units = canon(await s.units(at));
  const v = versions.find((e) => canon(e.units) === units);
  assert.ok(v, `units() shows neither ${names}: ${units.slice(0, 200)}`);
  const defs = canon(await allDefs(s, at));
  assert.ok(versions.some((e) => canon(expectDefs(e, {})) === defs), `defs() shows neither ${names} whole`);
  const refs = canon(await allRefs(s, at));
  assert.ok(versions.some((e) => canon(expectRefs(e, {})) === refs), `refs() shows neither ${names} whole`);
  return v!.id;
}

export function raceTests(it: It, make: GraphFactory): void {
  it("a reader sees the old version or the new one while a re-import runs, never a mix", () => withRoot(make, async (r) => {
    const a = moved(caseNamed("go/go-misc"), REPO);
    const b = moved(caseNamed("go/minimal-go-stdlib"), REPO, a.commit);
    await importCase(r.store, a);
    const reader = await r.reopen();
    const seen: string[] = [];
    for (const next of [b, a, b]) {
      let done = false;
      const writing = importCase(r.store, next).finally(() => (done = true));
      while (!done) seen.push(await whole(reader, [a, b]));
      await writing;
      assert.is(await whole(reader, [a, b]), next.id, "after the import, the new version");
    }
    it.note(`re-imports under a reader: ${seen.length} reads, ${seen.filter((x, i) => i > 0 && x !== seen[i - 1]).length} switches seen`);
  }));

  it("two imports of one commit at once leave one of them, whole", () => withRoot(make, async (r) => {
    const a = moved(caseNamed("go/go-misc"), REPO);
    const b = moved(caseNamed("javascript/js-misc"), REPO, a.commit);
    const other = await r.reopen();
    const results = await Promise.allSettled([importCase(r.store, a), importCase(other, b)]);
    assert.ok(results.some((x) => x.status === "fulfilled"), `at least one import succeeds: ${results.map((x) => (x.status === "rejected" ? String(x.reason) : "ok")).join("; ")}`);
    const shown = await whole(r.store, [a, b]);
    assert.is(await whole(other, [a, b]), shown, "both stores agree");
    const commits = await r.store.commits();
    assert.is(commits.length, 1);
    const e = shown === a.id ? a : b;
    assert.equal([commits[0]!.units, commits[0]!.defs, commits[0]!.refs, commits[0]!.docs], [e.units.length, e.defs.length, e.refs.length, e.docs.length]);
  }));
}
