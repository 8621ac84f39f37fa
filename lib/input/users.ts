/** Checks of user inputs, shared by every backend. */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

const PROFILE = ["name", "avatarURL", "location", "company", "homepageURL", "admin", "write"] as const;

export type CheckedNewUser = Required<M.NewUser>;

export function checkNewUser(u: M.NewUser): CheckedNewUser {
  const o = v.object("user", u);
  v.knownKeys("user", o, ["login", ...PROFILE]);
  return {
    login: v.login("login", u.login),
    name: v.optText("name", u.name, 255),
    avatarURL: v.url("avatarURL", u.avatarURL),
    location: v.optText("location", u.location, 255),
    company: v.optText("company", u.company, 255),
    homepageURL: v.url("homepageURL", u.homepageURL),
    admin: u.admin === undefined ? false : v.bool("admin", u.admin),
    write: u.write === undefined ? false : v.bool("write", u.write),
  };
}

export function checkUserUpdate(u: M.UserUpdate): M.UserUpdate {
  const o = v.object("update", u);
  v.knownKeys("update", o, [...PROFILE, "disabled"]);
  const out: M.UserUpdate = {};
  if (u.name !== undefined) out.name = v.text("name", u.name, 255);
  if (u.avatarURL !== undefined) out.avatarURL = v.url("avatarURL", u.avatarURL);
  if (u.location !== undefined) out.location = v.text("location", u.location, 255);
  if (u.company !== undefined) out.company = v.text("company", u.company, 255);
  if (u.homepageURL !== undefined) out.homepageURL = v.url("homepageURL", u.homepageURL);
  if (u.admin !== undefined) out.admin = v.bool("admin", u.admin);
  if (u.write !== undefined) out.write = v.bool("write", u.write);
  if (u.disabled !== undefined) out.disabled = v.bool("disabled", u.disabled);
  return out;
}

/** Sorted by lower-cased address; at most one primary; no duplicates (case-insensitively). */
export function checkEmails(emails: M.EmailAddr[]): M.EmailAddr[] {
  if (!Array.isArray(emails)) throw invalid("emails", "must be an array");
  if (emails.length > 100) throw invalid("emails", "must have at most 100 addresses");
  const seen = new Set<string>();
  const out = emails.map((e, i) => {
    const o = v.object(`emails[${i}]`, e);
    v.knownKeys(`emails[${i}]`, o, ["email", "verified", "primary"]);
    const email = v.email(`emails[${i}].email`, e.email);
    if (seen.has(email.toLowerCase())) throw invalid(`emails[${i}].email`, "is listed twice");
    seen.add(email.toLowerCase());
    return {
      email,
      verified: e.verified === undefined ? false : v.bool(`emails[${i}].verified`, e.verified),
      primary: e.primary === undefined ? false : v.bool(`emails[${i}].primary`, e.primary),
    };
  });
  if (out.filter((e) => e.primary).length > 1) throw invalid("emails", "must have at most one primary address");
  return out.sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : 1));
}

/** The `match` of getByEmail(): by default only a verified address matches, primary or not. */
export function checkEmailMatch(match: unknown): { verified: boolean; primary: boolean } {
  if (match === undefined) return { verified: true, primary: false };
  const o = v.object("match", match);
  v.knownKeys("match", o, ["verified", "primary"]);
  return {
    verified: o.verified === undefined ? true : v.bool("match.verified", o.verified),
    primary: o.primary === undefined ? false : v.bool("match.primary", o.primary),
  };
}

export interface CheckedUserList {
  query: string | undefined;
  sort: "login" | "uid" | "registered";
  direction: M.SortDirection;
  includeDisabled: boolean;
  limit: number;
  cursor: string | undefined;
}

export function checkUserList(o: M.UserListOptions): CheckedUserList {
  v.knownKeys("options", v.object("options", o), ["query", "sort", "direction", "includeDisabled", "limit", "cursor"]);
  return {
    query: o.query === undefined ? undefined : v.text("query", o.query, 255),
    sort: o.sort === undefined ? "login" : v.oneOf("sort", o.sort, ["login", "uid", "registered"] as const),
    direction: o.direction === undefined ? "asc" : v.oneOf("direction", o.direction, ["asc", "desc"] as const),
    includeDisabled: o.includeDisabled === undefined ? false : v.bool("includeDisabled", o.includeDisabled),
    limit: v.limit(o.limit),
    cursor: o.cursor === undefined ? undefined : v.text("cursor", o.cursor, 1024),
  };
}
