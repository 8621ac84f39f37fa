/** STUB: to be replaced by the real fs passwords store. */
import type { PasswordsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makePasswords(ctx: FsCtx): PasswordsStore {
  return unimplemented<PasswordsStore>("passwords", ctx);
}
