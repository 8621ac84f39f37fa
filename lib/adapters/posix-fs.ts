/**
 * The FsPort protocol on a POSIX filesystem, written once for every runtime: each runtime's adapter
 * (node-fs.ts, deno-fs.ts) only supplies the handful of native calls in `Native`, so Node and Deno
 * processes follow the same protocol on one data dir and fail the same way.
 *
 * - Temp files live in <root>/tmp, named "<pid namespace>-<pid>-<uuid>": leftovers of a process that
 *   is gone are removed at open (those of another pid namespace once they are an hour old).
 * - writeFile: temp + fsync, rename, fsync of the directory. createExclusive: link(2) of a complete
 *   temp file, which fails when the name exists and never shows a partial file.
 * - Directories are created 0700 (each new one fsynced into its parent), files 0600. A write into a
 *   directory that another call of this process is still creating waits until that directory's
 *   entry is fsynced, so it is not acknowledged durable while its folder could vanish in a crash.
 *   (Across processes the window between mkdir and that fsync remains: a fsync of every ancestor on
 *   every write would close it at a cost the common case should not pay.)
 */
import type { FsEntry, FsPort, ProcessRef, SyncOptions } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { checkPath } from "./path.ts";

/** What a native error means to the protocol. */
export type ErrorKind = "missing" | "exists" | "notEmpty" | "permission" | "other";

/** The native calls of one runtime; paths are absolute. Failures throw the runtime's own errors. */
export interface Native {
  readonly self: ProcessRef;
  readFile(abs: string): Promise<Uint8Array>;
  /** Creates a new file (mode 0600, failing if it exists), writes all of `data`, fsyncs if `sync`. */
  writeNew(abs: string, data: Uint8Array, sync: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  link(from: string, to: string): Promise<void>;
  unlink(abs: string): Promise<void>;
  /** rm -rf; no error when missing. */
  removeTree(abs: string): Promise<void>;
  readdir(abs: string): Promise<string[]>;
  /** Entries with their kind; symbolic links and special files are "other". */
  readdirKinds(abs: string): Promise<{ name: string; kind: FsEntry["kind"] }[]>;
  /** A file's size in bytes, without following a symbolic link. */
  size(abs: string): Promise<number>;
  /** rmdir(2): kind "notEmpty" when the directory holds anything, "missing" when it is not a directory. */
  rmdir(abs: string): Promise<void>;
  /** One directory, mode 0700. */
  mkdir(abs: string): Promise<void>;
  fsyncDir(abs: string): Promise<void>;
  mtimeMs(abs: string): Promise<number>;
  /** Whether a pid of this host and pid namespace is running. */
  pidAlive(pid: number): boolean;
  kind(e: unknown): ErrorKind;
  /** A short name of the error for messages (ENOENT, PermissionDenied...). */
  name(e: unknown): string;
}

const STALE_FOREIGN_TEMP_MS = 3600_000;
/** lstat calls in flight per entries() call: enough to hide latency, few enough for libuv's pool. */
const STAT_CONCURRENCY = 16;

export class PosixFs implements FsPort {
  readonly location: string;
  readonly self: ProcessRef;
  readonly #n: Native;
  readonly #tmp: string;
  #ready: Promise<void> | undefined;
  /** Directories being created by this process, until their entry is fsynced: true if it was. */
  readonly #creating = new Map<string, Promise<boolean>>();

