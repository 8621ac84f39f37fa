/**
 * Child of test/pid-namespace.test.ts: creates `n` threads in repo 1 of the store at `dir` and prints
 * "done <ok> <failed> <first error>".
 */
import { openStore } from "../../lib/mod.ts";
import { runtimeFs } from "./disk-fs.ts";

async function main(): Promise<void> {
  const [dir, n, tag] = process.argv.slice(2);
  const stores = await openStore({ fs: await runtimeFs(dir!) });
  let ok = 0;
  const errors: string[] = [];
  for (let i = 0; i < Number(n); i++) {
    await stores.threads.create(1, { title: `${tag}-${i}`, body: "", authorUID: 1 }).then(() => ok++, (e) => errors.push(String(e)));
  }
  console.log(`done ${ok} ${errors.length} ${errors[0] ?? ""}`);
}

main();
