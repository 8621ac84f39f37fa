/**
 * Two processes on one fs data dir at once (support/racer.ts, same runtime), started at the same
 * moment, create the same logins (half of them differing only in case), the same repo URIs, threads
 * in one shared repo, and putNoOverwrite the same app-storage keys. Every contested item has exactly
 * one winner, the loser gets already_exists and nothing else, thread numbers are 1..N without a
 * duplicate, and a new store object reads the winners' data.
 * Rounds: SRCSTORE_RACE_ROUNDS (default 3), each on a fresh dir.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../lib/mod.ts";
import type { Stores } from "../lib/stores.ts";
import { runtimeFs, tempDir } from "./support/disk-fs.ts";
import { startChild, type Child } from "./support/spawn.ts";
import { available } from "./support/crash-records.ts";
import { racePlan, raceScope, raceValue, type PlanSize } from "./support/race-plan.ts";

const ROUNDS = Number(process.env.SRCSTORE_RACE_ROUNDS ?? 3);
const open = async (dir: string): Promise<Stores> => openStore({ fs: await runtimeFs(dir) });
const dec = new TextDecoder();

interface Outcome {
  tag: "A" | "B";
  result: "ok" | "already_exists" | "other";
  /** uid, repo ID or thread number of an ok; the error of an other. */
  detail: string;
}

/** kind -> key -> the two racers' outcomes. */
function parse(children: Record<"A" | "B", Child>): Map<string, Map<string, Outcome[]>> {
  const out = new Map<string, Map<string, Outcome[]>>();
  for (const tag of ["A", "B"] as const) {
    for (const line of children[tag].lines) {
      const m = /^res (\S+) (\S+) (ok|already_exists|other)(?: (.*))?$/.exec(line);
      if (!m) continue;
      const [, kind, key, result, detail] = m;
      if (!out.has(kind!)) out.set(kind!, new Map());
      const byKey = out.get(kind!)!;
      if (!byKey.has(key!)) byKey.set(key!, []);
      byKey.get(key!)!.push({ tag, result: result as Outcome["result"], detail: detail ?? "" });
    }
  }
  return out;
}

