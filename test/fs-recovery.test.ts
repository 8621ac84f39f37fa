/**
 * The fs backend after a process died in the middle of a transaction, and while transactions move
 * index entries under a reader. A FaultyFs around the memory FS applies only the first k writes of a
 * transaction's batch and then throws, as a process killed between two writes would leave them (the
 * journal stays). A fresh store object on the same files must then answer lists, counts and gets
 * that agree with each other, for every k.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../lib/mod.ts";
import { memoryFs } from "../lib/adapters/memory-fs.ts";
import { StoreError, isStoreError } from "../lib/errors.ts";
import type { FsPort, ProcessRef, SyncOptions } from "../lib/ports/fs.ts";
import type { Stores } from "../lib/stores.ts";
import { num } from "../lib/fs/names.ts";

/** An FsPort over another that can fail like a dying process or a broken disk. */
class FaultyFs implements FsPort {
  readonly #inner: FsPort;
  /** writeBatch applies this many writes, then throws (the process died between two writes). */
  crashAfter: number | undefined;
  /** removeTree throws. */
  brokenRemoveTree = false;
  /** Runs once after `dir` is next listed, before its names are returned: a change made meanwhile. */
  afterList: { dir: string; fn: () => Promise<void> } | undefined;
  crashed = false;

  constructor(inner: FsPort) {
    this.#inner = inner;
  }

  get self(): ProcessRef {
    return this.#inner.self;
  }

  get location(): string {
    return this.#inner.location;
  }

  isAlive(owner: ProcessRef): boolean {
    return this.#inner.isAlive(owner);
  }

  readFile(path: string): Promise<Uint8Array | undefined> {
    return this.#inner.readFile(path);
  }

  writeFile(path: string, data: Uint8Array): Promise<void> {
    return this.#inner.writeFile(path, data);
  }

  async writeBatch(writes: [string, Uint8Array | null][]): Promise<void> {
    if (this.crashAfter === undefined || this.crashAfter >= writes.length) return this.#inner.writeBatch(writes);
    await this.#inner.writeBatch(writes.slice(0, this.crashAfter));
    this.crashed = true;
    throw new StoreError("unavailable", `simulated crash after ${this.crashAfter} of ${writes.length} writes`);
  }

  createExclusive(path: string, data: Uint8Array, opts?: SyncOptions): Promise<boolean> {
    return this.#inner.createExclusive(path, data, opts);
  }

  remove(path: string, opts?: SyncOptions): Promise<boolean> {
    return this.#inner.remove(path, opts);
  }

  async removeTree(path: string): Promise<void> {
    if (this.brokenRemoveTree) throw new StoreError("unavailable", `simulated I/O error removing ${path}`);
    return this.#inner.removeTree(path);
  }

  async list(path: string): Promise<string[]> {
    const names = await this.#inner.list(path);
    const hook = this.afterList;
    if (hook && hook.dir === path) {
      this.afterList = undefined;
      await hook.fn();
    }
    return names;
  }
}

/**
 * For k = 0, 1, 2... until the transaction completes: fresh data made by `setup`, then `act` on a
 * store whose FS dies after k writes of the batch, then `check` on a fresh store over the same files.
 * Returns how many crash points there were.
 */
async function atEveryCrashPoint<T>(
  setup: (s: Stores) => Promise<T>,
  act: (s: Stores, t: T) => Promise<unknown>,
  check: (s: Stores, t: T, k: number) => Promise<void>,
): Promise<number> {
  for (let k = 0; k < 100; k++) {
    const inner = memoryFs();
    const t = await setup(await openStore({ fs: inner }));
    const faulty = new FaultyFs(inner);
    faulty.crashAfter = k;
    try {
      await act(await openStore({ fs: faulty }), t);
    } catch (e) {
      if (!faulty.crashed) throw e;
    }
    await check(await openStore({ fs: inner }), t, k);
    if (!faulty.crashed) return k;
  }
  throw new Error("the transaction never completed");
}

const has = <T>(items: T[], pred: (t: T) => boolean): boolean => items.some(pred);

async function found(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    if (isStoreError(e, "not_found")) return false;
    throw e;
  }
}

test("users: an update killed after any write: list, count and get agree, and the update is kept", async () => {
  const points = await atEveryCrashPoint(
    async (s) => {
      const [a] = [await s.users.create({ login: "alice" }), await s.users.create({ login: "bob" })];
      return a!.uid;
    },
    (s, uid) => s.users.update(uid, { disabled: true }),
    async (s, uid, k) => {
      const listed = (await s.users.list()).items;
      const count = await s.users.count();
      const all = (await s.users.list({ includeDisabled: true })).items;
      const user = await s.users.get(uid);
      assert.is(has(listed, (u) => u.uid === uid), !user.disabled, `k=${k}: listed iff not disabled`);
      assert.is(count, listed.length, `k=${k}: count() = list() length`);
      assert.is(await s.users.count({ includeDisabled: true }), 2, `k=${k}`);
      assert.equal(all.map((u) => u.login), ["alice", "bob"], `k=${k}`);
      assert.is(user.disabled, true, `k=${k}: a journaled update is finished, not lost`);
      assert.is(all[0]!.disabled, true, `k=${k}`);
    },
  );
  assert.ok(points >= 2, `the update has ${points} writes`);
});

