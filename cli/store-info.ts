/** `src store info`: backend, location, counts per store. */
import { openCliStore, type GlobalOptions } from "./open.ts";
import { table } from "./output.ts";

export async function storeInfo(o: GlobalOptions & { json?: boolean }): Promise<void> {
  const stores = await openCliStore();
  try {
    const info = await stores.info();
    if (o.json) return void console.log(JSON.stringify(info));
    console.log(`backend:  ${info.backend}`);
    console.log(`location: ${info.location}`);
    process.stdout.write(table(["STORE", "RECORDS"], Object.entries(info.counts).map(([k, n]) => [k, String(n)])));
  } finally {
    await stores.close();
  }
}
