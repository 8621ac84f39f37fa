/**
 * Processes that share a host name and a data dir but not a pid namespace (containers with host
 * networking, or one container restarted) cannot check each other's pids. Two such writers must
 * still serialize; a lock left by a process of another namespace is taken over after its lease.
 * The two-writer test needs Linux, root and unshare(1); elsewhere it is skipped.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { openStore } from "../lib/mod.ts";
import { FsCtx } from "../lib/fs/context.ts";
import { runtimeFs, tempDir } from "./support/disk-fs.ts";
import { startChild } from "./support/spawn.ts";

const canUnshare = process.platform === "linux" && process.getuid?.() === 0 &&
  spawnSync("unshare", ["-pf", "--mount-proc", "true"]).status === 0;

const it = canUnshare ? test : test.skip;

it("two writers in separate pid namespaces number 200 threads 1..200", async () => {
  const tmp = await tempDir();
  try {
    const stores = await openStore({ fs: await runtimeFs(tmp.dir) });
    const alice = await stores.users.create({ login: "alice" });
    const repo = await stores.repos.create({ uri: "example.com/ns" });
    assert.equal([alice.uid, repo.id], [1, 1]);
    const wrap = ["unshare", "-pf", "--mount-proc"];
    const kids = ["a", "b"].map((tag) => startChild("ns-worker.ts", [tmp.dir, "100", tag], wrap));
    const lines = await Promise.all(kids.map((k) => k.waitLine((l) => l.startsWith("done"), 120_000)));
    await Promise.all(kids.map((k) => k.exited));
    assert.equal(lines.map((l) => l.split(" ").slice(1, 3).join(" ")), ["100 0", "100 0"], lines.join("\n"));
    const numbers = (await stores.threads.list(1, { limit: 1000 })).items.map((t) => t.number).sort((x, y) => x - y);
    assert.equal(numbers, Array.from({ length: 200 }, (_, i) => i + 1));
    console.log("# pid-namespace: 2 writers in separate pid namespaces, 200 threads numbered 1..200");
  } finally {
    await tmp.remove();
  }
});

test("a lock left by another pid namespace is taken once its lease is over", async () => {
  const tmp = await tempDir();
  try {
    const fs = await runtimeFs(tmp.dir);
    const foreign = { ...fs.self, ns: `${fs.self.ns}-other`, pid: fs.self.pid, txid: "gone", state: "held" };
    const stateFile = (since: number) => new TextEncoder().encode(JSON.stringify({ ...foreign, since }));
    await fs.writeFile("locks/probe/000000000001", stateFile(Date.now() - 60_000));
    const ctx = new FsCtx(fs, { lockTimeoutMs: 2_000 });
    const start = Date.now();
    await ctx.tx("probe", async (tx) => tx.putJson("probe.json", { ok: true }));
    assert.ok(Date.now() - start < 1_500, "taken at once, not after the lock timeout");
    await fs.writeFile("locks/probe/000000000009", stateFile(Date.now()));
    const err = await ctx.tx("probe", async () => undefined).then(() => undefined, (e: unknown) => e);
    assert.is((err as { code?: string } | undefined)?.code, "unavailable", "a fresh foreign lock is respected");
  } finally {
    await tmp.remove();
  }
});

test.run();
