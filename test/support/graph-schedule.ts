/**
 * Seeded interleavings of actors on one blob root: every blob operation of an actor waits at a gate,
 * and once every running actor waits at one, a seeded random choice lets one operation through. Runs
 * the same schedule for the same seed (as far as the actors' own code is deterministic).
 */
import type { BlobPort } from "../../lib/ports/blob.ts";
import { wrap } from "./graph-roots.ts";

export interface Schedule {
  /** `blob` seen through actor `id`'s gates. */
  port(id: string, blob: BlobPort): BlobPort;
  /** Runs actor `id`; the schedule waits for it at its gates until it settles. */
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

export function schedule(seed: number): Schedule {
  const waiting: { id: string; go: () => void }[] = [];
  const live = new Set<string>();
  let s = seed >>> 0;
  const random = () => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const release = () => {
    const ready = new Set(waiting.map((w) => w.id));
    if (waiting.length === 0 || [...live].some((id) => !ready.has(id))) return;
    const [w] = waiting.splice(Math.floor(random() * waiting.length), 1);
    w!.go();
  };
  const gate = (id: string) => new Promise<void>((go) => {
    waiting.push({ id, go });
    release();
  });
  /** An operation let through: once it is done (and its caller had a turn to reach its next gate),
   *  the next one may go, even when its actor has no new operation (its other strands wait). */
  const through = async <T>(id: string, op: () => Promise<T>): Promise<T> => {
    await gate(id);
    try {
      return await op();
    } finally {
      setTimeout(release, 0);
    }
  };
  return {
    port(id, blob) {
      return {
        ...wrap(blob),
        get: (k, r) => through(id, () => blob.get(k, r)),
        put: (k, d) => through(id, () => blob.put(k, d)),
        delete: (ks) => through(id, () => blob.delete(ks)),
        async *list(p) {
          const all = await through(id, async () => {
            const out = [];
            for await (const e of blob.list(p)) out.push(e);
            return out;
          });
          yield* all;
        },
      };
    },
    run(id, fn) {
      live.add(id);
      return fn().finally(() => {
        live.delete(id);
        release();
      });
    },
  };
}
