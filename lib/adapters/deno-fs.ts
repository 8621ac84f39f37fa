/**
 * FsPort on Deno's file APIs, with the same on-disk protocol as node-fs.ts (temp files in <root>/tmp
 * named by pid, link(2) for exclusive create), so Node and Deno processes can share one data dir.
 * Declares only the slice of `Deno` it calls, so the file typechecks under tsc as well.
 */
import type { FsPort, ProcessRef, SyncOptions } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { checkPath } from "./path.ts";

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
  open(path: string, opts: { read?: boolean; write?: boolean; createNew?: boolean; mode?: number }): Promise<DenoFile>;
  rename(from: string, to: string): Promise<void>;
  link(from: string, to: string): Promise<void>;
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  readDir(path: string): AsyncIterable<{ name: string }>;
  mkdir(path: string, opts?: { mode?: number }): Promise<void>;
  stat(path: string): Promise<unknown>;
  kill(pid: number, signal: string): void;
}

const D = (globalThis as unknown as { Deno: DenoSlice }).Deno;

export function denoFs(root: string): FsPort {
  return new DenoFs(root.startsWith("/") ? root : `${D.cwd()}/${root}`);
}

class DenoFs implements FsPort {
  readonly location: string;
  readonly self: ProcessRef = { host: D.hostname(), boot: bootId(), pid: D.pid };
  readonly #tmp: string;
  #ready: Promise<void> | undefined;

  constructor(root: string) {
    this.location = root.replace(/\/+$/, "");
    this.#tmp = `${this.location}/tmp`;
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return await D.readFile(this.#abs(path));
    } catch (e) {
      if (missing(e)) return undefined;
      throw ioError("read", path, e);
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    const abs = this.#abs(path);
    const tmp = await this.#writeTemp(data);
    try {
      await withParent(abs, () => D.rename(tmp, abs));
      await fsyncDir(parentOf(abs));
    } catch (e) {
      await D.remove(tmp).catch(() => undefined);
      throw ioError("write", path, e);
    }
  }

  async createExclusive(path: string, data: Uint8Array, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    const tmp = await this.#writeTemp(data, opts?.durable !== false);
    try {
      await withParent(abs, () => D.link(tmp, abs));
    } catch (e) {
      if (errName(e) === "AlreadyExists") return false;
      throw ioError("create", path, e);
    } finally {
      await D.remove(tmp).catch(() => undefined);
    }
    if (opts?.durable !== false) {
      await fsyncDir(parentOf(abs)).catch((e) => {
        throw ioError("create", path, e);
      });
    }
    return true;
  }

  async remove(path: string, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    try {
      await D.remove(abs);
    } catch (e) {
      if (missing(e)) return false;
      throw ioError("remove", path, e);
    }
    if (opts?.durable !== false) await fsyncDir(parentOf(abs)).catch(() => undefined);
    return true;
  }

  async removeTree(path: string): Promise<void> {
    const abs = this.#abs(path);
    try {
      await D.remove(abs, { recursive: true });
    } catch (e) {
      if (missing(e)) return;
      throw ioError("remove", path, e);
    }
    await fsyncDir(parentOf(abs)).catch(() => undefined);
  }

  async list(path: string): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of D.readDir(this.#abs(path))) out.push(e.name);
    } catch (e) {
      if (missing(e)) return [];
      throw ioError("list", path, e);
    }
    return out;
  }

  isAlive(owner: ProcessRef): boolean {
    if (owner.host !== this.self.host) return true;
    if (owner.boot !== this.self.boot && owner.boot !== "" && this.self.boot !== "") return false;
    try {
      // Signal 0 is not offered by Deno.kill; SIGCONT is harmless to a running process and
      // fails with NotFound when the pid is gone.
      D.kill(owner.pid, "SIGCONT");
      return true;
    } catch (e) {
      return errName(e) !== "NotFound";
    }
  }

  #abs(path: string): string {
    return `${this.location}/${checkPath(path)}`;
  }

  async #writeTemp(data: Uint8Array, durable = true): Promise<string> {
    await (this.#ready ??= this.#prepare());
    const tmp = `${this.#tmp}/${D.pid}-${crypto.randomUUID()}`;
    try {
      const f = await D.open(tmp, { write: true, createNew: true, mode: 0o600 });
      try {
        for (let off = 0; off < data.length;) off += await f.write(data.subarray(off));
        if (durable) await f.sync();
      } finally {
        f.close();
      }
    } catch (e) {
      await D.remove(tmp).catch(() => undefined);
      throw ioError("write", "tmp", e);
    }
    return tmp;
  }

  async #prepare(): Promise<void> {
    try {
      await mkdirs(this.#tmp);
      for await (const e of D.readDir(this.#tmp)) {
        const pid = Number(e.name.split("-")[0]);
        if (!this.isAlive({ ...this.self, pid })) await D.remove(`${this.#tmp}/${e.name}`).catch(() => undefined);
      }
    } catch (e) {
      this.#ready = undefined;
      throw ioError("open", this.location, e);
    }
  }
}

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/";

async function withParent(abs: string, op: () => Promise<void>): Promise<void> {
  try {
    await op();
  } catch (e) {
    if (errName(e) !== "NotFound") throw e;
    await mkdirs(parentOf(abs));
    await op();
  }
}

/** mkdir -p with mode 0700, fsyncing each parent that got a new entry. */
async function mkdirs(dir: string): Promise<void> {
  const created: string[] = [];
  for (let d = dir; d !== "/" && d !== ""; d = parentOf(d)) {
    try {
      await D.stat(d);
      break;
    } catch (e) {
      if (errName(e) !== "NotFound") throw e;
      created.unshift(d);
    }
  }
  for (const d of created) {
    try {
      await D.mkdir(d, { mode: 0o700 });
    } catch (e) {
      if (errName(e) !== "AlreadyExists") throw e;
    }
    await fsyncDir(parentOf(d));
  }
}

/** Linux's id of this boot; "" elsewhere (then a reboot is not detected, only dead pids). */
function bootId(): string {
  try {
    return D.readTextFileSync("/proc/sys/kernel/random/boot_id").trim();
  } catch {
    return "";
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const f = await D.open(dir, { read: true });
  try {
    await f.sync();
  } finally {
    f.close();
  }
}

const errName = (e: unknown): string | undefined => (e as { name?: string } | null)?.name;
const missing = (e: unknown): boolean => errName(e) === "NotFound" || errName(e) === "NotADirectory";

function ioError(op: string, path: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const n = errName(e) ?? "Error";
  const kind = n === "PermissionDenied" ? "permission_denied" : "unavailable";
  return new StoreError(kind, `cannot ${op} ${path}: ${n}`, { cause: e });
}
