/**
 * FsPort on Deno: the native calls of posix-fs.ts through Deno's file APIs, so Node and Deno
 * processes share one protocol on a data dir. Declares only the slice of `Deno` it calls, so the file
 * typechecks under tsc as well. Usage: `denoFs("/srv/sg/store")`.
 */
import type { FsPort } from "../ports/fs.ts";
import { type ErrorKind, type Native, PosixFs } from "./posix-fs.ts";

interface DenoFile {
  write(p: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}
interface DenoSlice {
  pid: number;
  hostname(): string;
  cwd(): string;
  readFile(path: string): Promise<Uint8Array>;
  readTextFileSync(path: string): string;
  readLinkSync(path: string): string;
  open(path: string, opts: { read?: boolean; write?: boolean; createNew?: boolean; mode?: number }): Promise<DenoFile>;
  rename(from: string, to: string): Promise<void>;
  link(from: string, to: string): Promise<void>;
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  readDir(path: string): AsyncIterable<{ name: string; isFile: boolean; isDirectory: boolean }>;
  lstat(path: string): Promise<{ size: number; isDirectory: boolean }>;
  mkdir(path: string, opts?: { mode?: number }): Promise<void>;
  stat(path: string): Promise<{ mtime: Date | null }>;
  lstatSync(path: string): unknown;
  kill(pid: number, signal: string): void;
}

const D = (globalThis as unknown as { Deno: DenoSlice }).Deno;

export function denoFs(root: string): FsPort {
  return new PosixFs(root.startsWith("/") ? root : `${D.cwd()}/${root}`, native());
}

const errName = (e: unknown): string => (e as { name?: string } | null)?.name ?? "Error";
const errCode = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

let cached: Native | undefined;

function native(): Native {
  return (cached ??= {
    self: { host: D.hostname(), boot: linuxId(() => D.readTextFileSync("/proc/sys/kernel/random/boot_id")), ns: linuxId(() => D.readLinkSync("/proc/self/ns/pid")), pid: D.pid },
    readFile: (abs) => D.readFile(abs),
    async writeNew(abs, data, sync) {
      const f = await D.open(abs, { write: true, createNew: true, mode: 0o600 });
      try {
        for (let off = 0; off < data.length;) off += await f.write(data.subarray(off));
        if (sync) await f.sync();
      } finally {
        f.close();
      }
    },
    rename: (from, to) => D.rename(from, to),
    link: (from, to) => D.link(from, to),
    // Deno.remove would also delete an empty directory; the protocol only ever unlinks files.
    unlink: (abs) => D.remove(abs),
    removeTree: (abs) => D.remove(abs, { recursive: true }).catch((e) => {
      if (errName(e) !== "NotFound") throw e;
    }),
    async readdir(abs) {
      const out: string[] = [];
      for await (const e of D.readDir(abs)) out.push(e.name);
      return out;
    },
    async readdirKinds(abs) {
      const out: { name: string; kind: "file" | "dir" | "other" }[] = [];
      for await (const e of D.readDir(abs)) out.push({ name: e.name, kind: e.isFile ? "file" : e.isDirectory ? "dir" : "other" });
      return out;
    },
    size: async (abs) => (await D.lstat(abs)).size,
    // Deno has no rmdir of its own: Deno.remove without `recursive` removes an empty directory, but
    // also a file, hence the check (a file can take the name in between only if a caller stores
    // both "a" and "a/..." keys, which a folder cannot hold anyway).
    async rmdir(abs) {
      if (!(await D.lstat(abs)).isDirectory) throw Object.assign(new Error(`not a directory: ${abs}`), { name: "NotADirectory" });
      await D.remove(abs);
    },
    mkdir: (abs) => D.mkdir(abs, { mode: 0o700 }),
    async fsyncDir(abs) {
      const f = await D.open(abs, { read: true });
      try {
        await f.sync();
      } finally {
        f.close();
      }
    },
    mtimeMs: async (abs) => (await D.stat(abs)).mtime?.getTime() ?? Date.now(),
    pidAlive(pid) {
      // Where /proc exists, look there rather than send a signal to whatever process has that pid.
      try {
        D.lstatSync("/proc/self");
      } catch {
        try {
          D.kill(pid, "SIGCONT");
          return true;
        } catch (e) {
          return errName(e) !== "NotFound";
        }
      }
      try {
        D.lstatSync(`/proc/${pid}`);
        return true;
      } catch {
        return false;
      }
    },
    kind(e): ErrorKind {
      const n = errName(e);
      if (n === "NotFound" || n === "NotADirectory") return "missing";
      if (n === "AlreadyExists") return "exists";
      if (errCode(e) === "ENOTEMPTY") return "notEmpty";
      if (n === "PermissionDenied") return "permission";
      return "other";
    },
    name: errName,
  });
}

/** Linux's boot id or pid namespace ("" elsewhere: then only dead pids are detected). */
function linuxId(read: () => string): string {
  try {
    return read().trim().replace(/^pid:\[(\d+)\]$/, "$1");
  } catch {
    return "";
  }
}
