/**
 * Part of the app-storage suite (app-storage.ts registers these): deleteBucket(), repo scopes, and
 * the small helpers both files use.
 */
import * as assert from "uvu/assert";
import type { StorageKey, StorageScope } from "../../lib/model.ts";
import type { AppStorageStore } from "../../lib/stores.ts";
import { bytes, concurrently, rejects, type storeSuite } from "./harness.ts";

type It = ReturnType<typeof storeSuite>["it"];

export const b = (...xs: number[]): Uint8Array => new Uint8Array(xs);

/** Keys of a bucket, as arrays of numbers (readable assertion output). */
export async function keysOf(store: AppStorageStore, scope: StorageScope): Promise<number[][]> {
  return (await store.list(scope)).map((k) => [...k]);
}

export async function valueOf(store: AppStorageStore, scope: StorageScope, key: StorageKey): Promise<number[]> {
  return [...(await store.get(scope, key))];
}

/** Bytewise order of keys written as arrays of numbers. */
export function cmp(x: number[], y: number[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A key too long to be a file name as it is (stored under a hashed name). */
const long = (prefix: string) => prefix + "x".repeat(300);

export function appStorageScopes(it: It): void {
  it("deleteBucket() removes every key of the bucket and nothing else", async ({ stores }) => {
    const st = stores.appStorage;
    const target: StorageScope = { app: "ci", bucket: "cache" };
    const others: StorageScope[] = [
      { app: "ci", bucket: "cache2" }, { app: "ci", bucket: "Cache" }, { app: "ci2", bucket: "cache" }, { app: "lint", bucket: "cache" },
    ];
    for (const k of ["a", "b", long("x"), "\u0000"]) await st.put(target, k, b(1));
    for (const s of others) await st.put(s, "a", b(2));
    await st.deleteBucket(target);
    assert.equal(await st.list(target), []);
    for (const k of ["a", "b", long("x"), "\u0000"]) assert.is(await st.exists(target, k), false);
    for (const s of others) assert.equal(await valueOf(st, s, "a"), [2]);
    await st.deleteBucket(target); // already empty
    await st.deleteBucket({ app: "never", bucket: "used" });
    await st.putNoOverwrite(target, "a", b(3));
    assert.equal(await keysOf(st, target), [[0x61]]);
  });

  it("deleteBucket() while keys are put: no call fails, older keys go, newer ones are whole or absent", async ({ stores }) => {
    const st = stores.appStorage;
    const s: StorageScope = { app: "ci", bucket: "busy" };
    const neighbour: StorageScope = { app: "ci", bucket: "quiet" };
    await st.put(neighbour, "keep", b(7));
    for (let round = 0; round < 4; round++) {
      const old = Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? long(`o${i}.`) : `old-${round}-${i}`));
      for (const k of old) await st.put(s, k, b(1));
      const fresh = Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? long(`n${round}.${i}.`) : `new-${round}-${i}`));
      const r = await concurrently(fresh.length + 1, async (i) => {
        if (i === 10) return st.deleteBucket(s);
        const k = fresh[i > 10 ? i - 1 : i]!;
        return st.put(s, k, bytes(k));
      });
      assert.equal(r.codes, [], "every call succeeds");
      for (const k of old) assert.is(await st.exists(s, k), false, "a key present before deleteBucket is gone");
      const present: number[][] = [];
      for (const k of fresh) {
        if (await st.exists(s, k)) {
          assert.equal(await valueOf(st, s, k), [...bytes(k)]);
          present.push([...bytes(k)]);
        } else await rejects(st.get(s, k), "not_found");
      }
      assert.equal(await keysOf(st, s), present.sort(cmp));
      await st.deleteBucket(s);
      assert.equal(await st.list(s), []);
    }
    assert.equal(await valueOf(st, neighbour, "keep"), [7]);
  });

  it("a scope naming a missing repo is not_found, for every method", async ({ stores }) => {
    const st = stores.appStorage;
    const s: StorageScope = { app: "ci", repoID: 987654, bucket: "cache" };
    await rejects(st.get(s, "k"), "not_found");
    await rejects(st.put(s, "k", b(1)), "not_found");
    await rejects(st.putNoOverwrite(s, "k", b(1)), "not_found");
    await rejects(st.delete(s, "k"), "not_found");
    await rejects(st.deleteBucket(s), "not_found");
    await rejects(st.exists(s, "k"), "not_found");
    await rejects(st.list(s), "not_found");
    assert.equal(await st.list({ app: "ci", bucket: "cache" }), [], "nothing was written to the global scope");
    // A repo ID no repo can have (beyond 32 bits) is a missing repo too, after the other checks.
    const big: StorageScope = { app: "ci", repoID: 2 ** 31, bucket: "cache" };
    await rejects(st.get(big, "k"), "not_found");
    await rejects(st.put(big, "k", b(1)), "not_found");
    await rejects(st.putNoOverwrite(big, "k", b(1)), "not_found");
    await rejects(st.delete(big, "k"), "not_found");
    await rejects(st.deleteBucket(big), "not_found");
    await rejects(st.exists(big, "k"), "not_found");
    await rejects(st.list(big), "not_found");
    await rejects(st.put(big, "", b(1)), "invalid_input", "key");
  });

  it("scopes with and without a repo, and of different repos, are distinct", async ({ stores }) => {
    const st = stores.appStorage;
    const r1 = await stores.repos.create({ uri: "github.com/acme/one" });
    const r2 = await stores.repos.create({ uri: "github.com/acme/two" });
    const global: StorageScope = { app: "ci", bucket: "cache" };
    const one: StorageScope = { app: "ci", repoID: r1.id, bucket: "cache" };
    const two: StorageScope = { app: "ci", repoID: r2.id, bucket: "cache" };
    await st.put(global, "k", b(0));
    await st.put(one, "k", b(1));
    await st.putNoOverwrite(two, "k", b(2));
    await st.put(one, long("y"), b(11));
    assert.equal(await valueOf(st, global, "k"), [0]);
    assert.equal(await valueOf(st, one, "k"), [1]);
    assert.equal(await valueOf(st, two, "k"), [2]);
    assert.equal(await keysOf(st, global), [[0x6b]]);
    assert.equal(await keysOf(st, one), [[0x6b], [...bytes(long("y"))]].sort(cmp));
    assert.is(await st.exists(two, long("y")), false);
    await rejects(st.putNoOverwrite(one, "k", b(9)), "already_exists");
    await st.delete(two, "k");
    assert.is(await st.exists(two, "k"), false);
    assert.is(await st.exists(one, "k"), true);
    assert.is(await st.exists(global, "k"), true);
  });

  it("deleteBucket() of a repo scope leaves the global scope and other repos alone, and vice versa", async ({ stores }) => {
    const st = stores.appStorage;
    const r1 = await stores.repos.create({ uri: "github.com/acme/one" });
    const r2 = await stores.repos.create({ uri: "github.com/acme/two" });
    const global: StorageScope = { app: "ci", bucket: "cache" };
    const one: StorageScope = { app: "ci", repoID: r1.id, bucket: "cache" };
    const two: StorageScope = { app: "ci", repoID: r2.id, bucket: "cache" };
    const oneOther: StorageScope = { app: "ci", repoID: r1.id, bucket: "logs" };
    for (const s of [global, one, two, oneOther]) await st.put(s, "k", b(1));
    await st.deleteBucket(one);
    assert.equal(await st.list(one), []);
    for (const s of [global, two, oneOther]) assert.equal(await keysOf(st, s), [[0x6b]]);
    await st.deleteBucket(global);
    assert.equal(await st.list(global), []);
    for (const s of [two, oneOther]) assert.equal(await keysOf(st, s), [[0x6b]]);
  });
}
