/**
 * Where the store's time goes: an FsPort wrapper that counts and times port calls by purpose (lock,
 * journal, data), a counter of node:fs/promises calls underneath (fsyncs included), and what
 * filesystem a directory is on.
 */
import * as fsp from "node:fs/promises";
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { FsPort } from "../../lib/ports/fs.ts";

export type Kind = "lock" | "journal" | "data";

export interface PortUse {
  /** Calls per port method, e.g. { list: 2, createExclusive: 2 }; "files" counts a batch's entries. */
  calls: Record<string, number>;
  /** Wall time with at least one call of this kind in flight (concurrent calls count once). */
  ms: number;
}

export interface DataWrite {
  path: string;
  bytes: Uint8Array;
}

/** By path: a transaction's journal (locks/<name>/journal, or journal/ in older layouts), lock state, data. */
const kindOf = (path: string): Kind =>
  path.startsWith("journal/") || (path.startsWith("locks/") && path.endsWith("/journal")) ? "journal"
  : path.startsWith("locks/") ? "lock" : "data";

/**
 * Wraps an FsPort, recording every call by purpose; `take()` reads and resets the records. A proxy,
 * not a class, so it follows the port as it grows: a method taking a path (or a batch of
 * [path, data] pairs) first is classified by that path.
 */
export class CountingFs {
  readonly fs: FsPort;
  #use = new Map<Kind, PortUse & { active: number; since: number }>();
  #dataWrites: DataWrite[] = [];

  constructor(inner: FsPort) {
    this.fs = new Proxy(inner, {
      get: (target, prop) => {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => this.#call(String(prop), args, () => v.apply(target, args));
      },
    });
  }

  /** The calls recorded since the last take(), and the data files written (largest first). */
  take(): { use: Map<Kind, PortUse>; dataWrites: DataWrite[] } {
    const use = new Map([...this.#use].map(([k, u]) => [k, { calls: u.calls, ms: u.ms }]));
    const out = { use, dataWrites: this.#dataWrites.sort((a, b) => b.bytes.length - a.bytes.length) };
    this.#use = new Map();
    this.#dataWrites = [];
    return out;
  }

  #call(method: string, args: unknown[], fn: () => unknown): unknown {
    const first = args[0];
    const batch = Array.isArray(first) ? (first as [string, Uint8Array | null][]) : undefined;
    const path = typeof first === "string" ? first : batch?.[0]?.[0];
    if (path === undefined) return fn(); // self, isAlive, ...: not storage
    for (const [p, d] of batch ?? [[path, args[1]] as const]) {
      if (d instanceof Uint8Array && kindOf(p) === "data") this.#dataWrites.push({ path: p, bytes: d.slice() });
    }
    const kind = kindOf(path);
    let u = this.#use.get(kind);
    if (!u) this.#use.set(kind, (u = { calls: {}, ms: 0, active: 0, since: 0 }));
    const use = u;
    use.calls[method] = (use.calls[method] ?? 0) + 1;
    if (batch) use.calls.files = (use.calls.files ?? 0) + batch.length;
    if (use.active++ === 0) use.since = performance.now();
    const end = () => {
      if (--use.active === 0) use.ms += performance.now() - use.since;
    };
    let result: unknown;
    try {
      result = fn();
    } catch (e) {
      end();
      throw e;
    }
    if (!(result instanceof Promise)) {
      end();
      return result;
    }
    return result.finally(end);
  }
}

const FSP_FUNCS = ["open", "readFile", "rename", "link", "unlink", "rm", "readdir", "mkdir", "stat"] as const;
const HANDLE_FUNCS = ["sync", "datasync", "writeFile", "close"] as const;

/**
 * Counts node:fs/promises calls (and FileHandle fsyncs) made by anything in this process while
 * `fn` runs; every call is one or more trips through libuv's thread pool.
 */
export async function countSyscalls(fn: () => Promise<void>): Promise<Record<string, number>> {
  const require = createRequire(import.meta.url);
  const mod = require("node:fs/promises") as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const probe = await fsp.open(import.meta.dirname ?? ".", "r");
  const handleProto = Object.getPrototypeOf(probe) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  await probe.close();
  const counts: Record<string, number> = {};
  const saved: [Record<string, unknown>, string, unknown][] = [];
  const patch = (obj: Record<string, (...a: unknown[]) => Promise<unknown>>, name: string, label: string) => {
    const orig = obj[name];
    if (typeof orig !== "function") return;
    saved.push([obj, name, orig]);
    obj[name] = function (this: unknown, ...args: unknown[]) {
      counts[label] = (counts[label] ?? 0) + 1;
      return orig.apply(this, args);
    };
  };
  for (const f of FSP_FUNCS) patch(mod, f, f);
  for (const f of HANDLE_FUNCS) patch(handleProto, f, f === "writeFile" ? "write" : f === "close" ? "close" : "fsync");
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    for (const [obj, name, orig] of saved) obj[name] = orig;
    syncBuiltinESMExports();
  }
  return counts;
}

/** Filesystem type, device and mount point of `dir`, from /proc/self/mounts (Linux). */
export async function fsInfo(dir: string): Promise<string> {
  try {
    const real = await fsp.realpath(dir);
    const mounts = (await fsp.readFile("/proc/self/mounts", "utf8")).split("\n").map((l) => l.split(" "));
    let best: string[] | undefined;
    for (const m of mounts) {
      const mp = m[1]?.replace(/\\040/g, " ");
      if (!mp || !(real === mp || real.startsWith(mp.endsWith("/") ? mp : mp + "/"))) continue;
      if (!best || mp.length >= best[1]!.length) best = m;
    }
    return best ? `${real} on ${best[2]} (${best[0]}, mounted at ${best[1]})` : `${real} (filesystem unknown)`;
  } catch {
    return `${dir} (filesystem unknown)`;
  }
}