test("repos: an update killed after any write: filtered lists and get agree", async () => {
  const points = await atEveryCrashPoint(
    async (s) => {
      const r = await s.repos.create({ uri: "x/a" });
      await s.repos.create({ uri: "x/b" });
      return r.id;
    },
    (s, id) => s.repos.update(id, { private: true, language: "Go" }),
    async (s, id, k) => {
      const ids = async (o: object) => (await s.repos.list(o)).items.map((r) => r.id);
      const pub = await ids({ private: false }), priv = await ids({ private: true }), go = await ids({ language: "Go" });
      const repo = await s.repos.get(id);
      assert.is(pub.includes(id), !repo.private, `k=${k}: in list({ private: false }) iff public`);
      assert.is(priv.includes(id), repo.private, `k=${k}: in list({ private: true }) iff private`);
      assert.is(go.includes(id), repo.language === "Go", `k=${k}: in list({ language }) iff of that language`);
      assert.is((await ids({})).length, 2, `k=${k}`);
      assert.is(repo.private, true, `k=${k}: a journaled update is finished, not lost`);
    },
  );
  assert.ok(points >= 2, `the update has ${points} writes`);
});

test("threads: a state change or comment killed after any write: counts, lists and get agree", async () => {
  const setup = async (s: Stores) => {
    const uid = (await s.users.create({ login: "alice" })).uid;
    const repo = (await s.repos.create({ uri: "x/a" })).id;
    for (let i = 0; i < 3; i++) await s.threads.create(repo, { title: `t${i}`, body: "b", authorUID: uid });
    return { uid, repo };
  };
  const agree = async (s: Stores, repo: number, k: number) => {
    const counts = await s.threads.counts(repo);
    const open = (await s.threads.list(repo, { state: "open" })).items;
    const closed = (await s.threads.list(repo, { state: "closed" })).items;
    assert.equal(counts, { open: open.length, closed: closed.length }, `k=${k}: counts() match list()`);
    assert.is((await s.threads.list(repo)).items.length, 3, `k=${k}`);
    for (const t of [...open, ...closed]) assert.equal(await s.threads.get(repo, t.number), t, `k=${k}`);
    assert.ok(open.every((t) => t.state === "open") && closed.every((t) => t.state === "closed"), `k=${k}`);
  };
  const closing = await atEveryCrashPoint(
    setup,
    (s, { uid, repo }) => s.threads.update(repo, 2, { actorUID: uid, state: "closed" }),
    async (s, { repo }, k) => {
      await agree(s, repo, k);
      assert.equal(await s.threads.counts(repo), { open: 2, closed: 1 }, `k=${k}`);
      assert.equal((await s.threads.listEvents(repo, 2)).map((e) => e.type), ["closed"], `k=${k}`);
    },
  );
  assert.ok(closing >= 2, `closing has ${closing} writes`);
  const commenting = await atEveryCrashPoint(
    setup,
    (s, { uid, repo }) => s.threads.addComment(repo, 3, { authorUID: uid, body: "c" }),
    async (s, { repo }, k) => {
      await agree(s, repo, k);
      const comments = (await s.threads.listComments(repo, 3)).items;
      assert.is(comments.length, (await s.threads.get(repo, 3)).commentCount, `k=${k}: listComments() = commentCount`);
      assert.is(comments.length, 2, `k=${k}`);
    },
  );
  assert.ok(commenting >= 2, `commenting has ${commenting} writes`);
});

test("changesets: a merge killed after any write: counts, lists and get agree", async () => {
  const rev = (branch: string) => ({ branch, commitID: "a".repeat(40) });
  const points = await atEveryCrashPoint(
    async (s) => {
      const uid = (await s.users.create({ login: "alice" })).uid;
      const repo = (await s.repos.create({ uri: "x/a" })).id;
      for (let i = 0; i < 3; i++) await s.changesets.create(repo, { title: `c${i}`, authorUID: uid, base: rev("m"), head: rev("f") });
      return { uid, repo };
    },
    (s, { uid, repo }) => s.changesets.update(repo, 1, { actorUID: uid, state: "merged" }),
    async (s, { repo }, k) => {
      const counts = await s.changesets.counts(repo);
      const per = async (state: "open" | "closed" | "merged") => (await s.changesets.list(repo, { state })).items.length;
      assert.equal(counts, { open: await per("open"), closed: await per("closed"), merged: await per("merged") }, `k=${k}`);
      assert.equal(counts, { open: 2, closed: 0, merged: 1 }, `k=${k}`);
      assert.is((await s.changesets.get(repo, 1)).state, "merged", `k=${k}`);
      assert.equal((await s.changesets.listEvents(repo, 1)).map((e) => e.type), ["merged"], `k=${k}`);
    },
  );
  assert.ok(points >= 2, `the merge has ${points} writes`);
});

