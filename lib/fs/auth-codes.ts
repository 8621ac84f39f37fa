/** STUB: to be replaced by the real fs auth-codes store. */
import type { AuthCodesStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeAuthCodes(ctx: FsCtx): AuthCodesStore {
  return unimplemented<AuthCodesStore>("auth-codes", ctx);
}
