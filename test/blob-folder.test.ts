/**
 * What only the folder blob adapter does: file modes, the reserved tmp/ folder, pruning after
 * delete, file-name limits, keys that clash with folders, and listing only the folder a prefix names.
 * Over nodeFs (as graph roots open it), and under Deno over denoFs too.
 */
import { lstat, mkdir, symlink, writeFile, readdir } from "node:fs/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { folderBlob } from "../lib/adapters/folder-blob.ts";
import { StoreError } from "../lib/errors.ts";
import { nodeFs, nodeNative } from "../lib/adapters/node-fs.ts";
import { PosixFs, type Native } from "../lib/adapters/posix-fs.ts";
import { memoryFs } from "../lib/adapters/memory-fs.ts";
import { seg, isHashed } from "../lib/fs/names.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import type { FsPort } from "../lib/ports/fs.ts";
import { collect, keysOf } from "./conformance/blob.ts";
import { bytes, rejects, text } from "./conformance/harness.ts";
import { isDeno, runtimeFs, tempDir } from "./support/disk-fs.ts";

const exists = (path: string) => lstat(path).then(() => true, () => false);
/** `fs` with some methods replaced (adapters keep private state: no Object.create). */
function over(fs: FsPort, o: Partial<FsPort>): FsPort {
  return {
    readFile: (p) => fs.readFile(p),
    writeFile: (p, d) => fs.writeFile(p, d),
    writeBatch: (w) => fs.writeBatch(w),
    createExclusive: (p, d, x) => fs.createExclusive(p, d, x),
    remove: (p, x) => fs.remove(p, x),
    removeTree: (p) => fs.removeTree(p),
    list: (p) => fs.list(p),
    entries: fs.entries && ((p) => fs.entries!(p)),
    removeDir: fs.removeDir && ((p) => fs.removeDir!(p)),
    isAlive: (owner) => fs.isAlive(owner),
    self: fs.self,
    location: fs.location,
    ...o,
  };
}

const mode = async (path: string) => (await lstat(path)).mode & 0o777;

