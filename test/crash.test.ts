/**
 * Crash test of the fs backend: a child process (support/crash-writer.ts, same runtime) writes
 * records with several calls in flight and is killed with SIGKILL at a random moment, round after
 * round on one data dir. After each kill a new store object must read every acknowledged record
 * intact, list no dangling user, and take fresh writes at once (breaking the dead child's locks and
 * replaying its journals instead of waiting for the lock timeout).
 * Rounds: SRCSTORE_CRASH_ROUNDS (default 20).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openStore } from "../lib/mod.ts";
import type { Stores } from "../lib/stores.ts";
import { runtimeFs, tempDir } from "./support/disk-fs.ts";
import { startChild } from "./support/spawn.ts";
import * as R from "./support/crash-records.ts";
import { checkThreadNumbers, checkUserIndex, Expectations, lookAtDisk, verify } from "./support/crash-check.ts";

const ROUNDS = Number(process.env.SRCSTORE_CRASH_ROUNDS ?? 20);
const WRITERS = 4;
/** A fresh write after a kill must not wait anywhere near the 30 s lock timeout. */
const FRESH_WRITE_LIMIT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = async (dir: string): Promise<Stores> => openStore({ fs: await runtimeFs(dir) });

test(`acknowledged writes survive ${ROUNDS} SIGKILLs of a writer with ${WRITERS} calls in flight; nothing is torn and the store keeps working`, async () => {
  const tmp = await tempDir("srcstore-crash-");
  const started = Date.now();
  try {
    const setup = await open(tmp.dir);
    const can = await R.available(setup);
    const author = await setup.users.create({ login: "crash-author", ...R.profile("crash-author", 0) });
    const threadRepo = can.repos && can.threads ? (await setup.repos.create({ uri: "crash.test/threads-home" })).id : 0;
    await setup.close();

    const x = new Expectations();
    x.record("user", "crash-author", 0, author.uid);
    const stats = { midTx: 0, journals: 0, deadLocks: 0, landed: 0, inFlight: 0, maxFreshMs: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const child = startChild("crash-writer.ts", [tmp.dir, String(round), String(WRITERS), String(author.uid), String(threadRepo), "20000"]);
      try {
        const ready = JSON.parse((await child.waitLine((l) => l.startsWith("ready "))).slice(6)) as typeof can;
        assert.equal(ready, can, "the child sees the same stores as the parent");
        await child.waitLine((l) => l.startsWith("ack "));
        await sleep(50 + Math.floor(Math.random() * 350));
      } finally {
        child.proc.kill("SIGKILL");
      }
      const exit = await child.exited; // reaped: its pid is gone, so its locks count as dead
      assert.is(exit.signal, "SIGKILL", `round ${round}: the child ended by itself: ${child.stderr()}`);

      const touched = x.take(child.lines);
      stats.inFlight += [...touched].filter((e) => e.begun > e.acked).length;
      const before = await lookAtDisk(tmp.dir, child.pid);
      if (before.journals > 0 || before.heldBy.length > 0) stats.midTx++;
      stats.journals += before.journals;
      stats.deadLocks += before.heldBy.length;

      const stores = await open(tmp.dir); // a new store object, as a restarted process would have
      const t = await verify(stores, x, touched, threadRepo);
      stats.landed += t.landedUnacked;
      await checkUserIndex(stores, tmp.dir, `round ${round}, after the kill, before any write`);
      if (threadRepo) await checkThreadNumbers(stores, threadRepo, `round ${round}, after the kill, before any write`);

      // Fresh writes on every lock the child used: each breaks a dead lock and replays its journal.
      const t0 = Date.now();
      const u = await stores.users.create({ login: `p${round}`, ...R.profile(`p${round}`, 0) });
      x.record("user", `p${round}`, 0, u.uid);
      await stores.users.setEmails(u.uid, R.emails(`p${round}`, 1));
      x.record("emails", `p${round}`, 1);
      if (can.appStorage) {
        for (let w = 0; w < WRITERS; w++) {
          const key = `${R.kvScope(w).bucket}/p${round}`;
          await stores.appStorage.put(R.kvScope(w), `p${round}`, R.kvValue(key, 1));
          x.record("kv", key, 1);
        }
        await stores.appStorage.putNoOverwrite(R.onceScope, `p${round}`, R.kvValue(`p${round}`, 0));
        x.record("kvonce", `p${round}`, 0);
      }
      if (can.repos) {
        const uri = `crash.test/p${round}`;
        x.record("repo", uri, 0, (await stores.repos.create({ uri, description: R.repoDescription(uri) })).id);
      }
      if (threadRepo) {
        const key = `p${round}`;
        const th = await stores.threads.create(threadRepo, { title: R.threadTitle(key), body: R.threadBody(key), authorUID: author.uid });
        x.record("thread", key, 0, th.number);
      }
      const freshMs = Date.now() - t0;
      stats.maxFreshMs = Math.max(stats.maxFreshMs, freshMs);
      assert.ok(freshMs < FRESH_WRITE_LIMIT_MS, `round ${round}: fresh writes after the kill took ${freshMs} ms (waited on a dead lock?)`);

      const after = await lookAtDisk(tmp.dir, child.pid);
      assert.equal(after.heldBy, [], `round ${round}: locks still held by the dead child after writing to them`);
      assert.is(after.journals, 0, `round ${round}: journals left after every lock was taken again`);
      await checkUserIndex(stores, tmp.dir, `round ${round}, after fresh writes`);
      if (threadRepo) await checkThreadNumbers(stores, threadRepo, `round ${round}, after fresh writes`);
      await stores.close();
    }

    // The whole history, once more, through another new store object.
    const stores = await open(tmp.dir);
    const final = await verify(stores, x, x.all.values(), threadRepo);
    const users = await checkUserIndex(stores, tmp.dir, "at the end");
    const threads = threadRepo ? await checkThreadNumbers(stores, threadRepo, "at the end") : 0;
    for (const e of x.all.values()) {
      if (e.kind === "emails" && e.acked > 0) {
        const login = e.key;
        const ver = R.emailsVersion(login, await stores.users.listEmails((await stores.users.getByLogin(login)).uid))!;
        const primary = R.emails(login, ver)[0]!.email;
        assert.is((await stores.users.getByEmail(primary)).login, login, `getByEmail(${primary})`);
      }
    }
    await stores.close();

    const kinds = new Map<string, number>();
    for (const e of x.all.values()) if (e.acked >= 0) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`# crash: ${ROUNDS} rounds in ${secs} s; ${x.acks} calls acknowledged by the killed writers (+ ${x.own} writes after the kills); ` +
      `${final.verified} records verified at their acknowledged version (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}); ` +
      `${users} users listed, ${threads} threads numbered 1..${threads}`);
    console.log(`# crash: ${stats.midTx}/${ROUNDS} kills landed mid-transaction (${stats.deadLocks} locks found held by the dead child, ` +
      `${stats.journals} journals left to replay); ${stats.inFlight} calls in flight at the kills, ${stats.landed} of them found applied; ` +
      `slowest fresh writes after a kill ${stats.maxFreshMs} ms`);
    const missing = Object.entries(can).filter(([, ok]) => !ok).map(([k]) => k);
    if (missing.length) console.log(`# crash: NOT TESTED (store still unsupported on fs): ${missing.join(", ")}`);
  } finally {
    await tmp.remove();
  }
});

test("a lock whose current state file was torn by a power loss is taken at once, not waited on", async () => {
  const tmp = await tempDir("srcstore-torn-lock-");
  try {
    // Lock state files are not fsynced (lib/fs/lock.ts): after a power loss the newest may be empty.
    await mkdir(join(tmp.dir, "locks", "users"), { recursive: true });
    await writeFile(join(tmp.dir, "locks", "users", "000000000007"), "");
    const stores = await openStore({ fs: await runtimeFs(tmp.dir), lockTimeoutMs: 3_000 });
    const t0 = Date.now();
    const u = await stores.users.create({ login: "after-power-loss" });
    assert.ok(Date.now() - t0 < 1_000, `took ${Date.now() - t0} ms`);
    assert.is((await stores.users.getByLogin("after-power-loss")).uid, u.uid);
    await stores.close();
  } finally {
    await tmp.remove();
  }
});

test.run();
