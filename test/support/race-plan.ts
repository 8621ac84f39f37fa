/** The operations both racers of test/two-process.test.ts run, in the same order. */
import type * as M from "../../lib/model.ts";

export interface PlanSize {
  logins: number;
  uris: number;
  keys: number;
  /** Threads each racer creates in the shared repo. */
  threads: number;
}

export interface RaceOp {
  kind: "login" | "uri" | "key" | "thread";
  /** Names the contested item the same way for both racers (lower case). */
  key: string;
  /** What this racer passes: for every other login and URI racer B writes it in upper case. */
  value: string;
}

export const raceScope: M.StorageScope = { app: "race", bucket: "keys" };
export const raceValue = (tag: string, key: string): string => `${tag} won ${key}`;

export function racePlan(size: PlanSize, upper: boolean): RaceOp[] {
  const ops: RaceOp[] = [];
  const cased = (s: string, i: number) => (upper && i % 2 === 1 ? s.toUpperCase() : s);
  const n = Math.max(size.logins, size.uris, size.keys, size.threads);
  for (let i = 1; i <= n; i++) {
    if (i <= size.logins) ops.push({ kind: "login", key: `racer-${i}`, value: cased(`racer-${i}`, i) });
    if (i <= size.uris) ops.push({ kind: "uri", key: `race.test/org/repo-${i}`, value: cased(`race.test/org/repo-${i}`, i) });
    if (i <= size.keys) ops.push({ kind: "key", key: `key-${i}`, value: `key-${i}` });
    if (i <= size.threads) ops.push({ kind: "thread", key: `t${i}`, value: `t${i}` });
  }
  return ops;
}
