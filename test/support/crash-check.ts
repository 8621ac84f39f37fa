/**
 * The crash test's checks: what the writer acknowledged (parsed from its output) against what a new
 * store object reads back, plus raw looks at the data dir (journals, locks held by dead processes,
 * every JSON file parses).
 */
import * as assert from "uvu/assert";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Stores } from "../../lib/stores.ts";
import { isStoreError } from "../../lib/errors.ts";
import * as R from "./crash-records.ts";

/** One record's history: the highest version acknowledged (-1: none) and the highest begun. */
export interface Expect {
  kind: R.Kind;
  key: string;
  acked: number;
  begun: number;
  /** uid of a user, id of a repo, number of a thread (from its ack). */
  extra?: string;
}

export class Expectations {
  readonly all = new Map<string, Expect>();
  /** Calls the child acknowledged, and writes the test made itself. */
  acks = 0;
  own = 0;

  #get(kind: R.Kind, key: string): Expect {
    const id = `${kind} ${key}`;
    let e = this.all.get(id);
    if (!e) this.all.set(id, (e = { kind, key, acked: -1, begun: -1 }));
    return e;
  }

  /** Takes the writer's lines; returns the records touched. Fails on an `error` line. */
  take(lines: string[]): Set<Expect> {
    const touched = new Set<Expect>();
    for (const line of lines) {
      const [word, kind, key, ver, s, extra] = line.split(" ");
      if (word === "error" || word === "done:") assert.unreachable(`crash writer: ${line}`);
      if (word !== "begin" && word !== "ack") continue;
      const e = this.#get(kind as R.Kind, key!);
      touched.add(e);
      if (word === "begin") e.begun = Math.max(e.begun, Number(ver));
      else {
        this.acks++;
        e.acked = Math.max(e.acked, Number(ver));
        if (extra !== undefined) e.extra = extra;
        assert.ok(/^[0-9a-f]{8}$/.test(s ?? ""), `ack line without checksum: ${line}`);
      }
    }
    return touched;
  }

  /** A write the test itself made and saw succeed. */
  record(kind: R.Kind, key: string, ver: number, extra?: string | number): void {
    this.own++;
    const e = this.#get(kind, key);
    e.acked = Math.max(e.acked, ver);
    e.begun = Math.max(e.begun, ver);
    if (extra !== undefined) e.extra = String(extra);
  }

  user(login: string): Expect | undefined {
    return this.all.get(`user ${login}`);
  }
}

export interface Tally {
  verified: number;
  /** Unacknowledged in-flight writes that turned out applied (allowed: acked is a lower bound). */
  landedUnacked: number;
}

const notFound = (e: unknown) => isStoreError(e, "not_found");

/** Present-or-absent read: undefined only for not_found. */
async function maybe<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

function inRange(what: string, ver: number | undefined, e: { acked: number; begun: number }, floor = 0): void {
  assert.ok(ver !== undefined, `${what}: stored content is torn or foreign`);
  const lo = Math.max(e.acked, floor);
  assert.ok(ver! >= lo && ver! <= Math.max(e.begun, lo), `${what}: stored version ${ver}, acknowledged ${e.acked}, last begun ${e.begun}`);
}

/** Every acknowledged record is there with its acknowledged content (or the one write in flight after it). */
export async function verify(stores: Stores, x: Expectations, which: Iterable<Expect>, threadRepo: number): Promise<Tally> {
  const t: Tally = { verified: 0, landedUnacked: 0 };
  const landed = (ver: number, e: Expect) => ver > e.acked && t.landedUnacked++;
  for (const e of which) {
    const what = `${e.kind} ${e.key}`;
    if (e.kind === "user" || e.kind === "profile" || e.kind === "emails") {
      const created = x.user(e.key)!;
      const u = await maybe(stores.users.getByLogin(e.key));
      if (created.acked < 0) {
        if (u) assert.is(R.profileVersion(e.key, u) !== undefined, true, `${what}: unacknowledged user is torn`);
        continue;
      }
      assert.ok(u, `${what}: acknowledged user ${e.key} is missing`);
      assert.is(String(u!.uid), created.extra, `${what}: uid`);
      if (e.kind === "emails") {
        const ver = R.emailsVersion(e.key, await stores.users.listEmails(u!.uid));
        inRange(what, ver, e);
        landed(ver!, e);
      } else {
        const ver = R.profileVersion(e.key, u!);
        const prof = x.all.get(`profile ${e.key}`) ?? { acked: 0, begun: 0 };
        inRange(what, ver, prof);
        if (e.kind === "profile") landed(ver!, e);
      }
    } else if (e.kind === "kv" || e.kind === "kvonce") {
      const slash = e.key.indexOf("/");
      const [scope, key] = e.kind === "kv" ? [{ app: "crash", bucket: e.key.slice(0, slash) }, e.key.slice(slash + 1)] : [R.onceScope, e.key];
      const value = await maybe(stores.appStorage.get(scope, key));
      if (value === undefined) {
        assert.ok(e.acked < 0, `${what}: acknowledged key is missing`);
        continue;
      }
      const ver = R.kvVersion(e.key, value);
      inRange(what, ver, e, e.kind === "kv" ? 1 : 0);
      landed(ver!, e);
    } else if (e.kind === "repo") {
      const r = await maybe(stores.repos.getByURI(e.key));
      if (!r) {
        assert.ok(e.acked < 0, `${what}: acknowledged repo is missing`);
        continue;
      }
      assert.is(r.description, R.repoDescription(e.key), `${what}: description`);
      if (e.acked >= 0) assert.is(String(r.id), e.extra, `${what}: id`);
      else t.landedUnacked++;
    } else if (e.kind === "thread") {
      if (e.acked < 0) continue; // its number is unknown; the numbering check covers it
      const th = await stores.threads.get(threadRepo, Number(e.extra));
      assert.is(th.title, R.threadTitle(e.key), `${what}: title of thread ${e.extra}`);
    }
    if (e.acked >= 0) t.verified++;
  }
  return t;
}