function folderSuite(label: string, open: (dir: string) => Promise<FsPort>): void {
  const test = suite(`folder blob over ${label}`);
  const it = (title: string, fn: (blob: BlobPort, dir: string, fs: FsPort) => Promise<void>) =>
    test(title, async () => {
      const tmp = await tempDir("srcstore-blob-folder-");
      try {
        const fs = await open(tmp.dir);
        await fn(folderBlob(fs), tmp.dir, fs);
      } finally {
        await tmp.remove();
      }
    });

  it("files are 0600 and folders 0700, as the FS port makes them", async (blob, dir) => {
    await blob.put("a/b/c", bytes("x"));
    assert.is(await mode(`${dir}/a`), 0o700);
    assert.is(await mode(`${dir}/a/b`), 0o700);
    assert.is(await mode(`${dir}/a/b/c`), 0o600);
    assert.is(text((await import("node:fs")).readFileSync(`${dir}/a/b/c`)), "x", "key a/b/c is file a/b/c");
  });

  it("keys under tmp/ are refused before any I/O; tmp/ is never listed; tmpx/ keys are fine", async (blob, dir) => {
    // "TMP/x" too: on a case-insensitive filesystem it would land in the port's temp folder.
    for (const k of ["tmp", "tmp/x", "tmp/a/b", "TMP/x", "Tmp"]) {
      await rejects(blob.put(k, bytes("x")), "invalid_input", "key");
      await rejects(blob.get(k), "invalid_input", "key");
      await rejects(blob.delete([k]), "invalid_input", "key");
    }
    assert.not.ok(await exists(`${dir}/tmp`), "nothing written");
    await blob.put("tmpx/a", bytes("1"));
    await blob.put("tm", bytes("2"));
    assert.ok(await exists(`${dir}/tmp`), "the FS port made its temp folder");
    assert.equal(await keysOf(blob, ""), ["tm", "tmpx/a"]);
    assert.equal(await keysOf(blob, "tmp"), ["tmpx/a"]);
    assert.equal(await keysOf(blob, "tmp/"), []);
    assert.equal(await keysOf(blob, "TMP/"), []);
  });

  it("a leftover temp file in <root>/tmp is never listed", async (blob, dir) => {
    await blob.put("k", bytes("k"));
    // Another pid namespace's, and fresh: the FS port keeps it for an hour.
    await writeFile(`${dir}/tmp/elsewhere-1-leftover`, "partial");
    await blob.put("k2", bytes("k"));
    assert.ok(await exists(`${dir}/tmp/elsewhere-1-leftover`), "the leftover is still there");
    assert.equal(await keysOf(blob, ""), ["k", "k2"]);
    assert.equal(await keysOf(blob, "t"), []);
  });

  it("delete() prunes the folders it emptied, and only those; never the root or tmp/", async (blob, dir) => {
    for (const k of ["a/b/c/d", "a/b/e", "a/x", "z"]) await blob.put(k, bytes(k));
    await blob.delete(["a/b/c/d"]);
    assert.not.ok(await exists(`${dir}/a/b/c`));
    assert.ok(await exists(`${dir}/a/b/e`));
    await blob.delete(["a/b/e", "a/missing/deep/key"]);
    assert.not.ok(await exists(`${dir}/a/b`));
    assert.ok(await exists(`${dir}/a/x`));
    await blob.delete(["a/x", "z"]);
    assert.equal((await readdir(dir)).sort(), ["tmp"]);
    await blob.put("a/b/c/d", bytes("again"));
    assert.equal(await keysOf(blob, ""), ["a/b/c/d"]);
  });

  it("a put() racing a delete() that prunes its folder still lands", async (blob) => {
    for (let round = 0; round < 40; round++) {
      await blob.put(`r/${round}/old`, bytes("old"));
      await Promise.all([blob.delete([`r/${round}/old`]), blob.put(`r/${round}/new`, bytes("new"))]);
      assert.is(text((await blob.get(`r/${round}/new`))!), "new", `round ${round}`);
      assert.equal(await keysOf(blob, `r/${round}/`), [`r/${round}/new`]);
    }
  });

  it("a key with a hashed, long segment (lib/fs/names.ts seg) works", async (blob) => {
    const s = await seg("github.com/" + "very-long-name/".repeat(20) + "\u00e9");
    assert.ok(isHashed(s));
    const key = `data/${s}/0123456789abcdef0123456789abcdef01234567/v1/units.json`;
    await blob.put(key, bytes("{}"));
    assert.is(text((await blob.get(key))!), "{}");
    assert.equal(await collect(blob.list(`data/${s.slice(0, 10)}`)), [{ key, size: 2 }]);
    await blob.delete([key]);
    assert.equal(await keysOf(blob, ""), []);
  });

  it("segments over 255 UTF-8 bytes are refused with invalid_input on \"key\"", async (blob) => {
    await blob.put("a/" + "x".repeat(255), bytes("ok"));
    await rejects(blob.put("a/" + "x".repeat(256), bytes("x")), "invalid_input", "key");
    await rejects(blob.get("\u00e9".repeat(128) + "/a"), "invalid_input", "key");
    assert.equal(await keysOf(blob, "a/" + "x".repeat(256)), []);
    assert.equal(await keysOf(blob, "x".repeat(300) + "/"), []);
  });

  it("a key that is the folder of other keys, or below an object, cannot be stored: unsupported", async (blob) => {
    await blob.put("f/g", bytes("g"));
    await rejects(blob.put("f", bytes("f")), "unsupported");
    await rejects(blob.put("f/g/h", bytes("h")), "unsupported");
    assert.equal(await keysOf(blob, ""), ["f/g"]);
    assert.is(await blob.get("f/g/h"), undefined);
  });

  it("files in the folder that are no valid key, and symbolic links, are not listed", async (blob, dir) => {
    await blob.put("d/ok", bytes("1"));
    await writeFile(`${dir}/d/back\\slash`, "x");
    await mkdir(`${dir}/d/sub`);
    await symlink(`${dir}/d/ok`, `${dir}/d/link`);
    assert.equal(await keysOf(blob, ""), ["d/ok"]);
  });

  it("list(prefix) reads only the folder the prefix names, and the subfolders that match", async (_blob, _dir, fs) => {
    const seen: string[] = [];
    const watched = over(fs, { entries: (path: string) => (seen.push(path), fs.entries!(path)) });
    const blob = folderBlob(watched);
    for (const k of ["data/ab/c1/x", "data/ab/c2", "data/ab/d/y", "data/zz/q", "other/w"]) await blob.put(k, bytes(k));
    seen.length = 0;
    assert.equal(await keysOf(blob, "data/ab/c"), ["data/ab/c1/x", "data/ab/c2"]);
    assert.equal(seen, ["data/ab", "data/ab/c1"]);
  });

  test.run();
}

