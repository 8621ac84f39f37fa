/** Checks of invite inputs, shared by every backend. */
import type * as M from "../model.ts";
import * as v from "../validate.ts";

export type CheckedNewInvite = Required<M.NewInvite>;

export function checkNewInvite(i: M.NewInvite): CheckedNewInvite {
  const o = v.object("invite", i);
  v.knownKeys("invite", o, ["email", "admin", "write"]);
  return {
    email: v.email("email", i.email),
    admin: i.admin === undefined ? false : v.bool("admin", i.admin),
    write: i.write === undefined ? false : v.bool("write", i.write),
  };
}

/** An invite token as given out by createOrUpdate(). */
export const checkInviteToken = (token: unknown): string => v.token("token", token);

export const checkInviteEmail = (email: unknown): string => v.email("email", email);
