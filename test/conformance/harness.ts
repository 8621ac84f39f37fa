/**
 * What every conformance suite gets: fresh stores per test from a backend's factory, a clock the
 * test moves, and assertions on StoreError codes. No uvu hooks: an error in a hook would be swallowed
 * (FACTS.md), so each test opens and closes its own stores.
 */
import { suite, type Test } from "uvu";
import * as assert from "uvu/assert";
import type { Stores } from "../../lib/stores.ts";
import { isStoreError, type ErrorCode, type StoreError } from "../../lib/errors.ts";

export class TestClock {
  #t: number;
  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#t = start;
  }
  now = (): Date => new Date(this.#t);
  advance(ms: number): void {
    this.#t += ms;
  }
}

export interface Harness {
  stores: Stores;
  clock: TestClock;
  close(): Promise<void>;
}

/** A backend under test: returns fresh, empty stores whose timestamps come from `clock`. */
export type Factory = (clock: TestClock) => Promise<Harness>;

export function storeSuite(name: string, make: Factory): { test: Test; it: (title: string, fn: (h: Harness) => Promise<void>) => void } {
  const test = suite(name);
  const it = (title: string, fn: (h: Harness) => Promise<void>) =>
    test(title, () => watchdog(`${name}: ${title}`, async () => {
      const h = await make(new TestClock());
      try {
        await fn(h);
      } finally {
        await h.close();
      }
    }));
  return { test, it };
}

const TEST_TIMEOUT_MS = 120_000;

/** A test that never settles fails by name instead of hanging the whole run. */
async function watchdog(name: string, body: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // What the process is waiting on (timers, fs requests...), to tell a deadlock from a stalled disk.
      const waiting = (globalThis as { process?: { getActiveResourcesInfo?(): string[] } }).process?.getActiveResourcesInfo?.() ?? [];
      reject(new Error(`${name}: still running after ${TEST_TIMEOUT_MS / 1000} s; waiting on: ${waiting.join(", ") || "?"}`));
    }, TEST_TIMEOUT_MS);
  });
  try {
    await Promise.race([body(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that `p` rejects with a StoreError (any code) and returns it. */
export async function failure(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    if (!isStoreError(e)) throw new assert.Assertion({ message: `expected a StoreError, got ${String(e)}`, generated: false, operator: "rejects", expects: "StoreError", actual: e });
    return e;
  }
  assert.unreachable("expected a rejection, but the call succeeded");
  throw new Error("unreachable");
}

/** Asserts that `p` rejects with a StoreError of `code` (and `field`, for invalid_input). */
export async function rejects(p: Promise<unknown>, code: ErrorCode, field?: string): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    if (!isStoreError(e)) throw new assert.Assertion({ message: `expected StoreError ${code}, got ${String(e)}`, generated: false, operator: "rejects", expects: code, actual: e });
    assert.is(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (field !== undefined) assert.is(e.field, field, `expected field ${field}: ${e.message}`);
    return e;
  }
  assert.unreachable(`expected a ${code} error, but the call succeeded`);
  throw new Error("unreachable");
}

/** Runs `fn` n times at once; returns how many succeeded and the error codes of the rest. */
export async function concurrently<T>(n: number, fn: (i: number) => Promise<T>): Promise<{ ok: T[]; codes: string[] }> {
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
  const ok: T[] = [];
  const codes: string[] = [];
  for (const r of results) {
    if (r.status === "fulfilled") ok.push(r.value);
    else codes.push(isStoreError(r.reason) ? r.reason.code : `non-StoreError: ${String(r.reason)}`);
  }
  return { ok, codes };
}

/** Every item of a paginated list, following cursors, with `limit` per page. */
export async function drain<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await list(cursor);
    all.push(...page.items);
    if (page.nextCursor === undefined) return all;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
