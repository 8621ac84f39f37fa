/**
 * Orgs and their members (`/api/orgs`). Any signed-in user may create an org (and becomes its first
 * member), list and read orgs and their members; members and site admins change the membership; only a
 * site admin deletes an org.
 */
import type { NewOrg, Org } from "../../model.ts";
import type { Stores } from "../../stores.ts";
import { isStoreError } from "../../errors.ts";
import type { App, Ctx } from "../context.ts";
import { fields, pageOptions, pick, queryOf, readJson } from "../body.ts";
import { forbidden } from "../http-error.ts";
import { requireAdmin, requireUser } from "../access.ts";
import { byLogin, loginsOf, userByLogin } from "./users.ts";

const NEW_ORG = ["login", "name", "description"] as const;

export function orgRoutes(app: App): void {
  app.post("/api/orgs", async (c) => {
    const viewer = requireUser(c);
    const body = fields(await readJson(c), NEW_ORG);
    const stores = await c.var.deps.stores();
    const org = await stores.orgs.create(pick<NewOrg>(body, NEW_ORG));
    try {
      await stores.orgs.addMember(org.id, viewer.uid);
    } catch (e) {
      // An org nobody belongs to only an admin could manage: do not leave one behind.
      await stores.orgs.delete(org.id).catch(() => undefined);
      throw e;
    }
    return c.json(org, 201);
  });

  app.get("/api/orgs", async (c) => {
    requireUser(c);
    const { query } = queryOf(c, ["query", "limit", "cursor"]);
    const stores = await c.var.deps.stores();
    return c.json(await stores.orgs.list({ ...pageOptions(c), ...(query !== undefined ? { query } : {}) }));
  });

  app.get("/api/orgs/:login", async (c) => {
    requireUser(c);
    const stores = await c.var.deps.stores();
    return c.json(await orgByLogin(stores, c));
  });

  app.delete("/api/orgs/:login", async (c) => {
    requireAdmin(c);
    const stores = await c.var.deps.stores();
    await stores.orgs.delete((await orgByLogin(stores, c)).id);
    return c.body(null, 204);
  });

  app.get("/api/orgs/:login/members", async (c) => {
    requireUser(c);
    const stores = await c.var.deps.stores();
    const org = await orgByLogin(stores, c);
    return c.json({ items: await loginsOf(stores, await stores.orgs.listMembers(org.id)) });
  });

  // PUT is idempotent: adding a member twice is fine.
  app.put("/api/orgs/:login/members/:user", async (c) => {
    const { stores, org } = await memberOrAdmin(c);
    const user = await userByLogin(stores, c.req.param("user"));
    try {
      await stores.orgs.addMember(org.id, user.uid);
    } catch (e) {
      if (!isStoreError(e, "already_exists")) throw e;
    }
    return c.body(null, 204);
  });

  app.delete("/api/orgs/:login/members/:user", async (c) => {
    const { stores, org } = await memberOrAdmin(c);
    const user = await userByLogin(stores, c.req.param("user"));
    await stores.orgs.removeMember(org.id, user.uid); // 404 when not a member
    return c.body(null, 204);
  });
}

function orgByLogin(stores: Stores, c: Ctx): Promise<Org> {
  const login = c.req.param("login") ?? "";
  return byLogin("org", login, (l) => stores.orgs.getByLogin(l));
}

/** The `:login` org, when the caller is one of its members or a site admin: 401 anonymous, 403 others. */
async function memberOrAdmin(c: Ctx): Promise<{ stores: Stores; org: Org }> {
  const viewer = requireUser(c);
  const stores = await c.var.deps.stores();
  const org = await orgByLogin(stores, c);
  if (!viewer.admin && !(await stores.orgs.listMembers(org.id)).includes(viewer.uid)) {
    throw forbidden(`only a member of ${org.login} or a site admin may change its members`);
  }
  return { stores, org };
}
