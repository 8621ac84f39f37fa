/**
 * FsPort on Node: the native calls of posix-fs.ts through node:fs. Usage: `nodeFs("/srv/sg/store")`.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import * as fsp from "node:fs/promises";
import { readFileSync, readlinkSync } from "node:fs";
import type { FsPort } from "../ports/fs.ts";
import { type ErrorKind, type Native, PosixFs } from "./posix-fs.ts";

export function nodeFs(root: string): FsPort {
  return new PosixFs(resolve(root), nodeNative);
}

const code = (e: unknown): string => (e as { code?: string } | null)?.code ?? "error";

/** The native calls nodeFs runs PosixFs on; exported so tests can wrap them to inject faults and delays. */
export const nodeNative: Native = {
  self: { host: hostname(), boot: linuxId(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8")), ns: linuxId(() => readlinkSync("/proc/self/ns/pid")), pid: process.pid },
  async readFile(abs) {
    const b = await fsp.readFile(abs); // its own buffer, never pooled: a view needs no copy
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async writeNew(abs, data, sync) {
    const fh = await fsp.open(abs, "wx", 0o600);
    try {
      await fh.writeFile(data);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  link: (from, to) => fsp.link(from, to),
  unlink: (abs) => fsp.unlink(abs),
  removeTree: (abs) => fsp.rm(abs, { recursive: true, force: true, maxRetries: 5 }),
  readdir: (abs) => fsp.readdir(abs),
  readdirKinds: async (abs) =>
    (await fsp.readdir(abs, { withFileTypes: true })).map((d) => ({ name: d.name, kind: d.isFile() ? "file" : d.isDirectory() ? "dir" : "other" })),
  size: async (abs) => (await fsp.lstat(abs)).size,
  rmdir: (abs) => fsp.rmdir(abs),
  mkdir: async (abs) => void (await fsp.mkdir(abs, { mode: 0o700 })),
  async fsyncDir(abs) {
    const fh = await fsp.open(abs, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  mtimeMs: async (abs) => (await fsp.stat(abs)).mtimeMs,
  pidAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return code(e) !== "ESRCH";
    }
  },
  kind(e): ErrorKind {
    const c = code(e);
    if (c === "ENOENT" || c === "ENOTDIR") return "missing";
    if (c === "EEXIST") return "exists";
    if (c === "ENOTEMPTY") return "notEmpty";
    if (c === "EACCES" || c === "EPERM") return "permission";
    return "other";
  },
  name: code,
};

/** Linux's boot id or pid namespace ("" elsewhere: then only dead pids are detected). */
function linuxId(read: () => string): string {
  try {
    return read().trim().replace(/^pid:\[(\d+)\]$/, "$1");
  } catch {
    return "";
  }
}
