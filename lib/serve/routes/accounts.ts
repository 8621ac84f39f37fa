/**
 * Getting in: sign-up (`POST /api/accounts`), bearer tokens from login + password (`/api/tokens`) and
 * the invites sign-up needs (`/api/invites`, site admin). The first account becomes the site admin;
 * later ones need an invite token or a site admin. Sign-up writes all or nothing: a user whose
 * password or email is refused is deleted again, and an invite whose user was not made is released.
 */
import type { NewInvite, NewUser, User } from "../../model.ts";
import type { Stores } from "../../stores.ts";
import { isStoreError, notFound, StoreError } from "../../errors.ts";
import * as v from "../../validate.ts";
import { checkNewUser } from "../../input/users.ts";
import { checkNewInvite } from "../../input/invites.ts";
import { decoyPasswordHash, verifyPassword } from "../../secrets.ts";
import type { App, Ctx } from "../context.ts";
import { fields, pick, readJson } from "../body.ts";
import { badRequest, forbidden, unauthenticated } from "../http-error.ts";
import { requireAdmin, requireUser } from "../access.ts";
import { createToken, listTokens, revokeToken, TOKEN_APP } from "../tokens.ts";

/** Where the first sign-up claims the site admin; the key is created once, by exactly one caller. */
const SETUP = { app: TOKEN_APP, bucket: "setup" };
const FIRST_ADMIN = "first-admin";
const INVITE = ["email", "admin", "write"] as const;

export function accountRoutes(app: App): void {
  app.post("/api/accounts", async (c) => c.json(await signUp(c), 201));

  app.post("/api/tokens", async (c) => {
    const body = fields(await readJson(c), ["login", "password", "note", "expiresInSeconds"]);
    if (typeof body.login !== "string") throw badRequest("login: must be a string", "login");
    const password = v.password("password", body.password);
    const stores = await c.var.deps.stores();
    const user = await signIn(stores, body.login, password);
    const token = await createToken(stores, user.uid, c.var.deps.clock(), { note: body.note, expiresInSeconds: body.expiresInSeconds });
    return c.json(token, 201);
  });

  app.get("/api/tokens", async (c) => {
    const viewer = requireUser(c);
    return c.json({ items: await listTokens(await c.var.deps.stores(), viewer.uid, c.var.deps.clock()) });
  });

  app.delete("/api/tokens/:id", async (c) => {
    const viewer = requireUser(c);
    const id = c.req.param("id");
    if (!(await revokeToken(await c.var.deps.stores(), viewer.uid, id))) throw notFound(`token ${JSON.stringify(id)}`);
    return c.body(null, 204);
  });

  app.post("/api/invites", async (c) => {
    requireAdmin(c);
    const invite = checkNewInvite(pick<NewInvite>(fields(await readJson(c), INVITE), INVITE));
    const stores = await c.var.deps.stores();
    // A sign-up with this invite would fail on the address another user has: say so now, not then.
    const owner = await stores.users.getByEmail(invite.email, { verified: false }).catch((e: unknown) => {
      if (isStoreError(e, "not_found")) return undefined;
      throw e;
    });
    if (owner) throw new StoreError("already_exists", `email: ${invite.email} belongs to user ${owner.login}`, { field: "email" });
    const token = await stores.invites.createOrUpdate(invite);
    return c.json({ token, ...invite }, 201);
  });

  app.get("/api/invites", async (c) => {
    requireAdmin(c);
    return c.json({ items: await (await c.var.deps.stores()).invites.list() });
  });

  app.delete("/api/invites/:email", async (c) => {
    requireAdmin(c);
    await (await c.var.deps.stores()).invites.deleteByEmail(c.req.param("email"));
    return c.body(null, 204);
  });
}

/**
 * `{login, password, email?, name?, inviteToken?, admin?, write?}`. Everything is checked before the
 * first write, so a bad value spends no invite and claims no first-admin slot.
 */
