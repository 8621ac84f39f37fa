/** STUB: to be replaced by the real fs external-tokens store. */
import type { ExternalTokensStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeExternalTokens(ctx: FsCtx): ExternalTokensStore {
  return unimplemented<ExternalTokensStore>("external-tokens", ctx);
}