folderSuite("nodeFs", async (dir) => nodeFs(dir));
if (isDeno) folderSuite("denoFs", runtimeFs);

const misc = suite("folder blob");
misc("refuses an FS port that cannot list entries or remove folders: unsupported", async () => {
  const fs = memoryFs();
  const bare = over(fs, { entries: undefined, removeDir: undefined });
  try {
    folderBlob(bare);
    assert.unreachable("should refuse");
  } catch (e) {
    assert.is((e as { code?: string }).code, "unsupported");
  }
  assert.is(folderBlob(fs).location, "memory");
});
misc("over memoryFs too, a key that is the folder of other keys, or below an object, is unsupported and loses nothing", async () => {
  const fs = memoryFs();
  const blob = folderBlob(fs);
  await blob.put("f/g", bytes("g"));
  await rejects(blob.put("f", bytes("f")), "unsupported");
  await rejects(blob.put("f/g/h", bytes("h")), "unsupported");
  assert.equal(await keysOf(blob, ""), ["f/g"]);
  assert.is(text((await blob.get("f/g"))!), "g");
  // The FS port itself fails as a disk does: a StoreError, never a TypeError or a replaced folder.
  await rejects(fs.writeFile("f", bytes("x")), "unavailable");
  await rejects(fs.writeFile("f/g/h", bytes("x")), "unavailable");
  await rejects(fs.createExclusive("f/g/h", bytes("x")), "unavailable");
  assert.is(await fs.createExclusive("f", bytes("x")), false);
  assert.equal(await fs.list("f"), ["g"]);
});
misc("a put into a folder another put is still creating resolves only once that folder's entry is synced", async () => {
  const tmp = await tempDir("srcstore-blob-sync-");
  try {
    let armed = false, release!: () => void, reached!: () => void;
    const gate = new Promise<void>((r) => (release = r)), hit = new Promise<void>((r) => (reached = r));
    const native: Native = {
      ...nodeNative,
      // Once armed, the sync of the root after mkdir of its new folder "a" waits for the gate.
      async fsyncDir(abs) {
        if (armed && abs === tmp.dir) {
          armed = false;
          reached();
          await gate;
        }
        return nodeNative.fsyncDir(abs);
      },
    };
    const blob = folderBlob(new PosixFs(tmp.dir, native));
    await blob.put("warm", bytes("w")); // the port's tmp/ is ready
    armed = true;
    const events: string[] = [];
    const first = blob.put("a/b/x", bytes("x")); // makes a, a/b; its sync of the root entry "a" is held
    await hit;
    const second = blob.put("a/y", bytes("y")).then(() => events.push("a/y put")); // "a" exists already
    await new Promise((r) => setTimeout(r, 100));
    events.push("root synced");
    release();
    await Promise.all([first, second]);
    assert.equal(events, ["root synced", "a/y put"], "a/y was acknowledged while its folder's entry was not yet durable");
    assert.equal(await keysOf(blob, ""), ["a/b/x", "a/y", "warm"]);
  } finally {
    await tmp.remove();
  }
});
misc("put() tries again (bounded) when its new folder was pruned under it, not when the folder is there", async () => {
  const fs = memoryFs();
  let calls = 0;
  const failing = (times: number) => over(fs, {
    writeFile: async (p, d) => {
      if (++calls <= times) throw new StoreError("unavailable", "cannot write: ENOENT");
      return fs.writeFile(p, d);
    },
  });
  await folderBlob(failing(1)).put("n/e/w", bytes("x"));
  assert.is(calls, 2, "the folder n/e is missing: once more");
  calls = 0;
  await rejects(folderBlob(failing(99)).put("q/r", bytes("x")), "unavailable");
  assert.is(calls, 3, "bounded");
  calls = 0;
  await rejects(folderBlob(failing(99)).put("n/e/z", bytes("x")), "unavailable");
  assert.is(calls, 1, "the folder is there: the failure is not about pruning");
});
misc.run();
