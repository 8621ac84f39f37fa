/**
 * People: the caller (`/api/user`: profile, password, emails) and everyone else by login
 * (`/api/users`). A user changes only their own profile, password and emails; a site admin may change
 * anyone's, and alone sets the admin, write and disabled flags and marks addresses verified.
 * A new password, disabling and deleting revoke all of the user's tokens (tokens.ts revokeAll).
 */
import type { EmailAddr, User, UserListOptions, UserUpdate } from "../../model.ts";
import type { Stores } from "../../stores.ts";
import { isStoreError, notFound } from "../../errors.ts";
import * as v from "../../validate.ts";
import type { App, Ctx } from "../context.ts";
import { boolQuery, fields, pageOptions, pick, queryOf, readJson } from "../body.ts";
import { badRequest, forbidden } from "../http-error.ts";
import { requireAdmin, requireUser } from "../access.ts";
import { revokeAll } from "../tokens.ts";

/** What a user may change about themself. */
const PROFILE = ["name", "avatarURL", "location", "company", "homepageURL"] as const;
/** What only a site admin may change. */
const FLAGS = ["admin", "write", "disabled"] as const;

export function userRoutes(app: App): void {
  app.get("/api/user", async (c) => {
    const viewer = requireUser(c);
    const stores = await c.var.deps.stores();
    return c.json({ ...viewer, emails: await stores.users.listEmails(viewer.uid) });
  });

  app.patch("/api/user", async (c) => {
    const viewer = requireUser(c);
    const body = fields(await readJson(c), PROFILE);
    const stores = await c.var.deps.stores();
    return c.json(await stores.users.update(viewer.uid, pick<UserUpdate>(body, PROFILE)));
  });

  app.put("/api/user/password", async (c) => {
    const viewer = requireUser(c);
    const body = fields(await readJson(c), ["oldPassword", "newPassword"]);
    const oldPassword = v.password("oldPassword", body.oldPassword);
    const newPassword = v.password("newPassword", body.newPassword);
    const stores = await c.var.deps.stores();
    // 403, not 401: the bearer token is good, the proof for this change is not.
    if (!(await stores.passwords.check(viewer.uid, oldPassword))) throw forbidden("oldPassword: wrong password");
    await stores.passwords.set(viewer.uid, newPassword);
    // Every token goes, this one too: one taken by whoever knew the old password must not outlive it.
    await revokeAll(stores, viewer.uid);
    return c.body(null, 204);
  });

  app.get("/api/user/emails", async (c) => {
    const viewer = requireUser(c);
    const stores = await c.var.deps.stores();
    return c.json({ items: await stores.users.listEmails(viewer.uid) });
  });

  app.put("/api/user/emails", async (c) => {
    const viewer = requireUser(c);
    return c.json(await putEmails(c, await c.var.deps.stores(), viewer, viewer));
  });

  app.get("/api/users", async (c) => {
    const viewer = requireUser(c);
    // A misspelt parameter is 400, not silently ignored (as everywhere under /api).
    const q = queryOf(c, ["query", "sort", "direction", "includeDisabled", "limit", "cursor"]);
    const includeDisabled = boolQuery(c, "includeDisabled");
    if (includeDisabled && !viewer.admin) throw forbidden("includeDisabled: only a site admin sees disabled users");
    // sort and direction go to the store as given: it refuses values it does not know (400).
    const options = {
      ...pageOptions(c),
      ...(q.query !== undefined ? { query: q.query } : {}),
      ...(q.sort !== undefined ? { sort: q.sort } : {}),
      ...(q.direction !== undefined ? { direction: q.direction } : {}),
      ...(includeDisabled ? { includeDisabled } : {}),
    } as UserListOptions;
    const stores = await c.var.deps.stores();
    return c.json(await stores.users.list(options));
  });

  app.get("/api/users/:login", async (c) => {
    requireUser(c);
    const stores = await c.var.deps.stores();
    return c.json(await userByLogin(stores, c.req.param("login")));
  });

  app.patch("/api/users/:login", async (c) => {
    const { viewer, stores, user } = await selfOrAdmin(c);
    const body = fields(await readJson(c), [...PROFILE, ...FLAGS]);
    const flags = FLAGS.filter((k) => body[k] !== undefined);
    if (flags.length > 0 && !viewer.admin) throw forbidden(`${flags.join(", ")}: only a site admin may set this`);
    const updated = await stores.users.update(user.uid, pick<UserUpdate>(body, [...PROFILE, ...FLAGS]));
    // Refused while disabled anyway; revoked so that enabling the account again does not revive them.
    // On every `disabled: true`, so repeating the request finishes a revocation that failed.
    if (body.disabled === true) await revokeAll(stores, user.uid);
    return c.json(updated);
  });

  app.delete("/api/users/:login", async (c) => {
    requireAdmin(c);
    const stores = await c.var.deps.stores();
    const user = await userByLogin(stores, c.req.param("login"));
    await stores.users.delete(user.uid);
    // Unusable already (authenticate finds no user); removed so nothing of the user stays behind.
    await revokeAll(stores, user.uid).catch(() => undefined);
    return c.body(null, 204);
  });

  app.get("/api/users/:login/emails", async (c) => {
    const { stores, user } = await selfOrAdmin(c);
    return c.json({ items: await stores.users.listEmails(user.uid) });
  });

  app.put("/api/users/:login/emails", async (c) => {
    const { viewer, stores, user } = await selfOrAdmin(c);
    return c.json(await putEmails(c, stores, viewer, user));
  });
}