/** Every listed user resolves by uid and by login to the same record: no dangling index entry. */
export async function checkUserIndex(stores: Stores, dir: string, where: string): Promise<number> {
  let cursor: string | undefined;
  let n = 0;
  do {
    const page = await stores.users.list({ includeDisabled: true, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const u of page.items) {
      const byLogin = await stores.users.getByLogin(u.login).catch(async (e) => {
        // Say which file is missing (layout of lib/fs/users.ts: users/login/<lower login>).
        const claim = await readFile(join(dir, "users", "login", u.login.toLowerCase())).then(() => "present", () => "missing");
        assert.unreachable(`${where}: user ${u.uid} ${JSON.stringify(u.login)} is listed but getByLogin fails (${String(e)}); login claim file ${claim}`);
      });
      assert.equal(byLogin, u, `${where}: user ${u.login} listed but getByLogin differs`);
      assert.equal(await stores.users.get(u.uid), u, `${where}: user ${u.uid} listed but get differs`);
      n++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  const count = await stores.users.count({ includeDisabled: true });
  if (count !== n) {
    // Name the index entries whose record file is missing (layout of lib/fs/users.ts).
    const dangling: string[] = [];
    for (const name of await readdir(join(dir, "users", "index")).catch(() => [] as string[])) {
      const rec = join(dir, "users", "uid", `${name.split(".")[0]}.json`);
      if (!(await readFile(rec).then(() => true, () => false))) dangling.push(name);
    }
    assert.unreachable(`${where}: users.count ${count} but list has ${n}: index entries without a record: ${dangling.join(", ")}`);
  }
  
  return n;
}

/** Thread numbers of the repo are exactly 1..N: no gap, no duplicate. */
export async function checkThreadNumbers(stores: Stores, repoID: number, where: string): Promise<number> {
  const numbers: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.threads.list(repoID, { limit: 1000, ...(cursor ? { cursor } : {}) });
    numbers.push(...page.items.map((t) => t.number));
    cursor = page.nextCursor;
  } while (cursor);
  numbers.sort((a, b) => a - b);
  assert.equal(numbers, numbers.map((_, i) => i + 1), `${where}: thread numbers are 1..N`);
  const c = await stores.threads.counts(repoID);
  assert.is(c.open + c.closed, numbers.length, `${where}: threads.counts ${c.open + c.closed} (from the index) agrees with the ${numbers.length} threads listed`);
  return numbers.length;
}

export interface DiskLook {
  journals: number;
  /** Lock directories whose current state says: held by `pid`. */
  heldBy: string[];
  files: number;
}

/** Reads the data dir raw: journal files, locks held by `pid`, and that every JSON file parses. */
export async function lookAtDisk(dir: string, pid: number): Promise<DiskLook> {
  const look: DiskLook = { journals: 0, heldBy: [], files: 0 };
  const walk = async (d: string, rel: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    const states: number[] = [];
    for (const ent of entries) {
      const p = join(d, ent.name);
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (r !== "tmp") await walk(p, r);
        continue;
      }
      look.files++;
      if (r.startsWith("locks/") && ent.name === "journal") look.journals++; // one journal place per lock (tx.ts)
      const json = ent.name.endsWith(".json") || r.startsWith("locks/");
      if (json) {
        const text = await readFile(p, "utf8").catch((e) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
        if (text === undefined) continue;
        try {
          JSON.parse(text);
        } catch {
          assert.unreachable(`torn file ${r}: ${JSON.stringify(text.slice(0, 120))}`);
        }
      }
      if (r.startsWith("locks/") && /^\d+$/.test(ent.name)) states.push(Number(ent.name));
    }
    if (states.length > 0) {
      const top = states.reduce((a, b) => Math.max(a, b));
      const text = await readFile(join(d, String(top).padStart(12, "0")), "utf8").catch(() => "{}"); // num() of lib/fs/names.ts
      const st = JSON.parse(text) as { state?: string; pid?: number };
      if (st.state === "held" && st.pid === pid) look.heldBy.push(rel);
    }
  };
  await walk(dir, "");
  return look;
}
