/**
 * The graph store's version protocol under interleavings: an import or a deleteCommit run between any
 * two blob operations of the other, a reader between every two; crashed deletes; clocks that disagree.
 * Whatever the interleaving, a reader sees the commit whole or not at all (never an internal error
 * from a marker whose objects are gone), and the end state holds one version's objects or none.
 */
import * as assert from "uvu/assert";
import { test } from "uvu";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { CommitRef, GraphStore } from "../lib/graph/store.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import { isStoreError, StoreError } from "../lib/errors.ts";
import { synthFile, synthFiles, synthPath, synthUnit } from "./support/graph-synth.ts";
import { each, rejects, steps, tombstones, versions, wrap } from "./support/graph-roots.ts";
import { schedule } from "./support/graph-schedule.ts";
import { UNITS } from "../lib/graph/layout.ts";

const at: CommitRef = { repo: "example.com/Acme/Proto", commit: "ab".repeat(20) };
const v1 = () => synthFiles({ units: 2, defsPerUnit: 6, refsPerDef: 2, variant: "v1" });
const v2 = () => synthFiles({ units: 3, defsPerUnit: 4, refsPerDef: 2, variant: "v2" });
const V1 = "v1,v1:12 defs";
const V2 = "v2,v2,v2:12 defs";
const GONE = "gone";

/** What a reader sees: the units' variant and the def count, after the three bounded lookups worked. */
async function view(g: GraphStore): Promise<string> {
  try {
    const key = { unitType: "GoPackage", unit: synthUnit(0), path: synthPath(1) };
    await g.def({ ...at, ...key });
    await g.refs({ ...at, def: key });
    await g.refs({ ...at, file: synthFile(0, 1) });
    const units = await g.units(at);
    const defs = await g.defs({ ...at, limit: 1000 });
    return `${units.map((u) => (u.Data as { variant: string }).variant).join(",")}:${defs.items.length} defs`;
  } catch (e) {
    if (isStoreError(e) && e.code === "not_found") return GONE;
    throw e;
  }
}

/** The end state: the commit whole with only its own version's objects, or no marker and no data. */
async function settled(g: GraphStore, blob: BlobPort, allowed: string[]): Promise<string> {
  const end = await view(g);
  assert.ok(allowed.includes(end), `ends as ${end}, expected one of ${allowed.join(" | ")}`);
  const v = await versions(blob);
  if (end === GONE) assert.equal(v, { data: [], markers: [] }, "nothing left of a deleted commit");
  else assert.equal(v.data, [(await g.commits())[0]!.version], "only the visible version's objects");
  return end;
}

/** Every racing import and delete succeeds: the one that came later decides what stays. */
const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => "ok");

/**
 * For k = 0, 1, 2...: v1 is imported, then `run` works through a second store whose k-th blob step
 * first runs `during` on `g` (every other step, a reader checks `g` sees a whole commit), then the
 * commit is deleted for the next k. Stops once `run` finished before step k; returns the distinct ends
 * `run` reported and how many steps it had.
 */
async function atEveryStep(blob: BlobPort, g: GraphStore, o: { during: () => Promise<void>; run: (other: GraphStore) => Promise<string>; reader: string }): Promise<{ ends: string[]; places: number }> {
  const ends = new Set<string>();
  for (let k = 0; ; k++) {
    await g.import({ ...at, files: v1() });
    let landed = false;
    const other = await openGraphStore(steps(blob, async (step) => {
      if (step === k) {
        landed = true;
        await o.during();
      } else assert.ok([V1, V2, GONE].includes(await view(g)), o.reader);
    }));
    ends.add(await o.run(other));
    await g.deleteCommit(at);
    if (!landed) return { ends: [...ends].sort(), places: k };
  }
}

each("an import run between any two steps of deleteCommit: the commit is whole or gone, never broken", async (blob) => {
  const g = await openGraphStore(blob);
  const { ends, places } = await atEveryStep(blob, g, {
    during: async () => void (await g.import({ ...at, files: v2() })),
    run: async (deleter) => {
      await deleter.deleteCommit(at);
      return settled(g, blob, [GONE, V2]);
    },
    reader: "a reader mid-delete",
  });
  console.log(`\n# an import between steps of deleteCommit: ${places} places, ends ${ends.join(" | ")}`);
  assert.equal(ends, [GONE, V2].sort(), "both orders happen");
}, "memory");

each("a deleteCommit run between any two steps of an import: the commit is whole or gone, never broken", async (blob) => {
  const g = await openGraphStore(blob);
  const { ends, places } = await atEveryStep(blob, g, {
    during: async () => assert.is(await g.deleteCommit(at), true),
    run: async (writer) => {
      const result = await outcome(writer.import({ ...at, files: v2() }));
      return `${result}:${await settled(g, blob, [GONE, V2])}`;
    },
    reader: "a reader mid-import",
  });
  console.log(`\n# a deleteCommit between steps of an import: ${places} places, outcomes ${ends.join(" | ")}`);
  assert.equal(ends, [`ok:${GONE}`, `ok:${V2}`].sort());
}, "memory");

