/**
 * Bearer access tokens: `sst_<uid>_<256 random bits>`. Only a SHA-256 of the token is stored, in app
 * storage (app "srcstore.serve", bucket "tokens.<uid>", key = the hash), so tokens work the same on
 * every backend, across processes, with no schema of their own. The UID in the token finds the bucket;
 * the hash is the secret part. A token's `id` (the hash's first 16 hex digits) names it for listing and
 * revoking without revealing it. Expired tokens are refused and removed when next presented.
 * A user's tokens all go (revokeAll) when their password changes, an admin disables them, or they are
 * deleted: a token taken with the old password must not outlive the change, nor come back when a
 * disabled account is enabled again.
 */
import type { Stores } from "../stores.ts";
import type { StorageScope, User } from "../model.ts";
import { isStoreError } from "../errors.ts";
import { randomToken, sha256Hex } from "../secrets.ts";
import { badRequest, unauthenticated } from "./http-error.ts";

export const TOKEN_APP = "srcstore.serve";
/** 30 days by default; at least a minute, at most a year. */
export const DEFAULT_TTL_S = 30 * 24 * 3600;
export const MIN_TTL_S = 60;
export const MAX_TTL_S = 365 * 24 * 3600;

export interface TokenInfo {
  id: string;
  note: string;
  createdAt: string;
  expiresAt: string;
}

const scopeOf = (uid: number): StorageScope => ({ app: TOKEN_APP, bucket: `tokens.${uid}` });
const TOKEN = /^sst_([1-9]\d{0,15})_([A-Za-z0-9_-]{43})$/;
const enc = new TextEncoder(), dec = new TextDecoder();
/** One answer for every token that does not get in, so none tells whether it ever existed. */
const UNKNOWN_TOKEN = "the bearer token is unknown, revoked or expired";

export async function createToken(stores: Stores, uid: number, now: Date, o: { note?: unknown; expiresInSeconds?: unknown }): Promise<TokenInfo & { token: string }> {
  const ttl = o.expiresInSeconds ?? DEFAULT_TTL_S;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < MIN_TTL_S || ttl > MAX_TTL_S) {
    throw badRequest(`expiresInSeconds: must be an integer ${MIN_TTL_S}..${MAX_TTL_S}`, "expiresInSeconds");
  }
  const note = o.note ?? "";
  if (typeof note !== "string" || note.length > 200) throw badRequest("note: must be a string of at most 200 characters", "note");
  const token = `sst_${uid}_${randomToken()}`;
  const hash = await sha256Hex(token);
  const info: TokenInfo = { id: hash.slice(0, 16), note, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttl * 1000).toISOString() };
  await stores.appStorage.putNoOverwrite(scopeOf(uid), hash, enc.encode(JSON.stringify(info)));
  return { token, ...info };
}

/** The token's user; 401 for a malformed, unknown, revoked or expired token, or a disabled or deleted user. */
export async function authenticate(stores: Stores, token: string, now: Date): Promise<User> {
  const m = TOKEN.exec(token);
  if (!m) throw unauthenticated("the bearer token is malformed");
  const uid = Number(m[1]);
  const hash = await sha256Hex(token);
  let info: TokenInfo;
  try {
    info = JSON.parse(dec.decode(await stores.appStorage.get(scopeOf(uid), hash)));
  } catch (e) {
    if (isStoreError(e, "not_found")) throw unauthenticated(UNKNOWN_TOKEN);
    throw e;
  }
  // Written as "not after now", so a record without a readable expiry is refused, not kept forever.
  if (!(Date.parse(info.expiresAt) > now.getTime())) {
    await stores.appStorage.delete(scopeOf(uid), hash).catch(() => undefined);
    throw unauthenticated(UNKNOWN_TOKEN);
  }
  let user: User;
  try {
    user = await stores.users.get(uid);
  } catch (e) {
    if (isStoreError(e, "not_found")) throw unauthenticated(UNKNOWN_TOKEN);
    throw e;
  }
  if (user.disabled) throw unauthenticated("this account is disabled");
  return user;
}

/** The user's unexpired tokens, oldest first. */
export async function listTokens(stores: Stores, uid: number, now: Date): Promise<TokenInfo[]> {
  const out: TokenInfo[] = [];
  for (const key of await stores.appStorage.list(scopeOf(uid))) {
    try {
      const info: TokenInfo = JSON.parse(dec.decode(await stores.appStorage.get(scopeOf(uid), key)));
      if (Date.parse(info.expiresAt) > now.getTime()) out.push(info);
    } catch (e) {
      if (!isStoreError(e, "not_found")) throw e; // revoked meanwhile
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Revokes the user's token with this id; false when there is none. */
export async function revokeToken(stores: Stores, uid: number, id: string): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(id)) return false;
  for (const key of await stores.appStorage.list(scopeOf(uid))) {
    if (dec.decode(key).startsWith(id)) {
      try {
        await stores.appStorage.delete(scopeOf(uid), key);
        return true;
      } catch (e) {
        if (isStoreError(e, "not_found")) return false;
        throw e;
      }
    }
  }
  return false;
}

/**
 * Revokes every token of the user (their bucket). Callers change the password, set the disabled flag
 * or delete the user first, then revoke: a sign-in still running on the old state can then only slip
 * a token in during that moment (deleteBucket may miss a key put while it runs), never after it.
 */
export async function revokeAll(stores: Stores, uid: number): Promise<void> {
  await stores.appStorage.deleteBucket(scopeOf(uid));
}