async function signUp(c: Ctx): Promise<User> {
  const body = fields(await readJson(c), ["login", "password", "email", "name", "inviteToken", "admin", "write"]);
  const viewer = c.var.viewer;
  if ((body.admin !== undefined || body.write !== undefined) && !viewer?.admin) throw forbidden("admin, write: only a site admin may set these");
  const user = checkNewUser(pick<NewUser>(body, ["login", "name", "admin", "write"]));
  const password = v.password("password", body.password);
  const email = body.email === undefined ? undefined : v.email("email", body.email);
  const stores = await c.var.deps.stores();

  if (body.inviteToken !== undefined) {
    const token = v.token("inviteToken", body.inviteToken);
    const invite = await stores.invites.retrieve(token); // 404 unknown, 409 used
    try {
      if (email !== undefined && email.toLowerCase() !== invite.email.toLowerCase()) {
        throw badRequest(`email: the invite is for ${invite.email}; leave email out or send that address`, "email");
      }
      // The invite's flags, unless a site admin signing the user up says otherwise.
      const admin = body.admin === undefined ? invite.admin : user.admin;
      const write = body.write === undefined ? invite.write : user.write;
      return await createAccount(stores, { ...user, admin, write }, password, invite.email);
    } catch (e) {
      await stores.invites.markUnused(token).catch(() => undefined);
      throw e;
    }
  }
  if (viewer?.admin) return createAccount(stores, user, password, email);
  if (await claimFirstAdmin(stores, user.login, c.var.deps.clock())) {
    try {
      return await createAccount(stores, { ...user, admin: true }, password, email);
    } catch (e) {
      // Give the slot back, so a corrected first sign-up can still take it.
      await stores.appStorage.delete(SETUP, FIRST_ADMIN).catch(() => undefined);
      throw e;
    }
  }
  throw forbidden("sign-up needs an invite token or an admin");
}

/**
 * True for the one caller who may make the first account: only while no user exists, and across
 * processes exactly one of concurrent callers (putNoOverwrite), so two first sign-ups at once cannot
 * both become admin. The claim stays after success: later sign-ups need an invite or an admin.
 */
async function claimFirstAdmin(stores: Stores, login: string, now: Date): Promise<boolean> {
  if ((await stores.users.count({ includeDisabled: true })) > 0) return false;
  const claim = new TextEncoder().encode(JSON.stringify({ login, at: now.toISOString() }));
  try {
    await stores.appStorage.putNoOverwrite(SETUP, FIRST_ADMIN, claim);
    return true;
  } catch (e) {
    if (isStoreError(e, "already_exists")) return false;
    throw e;
  }
}

/**
 * Creates the user with a password and, when given, a primary address, verified because an invite or a
 * site admin vouches for it (the first account is the site admin itself). All or nothing.
 */
async function createAccount(stores: Stores, user: NewUser, password: string, email: string | undefined): Promise<User> {
  const created = await stores.users.create(user);
  try {
    await stores.passwords.set(created.uid, password);
    if (email !== undefined) await stores.users.setEmails(created.uid, [{ email, verified: true, primary: true }]);
  } catch (e) {
    await stores.users.delete(created.uid).catch(() => undefined);
    throw e;
  }
  return created;
}

/**
 * The user of login + password; 401 with one message for an unknown login and a wrong password, after
 * the same work (an unknown login is checked against a decoy hash), so neither tells which logins exist.
 */
async function signIn(stores: Stores, login: string, password: string): Promise<User> {
  let user: User | undefined;
  try {
    user = await stores.users.getByLogin(login);
  } catch (e) {
    if (!isStoreError(e, "not_found") && !isStoreError(e, "invalid_input")) throw e;
  }
  const ok = user ? await stores.passwords.check(user.uid, password) : await verifyPassword(password, decoyPasswordHash());
  if (!user || !ok) throw unauthenticated("wrong login or password");
  if (user.disabled) throw unauthenticated("this account is disabled");
  return user;
}
