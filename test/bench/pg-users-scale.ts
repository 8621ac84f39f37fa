/**
 * Users at scale on PostgreSQL: a data set of n users built in one statement, and interleaved timed
 * runs of an operation on two data sets (does a lookup or a page cost the same at 1k and 100k?).
 *
 * The data set: user 0 is created by users.create (newUser(0) of login-scale.ts); users 1..n-1 by one
 * INSERT ... SELECT FROM generate_series writing the same columns with the same values newUser(i)
 * gives through users.create (checked afterwards, field by field, through the store), each registered
 * 1 ms after the previous one; then VACUUM ANALYZE.
 */
import type postgres from "postgres";
import type { Stores } from "../../lib/stores.ts";
import type { User } from "../../lib/model.ts";
import { newUser } from "./login-scale.ts";
import { median, throughput, type Op } from "./measure.ts";

/** The rows users.create writes for newUser(g) (migrations/0001_users_repos.sql, lib/pgsql/users.ts). */
export const BULK_USERS_SQL = `INSERT INTO users (login, name, avatar_url, location, company, homepage_url, admin, write, registered_at, updated_at)
  SELECT 'user' || g, 'User Number ' || g, 'https://avatars.example.com/u/' || g || '?v=4', 'Berlin, Germany', 'Example Corp',
    'https://user' || g || '.example.com/', false, false, $1::timestamptz + g * interval '1 millisecond', $1::timestamptz + g * interval '1 millisecond'
  FROM generate_series(1, $2::int) AS g`;

/** Builds users 0..n-1 in an empty, migrated database; ms taken. `admin` is a pool on the same database. */
export async function buildUsers(stores: Stores, admin: postgres.Sql, n: number): Promise<number> {
  const t0 = performance.now();
  const first = await stores.users.create(newUser(0));
  await admin.unsafe(BULK_USERS_SQL, [first.registeredAt, n - 1]);
  await admin.unsafe("VACUUM ANALYZE users");
  const ms = performance.now() - t0;
  for (const i of [0, 1, n >> 1, n - 1]) {
    const u = await stores.users.getByLogin(`user${i}`);
    const diff = differs(u, i);
    if (diff.length) throw new Error(`bulk-built user${i} differs from what users.create writes: ${diff.join(", ")}`);
  }
  const [c] = await admin.unsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM users");
  if (c?.n !== n) throw new Error(`built ${c?.n} users, expected ${n}`);
  return ms;
}

/** Fields of `u` that are not what users.create(newUser(i)) stores (defaults filled in). */
function differs(u: User, i: number): string[] {
  const want: Record<string, unknown> = { admin: false, write: false, disabled: false, ...newUser(i) };
  return Object.entries(want).filter(([k, v]) => (u as unknown as Record<string, unknown>)[k] !== v).map(([k]) => k);
}

export interface ScaleResult {
  /** Per run, ops/s of each side. */
  runs: [number[], number[]];
  /** Medians. */
  med: [number, number];
}

/**
 * Sequential timed runs of `ops[0]` and `ops[1]` (the same operation on two data sets): per run a
 * warm-up of each, then `slices` slices of `sliceMs` each, the two alternating (which goes first
 * alternates too) so that a busy or quiet moment of the machine falls on both alike. Medians of `runs`.
 */
export async function interleaved(ops: [Op, Op], o: { runs: number; slices: number; sliceMs: number; warmMs: number }): Promise<ScaleResult> {
  const runs: [number[], number[]] = [[], []];
  const next = [0, 0];
  for (let run = 0; run < o.runs; run++) {
    for (const k of [0, 1] as const) next[k] = (await throughput(ops[k], { inFlight: 1, minMs: o.warmMs, start: next[k]! })).next;
    const ops_ = [0, 0];
    const ms = [0, 0];
    for (let c = 0; c < o.slices; c++) {
      for (const k of (c + run) % 2 === 0 ? [0, 1] as const : [1, 0] as const) {
        const r = await throughput(ops[k], { inFlight: 1, minMs: o.sliceMs, minOps: 1, start: next[k]! });
        next[k] = r.next;
        ops_[k]! += r.ops;
        ms[k]! += r.ms;
      }
    }
    for (const k of [0, 1] as const) runs[k].push((ops_[k]! * 1000) / ms[k]!);
  }
  return { runs, med: [median(runs[0]), median(runs[1])] };
}
