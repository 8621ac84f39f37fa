/** STUB: to be replaced by the real fs oauth-clients store. */
import type { OAuthClientsStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeOAuthClients(ctx: FsCtx): OAuthClientsStore {
  return unimplemented<OAuthClientsStore>("oauth-clients", ctx);
}
