/**
 * I/O errors around a lock must never leave it stuck: not for this process, not for another one.
 * Faults are injected by a wrapping FsPort around the memory adapter.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { memoryFs } from "../lib/adapters/memory-fs.ts";
import { FsCtx } from "../lib/fs/context.ts";
import type { FsPort, ProcessRef, SyncOptions } from "../lib/ports/fs.ts";

type Hook = (op: string, path: string, data?: Uint8Array) => void;

function faulty(inner: FsPort, hook: Hook, self?: ProcessRef): FsPort {
  return {
    self: self ?? inner.self,
    location: inner.location,
    isAlive: (o) => (self && o.pid === self.pid) || inner.isAlive(o),
    readFile: async (p) => (hook("readFile", p), inner.readFile(p)),
    writeFile: async (p, d) => (hook("writeFile", p, d), inner.writeFile(p, d)),
    writeBatch: async (w) => (hook("writeBatch", w[0]?.[0] ?? ""), inner.writeBatch(w)),
    createExclusive: async (p, d, o?: SyncOptions) => (hook("createExclusive", p, d), inner.createExclusive(p, d, o)),
    remove: async (p, o?: SyncOptions) => (hook("remove", p), inner.remove(p, o)),
    removeTree: async (p) => (hook("removeTree", p), inner.removeTree(p)),
    list: async (p) => (hook("list", p), inner.list(p)),
  };
}

const text = (d?: Uint8Array) => (d ? new TextDecoder().decode(d) : "");
/** Another live process on the same data: a different pid that the adapter reports alive. */
const otherProcess = (mem: FsPort) => new FsCtx(faulty(mem, () => {}, { ...mem.self, pid: 424242 }), { lockTimeoutMs: 500 });

test("a lock release that fails once is retried: the call succeeds and nobody waits", async () => {
  const mem = memoryFs();
  let armed = true;
  const ctx = new FsCtx(faulty(mem, (op, _p, d) => {
    if (armed && op === "createExclusive" && text(d).includes('"free"')) {
      armed = false;
      throw new Error("EMFILE (injected)");
    }
  }), { lockTimeoutMs: 500 });
  assert.is(await ctx.tx("l", async (tx) => (tx.putJson("x.json", 1), "done")), "done");
  assert.is(await ctx.tx("l", async () => "again"), "again");
  assert.is(await otherProcess(mem).tx("l", async () => "other"), "other");
});

test("a lock release that keeps failing does not fail committed work or block this process", async () => {
  const mem = memoryFs();
  let failing = true;
  const ctx = new FsCtx(faulty(mem, (op, _p, d) => {
    if (failing && op === "createExclusive" && text(d).includes('"free"')) throw new Error("EIO (injected)");
  }), { lockTimeoutMs: 500 });
  assert.is(await ctx.tx("l", async (tx) => (tx.putJson("x.json", 1), "committed")), "committed");
  assert.equal(await ctx.readJson("x.json"), 1);
  failing = false;
  assert.is(await ctx.tx("l", async () => "next"), "next", "this process takes its own leftover lock over");
});

test("an error right after taking a lock leaves no held state for other processes", async () => {
  const mem = memoryFs();
  let armed = false, shots = 1;
  const ctx = new FsCtx(faulty(mem, (op, _p, d) => {
    if (shots > 0 && op === "createExclusive" && text(d).includes('"held"')) {
      armed = true;
      shots--;
    } else if (armed && op === "list") {
      armed = false;
      throw new Error("EIO (injected)");
    }
  }), { lockTimeoutMs: 500 });
  const err = await ctx.tx("l", async () => 1).then(() => undefined, (e: Error) => e);
  assert.match(String(err), /EIO/);
  assert.is(await otherProcess(mem).tx("l", async () => "other"), "other");
});

test.run();