test("orgs: a create or delete killed after any write: list and get agree", async () => {
  const created = await atEveryCrashPoint(
    async (s) => (await s.orgs.create({ login: "acme" })).id,
    (s) => s.orgs.create({ login: "beta" }),
    async (s, _, k) => {
      const listed = (await s.orgs.list()).items.map((o) => o.login);
      assert.is(listed.includes("beta"), await found(s.orgs.getByLogin("beta")), `k=${k}`);
      assert.equal(listed, ["acme", "beta"], `k=${k}: a journaled create is finished`);
    },
  );
  assert.ok(created >= 2, `create has ${created} writes`);
  const deleted = await atEveryCrashPoint(
    async (s) => {
      const uid = (await s.users.create({ login: "alice" })).uid;
      const org = await s.orgs.create({ login: "acme" });
      await s.orgs.create({ login: "beta" });
      await s.orgs.addMember(org.id, uid);
      return { id: org.id, uid };
    },
    (s, { id }) => s.orgs.delete(id),
    async (s, { id, uid }, k) => {
      const listed = (await s.orgs.list()).items.map((o) => o.id);
      const exists = await found(s.orgs.get(id));
      assert.is(listed.includes(id), exists, `k=${k}: listed iff get() finds it`);
      assert.is((await s.orgs.listForUser(uid)).length, exists ? 1 : 0, `k=${k}`);
      assert.not.ok(exists, `k=${k}: a journaled delete is finished`);
    },
  );
  assert.ok(deleted >= 2, `delete has ${deleted} writes`);
});

test("oauth clients: a type change killed after any write: list({ type }) and get agree", async () => {
  const points = await atEveryCrashPoint(
    async (s) => {
      for (const id of ["a", "b"]) await s.oauthClients.create({ id, secret: "s".repeat(32), type: "web" });
    },
    (s) => s.oauthClients.update("a", { type: "native" }),
    async (s, _, k) => {
      const ids = async (type: string) => (await s.oauthClients.list({ type })).items.map((c) => c.id);
      const web = await ids("web"), native = await ids("native");
      const type = (await s.oauthClients.get("a")).type;
      assert.is(web.includes("a"), type === "web", `k=${k}`);
      assert.is(native.includes("a"), type === "native", `k=${k}`);
      assert.is(type, "native", `k=${k}`);
    },
  );
  assert.ok(points >= 2, `the update has ${points} writes`);
});

// ---- lists read while updates move entries ------------------------------------------------------

/** A store on `faulty`, and one on the same files to change them behind its back. */
async function twoStores() {
  const inner = memoryFs();
  const faulty = new FaultyFs(inner);
  return { faulty, reader: await openStore({ fs: faulty }), writer: await openStore({ fs: inner }) };
}

test("users.list() skips entries an update moved after the listing and still fills its page", async () => {
  const { faulty, reader, writer } = await twoStores();
  const uids: Record<string, number> = {};
  for (const l of "abcdefghij") uids[l] = (await writer.users.create({ login: l })).uid;
  const disable = (...ls: string[]) => async () => {
    for (const l of ls) await writer.users.update(uids[l]!, { disabled: true });
  };
  faulty.afterList = { dir: "users/index", fn: disable("b", "c") };
  const p1 = await reader.users.list({ limit: 3 });
  assert.equal(p1.items.map((u) => u.login), ["a", "d", "e"]);
  faulty.afterList = { dir: "users/index", fn: disable("f") };
  const p2 = await reader.users.list({ limit: 3, cursor: p1.nextCursor! });
  assert.equal(p2.items.map((u) => u.login), ["g", "h", "i"]);
  faulty.afterList = { dir: "users/index", fn: disable("j") };
  const p3 = await reader.users.list({ limit: 3, cursor: p2.nextCursor! });
  assert.equal(p3, { items: [] }, "j was disabled after the page before was made");
  faulty.afterList = { dir: "users/index", fn: disable("h", "i") };
  const last = await reader.users.list({ limit: 5, cursor: p1.nextCursor! });
  assert.equal(last, { items: [{ ...(await writer.users.get(uids.g!)) }] }, "stale entries at the end: no nextCursor");
});

