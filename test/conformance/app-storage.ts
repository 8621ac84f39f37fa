import * as assert from "uvu/assert";
import type { StorageScope } from "../../lib/model.ts";
import { bytes, concurrently, rejects, storeSuite, type Factory } from "./harness.ts";
import { appStorageScopes, b, cmp, keysOf, valueOf } from "./app-storage-scopes.ts";

const S: StorageScope = { app: "ci", bucket: "cache" };
const MiB = 1024 * 1024;

export default function appStorage(make: Factory) {
  const { test, it } = storeSuite("app-storage", make);

  it("put() then get() round-trips any bytes: NUL and 0xFF in keys and values, empty values", async ({ stores }) => {
    const st = stores.appStorage;
    await st.put(S, b(0), b(0, 0xff, 0));
    await st.put(S, b(0xff, 0, 0xff), b(0xff));
    await st.put(S, "a\u0000b", b());
    await st.put(S, "é/../x", bytes("ok"));
    assert.equal(await valueOf(st, S, b(0)), [0, 0xff, 0]);
    assert.equal(await valueOf(st, S, b(0xff, 0, 0xff)), [0xff]);
    assert.equal(await valueOf(st, S, b(0x61, 0, 0x62)), []);
    assert.equal(await valueOf(st, S, "é/../x"), [...bytes("ok")]);
    assert.ok((await st.get(S, "a\u0000b")) instanceof Uint8Array);
    await rejects(st.get(S, b(0, 0)), "not_found");
    await rejects(st.get(S, "a"), "not_found");
  });

  it("put() overwrites: the last value is the one kept", async ({ stores }) => {
    const st = stores.appStorage;
    await st.put(S, "k", bytes("one"));
    await st.put(S, "k", bytes("two, longer"));
    assert.equal(await valueOf(st, S, "k"), [...bytes("two, longer")]);
    await st.put(S, "k", b());
    assert.equal(await valueOf(st, S, "k"), []);
    assert.equal(await keysOf(st, S), [[...bytes("k")]]);
  });

  it("a string key is the same key as its UTF-8 bytes", async ({ stores }) => {
    const st = stores.appStorage;
    await st.put(S, "héllo", bytes("v1"));
    assert.equal(await valueOf(st, S, bytes("héllo")), [...bytes("v1")]);
    assert.is(await st.exists(S, bytes("héllo")), true);
    await rejects(st.putNoOverwrite(S, bytes("héllo"), b(1)), "already_exists");
    await st.put(S, bytes("héllo"), bytes("v2"));
    assert.equal(await valueOf(st, S, "héllo"), [...bytes("v2")]);
    assert.equal(await keysOf(st, S), [[...bytes("héllo")]]);
    await st.delete(S, bytes("héllo"));
    assert.is(await st.exists(S, "héllo"), false);
  });

  it("keys are compared as bytes: letter case and Unicode forms are distinct keys", async ({ stores }) => {
    const st = stores.appStorage;
    await st.put(S, "Key", b(1));
    await st.put(S, "key", b(2));
    await st.put(S, "\u00e9", b(3)); // é precomposed
    await st.put(S, "e\u0301", b(4)); // e + combining accent
    assert.equal(await valueOf(st, S, "Key"), [1]);
    assert.equal(await valueOf(st, S, "key"), [2]);
    assert.equal(await valueOf(st, S, "\u00e9"), [3]);
    assert.equal(await valueOf(st, S, "e\u0301"), [4]);
    assert.is((await st.list(S)).length, 4);
  });

  it("get() returns a copy, and put() keeps what it was given at the call", async ({ stores }) => {
    const st = stores.appStorage;
    const value = b(1, 2, 3);
    const key = b(9, 9);
    await st.put(S, key, value);
    value[0] = 100;
    key[0] = 100;
    assert.equal(await valueOf(st, S, b(9, 9)), [1, 2, 3]);
    const got = await st.get(S, b(9, 9));
    got[1] = 200;
    got.fill(7);
    assert.equal(await valueOf(st, S, b(9, 9)), [1, 2, 3]);
    const listed = await st.list(S);
    listed[0]![0] = 100;
    assert.equal(await keysOf(st, S), [[9, 9]]);
    assert.is(await st.exists(S, b(100, 9)), false);
  });

  it("keys are 1 to 1024 bytes: a 1024-byte key works, 0 and 1025 are invalid_input key", async ({ stores }) => {
    const st = stores.appStorage;
    const max = new Uint8Array(1024).fill(0xff);
    await st.put(S, max, b(1));
    await st.put(S, "é".repeat(512), b(2)); // 1024 bytes in 512 characters
    await st.put(S, b(0), b(3));
    assert.equal(await valueOf(st, S, max), [1]);
    assert.equal(await valueOf(st, S, "é".repeat(512)), [2]);
    await rejects(st.put(S, new Uint8Array(1025), b(1)), "invalid_input", "key");
    await rejects(st.put(S, "é".repeat(512) + "a", b(1)), "invalid_input", "key");
    await rejects(st.put(S, "", b(1)), "invalid_input", "key");
    await rejects(st.put(S, b(), b(1)), "invalid_input", "key");
    await rejects(st.get(S, "x".repeat(1025)), "invalid_input", "key");
    await rejects(st.exists(S, ""), "invalid_input", "key");
    await rejects(st.delete(S, new Uint8Array(1025)), "invalid_input", "key");
    await rejects(st.putNoOverwrite(S, "", b()), "invalid_input", "key");
    assert.is((await st.list(S)).length, 3);
  });

  it("a key is a string or a Uint8Array; a string with a lone surrogate is refused", async ({ stores }) => {
    const st = stores.appStorage;
    for (const bad of [42, null, undefined, [1, 2], new Uint16Array([1]), new ArrayBuffer(2), { k: 1 }]) {
      await rejects(st.put(S, bad as never, b(1)), "invalid_input", "key");
      await rejects(st.get(S, bad as never), "invalid_input", "key");
    }
    await rejects(st.put(S, "a\uD800", b(1)), "invalid_input", "key");
    await rejects(st.put(S, "\uDC00b", b(1)), "invalid_input", "key");
    await st.put(S, "\uD83D\uDE00", b(1)); // a surrogate pair is fine
    assert.equal(await keysOf(st, S), [[0xf0, 0x9f, 0x98, 0x80]]);
  });

  it("values are Uint8Arrays of at most 32 MiB; anything else is invalid_input value", async ({ stores }) => {
    const st = stores.appStorage;
    for (const bad of ["text", 42, null, undefined, [1, 2], new ArrayBuffer(4), new Uint16Array(2), { length: 1 }]) {
      await rejects(st.put(S, "k", bad as never), "invalid_input", "value");
      await rejects(st.putNoOverwrite(S, "k", bad as never), "invalid_input", "value");
    }
    await rejects(st.put(S, "k", new Uint8Array(32 * MiB + 1)), "invalid_input", "value");
    assert.is(await st.exists(S, "k"), false, "a refused put writes nothing");
    const big = new Uint8Array(32 * MiB);
    big[0] = 1;
    big[big.length - 1] = 2;
    await st.put(S, "k", big);
    const got = await st.get(S, "k");
    assert.is(got.length, 32 * MiB);
    assert.is(got[0], 1);
    assert.is(got[got.length - 1], 2);
  });

  it("every method validates the scope: app and bucket names, repoID, unknown fields", async ({ stores }) => {
    const st = stores.appStorage;
    const calls: [string, (s: StorageScope) => Promise<unknown>][] = [
      ["get", (s) => st.get(s, "k")],
      ["put", (s) => st.put(s, "k", b(1))],
      ["putNoOverwrite", (s) => st.putNoOverwrite(s, "k", b(1))],
      ["delete", (s) => st.delete(s, "k")],
      ["deleteBucket", (s) => st.deleteBucket(s)],
      ["exists", (s) => st.exists(s, "k")],
      ["list", (s) => st.list(s)],
    ];
    const bad: [unknown, string][] = [
      [{ app: "", bucket: "b" }, "scope.app"],
      [{ app: "../etc", bucket: "b" }, "scope.app"],
      [{ app: "a/b", bucket: "b" }, "scope.app"],
      [{ app: "a\u0000", bucket: "b" }, "scope.app"],
      [{ app: "x".repeat(65), bucket: "b" }, "scope.app"],
      [{ app: 7, bucket: "b" }, "scope.app"],
      [{ bucket: "b" }, "scope.app"],
      [{ app: "a", bucket: ".." }, "scope.bucket"],
      [{ app: "a", bucket: "" }, "scope.bucket"],
      [{ app: "a", bucket: "b c" }, "scope.bucket"],
      [{ app: "a" }, "scope.bucket"],
      [{ app: "a", bucket: "b", repoID: 0 }, "scope.repoID"],
      [{ app: "a", bucket: "b", repoID: -1 }, "scope.repoID"],
      [{ app: "a", bucket: "b", repoID: 1.5 }, "scope.repoID"],
      [{ app: "a", bucket: "b", repoID: "1" }, "scope.repoID"],
      [{ app: "a", bucket: "b", repoID: null }, "scope.repoID"],
      [{ app: "a", bucket: "b", repo: 1 }, "scope.repo"],
      [null, "scope"],
      ["a/b", "scope"],
    ];
    for (const [name, call] of calls) {
      for (const [scope, field] of bad) {
        try {
          await rejects(call(scope as StorageScope), "invalid_input", field);
        } catch (e) {
          throw new Error(`${name}(${JSON.stringify(scope)}): ${(e as Error).message}`);
        }
      }
    }
    await st.put({ app: "x".repeat(64), bucket: "Y".repeat(64) }, "k", b(1));
    assert.equal(await valueOf(st, { app: "x".repeat(64), bucket: "Y".repeat(64) }, "k"), [1]);
  });

  it("apps and buckets are distinct scopes; their names are case-sensitive", async ({ stores }) => {
    const st = stores.appStorage;
    const scopes: StorageScope[] = [
      { app: "ci", bucket: "cache" }, { app: "ci", bucket: "Cache" }, { app: "CI", bucket: "cache" },
      { app: "ci", bucket: "logs" }, { app: "lint", bucket: "cache" },
    ];
    for (const [i, s] of scopes.entries()) await st.put(s, "k", b(i));
    for (const [i, s] of scopes.entries()) {
      assert.equal(await valueOf(st, s, "k"), [i]);
      assert.equal(await keysOf(st, s), [[0x6b]]);
    }
    await st.delete(scopes[0]!, "k");
    for (const s of scopes.slice(1)) assert.is(await st.exists(s, "k"), true);
  });

  it("putNoOverwrite() creates a missing key and refuses a present one, keeping its value", async ({ stores }) => {
    const st = stores.appStorage;
    await st.putNoOverwrite(S, "lock", bytes("first"));
    await rejects(st.putNoOverwrite(S, "lock", bytes("second")), "already_exists");
    assert.equal(await valueOf(st, S, "lock"), [...bytes("first")]);
    await st.putNoOverwrite(S, "empty", b());
    await rejects(st.putNoOverwrite(S, "empty", b(1)), "already_exists");
    assert.equal(await valueOf(st, S, "empty"), []);
    await st.delete(S, "lock");
    await st.putNoOverwrite(S, "lock", bytes("third"));
    assert.equal(await valueOf(st, S, "lock"), [...bytes("third")]);
  });

  it("putNoOverwrite() of one key by 32 callers at once: exactly one wins, and its value is stored", async ({ stores }) => {
    const st = stores.appStorage;
    for (const key of ["race", "r".repeat(300)]) {
      const r = await concurrently(32, async (i) => {
        await st.putNoOverwrite(S, key, bytes(`caller ${i}`));
        return i;
      });
      assert.is(r.ok.length, 1);
      assert.equal(r.codes, Array(31).fill("already_exists"));
      assert.equal(await valueOf(st, S, key), [...bytes(`caller ${r.ok[0]}`)]);
    }
  });

  it("put() of one key by many callers at once: one of the values is stored whole", async ({ stores }) => {
    const st = stores.appStorage;
    const values = Array.from({ length: 16 }, (_, i) => new Uint8Array(4096 + i).fill(i));
    const r = await concurrently(16, (i) => st.put(S, "hot", values[i]!));
    assert.is(r.ok.length, 16);
    const got = await st.get(S, "hot");
    const i = got.length - 4096;
    assert.ok(i >= 0 && i < 16);
    assert.ok(got.every((x) => x === i), "not torn");
  });

  it("delete() removes one key only; a missing key is not_found", async ({ stores }) => {
    const st = stores.appStorage;
    await st.put(S, "a", b(1));
    await st.put(S, "b", b(2));
    await st.delete(S, "a");
    await rejects(st.get(S, "a"), "not_found");
    assert.is(await st.exists(S, "a"), false);
    assert.equal(await valueOf(st, S, "b"), [2]);
    assert.equal(await keysOf(st, S), [[0x62]]);
    await rejects(st.delete(S, "a"), "not_found");
    await rejects(st.delete(S, "never"), "not_found");
    await rejects(st.delete({ app: "other", bucket: "none" }, "b"), "not_found");
    const r = await concurrently(8, () => st.delete(S, "b"));
    assert.is(r.ok.length, 1);
    assert.equal(r.codes, Array(7).fill("not_found"));
    assert.equal(await st.list(S), []);
  });

  it("exists() tells whether a key is present", async ({ stores }) => {
    const st = stores.appStorage;
    assert.is(await st.exists(S, "k"), false);
    await st.put(S, "k", b());
    assert.is(await st.exists(S, "k"), true);
    assert.is(await st.exists(S, "k\u0000"), false);
    assert.is(await st.exists({ ...S, bucket: "other" }, "k"), false);
  });

  it("list() returns the bucket's keys sorted by bytes; a missing bucket is empty", async ({ stores }) => {
    const st = stores.appStorage;
    assert.equal(await st.list(S), []);
    const keys = [b(0xff), b(0x61, 0), b(0x61), b(0), b(0x61, 0x62), b(0x41), b(0xc3, 0xa9), b(0x7f), b(0x61, 0xff), b(0, 0)];
    for (const k of keys) await st.put(S, k, b(1));
    const sorted = keys.map((k) => [...k]).sort(cmp);
    assert.equal(await keysOf(st, S), sorted);
    assert.equal(sorted.slice(0, 4), [[0], [0, 0], [0x41], [0x61]]);
    assert.equal(await st.list({ ...S, bucket: "empty" }), []);
    assert.equal(await st.list({ app: "never-used", bucket: "x" }), []);
  });

  it("long keys (beyond what fits a file name) are stored, listed whole and sorted", async ({ stores }) => {
    const st = stores.appStorage;
    const long = (last: number, fill = 0x61) => {
      const k = new Uint8Array(1000).fill(fill);
      k[999] = last;
      return k;
    };
    const keys = [long(2), long(1), long(0), long(0xff, 0x41), "Z".repeat(200), "é".repeat(100), "short", new Uint8Array(1024).fill(0)];
    for (const [i, k] of keys.entries()) await st.put(S, k, b(i));
    for (const [i, k] of keys.entries()) {
      assert.equal(await valueOf(st, S, k), [i]);
      assert.is(await st.exists(S, k), true);
    }
    const asBytes = keys.map((k) => [...(typeof k === "string" ? bytes(k) : k)]);
    assert.equal(await keysOf(st, S), [...asBytes].sort(cmp));
    await rejects(st.putNoOverwrite(S, long(1), b(9)), "already_exists");
    await rejects(st.get(S, long(3)), "not_found");
    assert.is(await st.exists(S, long(3)), false);
    await st.delete(S, long(1));
    await rejects(st.delete(S, long(1)), "not_found");
    assert.equal(await valueOf(st, S, long(2)), [0]);
    assert.equal(await keysOf(st, S), asBytes.filter((_, i) => i !== 1).sort(cmp));
  });

  appStorageScopes(it);

  return test;
}