const v3 = () => synthFiles({ units: 4, defsPerUnit: 3, refsPerDef: 1, variant: "v3" });
const V3 = "v3,v3,v3,v3:12 defs";
const SEEDS = 40;

each(`two imports and a delete of one commit in ${SEEDS} seeded interleavings: readers see one version whole or none`, async (blob) => {
  const ends: Record<string, number> = {};
  for (let seed = 1; seed <= SEEDS; seed++) {
    const g = await openGraphStore(blob);
    await g.import({ ...at, files: v1() });
    const sched = schedule(seed);
    const actor = async (id: string) => openGraphStore(sched.port(id, blob));
    const [a, b, d] = [await actor("a"), await actor("b"), await actor("d")];
    let running = true;
    const reading = (async () => {
      for (let n = 0; running || n === 0; n++) {
        assert.ok([V1, V2, V3, GONE].includes(await view(g)), `seed ${seed}: a reader`);
        await new Promise((r) => setTimeout(r, 0)); // a reader of a gone commit never leaves the microtask queue
      }
    })();
    const results = await Promise.all([
      sched.run("a", () => outcome(a.import({ ...at, files: v2() }))),
      sched.run("b", () => outcome(b.import({ ...at, files: v3() }))),
      sched.run("d", () => outcome(d.deleteCommit(at))),
    ]);
    running = false;
    await reading;
    const end = await settled(g, blob, [V2, V3, GONE]);
    const key = `${results.join(",")} -> ${end}`;
    ends[key] = (ends[key] ?? 0) + 1;
    await g.deleteCommit(at);
  }
  console.log(`\n# outcomes (import v2, import v3, delete -> end): ${Object.entries(ends).map(([k, n]) => `${k} x${n}`).join("; ")}`);
}, "memory");

each("an import whose objects vanish with nothing newer to explain it (other hands) is a conflict; the old version stays", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v1() });
  const tampering = await openGraphStore({ ...wrap(blob), put: async (k, d) => {
    await blob.put(k, d);
    if (k.startsWith("commits/")) await blob.delete([k.replace(/^commits\/(.*)\.json$/, `data/$1/${UNITS}`)]);
  } });
  await rejects(tampering.import({ ...at, files: v2() }), "conflict", /lost objects/);
  assert.is(await view(g), V1);
  assert.equal((await versions(blob)).markers.length, 1);
});

each("a deleteCommit that dies after its tombstone: the commit stays gone; the next import and delete clean up", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v1() });
  const dying = await openGraphStore({ ...wrap(blob), delete: async () => {
    throw new StoreError("unavailable", "the process died");
  } });
  await rejects(dying.deleteCommit(at), "unavailable");
  assert.is(await view(g), GONE);
  assert.equal(await g.commits(), []);
  assert.equal(await g.repos(), []);
  assert.is((await tombstones(blob)).length, 1);
  assert.is(await g.deleteCommit(at), false, "not visible, but its leftovers go");
  assert.equal(await versions(blob), { data: [], markers: [] });
  await g.import({ ...at, files: v2() });
  assert.is(await view(g), V2);
  assert.equal(await tombstones(blob), []);
});

each("leftovers of a crashed import dated ahead (clock skew) go with the next import", async (blob) => {
  const day = 86_400_000;
  const ahead = await openGraphStore({ ...wrap(blob), put: async (k, d) => {
    if (k.startsWith("commits/")) throw new StoreError("unavailable", "the process died");
    await blob.put(k, d);
  }, delete: async () => {} }, { clock: () => new Date(Date.now() + day) });
  await rejects(ahead.import({ ...at, files: v1() }), "unavailable");
  assert.is((await versions(blob)).data.length, 1, "the crash left data");
  const g = await openGraphStore(blob);
  const s = await g.import({ ...at, files: v2() });
  assert.equal(await versions(blob), { data: [s.version], markers: [s.version] });
  assert.is(await view(g), V2);
});

each("an import after one from a clock far ahead still replaces it; past the last orderable time is an error", async (blob) => {
  const late = await openGraphStore(blob, { clock: () => new Date(36 ** 9 - 2) });
  await late.import({ ...at, files: v1() });
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: v2() });
  assert.is(await view(g), V2, "one millisecond later than the stored version");
  await rejects(g.import({ ...at, files: v1() }), "internal", /past the last time/);
  assert.is(await view(g), V2, "nothing else changed");
  assert.equal((await versions(blob)).data.length, 1);
});

test.run();
