/**
 * FsPort on Node's fs: atomic durable writes (temp + fsync + rename + directory fsync), exclusive
 * create by link(2), which fails when the name exists and never shows a partial file.
 * Temp files live in <root>/tmp, named by pid, so leftovers of a killed process are removed at open.
 */
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as fsp from "node:fs/promises";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { FsPort, ProcessRef, SyncOptions } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { checkPath } from "./path.ts";

export function nodeFs(root: string): FsPort {
  return new NodeFs(resolve(root));
}

class NodeFs implements FsPort {
  readonly location: string;
  readonly self: ProcessRef = { host: hostname(), boot: bootId(), pid: process.pid };
  readonly #tmp: string;
  #ready: Promise<void> | undefined;

  constructor(root: string) {
    this.location = root;
    this.#tmp = join(root, "tmp");
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fsp.readFile(this.#abs(path)));
    } catch (e) {
      if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return undefined;
      throw ioError("read", path, e);
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    const abs = this.#abs(path);
    const tmp = await this.#writeTemp(data);
    try {
      await this.#withParent(abs, () => fsp.rename(tmp, abs));
      await fsyncDir(dirname(abs));
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw ioError("write", path, e);
    }
  }

  async createExclusive(path: string, data: Uint8Array, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    const tmp = await this.#writeTemp(data, opts?.durable !== false);
    try {
      await this.#withParent(abs, () => fsp.link(tmp, abs));
    } catch (e) {
      if (code(e) === "EEXIST") return false;
      throw ioError("create", path, e);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    if (opts?.durable !== false) {
      await fsyncDir(dirname(abs)).catch((e) => {
        throw ioError("create", path, e);
      });
    }
    return true;
  }

  async remove(path: string, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    try {
      await fsp.unlink(abs);
    } catch (e) {
      if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return false;
      throw ioError("remove", path, e);
    }
    if (opts?.durable !== false) await fsyncDir(dirname(abs)).catch(() => undefined);
    return true;
  }

  async removeTree(path: string): Promise<void> {
    const abs = this.#abs(path);
    try {
      await fsp.rm(abs, { recursive: true, force: true });
      await fsyncDir(dirname(abs)).catch(() => undefined);
    } catch (e) {
      throw ioError("remove", path, e);
    }
  }

  async list(path: string): Promise<string[]> {
    try {
      return await fsp.readdir(this.#abs(path));
    } catch (e) {
      if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return [];
      throw ioError("list", path, e);
    }
  }

  isAlive(owner: ProcessRef): boolean {
    if (owner.host !== this.self.host) return true;
    if (owner.boot !== this.self.boot && owner.boot !== "" && this.self.boot !== "") return false;
    try {
      process.kill(owner.pid, 0);
      return true;
    } catch (e) {
      return code(e) !== "ESRCH";
    }
  }

  #abs(path: string): string {
    return join(this.location, checkPath(path));
  }

  async #writeTemp(data: Uint8Array, durable = true): Promise<string> {
    await (this.#ready ??= this.#prepare());
    const tmp = join(this.#tmp, `${process.pid}-${randomUUID()}`);
    try {
      const fh = await fsp.open(tmp, "wx", 0o600);
      try {
        await fh.writeFile(data);
        if (durable) await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw ioError("write", "tmp", e);
    }
    return tmp;
  }

  /** Creates the root and tmp/, and removes temp files left by processes that are gone. */
  async #prepare(): Promise<void> {
    try {
      await mkdirs(this.#tmp);
      for (const name of await fsp.readdir(this.#tmp)) {
        const pid = Number(name.split("-")[0]);
        if (!this.isAlive({ ...this.self, pid })) await fsp.rm(join(this.#tmp, name), { force: true });
      }
    } catch (e) {
      this.#ready = undefined;
      throw ioError("open", this.location, e);
    }
  }

  /** Runs `op`; when the parent directory is missing, creates it (durably) and runs `op` again. */
  async #withParent(abs: string, op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (e) {
      if (code(e) !== "ENOENT") throw e;
      await mkdirs(dirname(abs));
      await op();
    }
  }
}

/** mkdir -p with mode 0700, fsyncing each parent that got a new entry. */
async function mkdirs(dir: string): Promise<void> {
  const first = await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

/** Linux's id of this boot; "" elsewhere (then a reboot is not detected, only dead pids). */
function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const code = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

function ioError(op: string, path: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const c = code(e) ?? "error";
  const kind = c === "EACCES" || c === "EPERM" ? "permission_denied" : "unavailable";
  return new StoreError(kind, `cannot ${op} ${path}: ${c}`, { cause: e });
}