  constructor(root: string, native: Native) {
    this.location = root.replace(/\/+$/, "") || "/";
    this.self = native.self;
    this.#n = native;
    this.#tmp = `${this.location}/tmp`;
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return await this.#n.readFile(this.#abs(path));
    } catch (e) {
      if (this.#n.kind(e) === "missing") return undefined;
      throw this.#error("read", path, e);
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await this.writeBatch([[path, data]]);
  }

  async writeBatch(writes: [string, Uint8Array | null][]): Promise<void> {
    const temps = await Promise.all(
      writes.map(([, data]) => (data === null ? undefined : this.#writeTemp(data, true).catch((e: unknown) => e as Error))),
    );
    const dirs = new Set<string>();
    try {
      const failed = temps.find((t) => t instanceof Error);
      if (failed) throw failed;
      for (const [i, [path, data]] of writes.entries()) {
        const abs = this.#abs(path);
        try {
          if (data === null) {
            if (!(await this.#unlink(abs))) continue;
          } else {
            await this.#withParent(abs, () => this.#n.rename(temps[i] as string, abs));
            temps[i] = undefined;
          }
        } catch (e) {
          throw this.#error(data === null ? "remove" : "write", path, e);
        }
        dirs.add(parentOf(abs));
      }
      await Promise.all([...dirs].map((d) => this.#n.fsyncDir(d).catch((e) => {
        throw this.#error("sync", d, e);
      })));
      await this.#createdDurably(dirs);
    } finally {
      await Promise.all(temps.map((t) => (typeof t === "string" ? this.#n.unlink(t).catch(() => undefined) : undefined)));
    }
  }

  async createExclusive(path: string, data: Uint8Array, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    const durable = opts?.durable !== false;
    const tmp = await this.#writeTemp(data, durable);
    try {
      await this.#withParent(abs, () => this.#n.link(tmp, abs));
      if (durable) {
        await this.#n.fsyncDir(parentOf(abs));
        await this.#createdDurably([parentOf(abs)]);
      }
      return true;
    } catch (e) {
      if (this.#n.kind(e) === "exists") return false;
      throw this.#error("create", path, e);
    } finally {
      await this.#n.unlink(tmp).catch(() => undefined);
    }
  }

  async remove(path: string, opts?: SyncOptions): Promise<boolean> {
    const abs = this.#abs(path);
    let gone: boolean;
    try {
      gone = await this.#unlink(abs);
    } catch (e) {
      throw this.#error("remove", path, e);
    }
    if (gone && opts?.durable !== false) await this.#n.fsyncDir(parentOf(abs)).catch(() => undefined);
    return gone;
  }

  async removeTree(path: string): Promise<void> {
    const abs = this.#abs(path);
    try {
      await this.#n.removeTree(abs);
    } catch (e) {
      throw this.#error("remove", path, e);
    }
    await this.#n.fsyncDir(parentOf(abs)).catch(() => undefined);
  }

  async list(path: string): Promise<string[]> {
    try {
      return await this.#n.readdir(this.#abs(path));
    } catch (e) {
      if (this.#n.kind(e) === "missing") return [];
      throw this.#error("list", path, e);
    }
  }

  async entries(path: string): Promise<FsEntry[] | undefined> {
    const abs = path === "" ? this.location : this.#abs(path);
    let found: { name: string; kind: FsEntry["kind"] }[];
    try {
      found = await this.#n.readdirKinds(abs);
    } catch (e) {
      if (this.#n.kind(e) === "missing") return undefined;
      throw this.#error("list", path || this.location, e);
    }
    const out: FsEntry[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < found.length) {
        const { name, kind } = found[next++]!;
        if (kind !== "file") {
          out.push({ name, kind, size: 0 });
          continue;
        }
        try {
          out.push({ name, kind, size: await this.#n.size(`${abs}/${name}`) });
        } catch (e) {
          if (this.#n.kind(e) !== "missing") throw this.#error("stat", path ? `${path}/${name}` : name, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, found.length) }, worker));
    return out;
  }

  async removeDir(path: string): Promise<boolean> {
    try {
      await this.#n.rmdir(this.#abs(path));
      return true;
    } catch (e) {
      const kind = this.#n.kind(e);
      if (kind === "missing" || kind === "notEmpty" || kind === "exists") return false;
      throw this.#error("remove", path, e);
    }
  }

  isAlive(owner: ProcessRef): boolean {
    const self = this.self;
    if (owner.host !== self.host) return true;
    if (owner.boot !== self.boot && owner.boot !== "" && self.boot !== "") return false;
    if (owner.ns !== self.ns) return true;
    return this.#n.pidAlive(owner.pid);
  }

  #abs(path: string): string {
    return `${this.location}/${checkPath(path)}`;
  }

  /** unlink; false when nothing was there. */
  async #unlink(abs: string): Promise<boolean> {
    try {
      await this.#n.unlink(abs);
      return true;
    } catch (e) {
      if (this.#n.kind(e) === "missing") return false;
      throw e;
    }
  }

  async #writeTemp(data: Uint8Array, sync: boolean): Promise<string> {
    await (this.#ready ??= this.#prepare());
    const tmp = `${this.#tmp}/${this.self.ns || "0"}-${this.self.pid}-${crypto.randomUUID()}`;
    try {
      await this.#n.writeNew(tmp, data, sync);
    } catch (e) {
      await this.#n.unlink(tmp).catch(() => undefined);
      throw this.#error("write", "tmp", e);
    }
    return tmp;
  }

  /** Creates the root and tmp/, and removes temp files left by processes that are gone. */
  async #prepare(): Promise<void> {
    try {
      await this.#mkdirs(this.#tmp);
      for (const name of await this.#n.readdir(this.#tmp)) {
        const [ns, pid] = name.split("-");
        const path = `${this.#tmp}/${name}`;
        const gone = ns === (this.self.ns || "0")
          ? !this.#n.pidAlive(Number(pid))
          : Date.now() - (await this.#n.mtimeMs(path).catch(() => Date.now())) > STALE_FOREIGN_TEMP_MS;
        if (gone) await this.#n.unlink(path).catch(() => undefined);
      }
    } catch (e) {
      this.#ready = undefined;
      throw this.#error("open", this.location, e);
    }
  }

  /** Runs `op`; when the parent directory is missing, creates it and runs `op` again. */
  async #withParent(abs: string, op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (e) {
      if (this.#n.kind(e) !== "missing") throw e;
      await this.#mkdirs(parentOf(abs));
      await op();
    }
  }

  /** mkdir -p (only on the rare path where a parent is missing), fsyncing each new entry's parent. */
  async #mkdirs(dir: string): Promise<void> {
    const chain: string[] = [];
    for (let d = dir; d !== "/" && d !== ""; d = parentOf(d)) chain.unshift(d);
    for (const d of chain) {
      // Being made by another call of this process: done once that call synced it. When that call
      // failed (mkdir or its sync), this one makes and syncs it itself.
      let other = this.#creating.get(d), otherFailed = false;
      while (other !== undefined && !(await other)) {
        otherFailed = true;
        other = this.#creating.get(d);
      }
      if (other !== undefined) continue;
      // Registered before mkdir: a writer that finds the new directory also finds this entry.
      let done!: (ok: boolean) => void;
      this.#creating.set(d, new Promise<boolean>((r) => (done = r)));
      let ok = false;
      try {
        try {
          await this.#n.mkdir(d);
        } catch (e) {
          if (this.#n.kind(e) !== "exists") throw e;
          if (!otherFailed) {
            ok = true;
            continue;
          }
        }
        await this.#n.fsyncDir(parentOf(d));
        ok = true;
      } finally {
        this.#creating.delete(d);
        done(ok);
      }
    }
  }

  /** Waits until directories this process is creating among `dirs` and their ancestors are durable. */
  async #createdDurably(dirs: Iterable<string>): Promise<void> {
    if (this.#creating.size === 0) return;
    const waits: Promise<void>[] = [];
    for (const dir of dirs) {
      for (let d = dir; d.length > this.location.length; d = parentOf(d)) {
        const pending = this.#creating.get(d);
        // When that creation failed to sync, the entry is synced here instead.
        if (pending) {
          waits.push(pending.then((ok) => (ok ? undefined : this.#n.fsyncDir(parentOf(d)).catch((e: unknown) => {
            throw this.#error("sync", parentOf(d), e);
          }))));
        }
      }
    }
    await Promise.all(waits);
  }

  #error(op: string, path: string, e: unknown): StoreError {
    if (e instanceof StoreError) return e;
    const kind = this.#n.kind(e) === "permission" ? "permission_denied" : "unavailable";
    return new StoreError(kind, `cannot ${op} ${path}: ${this.#n.name(e)}`, { cause: e });
  }
}

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/";
