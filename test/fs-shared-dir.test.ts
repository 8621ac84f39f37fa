/**
 * Two store objects on one data dir in one process (a server that opens the store twice, or two
 * libraries sharing $SGPATH) must serialize like two processes do: neither may take the other's lock
 * for a dead one's.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../lib/mod.ts";
import { memoryFs } from "../lib/adapters/memory-fs.ts";
import { FsCtx } from "../lib/fs/context.ts";
import type { FsPort } from "../lib/ports/fs.ts";
import { isStoreError } from "../lib/errors.ts";
import { runtimeFs, tempDir } from "./support/disk-fs.ts";

async function onDisk<T>(fn: (make: () => Promise<FsPort>) => Promise<T>): Promise<T> {
  const tmp = await tempDir();
  try {
    return await fn(() => runtimeFs(tmp.dir));
  } finally {
    await tmp.remove();
  }
}

test("two stores on one disk dir: each login is created exactly once", () =>
  onDisk(async (make) => {
    const a = await openStore({ fs: await make() });
    const b = await openStore({ fs: await make() });
    let ok = 0, exists = 0;
    const other: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await Promise.allSettled([a.users.create({ login: `u${i}` }), b.users.create({ login: `U${i}` })]);
      for (const x of r) {
        if (x.status === "fulfilled") ok++;
        else if (isStoreError(x.reason, "already_exists")) exists++;
        else other.push(String(x.reason));
      }
    }
    assert.equal(other, []);
    assert.is(ok, 40);
    assert.is(exists, 40);
    assert.is(await a.users.count(), 40);
    assert.is((await b.users.list({ limit: 1000 })).items.length, 40);
  }));

test("two transaction contexts on one dir never lose an increment", () =>
  onDisk(async (make) => {
    const ctxs = [new FsCtx(await make()), new FsCtx(await make())];
    const bump = (c: FsCtx) => c.tx("counter", async (tx) => {
      const v = (await tx.readJson<{ v: number }>("counter.json"))?.v ?? 0;
      tx.putJson("counter.json", { v: v + 1 });
    });
    await Promise.all(ctxs.flatMap((c) => Array.from({ length: 100 }, () => bump(c))));
    assert.equal(await ctxs[0]!.readJson("counter.json"), { v: 200 });
  }));

test("two stores on one memory FS share its locks too", async () => {
  const fs = memoryFs();
  const a = await openStore({ fs });
  const b = await openStore({ fs });
  const r = await Promise.allSettled([a.users.create({ login: "same" }), b.users.create({ login: "SAME" })]);
  assert.is(r.filter((x) => x.status === "fulfilled").length, 1);
  assert.is(await b.users.count(), 1);
});

test.run();
