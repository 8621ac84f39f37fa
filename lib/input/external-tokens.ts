/**
 * Checks of external auth token inputs, shared by every backend. The token is a credential: no
 * message ever contains it (or any other value given).
 */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";
import { clientID } from "./oauth-clients.ts";

const MAX_TOKEN = 8192;

/**
 * A host as URL.host gives it: a lower-case DNS name or IP address (IPv6 in brackets), optionally
 * with ":port". Upper case is refused rather than folded, so a key is never silently changed.
 */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

export function host(field: string, x: unknown): string {
  const m = typeof x === "string" && x.length <= 261 ? HOST.exec(x) : null;
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) {
    throw invalid(field, "must be a lower-case host name or IP address, optionally with :port");
  }
  return x as string;
}

export interface TokenKey {
  uid: number;
  host: string;
  clientID: string;
}

export function checkTokenKey(uid: unknown, h: unknown, client: unknown): TokenKey {
  return { uid: v.id("uid", uid), host: host("host", h), clientID: clientID("clientID", client) };
}

export type CheckedExternalToken = Omit<M.ExternalToken, "updatedAt">;

export function checkExternalToken(t: Omit<M.ExternalToken, "updatedAt">): CheckedExternalToken {
  const o = v.object("externalToken", t);
  v.knownKeys("externalToken", o, ["uid", "host", "clientID", "token", "scope"]);
  const key = checkTokenKey(t.uid, t.host, t.clientID);
  if (typeof t.token !== "string" || t.token.length === 0 || t.token.length > MAX_TOKEN) {
    throw invalid("token", `must be a string of 1-${MAX_TOKEN} characters`);
  }
  if (/[\x00-\x1f\x7f]/.test(t.token)) throw invalid("token", "must not contain control characters");
  return { ...key, token: t.token, scope: v.text("scope", t.scope, 1024) };
}
