/** Checks of repo permission inputs, shared by every backend. */
import type * as M from "../model.ts";
import * as v from "../validate.ts";

export const PERM_LEVELS: readonly M.PermLevel[] = ["read", "write", "admin"];

export function checkGrant(repoID: unknown, uid: unknown, level: unknown): { repoID: number; uid: number; level: M.PermLevel } {
  return { repoID: v.id("repoID", repoID), uid: v.id("uid", uid), level: v.oneOf("level", level, PERM_LEVELS) };
}
