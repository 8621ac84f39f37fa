/**
 * A version's data objects are gzip JSON (`.json.gz`, readable with zcat); markers, tombstones and
 * graphstore.json stay plain JSON. An object that is not gzip, not valid gzip or JSON, or inflates
 * beyond the cap is `internal` with a message, never a crash. On a memory root and a folder root.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gunzipSync } from "node:zlib";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { CommitRef } from "../lib/graph/store.ts";
import { gunzipJSON, gzipJSON, MAX_INFLATED } from "../lib/graph/gzip-json.ts";
import { UNITS } from "../lib/graph/layout.ts";
import { isStoreError } from "../lib/errors.ts";
import { synthFiles } from "./support/graph-synth.ts";
import { each, keys, rejects } from "./support/graph-roots.ts";

const at: CommitRef = { repo: "example.com/Acme/Zip", commit: "5a".repeat(20) };
const files = () => synthFiles({ units: 3, defsPerUnit: 12, refsPerDef: 2, variant: "v1" });
const enc = new TextEncoder();
const plain = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

each("data objects are gzip JSON named .json.gz; markers, tombstones and the format file are plain JSON", async (blob) => {
  const g = await openGraphStore(blob);
  const done = await g.import({ ...at, files: files() });
  const data = await keys(blob, "data/");
  assert.is(data.length, done.objects - 1, "every object but the marker is data");
  let stored = 0, json = 0;
  for (const k of data) {
    assert.ok(k.endsWith(".json.gz"), k);
    const b = (await blob.get(k))!;
    assert.equal([b[0], b[1]], [0x1f, 0x8b], `${k} starts with the gzip magic bytes`);
    const text = gunzipSync(b); // what zcat does
    JSON.parse(text.toString("utf8"));
    stored += b.length;
    json += text.length;
  }
  const [markerKey] = await keys(blob, "commits/");
  const marker = plain(await blob.get(markerKey!));
  assert.is(marker.bytes, stored, "the marker records the stored (compressed) bytes");
  assert.is(marker.objects, data.length);
  const markerSize = (await blob.get(markerKey!))!.length;
  assert.is(done.bytesWritten, stored + markerSize);
  assert.is((await g.commits())[0]!.bytes, stored + markerSize, "CommitInfo.bytes: bytes stored");
  assert.ok(stored * 2 < json, `compressed ${stored} B, JSON ${json} B`);
  console.log(`# ${data.length} objects: ${json} B of JSON stored in ${stored} B (x${(stored / json).toFixed(2)})`);
  assert.equal(plain(await blob.get("graphstore.json")), { format: 1 });

  await g.deleteCommit(at);
  const [tomb] = await keys(blob, "commits/");
  assert.ok(tomb!.endsWith(".deleted"));
  assert.is(plain(await blob.get(tomb!)).commit, at.commit);
});

each("an object that is not gzip, not valid gzip, or not JSON inside is internal, naming the object", async (blob) => {
  const g = await openGraphStore(blob);
  await g.import({ ...at, files: files() });
  const key = (await keys(blob, "data/")).find((k) => k.endsWith(`/${UNITS}`))!;
  const good = (await blob.get(key))!;
  const units = await g.units(at);
  const name = new RegExp(key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const cases: [string, Uint8Array, RegExp][] = [
    ["plain JSON (objects before compression)", enc.encode(JSON.stringify(units)), /is not gzip \(srcstore writes every data object gzip-compressed\)/],
    ["empty", new Uint8Array(0), /is not gzip/],
    ["gzip magic, then junk", Uint8Array.of(0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9), /is damaged/],
    ["truncated", good.subarray(0, good.length >> 1), /is damaged/],
    ["gzip of text that is not JSON", await gz("not json"), /is damaged/],
    ["gzip of bytes that are not UTF-8", await gz(Uint8Array.of(0x5b, 0x22, 0xff, 0x22, 0x5d)), /is damaged/],
  ];
  for (const [what, bytes, message] of cases) {
    await blob.put(key, bytes);
    const e = await rejects(g.units(at), "internal", message);
    assert.match(e.message, name, `${what}: names the object`);
    assert.match(e.message, /delete the commit and import it again/, what);
  }
  await blob.put(key, good);
  assert.equal(await g.units(at), units, "the object restored reads again");
});

/** Gzip of raw text or bytes, through the same web standard as the store. */
async function gz(data: string | Uint8Array): Promise<Uint8Array> {
  const s = new Blob([(typeof data === "string" ? enc.encode(data) : data) as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

test("gzipJSON/gunzipJSON round-trip large values with multi-byte text split across chunks", async () => {
  const v = { s: "é€𝄞x".repeat(50_000), n: [1, 2.5, -3], nested: { ok: true, none: null } };
  const b = await gzipJSON(v, "x.json.gz");
  assert.equal(await gunzipJSON(b, "x.json.gz", "mem"), v);
  assert.equal(await gunzipJSON(await gzipJSON([], "e"), "e", "mem"), []);
});

test("gunzipJSON stops at the cap: an object inflating beyond it is internal, not a memory exhaustion", async () => {
  assert.is(MAX_INFLATED, 1024 ** 3);
  const bomb = await gz(new Uint8Array(4 * 1024 * 1024)); // 4 MiB of zeros in a few KB
  assert.ok(bomb.length < 16 * 1024, `${bomb.length} B`);
  try {
    await gunzipJSON(bomb, "data/r/c/v/k/0.json.gz", "mem", 256 * 1024);
    assert.unreachable("refused");
  } catch (e) {
    assert.ok(isStoreError(e) && e.code === "internal", String(e));
    assert.match((e as Error).message, /k\/0\.json\.gz inflates to more than 262144 bytes/);
  }
  const fits = await gzipJSON("y".repeat(1000), "n");
  assert.is(await gunzipJSON(fits, "n", "mem", 1002), "y".repeat(1000), "exactly at the cap is fine");
});

test("gzipJSON refuses a value whose JSON is beyond what a reader accepts (invalid_input files)", async () => {
  try {
    await gzipJSON({ s: "z".repeat(2000) }, "u/abc/defs.json.gz", 1000);
    assert.unreachable("refused");
  } catch (e) {
    assert.ok(isStoreError(e) && e.code === "invalid_input" && e.field === "files", String(e));
    assert.match((e as Error).message, /u\/abc\/defs\.json\.gz would hold 2008 bytes of JSON, more than the 1000/);
  }
});

test.run();
