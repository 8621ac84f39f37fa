/**
 * The blob port's contract (lib/ports/blob.ts), one battery for every adapter: a test file hands a
 * factory of fresh, empty ports to `blobConformance`. No uvu hooks: each test opens and closes its own.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { BlobEntry, BlobPort } from "../../lib/ports/blob.ts";
import { compareKeys } from "../../lib/blob-key.ts";
import { bytes, rejects, text } from "./harness.ts";

export interface BlobHarness {
  blob: BlobPort;
  close(): Promise<void>;
  /** Strings that must never show in `location` (credentials). */
  secrets?: string[];
  /** The longest key the adapter takes, when less than the port's 1,024 bytes (S3 under a prefix). */
  maxKeyBytes?: number;
}

export async function collect(it: AsyncIterable<BlobEntry>): Promise<BlobEntry[]> {
  const out: BlobEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

export const keysOf = async (blob: BlobPort, prefix: string): Promise<string[]> => (await collect(blob.list(prefix))).map((e) => e.key);

/** Runs `fn` over `items`, `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** invalid_input on `field`, whether the adapter throws at once or rejects. */
const refused = (fn: () => Promise<unknown>, field: string) => rejects((async () => fn())(), "invalid_input", field);

const TEST_TIMEOUT_MS = 120_000;

export function blobConformance(name: string, make: () => Promise<BlobHarness>): void {
  const test = suite(`blob: ${name}`);
  const it = (title: string, fn: (blob: BlobPort, h: BlobHarness) => Promise<void>) =>
    test(title, async () => {
      const h = await make();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name}: ${title}: still running after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
      });
      try {
        await Promise.race([fn(h.blob, h), timeout]);
      } finally {
        clearTimeout(timer);
        await h.close();
      }
    });

  it("get() returns the bytes put(), all 256 byte values", async (blob) => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    await blob.put("bin/all", all);
    assert.equal(await blob.get("bin/all"), all);
  });

  it("an empty object reads back as empty bytes, not undefined, and lists with size 0", async (blob) => {
    await blob.put("empty", new Uint8Array(0));
    const got = await blob.get("empty");
    assert.ok(got instanceof Uint8Array, "empty bytes");
    assert.is(got!.length, 0);
    assert.equal(await collect(blob.list("")), [{ key: "empty", size: 0 }]);
    assert.is((await blob.get("empty", { start: 0 }))?.length, 0);
  });

  it("put() over an existing key replaces the whole object, leaving no tail", async (blob) => {
    await blob.put("k", bytes("a longer first value"));
    await blob.put("k", bytes("short"));
    assert.is(text((await blob.get("k"))!), "short");
    assert.equal(await collect(blob.list("k")), [{ key: "k", size: 5 }]);
  });

  it("get() of a missing key is undefined, with or without a range", async (blob) => {
    assert.is(await blob.get("missing"), undefined);
    assert.is(await blob.get("no/such/key", { start: 1, end: 2 }), undefined);
  });

  it("a key that only starts other keys is no object: get() is undefined, delete() spares the rest", async (blob) => {
    await blob.put("p/q", bytes("x"));
    assert.is(await blob.get("p"), undefined);
    await blob.delete(["p"]);
    assert.equal(await keysOf(blob, ""), ["p/q"]);
  });

  it("stored bytes are copies: changing the caller's arrays changes nothing stored", async (blob) => {
    const data = bytes("original");
    await blob.put("c", data);
    data.fill(0);
    const got = (await blob.get("c"))!;
    assert.is(text(got), "original");
    got.fill(0);
    assert.is(text((await blob.get("c"))!), "original");
  });

  it("get() with a range returns bytes [start, end), cut at the end of the object", async (blob) => {
    await blob.put("r", bytes("0123456789"));
    const read = async (start: number, end?: number) => text((await blob.get("r", end === undefined ? { start } : { start, end }))!);
    assert.is(await read(3), "3456789", "start only");
    assert.is(await read(0), "0123456789");
    assert.is(await read(2, 5), "234", "start and end");
    assert.is(await read(7, 100), "789", "end past the size");
    assert.is(await read(9, 10), "9");
    assert.is(await read(10), "", "start at the size");
    assert.is(await read(25), "", "start past the size");
    assert.is(await read(25, 30), "", "start and end past the size");
    assert.is(await read(4, 4), "", "an empty range");
  });

  it("list(prefix) returns exactly the keys starting with prefix, also inside a segment", async (blob) => {
    const keys = ["dat", "data/ab", "data/abc/1", "data/abc/2", "data/abd", "data/b", "datum"];
    for (const k of keys) await blob.put(k, bytes(k));
    assert.equal(await keysOf(blob, "data/ab"), ["data/ab", "data/abc/1", "data/abc/2", "data/abd"]);
    assert.equal(await keysOf(blob, "data/abc"), ["data/abc/1", "data/abc/2"]);
    assert.equal(await keysOf(blob, "data/abc/"), ["data/abc/1", "data/abc/2"]);
    assert.equal(await keysOf(blob, "data/abc/1"), ["data/abc/1"]);
    assert.equal(await keysOf(blob, "data/"), ["data/ab", "data/abc/1", "data/abc/2", "data/abd", "data/b"]);
    assert.equal(await keysOf(blob, "dat"), keys);
    assert.equal(await keysOf(blob, "data/ab/"), [], "an object is no folder");
    assert.equal(await keysOf(blob, "data/abc/1/"), []);
    assert.equal(await keysOf(blob, "nothing"), []);
    assert.equal(await keysOf(blob, "a/../"), [], "no valid key starts so");
    assert.equal(await keysOf(blob, "data/./"), []);
  });

  it("list(\"\") lists every key with its size", async (blob) => {
    await blob.put("b/2", bytes("22"));
    await blob.put("a", bytes(""));
    await blob.put("b/1/x", bytes("333"));
    assert.equal(await collect(blob.list("")), [
      { key: "a", size: 0 },
      { key: "b/1/x", size: 3 },
      { key: "b/2", size: 2 },
    ]);
  });

  it("list() orders keys by their UTF-8 bytes ('/' after '.', U+FF61 before U+1F600)", async (blob) => {
    const ordered = [
      "o/a!", "o/a-b", "o/a.b", "o/a/b", "o/a0", "o/ab", "o/z", "o/\u00e9", "o/\u65e5\u672c",
      "o/\uff61", "o/\u{1F600}", "o/\u{1F601}/x", "o/\u{20000}",
    ];
    const js = [...ordered].sort();
    assert.not.equal(js, ordered, "the test needs keys that JS orders differently");
    for (const k of [...ordered].reverse()) await blob.put(k, bytes(k));
    const listed = await collect(blob.list("o/"));
    assert.equal(listed.map((e) => e.key), ordered);
    assert.equal(listed.map((e) => e.size), ordered.map((k) => bytes(k).length), "sizes in bytes");
    assert.equal(await keysOf(blob, "o/\u{1F601}"), ["o/\u{1F601}/x"]);
    assert.equal(await keysOf(blob, "o/\u00e9"), ["o/\u00e9"]);
  });

  it("keys with spaces, XML and URL metacharacters and rare code points round-trip and list exactly", async (blob) => {
    const keys = ["x/ a", "x/a ", "x/a  b", "x/&amp;", "x/<y>", "x/%41", "x/+", "x/a+b", "x/'\"", "x/#?=&", "x/~!*()", "x/\u0085", "x/\u00a0",
      "x/\u2028", "x/\ufeffz", "x/\ufffe", "x/\uffff", "x/\u{10FFFF}", "x/0123", "x/true"].sort(compareKeys);
    for (const k of keys) await blob.put(k, bytes(k));
    for (const k of keys) assert.is(text((await blob.get(k))!), k, JSON.stringify(k));
    assert.equal(await keysOf(blob, "x/"), keys);
    assert.equal(await keysOf(blob, "x/a "), ["x/a ", "x/a  b"]);
    await blob.delete(keys);
    assert.equal(await keysOf(blob, ""), []);
  });

  it("list() returns all of 1,050 keys, past any 1,000-key page; delete() removes them all", async (blob) => {
    const keys = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
    await eachLimited(keys, 16, (k) => blob.put(k, bytes(k.slice(5))));
    const listed = await collect(blob.list("many/"));
    assert.is(listed.length, 1050);
    assert.equal(listed.map((e) => e.key), keys);
    assert.ok(listed.every((e) => e.size === 4));
    assert.equal(await keysOf(blob, "many/10"), keys.slice(1000));
    await blob.delete(keys);
    assert.equal(await keysOf(blob, ""), []);
  });

  it("stopping a list() early is fine; the port keeps working", async (blob) => {
    for (const k of ["s/1", "s/2", "s/3"]) await blob.put(k, bytes(k));
    for await (const e of blob.list("s/")) {
      assert.is(e.key, "s/1");
      break;
    }
    assert.equal(await keysOf(blob, "s/"), ["s/1", "s/2", "s/3"]);
  });

  it("delete() removes many keys at once; missing and repeated keys are no error", async (blob) => {
    for (const k of ["d/a", "d/b", "d/c", "d/x/y", "e"]) await blob.put(k, bytes(k));
    await blob.delete(["d/a", "d/missing", "d/c", "d/a", "d/x/y", "no/such/folder/k"]);
    assert.equal(await keysOf(blob, ""), ["d/b", "e"]);
    await blob.delete([]);
    assert.equal(await keysOf(blob, ""), ["d/b", "e"]);
    assert.is(await blob.get("d/a"), undefined);
  });

  it("after delete() list() no longer shows the keys, and they can be stored again", async (blob) => {
    await blob.put("v/1/a", bytes("1"));
    await blob.put("v/1/b", bytes("2"));
    await blob.delete(["v/1/a", "v/1/b"]);
    assert.equal(await keysOf(blob, "v/"), []);
    assert.equal(await keysOf(blob, ""), []);
    await blob.put("v/1/a", bytes("again"));
    assert.is(text((await blob.get("v/1/a"))!), "again");
    assert.equal(await keysOf(blob, "v/"), ["v/1/a"]);
  });

  it("invalid keys are refused with invalid_input on \"key\" before any I/O", async (blob) => {
    await blob.put("keep", bytes("k"));
    const bad = ["", "/a", "a/", "a//b", "a/../b", "a/./b", "..", ".", "a\\b", "a\nb", "a\x00b", "a\x7fb", "a\x1fb", "x".repeat(1025), "\u00e9".repeat(513), "a\ud800b"];
    for (const k of bad) {
      await refused(() => blob.put(k, bytes("x")), "key");
      await refused(() => blob.get(k), "key");
      await refused(() => blob.get(k, { start: 0 }), "key");
      await refused(() => blob.delete([k]), "key");
      await refused(() => blob.delete(["keep", k]), "key");
    }
    await refused(() => blob.get(42 as unknown as string), "key");
    assert.equal(await keysOf(blob, ""), ["keep"], "nothing written, nothing deleted");
  });

  it("a key of the longest length (1,024 UTF-8 bytes) is stored; one more byte is refused", async (blob, h) => {
    const max = h.maxKeyBytes ?? 1024;
    // Segments of at most 203 bytes (a folder's file names end at 255), the last one with 2-byte chars.
    let key = "";
    while (max - bytes(key).length > 210) key += "k".repeat(203) + "/";
    key += "k".repeat((max - bytes(key).length) % 2) + "\u00e9".repeat((max - bytes(key).length) >> 1);
    assert.is(bytes(key).length, max);
    await blob.put(key, bytes("long"));
    assert.is(text((await blob.get(key))!), "long");
    assert.equal(await keysOf(blob, ""), [key]);
    await refused(() => blob.put(key + "x", bytes("x")), "key");
    await refused(() => blob.put("k/".repeat(512) + "x", bytes("x")), "key");
    await blob.delete([key]);
    assert.equal(await keysOf(blob, ""), []);
  });

  it("list() refuses an invalid prefix with invalid_input on \"prefix\"", async (blob) => {
    await blob.put("o/\u{1F600}", bytes("x"));
    // A lone surrogate (half of U+1F600) has no UTF-8 form: refused everywhere, not matched by some.
    for (const p of ["/a", "a//b", "a\\b", "a\nb", "\x00", "o/\ud83d", "o/\ude00", "\udc00x", "a\ud800b"]) {
      await refused(() => collect(blob.list(p)), "prefix");
    }
    await refused(() => collect(blob.list(undefined as unknown as string)), "prefix");
  });

  it("concurrent put() calls to one key leave one whole value", async (blob) => {
    const values = Array.from({ length: 8 }, (_, i) => new Uint8Array(64 * 1024 + i).fill(i + 1));
    await Promise.all(values.map((v) => blob.put("race", v)));
    const got = (await blob.get("race"))!;
    const winner = values.find((v) => v.length === got.length);
    assert.ok(winner, `one of the values written (got ${got.length} bytes)`);
    assert.ok(got.every((b) => b === winner![0]), "whole, not mixed");
    assert.equal(await collect(blob.list("race")), [{ key: "race", size: got.length }]);
  });

  it("location names the store and holds no secret", async (blob, h) => {
    assert.type(blob.location, "string");
    assert.ok(blob.location.length > 0);
    for (const s of h.secrets ?? []) assert.not.ok(blob.location.includes(s), "a secret in location");
    assert.not.match(blob.location, /:\/\/[^/@]*:[^/@]*@/, "no credentials in a URL");
  });

  test.run();
}