/**
 * Replaces the user's addresses with `{items: [{email, primary?, verified?}]}`. An address stays
 * verified only if it already was; only a site admin may make one verified (a user who could would
 * claim someone else's). Others may send `verified` as it stands (what GET returned) or false.
 */
async function putEmails(c: Ctx, stores: Stores, viewer: User, user: User): Promise<{ items: EmailAddr[] }> {
  const body = fields(await readJson(c), ["items"]);
  if (!Array.isArray(body.items)) throw badRequest("items: must be an array", "items");
  const verified = new Set((await stores.users.listEmails(user.uid)).filter((e) => e.verified).map((e) => e.email.toLowerCase()));
  const items = body.items.map((item: unknown, i): EmailAddr => {
    const o = fields(v.object(`items[${i}]`, item), ["email", "primary", "verified"]);
    const email = v.email(`items[${i}].email`, o.email);
    const held = verified.has(email.toLowerCase());
    const claim = o.verified === undefined ? held : v.bool(`items[${i}].verified`, o.verified);
    if (claim && !held && !viewer.admin) throw forbidden(`items[${i}].verified: only a site admin may mark an address verified`);
    return { email, primary: o.primary === undefined ? false : v.bool(`items[${i}].primary`, o.primary), verified: claim };
  });
  await stores.users.setEmails(user.uid, items);
  return { items: await stores.users.listEmails(user.uid) };
}

/** The `:login` user, when the caller is that user or a site admin: 401 anonymous, 403 anyone else. */
async function selfOrAdmin(c: Ctx): Promise<{ viewer: User; stores: Stores; user: User }> {
  const viewer = requireUser(c);
  const stores = await c.var.deps.stores();
  const user = await userByLogin(stores, c.req.param("login"));
  if (user.uid !== viewer.uid && !viewer.admin) throw forbidden(`only ${user.login} or a site admin may do this`);
  return { viewer, stores, user };
}

/** A user named in a path; 404 when missing (also for a login that cannot exist). */
export function userByLogin(stores: Stores, login: string | undefined): Promise<User> {
  return byLogin("user", login ?? "", (l) => stores.users.getByLogin(l));
}

/**
 * Looks up a user or org by a login from the path. A malformed login names nothing, so it is 404
 * like an unknown one, not the store's invalid_input.
 */
export async function byLogin<T>(what: string, login: string, get: (login: string) => Promise<T>): Promise<T> {
  try {
    return await get(login);
  } catch (e) {
    if (isStoreError(e, "invalid_input")) throw notFound(`${what} ${JSON.stringify(login)}`);
    throw e;
  }
}

/** Lookups in flight at once when naming many users: enough to hide round trips, few enough for the pool. */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * The logins of `uids`, in their order, leaving out users deleted since the list was made (a deleted
 * user is no longer a member or grantee). Looked up several at a time: one round trip each on pgsql.
 */
export async function loginsOf(stores: Stores, uids: readonly number[]): Promise<{ uid: number; login: string }[]> {
  const found: ({ uid: number; login: string } | undefined)[] = new Array(uids.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < uids.length; i = next++) {
      try {
        found[i] = { uid: uids[i]!, login: (await stores.users.get(uids[i]!)).login };
      } catch (e) {
        if (!isStoreError(e, "not_found")) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, uids.length) }, worker));
  return found.filter((x) => x !== undefined);
}