test("repos.list() skips entries an update moved after the listing and still fills its page", async () => {
  const { faulty, reader, writer } = await twoStores();
  const ids: Record<string, number> = {};
  for (const n of "abcdefg") ids[n] = (await writer.repos.create({ uri: `x/${n}` })).id;
  const hide = (...ns: string[]) => async () => {
    for (const n of ns) await writer.repos.update(ids[n]!, { private: true });
  };
  faulty.afterList = { dir: "repos/index", fn: hide("a", "c") };
  const p1 = await reader.repos.list({ private: false, limit: 3 });
  assert.equal(p1.items.map((r) => r.uri), ["x/b", "x/d", "x/e"]);
  faulty.afterList = { dir: "repos/index", fn: hide("g") };
  const p2 = await reader.repos.list({ private: false, limit: 2, cursor: p1.nextCursor! });
  assert.equal(p2, { items: [await writer.repos.get(ids.f!)] }, "the stale last entry: no nextCursor");
  faulty.afterList = { dir: "repos/index", fn: hide("b", "d") };
  const p3 = await reader.repos.list({ private: false, sort: "id", direction: "desc", limit: 2 });
  assert.equal(p3.items.map((r) => r.uri), ["x/f", "x/e"]);
  assert.ok(p3.nextCursor === undefined, "nothing public follows");
});

test("threads.list() skips entries a state change moved after the listing and still fills its page", async () => {
  const { faulty, reader, writer } = await twoStores();
  const uid = (await writer.users.create({ login: "alice" })).uid;
  const repo = (await writer.repos.create({ uri: "x/a" })).id;
  for (let i = 1; i <= 8; i++) await writer.threads.create(repo, { title: `t${i}`, body: "b", authorUID: uid });
  const close = (...ns: number[]) => async () => {
    for (const n of ns) await writer.threads.update(repo, n, { actorUID: uid, state: "closed" });
  };
  const dir = `repos/id/${num(repo)}/threads/index`;
  assert.ok((await faulty.list(dir)).length === 8, `the index is at ${dir}`);
  faulty.afterList = { dir, fn: close(7, 6) };
  const p1 = await reader.threads.list(repo, { state: "open", limit: 3 });
  assert.equal(p1.items.map((t) => t.number), [8, 5, 4]);
  faulty.afterList = { dir, fn: close(2, 1) };
  const p2 = await reader.threads.list(repo, { state: "open", limit: 1, cursor: p1.nextCursor! });
  assert.equal(p2.items.map((t) => t.number), [3]);
  assert.ok(p2.nextCursor === undefined, "the stale entries after it: no nextCursor");
});

test("threads and changesets of a repo whose data could not be removed are not_found", async () => {
  const inner = memoryFs();
  const faulty = new FaultyFs(inner);
  const s = await openStore({ fs: faulty });
  const uid = (await s.users.create({ login: "alice" })).uid;
  const repo = (await s.repos.create({ uri: "x/a" })).id;
  const rev = (branch: string) => ({ branch, commitID: "a".repeat(40) });
  await s.threads.create(repo, { title: "t", body: "b", authorUID: uid });
  await s.changesets.create(repo, { title: "c", authorUID: uid, base: rev("m"), head: rev("f") });
  faulty.brokenRemoveTree = true;
  await s.repos.delete(repo);
  assert.ok((await inner.list(`repos/id/${num(repo)}/threads`)).length > 0, "the data is left behind");
  const notFound = async (p: Promise<unknown>, what: string) => assert.not.ok(await found(p), `${what} is not_found`);
  await notFound(s.threads.get(repo, 1), "threads.get");
  await notFound(s.threads.update(repo, 1, { actorUID: uid, state: "closed" }), "threads.update");
  await notFound(s.threads.addComment(repo, 1, { authorUID: uid, body: "c" }), "threads.addComment");
  await notFound(s.threads.listComments(repo, 1), "threads.listComments");
  await notFound(s.threads.listEvents(repo, 1), "threads.listEvents");
  await notFound(s.threads.list(repo), "threads.list");
  await notFound(s.changesets.get(repo, 1), "changesets.get");
  await notFound(s.changesets.update(repo, 1, { actorUID: uid, title: "x" }), "changesets.update");
  await notFound(s.changesets.addReview(repo, 1, { authorUID: uid, body: "r" }), "changesets.addReview");
  await notFound(s.changesets.listReviews(repo, 1), "changesets.listReviews");
  await notFound(s.changesets.listEvents(repo, 1), "changesets.listEvents");
  await notFound(s.changesets.counts(repo), "changesets.counts");
  faulty.brokenRemoveTree = false;
  await s.repos.delete((await s.repos.create({ uri: "x/b" })).id); // retries the unfinished removal
  assert.equal(await inner.list(`repos/id/${num(repo)}`), []);
});

test.run();
