/** The conformance suite on the fs backend over a real temp directory, with this runtime's adapter. */
import { openStore } from "../lib/mod.ts";
import { conformance } from "./conformance/index.ts";
import { runtimeFs, tempDir } from "./support/disk-fs.ts";

conformance(async (clock) => {
  const tmp = await tempDir();
  const stores = await openStore({ fs: await runtimeFs(tmp.dir), clock: clock.now });
  return {
    stores,
    clock,
    close: async () => {
      await stores.close();
      await tmp.remove();
    },
  };
});
