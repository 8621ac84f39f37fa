/** STUB: to be replaced by the real fs orgs store. */
import type { OrgsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeOrgs(ctx: FsCtx): OrgsStore {
  return unimplemented<OrgsStore>("orgs", ctx);
}
