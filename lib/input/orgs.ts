/** Checks of org inputs, shared by every backend. */
import type * as M from "../model.ts";
import * as v from "../validate.ts";

export type CheckedNewOrg = Required<M.NewOrg>;

export function checkNewOrg(o: M.NewOrg): CheckedNewOrg {
  v.knownKeys("org", v.object("org", o), ["login", "name", "description"]);
  return {
    login: v.login("login", o.login),
    name: v.optText("name", o.name, 255),
    description: v.optText("description", o.description, 1024),
  };
}

export interface CheckedOrgList {
  /** Lower-cased. */
  query: string | undefined;
  limit: number;
  cursor: string | undefined;
}

export function checkOrgList(o: M.OrgListOptions): CheckedOrgList {
  v.knownKeys("options", v.object("options", o), ["query", "limit", "cursor"]);
  return {
    query: o.query === undefined ? undefined : v.text("query", o.query, 255).toLowerCase(),
    limit: v.limit(o.limit),
    cursor: o.cursor === undefined ? undefined : v.text("cursor", o.cursor, 1024),
  };
}
