/** The conformance suite on the fs backend over the in-memory FS adapter. */
import { openStore } from "../lib/mod.ts";
import { memoryFs } from "../lib/adapters/memory-fs.ts";
import { conformance } from "./conformance/index.ts";

conformance(async (clock) => {
  const stores = await openStore({ fs: memoryFs(), clock: clock.now });
  return { stores, clock, close: () => stores.close() };
});