test(`two processes racing on one data dir never create a duplicate (${ROUNDS} rounds)`, async () => {
  const started = Date.now();
  const totals = { logins: 0, uris: 0, keys: 0, threads: 0, winsA: 0, winsB: 0, skewMs: 0 };
  let untested: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const tmp = await tempDir("srcstore-race-");
    try {
      const setup = await open(tmp.dir);
      const can = await available(setup);
      untested = Object.entries(can).filter(([, ok]) => !ok).map(([k]) => k);
      const author = await setup.users.create({ login: "race-author" });
      const threadRepo = can.repos && can.threads ? (await setup.repos.create({ uri: "race.test/threads-home" })).id : 0;
      await setup.close();
      const size: PlanSize = { logins: 40, uris: can.repos ? 30 : 0, keys: can.appStorage ? 40 : 0, threads: threadRepo ? 25 : 0 };

      const args = (tag: string) => [tmp.dir, tag, JSON.stringify(size), String(threadRepo), String(author.uid)];
      const kids = { A: startChild("racer.ts", args("A")), B: startChild("racer.ts", args("B")) };
      try {
        await Promise.all([kids.A.waitLine((l) => l === "ready"), kids.B.waitLine((l) => l === "ready")]);
        const go = Date.now() + 150;
        kids.A.send(`go ${go}`);
        kids.B.send(`go ${go}`);
        for (const tag of ["A", "B"] as const) {
          const exit = await kids[tag].exited;
          assert.is(exit.code, 0, `racer ${tag} failed (code ${exit.code}, signal ${exit.signal}):\n${kids[tag].stderr()}`);
        }
      } finally {
        for (const k of [kids.A, kids.B]) if (k.proc.exitCode === null && k.proc.signalCode === null) k.proc.kill("SIGKILL");
      }
      const starts = (["A", "B"] as const).map((t) => Number(kids[t].lines.find((l) => l.startsWith("started "))!.slice(8)));
      totals.skewMs = Math.max(totals.skewMs, Math.abs(starts[0]! - starts[1]!));

      const results = parse(kids);
      const winners = new Map<string, Outcome>();
      for (const op of racePlan(size, false)) {
        const got = results.get(op.kind)?.get(op.key) ?? [];
        const what = `round ${round}: ${op.kind} ${op.key}: ${JSON.stringify(got)}`;
        assert.is(got.length, 2, `${what}: expected one outcome per racer`);
        assert.ok(got.every((o) => o.result !== "other"), `${what}: an error other than already_exists`);
        if (op.kind === "thread") {
          assert.ok(got.every((o) => o.result === "ok"), `${what}: thread creation failed`);
          continue;
        }
        const ok = got.filter((o) => o.result === "ok");
        assert.is(ok.length, 1, `${what}: expected exactly one winner`);
        winners.set(`${op.kind} ${op.key}`, ok[0]!);
        if (ok[0]!.tag === "A") totals.winsA++;
        else totals.winsB++;
      }

      // Thread numbers of both racers together: exactly 1..2T.
      const numbered = new Map<number, string>();
      for (const [key, outs] of results.get("thread") ?? []) {
        for (const o of outs) {
          const n = Number(o.detail);
          assert.ok(!numbered.has(n), `round ${round}: thread number ${n} given to ${numbered.get(n)} and to ${o.tag} ${key}`);
          numbered.set(n, `${o.tag} ${key}`);
        }
      }
      assert.equal([...numbered.keys()].sort((a, b) => a - b), Array.from({ length: 2 * size.threads }, (_, i) => i + 1),
        `round ${round}: thread numbers are 1..${2 * size.threads}`);

      // A new store object agrees with the winners.
      const stores = await open(tmp.dir);
      assert.is(await stores.users.count(), size.logins + 1, `round ${round}: users.count`);
      for (const op of racePlan(size, false)) {
        const w = winners.get(`${op.kind} ${op.key}`);
        const winnerValue = racePlan(size, w?.tag === "B").find((o) => o.kind === op.kind && o.key === op.key)!.value;
        if (op.kind === "login") {
          const u = await stores.users.getByLogin(op.key.toUpperCase());
          assert.equal([u.uid, u.login], [Number(w!.detail), winnerValue], `round ${round}: user ${op.key}`);
        } else if (op.kind === "uri") {
          const r = await stores.repos.getByURI(op.key);
          assert.equal([r.id, r.uri], [Number(w!.detail), winnerValue], `round ${round}: repo ${op.key}`);
        } else if (op.kind === "key") {
          assert.is(dec.decode(await stores.appStorage.get(raceScope, op.key)), raceValue(w!.tag, op.key), `round ${round}: value of ${op.key}`);
        }
      }
      if (size.uris) {
        const repos = await stores.repos.list({ limit: 1000, query: "race.test/org/" });
        assert.is(repos.items.length, size.uris, `round ${round}: repos listed`);
      }
      if (size.keys) {
        const keys = (await stores.appStorage.list(raceScope)).map((k) => dec.decode(k));
        assert.equal(keys, racePlan(size, false).filter((o) => o.kind === "key").map((o) => o.key).sort(), `round ${round}: keys listed`);
      }
      if (threadRepo) {
        for (const [n, who] of numbered) {
          const [tag, key] = who.split(" ");
          assert.is((await stores.threads.get(threadRepo, n)).title, `${tag} ${key}`, `round ${round}: title of thread ${n}`);
        }
        const counts = await stores.threads.counts(threadRepo);
        assert.equal(counts, { open: 2 * size.threads, closed: 0 }, `round ${round}: threads.counts`);
      }
      await stores.close();
      totals.logins += size.logins;
      totals.uris += size.uris;
      totals.keys += size.keys;
      totals.threads += 2 * size.threads;
    } finally {
      await tmp.remove();
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`# two-process: ${ROUNDS} rounds in ${secs} s: ${totals.logins} logins (half differing in case), ${totals.uris} URIs, ` +
    `${totals.keys} putNoOverwrite keys each won by exactly one process (A ${totals.winsA}, B ${totals.winsB}), ` +
    `${totals.threads} threads numbered without a duplicate; start skew <= ${totals.skewMs} ms`);
  if (untested.length) console.log(`# two-process: NOT TESTED (store still unsupported on fs): ${untested.join(", ")}`);
});

test.run();
