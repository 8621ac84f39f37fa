/**
 * What the shared store lists: import summaries, commits(), repos(), and paging through every def
 * and ref of each fixture commit with small limits (no skip, no repeat, pages within the limit).
 */
import * as assert from "uvu/assert";
import type { Page } from "../../lib/model.ts";
import { at } from "./graph-queries.ts";
import type { It, Shared } from "./graph.ts";
import { cmpStr, distinct, expectDefs, expectRefs, lower, sortBy } from "./srclib-expect.ts";

/** Every item of a listing with `limit` per page, checking each page's size. */
async function pages<T>(limit: number, list: (cursor: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 1; n <= 100_000; n++) {
    const page = await list(cursor);
    assert.ok(page.items.length <= limit, `a page holds ${page.items.length} items, over the limit ${limit}`);
    items.push(...page.items);
    if (page.nextCursor === undefined) return { items, pages: n };
    assert.type(page.nextCursor, "string");
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

const withCursor = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });

export function listTests(it: It, shared: Shared): void {
  it("import() reports each fixture case's units, defs, refs and docs as its files hold them", async () => {
    const { cases } = await shared.get();
    for (const { e, summary: s } of cases) {
      assert.equal(
        { repo: s.repo, commit: s.commit, replaced: s.replaced, units: s.units, defs: s.defs, refs: s.refs, docs: s.docs },
        { repo: e.repo, commit: e.commit, replaced: false, units: e.units.length, defs: e.defs.length, refs: e.refs.length, docs: e.docs.length },
        `${e.id}: import summary`,
      );
      assert.ok(typeof s.version === "string" && s.version.length > 0, `${e.id}: a version id`);
      assert.ok(s.bytesRead >= e.srclibBytes, `${e.id}: bytesRead ${s.bytesRead} < ${e.srclibBytes} bytes of unit and graph files`);
      assert.ok(s.objects > 0 && s.bytesWritten > 0, `${e.id}: objects and bytes written`);
    }
    const sum = (f: (s: (typeof cases)[number]["summary"]) => number) => cases.reduce((n, c) => n + f(c.summary), 0);
    it.note(`imported ${cases.length} fixture commits: ${sum((s) => s.units)} units, ${sum((s) => s.defs)} defs, ${sum((s) => s.refs)} refs, ${sum((s) => s.docs)} docs; ${sum((s) => s.bytesRead)} bytes read, ${sum((s) => s.objects)} objects written`);
  });

  it("commits() lists every imported commit by repo then commit, with its version and counts", async () => {
    const { root, cases } = await shared.get();
    const want = sortBy(cases, (c) => [c.e.repo, c.e.commit]).map(({ e, summary }) => ({
      repo: e.repo, commit: e.commit, version: summary.version,
      units: e.units.length, defs: e.defs.length, refs: e.refs.length, docs: e.docs.length,
    }));
    const got = await root.store.commits();
    assert.equal(got.map((c) => ({ repo: c.repo, commit: c.commit, version: c.version, units: c.units, defs: c.defs, refs: c.refs, docs: c.docs })), want);
    for (const c of got) {
      assert.ok(c.importedAt instanceof Date && !Number.isNaN(c.importedAt.getTime()), `${c.repo}@${c.commit}: importedAt`);
      assert.ok(c.bytes > 0, `${c.repo}@${c.commit}: bytes stored`);
    }
    for (const repo of distinct(cases.map((c) => c.e.repo))) {
      const mine = await root.store.commits({ repo });
      assert.equal(mine.map((c) => c.commit), want.filter((w) => w.repo === repo).map((w) => w.commit), `commits({repo: ${repo}})`);
    }
    assert.equal(await root.store.commits({ repo: "example.com/no/such/repo" }), []);
  });

  it("repos() lists each repo with a visible commit once, in order", async () => {
    const { root, cases } = await shared.get();
    const want = distinct(cases.map((c) => c.e.repo)).sort(cmpStr);
    assert.equal(await root.store.repos(), want);
  });

  it("defs() of a commit pages through every def with limits 1, 3 and 7, without skips or repeats", async () => {
    const { root, cases } = await shared.get();
    let calls = 0;
    for (const { e } of cases) {
      const want = expectDefs(e, {});
      for (const limit of [1, 3, 7]) {
        const got = await pages(limit, (cursor) => root.store.defs({ ...at(e), limit, ...withCursor(cursor) }));
        calls += got.pages;
        assert.equal(got.items, want, `${e.id}: every def, limit ${limit}`);
      }
    }
    it.note(`defs() paging: ${calls} pages`);
  });

  it("refs() of a commit pages through every ref with limits 7 and 100 (1 on small commits), without skips or repeats", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      const want = expectRefs(e, {});
      for (const limit of e.refs.length <= 20 ? [1, 7, 100] : [7, 100]) {
        const got = await pages(limit, (cursor) => root.store.refs({ ...at(e), limit, ...withCursor(cursor) }));
        assert.equal(got.items, want, `${e.id}: every ref, limit ${limit}`);
      }
    }
  });

  it("filtered listings page in their own order with limit 2 (defs by unit and by name, refs by file and to a def)", async () => {
    const { root, cases } = await shared.get();
    for (const { e } of cases) {
      const u = e.units[0]!;
      const unit = { unitType: u.Type, unit: u.Name };
      const byUnit = await pages(2, (cursor) => root.store.defs({ ...at(e), ...unit, limit: 2, ...withCursor(cursor) }));
      assert.equal(byUnit.items, expectDefs(e, unit), `${e.id}: defs of the first unit, limit 2`);
      const namePrefix = e.defs[0] ? lower(e.defs[0].Name.slice(0, 1)) : "a";
      const byName = await pages(2, (cursor) => root.store.defs({ ...at(e), namePrefix, limit: 2, ...withCursor(cursor) }));
      assert.equal(byName.items, expectDefs(e, { namePrefix }), `${e.id}: defs with prefix ${namePrefix}, limit 2`);
      const file = e.refs[0]?.File;
      if (file !== undefined) {
        const inFile = await pages(2, (cursor) => root.store.refs({ ...at(e), file, limit: 2, ...withCursor(cursor) }));
        assert.equal(inFile.items, expectRefs(e, { file }), `${e.id}: refs in ${file}, limit 2`);
      }
      // A ref into another repo: refs may point anywhere, and the query names the repo.
      const r = e.refs.find((x) => lower(x.DefRepo) !== lower(e.repo) && /^[a-z0-9.-]+\.[a-z]+(\/[\w.-]+)*$/i.test(x.DefRepo)) ?? e.refs.find((x) => lower(x.DefRepo) === lower(e.repo));
      if (r) {
        const def = { repo: r.DefRepo, unitType: r.DefUnitType, unit: r.DefUnit, path: r.DefPath };
        const to = await pages(2, (cursor) => root.store.refs({ ...at(e), def, limit: 2, ...withCursor(cursor) }));
        assert.equal(to.items, expectRefs(e, { def }), `${e.id}: refs to ${r.DefPath}, limit 2`);
      }
    }
  });
}
