/** Opens the store the CLI works on: the fs backend under $SGPATH/store. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { openStore, type Stores } from "../lib/mod.ts";
import { nodeFs } from "../lib/adapters/node-fs.ts";

export interface GlobalOptions {
  sgpath?: string;
}

/** flag > $SGPATH > ~/.sourcegraph */
export function sgpath(o: GlobalOptions): string {
  return resolve(o.sgpath ?? process.env.SGPATH ?? join(homedir(), ".sourcegraph"));
}

export async function openCliStore(o: GlobalOptions): Promise<Stores> {
  return openStore({ fs: nodeFs(join(sgpath(o), "store")) });
}
