/** STUB: to be replaced by the real fs invites store. */
import type { InvitesStore } from "../stores.ts";
import type { FsCtx } from "./context.ts";
import { unimplemented } from "./unimplemented.ts";

export function makeInvites(ctx: FsCtx): InvitesStore {
  return unimplemented<InvitesStore>("invites", ctx);
}
