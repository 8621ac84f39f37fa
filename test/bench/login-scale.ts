/**
 * get-by-login at 1,000 and at 100,000 users: does a lookup stay O(1) as the user count grows?
 *
 * Data sets are built through the users store. When creating 100,000 users through the durable node
 * adapter would take too long, they are created through the store on the memory adapter and the
 * resulting files are copied verbatim to the directory; lookups always go through nodeFs.
 */
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { openStore } from "../../lib/mod.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";
import { memoryFs } from "../../lib/adapters/memory-fs.ts";
import type { FsPort } from "../../lib/ports/fs.ts";
import type { NewUser } from "../../lib/model.ts";
import { median, rng, throughput } from "./measure.ts";

/** The user the benchmarks create for number `i`: a realistic, filled-in profile. */
export const newUser = (i: number): NewUser => ({
  login: `user${i}`,
  name: `User Number ${i}`,
  avatarURL: `https://avatars.example.com/u/${i}?v=4`,
  location: "Berlin, Germany",
  company: "Example Corp",
  homepageURL: `https://user${i}.example.com/`,
});

export type BuildMode = "store" | "memory-copy";

/** Creates users 0..n-1 in `dir` through the store: on nodeFs(dir), or on memoryFs then copied. */
export async function buildUsers(dir: string, n: number, mode: BuildMode): Promise<number> {
  const t0 = performance.now();
  const fs = mode === "store" ? nodeFs(dir) : memoryFs();
  const stores = await openStore({ fs });
  for (let i = 0; i < n; i++) await stores.users.create(newUser(i));
  await stores.close();
  if (mode === "memory-copy") await copyOut(fs, ["users", "locks", "journal"], dir);
  return performance.now() - t0;
}

/** Writes every file under `roots` of `from` to the same relative path under `dir` (0600/0700). */
async function copyOut(from: FsPort, roots: string[], dir: string): Promise<void> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const names = await from.list(path);
    await fsp.mkdir(join(dir, path), { recursive: true, mode: 0o700 });
    for (const name of names) {
      const p = `${path}/${name}`;
      if ((await from.readFile(p)) === undefined) await walk(p);
      else files.push(p);
    }
  };
  for (const r of roots) if ((await from.list(r)).length > 0) await walk(r);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const p = files[next++]!;
      await fsp.writeFile(join(dir, p), (await from.readFile(p))!, { mode: 0o600 });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

export interface DataSet {
  dir: string;
  users: number;
}

export interface LoginScaleResult {
  /** Medians over the runs, ops/s. */
  small: number;
  large: number;
  runsSmall: number[];
  runsLarge: number[];
}

/**
 * Sequential getByLogin of `lookups` random existing logins on each of two data sets, per run, after
 * a warm-up of each. A run interleaves the two sets in `chunks` slices (alternating which goes first),
 * so that a busy or quiet moment of the machine falls on both alike. Returns medians of `runs` runs.
 */
export async function loginScale(
  sets: [DataSet, DataSet],
  o: { lookups: number; warmup: number; runs: number; chunks: number },
): Promise<LoginScaleResult> {
  const opened = await Promise.all(sets.map(async (s) => ({ ...s, stores: await openStore({ fs: nodeFs(s.dir) }) })));
  const results: [number[], number[]] = [[], []];
  const chunk = Math.ceil(o.lookups / o.chunks);
  for (let run = 0; run < o.runs; run++) {
    const pick = rng(1000 + run);
    const logins = opened.map((s) => Array.from({ length: o.warmup + o.lookups }, () => `user${Math.floor(pick() * s.users)}`));
    const get = (k: number) => (i: number) => opened[k]!.stores.users.getByLogin(logins[k]![i]!);
    for (const k of [0, 1]) await throughput(get(k), { inFlight: 1, minMs: 0, minOps: o.warmup, maxOps: o.warmup });
    const ms = [0, 0];
    const next = [o.warmup, o.warmup];
    for (let c = 0; next[0]! < o.warmup + o.lookups; c++) {
      for (const k of c % 2 === 0 ? [0, 1] : [1, 0]) {
        const n = Math.min(chunk, o.warmup + o.lookups - next[k]!);
        const r = await throughput(get(k), { inFlight: 1, minMs: 0, minOps: n, maxOps: n, start: next[k]! });
        ms[k]! += r.ms;
        next[k] = r.next;
      }
    }
    for (const k of [0, 1]) results[k]!.push((o.lookups * 1000) / ms[k]!);
  }
  for (const s of opened) await s.stores.close();
  return { small: median(results[0]), large: median(results[1]), runsSmall: results[0], runsLarge: results[1] };
}
