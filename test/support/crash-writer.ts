/**
 * The child of test/crash.test.ts: writes records through the public API with several writers in
 * flight until it is killed, printing `begin` before and `ack` after each call (see crash-records.ts).
 *
 * Usage: crash-writer.ts <dataDir> <round> <writers> <authorUID|0> <threadRepoID|0> <maxMs>
 */
import { openStore } from "../../lib/mod.ts";
import { isStoreError } from "../../lib/errors.ts";
import { runtimeFs } from "./disk-fs.ts";
import { emit } from "./spawn.ts";
import * as R from "./crash-records.ts";

const [dir, roundArg, writersArg, authorArg, repoArg, maxArg] = process.argv.slice(2);
const round = Number(roundArg);
const writers = Number(writersArg);
const authorUID = Number(authorArg);
const threadRepo = Number(repoArg);

interface Mine {
  login: string;
  uid: number;
  profile: number;
  emails: number;
}

const stores = await openStore({ fs: await runtimeFs(dir!) });
const can = await R.available(stores);
emit(`ready ${JSON.stringify(can)}`);
setTimeout(() => {
  emit("done: not killed in time");
  process.exit(0);
}, Number(maxArg));

type Op = (w: number, i: number, users: Mine[], kvVers: number[]) => Promise<void>;

async function step(kind: R.Kind, key: string, ver: number, call: () => Promise<string | number | void>, s: string): Promise<void> {
  emit(`begin ${kind} ${key} ${ver}`);
  try {
    const extra = await call();
    emit(`ack ${kind} ${key} ${ver} ${s}${extra === undefined ? "" : ` ${extra}`}`);
  } catch (e) {
    emit(`error ${kind} ${key} ${ver} ${isStoreError(e) ? e.code : "non-StoreError"}: ${String((e as Error)?.message ?? e).replace(/\n/g, " ")}`);
    process.exit(1);
  }
}

const createUser: Op = async (w, i, users) => {
  const login = `c${round}-${w}-${i}`;
  const p = R.profile(login, 0);
  let uid = 0;
  await step("user", login, 0, async () => {
    uid = (await stores.users.create({ login, ...p })).uid;
    return uid;
  }, p.company);
  users.push({ login, uid, profile: 0, emails: 0 });
};

const updateProfile: Op = async (_w, i, users) => {
  const u = users[i % users.length];
  if (!u) return;
  const ver = u.profile + 1;
  const p = R.profile(u.login, ver);
  await step("profile", u.login, ver, async () => void (await stores.users.update(u.uid, p)), p.company);
  u.profile = ver;
};

const setEmails: Op = async (_w, i, users) => {
  const u = users[(i * 7) % Math.max(1, users.length)];
  if (!u) return;
  const ver = u.emails + 1;
  await step("emails", u.login, ver, () => stores.users.setEmails(u.uid, R.emails(u.login, ver)), R.sum(u.login + ver));
  u.emails = ver;
};

const putKv: Op = async (w, i, _users, kvVers) => {
  const slot = i % kvVers.length;
  const ver = kvVers[slot]! + 1;
  const key = `r${round}-k${slot}`;
  const scope = R.kvScope(w);
  const full = `${scope.bucket}/${key}`;
  await step("kv", full, ver, () => stores.appStorage.put(scope, key, R.kvValue(full, ver)), R.sum(`${full}|${ver}`));
  kvVers[slot] = ver;
};

const putOnce: Op = async (w, i) => {
  const key = `r${round}-w${w}-n${i}`;
  await step("kvonce", key, 0, () => stores.appStorage.putNoOverwrite(R.onceScope, key, R.kvValue(key, 0)), R.sum(`${key}|0`));
};

const createRepo: Op = async (w, i) => {
  const uri = `crash.test/r${round}/w${w}-${i}`;
  await step("repo", uri, 0, async () => (await stores.repos.create({ uri, description: R.repoDescription(uri) })).id, R.sum(uri));
};

const createThread: Op = async (w, i) => {
  const key = `${round}-${w}-${i}`;
  await step("thread", key, 0, async () =>
    (await stores.threads.create(threadRepo, { title: R.threadTitle(key), body: R.threadBody(key), authorUID })).number, R.sum(key));
};

const ops: [Op, number][] = [[createUser, 3], [updateProfile, 3], [setEmails, 2]];
if (can.appStorage) ops.push([putKv, 3], [putOnce, 1]);
if (can.repos) ops.push([createRepo, 1]);
if (can.threads && threadRepo > 0 && authorUID > 0) ops.push([createThread, 2]);
const deck = ops.flatMap(([op, n]) => Array.from({ length: n }, () => op));

async function writer(w: number): Promise<void> {
  const users: Mine[] = [];
  const kvVers = [0, 0, 0, 0, 0];
  for (let i = 0; ; i++) {
    const op = users.length === 0 ? createUser : deck[Math.floor(Math.random() * deck.length)]!;
    await op(w, i, users, kvVers);
  }
}

for (let w = 0; w < writers; w++) void writer(w);
