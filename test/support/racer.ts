/**
 * The child of test/two-process.test.ts. Two racers open one data dir, print `ready`, wait for
 * `go <epoch ms>` on stdin, and at that moment both run the same list of operations (racePlan) with a
 * few calls in flight, printing one line per outcome:
 *   res <kind> <key> ok <id|number|->  |  res <kind> <key> already_exists  |  res <kind> <key> other <code>: <message>
 * then `done`.
 *
 * Usage: racer.ts <dataDir> <tag A|B> <planJSON> <threadRepoID|0> <authorUID>
 */
import { createInterface } from "node:readline";
import { openStore } from "../../lib/mod.ts";
import { isStoreError } from "../../lib/errors.ts";
import { runtimeFs } from "./disk-fs.ts";
import { emit } from "./spawn.ts";
import { racePlan, raceScope, raceValue, type PlanSize } from "./race-plan.ts";

const [dir, tag, planArg, repoArg, authorArg] = process.argv.slice(2);
const size = JSON.parse(planArg!) as PlanSize;
const threadRepo = Number(repoArg);
const authorUID = Number(authorArg);
const IN_FLIGHT = 4;

const stores = await openStore({ fs: await runtimeFs(dir!) });
await stores.users.count(); // warm up the module graph and the adapter before the start signal
emit("ready");

const go = await new Promise<number>((resolve) => {
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (l) => {
    if (!l.startsWith("go ")) return;
    rl.close();
    resolve(Number(l.slice(3)));
  });
});
const late = Date.now() - go;
if (late < 0) await new Promise((r) => setTimeout(r, -late));
emit(`started ${Date.now() - go}`);

const enc = new TextEncoder();
const ops = racePlan(size, tag === "B").map((op) => async () => {
  try {
    let id: number | string = "-";
    if (op.kind === "login") id = (await stores.users.create({ login: op.value })).uid;
    else if (op.kind === "uri") id = (await stores.repos.create({ uri: op.value })).id;
    else if (op.kind === "key") await stores.appStorage.putNoOverwrite(raceScope, op.key, enc.encode(raceValue(tag!, op.key)));
    else id = (await stores.threads.create(threadRepo, { title: `${tag} ${op.key}`, body: "race", authorUID })).number;
    emit(`res ${op.kind} ${op.key} ok ${id}`);
  } catch (e) {
    if (isStoreError(e, "already_exists")) emit(`res ${op.kind} ${op.key} already_exists`);
    else emit(`res ${op.kind} ${op.key} other ${isStoreError(e) ? e.code : "non-StoreError"}: ${String((e as Error)?.message ?? e).replace(/\n/g, " ")}`);
  }
});

let next = 0;
await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
  while (next < ops.length) await ops[next++]!();
}));
emit("done");
process.exit(0);
