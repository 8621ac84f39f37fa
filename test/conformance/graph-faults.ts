/**
 * Failed imports leave nothing visible: malformed srclib files (rejected before any write, naming the
 * file), writes that fail after N puts (a port that throws), and aborted imports. Each time the
 * commit's previous version still answers, and a commit never imported stays not_found.
 */
import * as assert from "uvu/assert";
import type { BlobPort } from "../../lib/ports/blob.ts";
import type { GraphStore } from "../../lib/graph/store.ts";
import { StoreError } from "../../lib/errors.ts";
import { countingBlob, type CountingBlob } from "../../lib/graph/counting-blob.ts";
import { rejects } from "./harness.ts";
import { caseNamed, importCase, withRoot, type GraphFactory, type GraphRoot, type It } from "./graph.ts";
import { moved } from "./graph-writes.ts";
import { distinct, srclibFiles, type Expected, type RawFile } from "./srclib-expect.ts";

const REPO = "github.com/sgtest/faults";
const FRESH = "f".repeat(40);

/** The raw files of a case with one file's bytes replaced. */
function withFile(e: Expected, path: string, bytes: Uint8Array | undefined): RawFile[] {
  assert.ok(e.files.some((f) => f.path === path), `${e.id} has ${path}`);
  return e.files.flatMap((f) => (f.path !== path ? [f] : bytes ? [{ path, bytes }] : []));
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const graphPath = (e: Expected) => e.files.find((f) => f.path.endsWith(".graph.json"))!.path;
const unitPath = (e: Expected) => e.files.find((f) => f.path.endsWith(".unit.json"))!.path;

/** A port whose puts fail once `n` have gone through; everything else passes. */
function failAfter(inner: BlobPort, n: number): BlobPort {
  let puts = 0;
  return {
    get location() {
      return inner.location;
    },
    get: (k, r) => inner.get(k, r),
    list: (p) => inner.list(p),
    delete: (ks) => inner.delete(ks),
    close: () => inner.close(),
    async put(k, b) {
      if (++puts > n) throw new StoreError("unavailable", `injected fault: put ${puts} refused`);
      await inner.put(k, b);
    },
  };
}

async function fails(p: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.unreachable(`${what}: the import succeeded`);
}

/** A root holding `prev` at REPO@prev.commit; check() asserts that nothing else became visible. */
async function baseline(r: GraphRoot, prev: Expected) {
  const p = moved(prev, REPO);
  await importCase(r.store, p);
  const commits = await r.store.commits();
  return {
    prev: p,
    async check(what: string) {
      assert.equal(await r.store.commits(), commits, `${what}: commits() unchanged`);
      assert.equal(await r.store.units({ repo: REPO, commit: p.commit }), p.units, `${what}: the previous version's units`);
      assert.equal(await r.store.def({ repo: REPO, commit: p.commit, unitType: p.defs[0]!.UnitType, unit: p.defs[0]!.Unit, path: p.defs[0]!.Path }), p.defs[0], `${what}: a previous def`);
      await rejects(r.store.units({ repo: REPO, commit: FRESH }), "not_found");
    },
  };
}

const importFiles = (s: GraphStore, files: RawFile[], commit: string) =>
  s.import({ repo: REPO, commit, files: srclibFiles(files) });

export function faultTests(it: It, make: GraphFactory): void {
  it("a graph file that is not JSON is invalid_input naming the file; nothing of the import becomes visible", () => withRoot(make, async (r) => {
    const b = await baseline(r, caseNamed("go/go-sample-0"));
    const e = caseNamed("go/go15vendor");
    const bad = withFile(e, graphPath(e), utf8('{"Defs": [ {"Path": "x",'));
    for (const commit of [b.prev.commit, FRESH]) {
      const err = await rejects(importFiles(r.store, bad, commit), "invalid_input", "files");
      assert.ok(err.message.includes(graphPath(e)), `the message names ${graphPath(e)}: ${err.message}`);
    }
    await b.check("after a file that is not JSON");
  }));

  it("a def with DefStart -1 is invalid_input naming the file and the field; the previous import is unchanged", () => withRoot(make, async (r) => {
    const b = await baseline(r, caseNamed("go/go-sample-0"));
    const e = caseNamed("go/go-misc");
    const path = graphPath(e);
    const g = JSON.parse(new TextDecoder().decode(e.files.find((f) => f.path === path)!.bytes));
    g.Defs[g.Defs.length - 1].DefStart = -1;
    for (const commit of [b.prev.commit, FRESH]) {
      const err = await rejects(importFiles(r.store, withFile(e, path, utf8(JSON.stringify(g))), commit), "invalid_input", "files");
      assert.ok(err.message.includes(path) && err.message.includes("DefStart"), `the message names ${path} and DefStart: ${err.message}`);
    }
    await b.check("after DefStart -1");
  }));

  it("a unit file without its graph file, or a unit whose Type is not its file's, is invalid_input naming the file", () => withRoot(make, async (r) => {
    const b = await baseline(r, caseNamed("go/go-sample-0"));
    const e = caseNamed("go/gopathtest");
    const lone = withFile(e, graphPath(e), undefined);
    const err = await rejects(importFiles(r.store, lone, FRESH), "invalid_input", "files");
    assert.ok(err.message.includes(unitPath(e)), `the message names ${unitPath(e)}: ${err.message}`);
    const u = JSON.parse(new TextDecoder().decode(e.files.find((f) => f.path === unitPath(e))!.bytes));
    const wrong = withFile(e, unitPath(e), utf8(JSON.stringify({ ...u, Type: "PipPackage" })));
    const err2 = await rejects(importFiles(r.store, wrong, FRESH), "invalid_input", "files");
    assert.ok(err2.message.includes(unitPath(e)), `the message names ${unitPath(e)}: ${err2.message}`);
    await b.check("after bad unit files");
  }));

  it("an import whose writes fail after N puts leaves nothing visible and the previous version intact", () => withRoot(make, async (r) => {
    const b = await baseline(r, caseNamed("go/go-sample-0"));
    const next = moved(caseNamed("go/go-misc"), REPO, b.prev.commit);
    let counting: CountingBlob | undefined;
    const counted = await r.reopen((p) => (counting = countingBlob(p)).port);
    const other = "e".repeat(40);
    await importCase(counted, next, { commit: other });
    const total = counting!.stats.puts;
    assert.ok(await r.store.deleteCommit({ repo: REPO, commit: other }));
    const ns = distinct([0, 1, Math.floor(total / 2), total - 1]).filter((n) => n >= 0);
    for (const n of ns) {
      for (const commit of [b.prev.commit, FRESH]) {
        const failing = await r.reopen((p) => failAfter(p, n));
        await fails(importCase(failing, next, { commit }), `puts failing after ${n}`);
      }
      await b.check(`after puts failing after ${n} of ${total}`);
    }
    await r.store.deleteCommit({ repo: REPO, commit: FRESH });
    const left = [];
    for await (const o of r.blob.list("data/")) if (o.key.includes(FRESH)) left.push(o.key);
    assert.equal(left, [], "deleteCommit removes what failed imports of the commit left");
    const done = await importCase(r.store, next);
    assert.is(done.replaced, true);
    assert.equal(await r.store.units({ repo: REPO, commit: next.commit }), next.units);
    it.note(`interrupted imports: a go-misc import writes ${total} objects; failed after ${ns.join(", ")} puts`);
  }));

  it("an aborted import (before it starts, while reading, while writing) leaves nothing visible", () => withRoot(make, async (r) => {
    const b = await baseline(r, caseNamed("go/go-sample-0"));
    const next = moved(caseNamed("go/go-misc"), REPO, b.prev.commit);
    for (const when of ["before", "read", "write"] as const) {
      for (const commit of [b.prev.commit, FRESH]) {
        const ac = new AbortController();
        if (when === "before") ac.abort();
        const phases: string[] = [];
        const onProgress = (p: { phase: string; done: number }) => {
          phases.push(p.phase);
          if (p.phase === when && p.done >= 1) ac.abort();
        };
        await fails(importCase(r.store, next, { commit }, { signal: ac.signal, onProgress }), `aborted ${when}`);
        if (when !== "before") assert.ok(ac.signal.aborted, `progress reported a ${when} phase (saw ${distinct(phases).join(", ") || "none"})`);
      }
      await b.check(`after an import aborted ${when === "before" ? "before it started" : `while ${when === "read" ? "reading" : "writing"}`}`);
    }
  }));
}
