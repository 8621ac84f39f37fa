import * as assert from "uvu/assert";
import { concurrently, rejects, storeSuite, type Factory } from "./harness.ts";

export default function repoConfigs(make: Factory) {
  const { test, it } = storeSuite("repo-configs", make);

  it("get() is {} until a config is put", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    assert.equal(await stores.repoConfigs.get(r.id), {});
  });

  it("put() replaces the whole config; get() returns it as put", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const other = await stores.repos.create({ uri: "github.com/a/c" });
    const config = {
      name: "x", n: 1.5, neg: -3, ok: true, none: null, list: [1, "two", { three: [3] }],
      nested: { a: { b: { c: "d" } } }, "": "empty key", "ünï/cøde": "☕",
      builtAt: "2026-01-01T12:00:00.000Z",
    };
    await stores.repoConfigs.put(r.id, config);
    assert.equal(await stores.repoConfigs.get(r.id), config);
    assert.is(typeof (await stores.repoConfigs.get(r.id)).builtAt, "string", "a date-like string stays a string");
    await stores.repoConfigs.put(r.id, { only: "this" });
    assert.equal(await stores.repoConfigs.get(r.id), { only: "this" });
    await stores.repoConfigs.put(r.id, {});
    assert.equal(await stores.repoConfigs.get(r.id), {});
    assert.equal(await stores.repoConfigs.get(other.id), {}, "configs are per repo");
  });

  it("get() returns a copy", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const config = { list: [1, 2], obj: { k: "v" } };
    await stores.repoConfigs.put(r.id, config);
    config.list.push(3);
    const got = await stores.repoConfigs.get(r.id);
    assert.equal(got, { list: [1, 2], obj: { k: "v" } });
    (got.obj as Record<string, string>).k = "changed";
    assert.equal(await stores.repoConfigs.get(r.id), { list: [1, 2], obj: { k: "v" } });
  });

  it("get() and put() are not_found for a missing repo", async ({ stores }) => {
    await rejects(stores.repoConfigs.get(1), "not_found");
    await rejects(stores.repoConfigs.put(1, { a: 1 }), "not_found");
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    await stores.repoConfigs.put(r.id, { a: 1 });
    await stores.repos.delete(r.id);
    await rejects(stores.repoConfigs.get(r.id), "not_found");
    await rejects(stores.repoConfigs.put(r.id, { a: 2 }), "not_found");
    await rejects(stores.repoConfigs.get(0), "invalid_input", "repoID");
    await rejects(stores.repoConfigs.put(-1, {}), "invalid_input", "repoID");
    // An ID no repo can have (beyond 32 bits) is a missing repo too.
    await rejects(stores.repoConfigs.get(2 ** 31), "not_found");
    await rejects(stores.repoConfigs.put(2 ** 40, { a: 1 }), "not_found");
    await rejects(stores.repoConfigs.put(2 ** 40, { a: undefined }), "invalid_input", "config.a");
  });

  it("put() accepts only a JSON object and names the bad value", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    await stores.repoConfigs.put(r.id, { keep: 1 });
    const bad: [unknown, string][] = [
      [null, "config"], [[1, 2], "config"], ["text", "config"], [42, "config"], [undefined, "config"],
      [{ when: new Date() }, "config.when"], [{ a: { b: undefined } }, "config.a.b"], [{ f: () => 1 }, "config.f"],
      [{ n: NaN }, "config.n"], [{ n: Infinity }, "config.n"], [{ big: 1n }, "config.big"],
      [{ list: [1, new Map()] }, "config.list[1]"], [{ s: Symbol("x") }, "config.s"],
    ];
    for (const [config, field] of bad) await rejects(stores.repoConfigs.put(r.id, config as never), "invalid_input", field);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await rejects(stores.repoConfigs.put(r.id, cyclic), "invalid_input");
    assert.equal(await stores.repoConfigs.get(r.id), { keep: 1 }, "a refused put changes nothing");
  });

  it("put() takes at most 64 KiB of JSON", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const fits = { s: "x".repeat(64 * 1024 - 8) }; // {"s":"..."} is 8 bytes more
    await stores.repoConfigs.put(r.id, fits);
    assert.equal(await stores.repoConfigs.get(r.id), fits);
    await rejects(stores.repoConfigs.put(r.id, { s: "x".repeat(64 * 1024 - 7) }), "invalid_input", "config");
    await rejects(stores.repoConfigs.put(r.id, { s: "é".repeat(33 * 1024) }), "invalid_input", "config");
    assert.equal(await stores.repoConfigs.get(r.id), fits);
  });

  it("concurrent puts: the last writer wins, whole", async ({ stores }) => {
    const r = await stores.repos.create({ uri: "github.com/a/b" });
    const configs = Array.from({ length: 8 }, (_, i) => ({ writer: i, data: Array(50).fill(i) }));
    const res = await concurrently(8, (i) => stores.repoConfigs.put(r.id, configs[i]!));
    assert.is(res.ok.length, 8);
    const got = await stores.repoConfigs.get(r.id);
    assert.ok(configs.some((c) => JSON.stringify(c) === JSON.stringify(got)), "one writer's config, not a mix");
  });

  return test;
}
