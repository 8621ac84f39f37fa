/**
 * Bounded cost: the three lookups (def by key, refs to a def, refs in a file) read the version
 * marker and one object, whatever the commit's size. Measured through countingBlob on a second store
 * over the shared root, on every def and file of every fixture commit.
 */
import * as assert from "uvu/assert";
import { countingBlob, type CountingBlob } from "../../lib/graph/counting-blob.ts";
import { at, keyOf } from "./graph-queries.ts";
import type { It, Shared } from "./graph.ts";
import { distinct } from "./srclib-expect.ts";

const MAX_GETS = 2;
const MAX_LISTS = 1;

export function costTests(it: It, shared: Shared): void {
  it("def(key), refs({def}) and refs({file}) read at most 2 objects and list at most once, on every fixture commit", async () => {
    const { root, cases } = await shared.get();
    let counting: CountingBlob | undefined;
    const store = await root.reopen((b) => (counting = countingBlob(b)).port);
    const c = counting!;
    const first = cases.find((x) => x.e.defs.length > 0)!.e;
    await store.def(keyOf(first, first.defs[0]!)); // whatever a store loads once per open is not a query's cost

    const seen: Record<string, { queries: number; gets: number; bytes: number; lists: number; where: string }> = {};
    const measure = async (kind: string, what: string, query: () => Promise<unknown>) => {
      c.reset();
      await query();
      const s = c.stats;
      assert.ok(s.gets <= MAX_GETS && s.lists <= MAX_LISTS, `${kind} ${what}: ${s.gets} gets (${s.bytesRead} bytes), ${s.lists} lists; at most ${MAX_GETS} gets and ${MAX_LISTS} list`);
      const m = (seen[kind] ??= { queries: 0, gets: 0, bytes: 0, lists: 0, where: "" });
      m.queries++;
      m.gets = Math.max(m.gets, s.gets);
      m.lists = Math.max(m.lists, s.lists);
      if (s.bytesRead > m.bytes) Object.assign(m, { bytes: s.bytesRead, where: what });
    };

    for (const { e } of cases) {
      for (const d of e.defs) {
        await measure("def(key)", `${e.id} ${d.Unit} ${d.Path}`, () => store.def(keyOf(e, d)));
        const def = { unitType: d.UnitType, unit: d.Unit, path: d.Path };
        await measure("refs({def})", `${e.id} ${d.Unit} ${d.Path}`, () => store.refs({ ...at(e), def }));
      }
      for (const file of distinct([...e.refs.map((r) => r.File), ...e.defs.map((d) => d.File)])) {
        await measure("refs({file})", `${e.id} ${file}`, () => store.refs({ ...at(e), file }));
      }
    }
    for (const [kind, m] of Object.entries(seen)) {
      it.note(`${kind}: ${m.queries} queries, at most ${m.gets} gets + ${m.lists} list, at most ${m.bytes} bytes read (${m.where})`);
    }
  });
}
