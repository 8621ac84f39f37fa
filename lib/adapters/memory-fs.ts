/**
 * FsPort in memory: for tests and for runtimes without a filesystem. Every operation is atomic with
 * respect to the others, as the port requires; nothing survives the process.
 */
import type { FsEntry, FsPort, ProcessRef } from "../ports/fs.ts";
import { StoreError } from "../errors.ts";
import { checkPath } from "./path.ts";

type Dir = Map<string, Uint8Array | Dir>;

export function memoryFs(): FsPort {
  return new MemoryFs();
}

class MemoryFs implements FsPort {
  readonly location = "memory";
  readonly self: ProcessRef = { host: "memory", boot: "", ns: "", pid: 1 };
  readonly #root: Dir = new Map();

  async readFile(path: string): Promise<Uint8Array | undefined> {
    const { dir, name } = this.#walk(path, false);
    const f = dir?.get(name);
    return f instanceof Uint8Array ? f.slice() : undefined;
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    this.#fileDir(path).set(basename(path), data.slice());
  }

  async writeBatch(writes: [string, Uint8Array | null][]): Promise<void> {
    for (const [path, data] of writes) {
      if (data === null) await this.remove(path);
      else await this.writeFile(path, data);
    }
  }

  async createExclusive(path: string, data: Uint8Array): Promise<boolean> {
    const { dir, name } = this.#walk(path, true);
    if (dir === undefined) throw new StoreError("unavailable", `cannot create ${path}: ENOTDIR`);
    if (dir.has(name)) return false; // a directory too, as link(2) answers EEXIST
    dir.set(name, data.slice());
    return true;
  }

  async remove(path: string): Promise<boolean> {
    const { dir, name } = this.#walk(path, false);
    return dir?.get(name) instanceof Uint8Array ? dir.delete(name) : false;
  }

  async removeTree(path: string): Promise<void> {
    const { dir, name } = this.#walk(path, false);
    dir?.delete(name);
  }

  async list(path: string): Promise<string[]> {
    const { dir, name } = this.#walk(path, false);
    const d = dir?.get(name);
    return d instanceof Map ? [...d.keys()] : [];
  }

  async entries(path: string): Promise<FsEntry[] | undefined> {
    const d = path === "" ? this.#root : this.#dirAt(path);
    if (d === undefined) return undefined;
    return [...d].map(([name, v]) => (v instanceof Map ? { name, kind: "dir", size: 0 } : { name, kind: "file", size: v.length }));
  }

  async removeDir(path: string): Promise<boolean> {
    const { dir, name } = this.#walk(path, false);
    const d = dir?.get(name);
    return d instanceof Map && d.size === 0 ? dir!.delete(name) : false;
  }

  isAlive(): boolean {
    return true;
  }

  /**
   * The directory a file at `path` goes in, created as needed. Fails as a disk does (unavailable)
   * when a parent is a file (ENOTDIR) or `path` is a directory (EISDIR), which must not be replaced.
   */
  #fileDir(path: string): Dir {
    const { dir, name } = this.#walk(path, true);
    if (dir === undefined) throw new StoreError("unavailable", `cannot write ${path}: ENOTDIR`);
    if (dir.get(name) instanceof Map) throw new StoreError("unavailable", `cannot write ${path}: EISDIR`);
    return dir;
  }

  #dirAt(path: string): Dir | undefined {
    const { dir, name } = this.#walk(path, false);
    const d = dir?.get(name);
    return d instanceof Map ? d : undefined;
  }

  #walk(path: string, create: boolean): { dir: Dir | undefined; name: string } {
    const parts = checkPath(path).split("/");
    const name = parts.pop()!;
    let dir: Dir = this.#root;
    for (const p of parts) {
      let next = dir.get(p);
      if (next === undefined && create) dir.set(p, (next = new Map()));
      if (!(next instanceof Map)) return { dir: undefined, name };
      dir = next;
    }
    return { dir, name };
  }
}

const basename = (path: string): string => path.slice(path.lastIndexOf("/") + 1);
