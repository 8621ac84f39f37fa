/** Checks of OAuth authorization code inputs, shared by every backend. */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";
import { clientID, redirectURI } from "./oauth-clients.ts";

/** Lifetime of a code when none is given: ten minutes (RFC 6749 4.1.2 recommends at most that). */
export const DEFAULT_CODE_TTL_SECONDS = 600;
export const MAX_CODE_TTL_SECONDS = 3600;
const MAX_SCOPES = 100;

/**
 * A scope token (RFC 6749 3.3): 1-128 printable ASCII characters other than space, '"' and '\', so
 * that "openid", "user:email" and "https://example.com/auth/read" are all scopes.
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

function scope(field: string, x: unknown): string[] {
  if (!Array.isArray(x)) throw invalid(field, "must be an array of scope names");
  if (x.length > MAX_SCOPES) throw invalid(field, `must have at most ${MAX_SCOPES} scopes`);
  const seen = new Set<string>();
  return x.map((s, i) => {
    if (typeof s !== "string" || !SCOPE_TOKEN.test(s)) {
      throw invalid(`${field}[${i}]`, "must be 1-128 printable ASCII characters without space, '\"' or '\\'");
    }
    if (seen.has(s)) throw invalid(`${field}[${i}]`, "is listed twice");
    seen.add(s);
    return s;
  });
}

export type CheckedNewAuthCode = Required<M.NewAuthCode>;

export function checkNewAuthCode(c: M.NewAuthCode): CheckedNewAuthCode {
  const o = v.object("code", c);
  v.knownKeys("code", o, ["clientID", "redirectURI", "scope", "uid", "ttlSeconds"]);
  return {
    clientID: clientID("clientID", c.clientID),
    redirectURI: redirectURI("redirectURI", c.redirectURI),
    scope: scope("scope", c.scope),
    uid: v.id("uid", c.uid),
    ttlSeconds: c.ttlSeconds === undefined ? DEFAULT_CODE_TTL_SECONDS : v.int("ttlSeconds", c.ttlSeconds, 1, MAX_CODE_TTL_SECONDS),
  };
}

/** The arguments of exchange(). */
export function checkExchange(code: unknown, client: unknown, redirect: unknown): { code: string; clientID: string; redirectURI: string } {
  return {
    code: v.token("code", code),
    clientID: clientID("clientID", client),
    redirectURI: redirectURI("redirectURI", redirect),
  };
}
