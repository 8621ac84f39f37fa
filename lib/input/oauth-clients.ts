/** Checks of OAuth client inputs, shared by every backend (secrets are hashed in lib/secrets.ts). */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

/** The type of a client created without one. */
export const DEFAULT_CLIENT_TYPE = "other";
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 512;
const MAX_JWKS = 64 * 1024;
const MAX_REDIRECT_URIS = 100;

/** RFC 6749 VSCHAR: printable ASCII, space included (but not at either end). */
const CLIENT_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/;

/** A client ID: 1-128 printable ASCII characters, not starting or ending with a space. */
export function clientID(field: string, x: unknown): string {
  if (typeof x !== "string" || !CLIENT_ID.test(x)) {
    throw invalid(field, "must be 1-128 printable ASCII characters, not starting or ending with a space");
  }
  return x;
}

/** Schemes whose URLs run code in a browser: never a place to send a code to. */
const SCRIPT_SCHEMES = new Set(["javascript:", "data:", "vbscript:"]);

/**
 * A redirect URI: an absolute URL of at most 2048 characters without whitespace or fragment
 * (RFC 6749 3.1.2). Any scheme is allowed (native apps use private-use schemes and loopback http,
 * RFC 8252) except javascript:, data: and vbscript:. Kept exactly as given: codes are matched on
 * the exact string.
 */
export function redirectURI(field: string, x: unknown): string {
  const s = v.text(field, x, 2048, { required: true });
  if (/\s/.test(s)) throw invalid(field, "must not contain whitespace");
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw invalid(field, "must be an absolute URL");
  }
  if (SCRIPT_SCHEMES.has(u.protocol)) throw invalid(field, "must not use the javascript:, data: or vbscript: scheme");
  if (s.includes("#")) throw invalid(field, "must not have a fragment");
  return s;
}

function redirectURIs(field: string, x: unknown): string[] {
  if (!Array.isArray(x)) throw invalid(field, "must be an array");
  if (x.length > MAX_REDIRECT_URIS) throw invalid(field, `must have at most ${MAX_REDIRECT_URIS} URIs`);
  const seen = new Set<string>();
  return x.map((u, i) => {
    const s = redirectURI(`${field}[${i}]`, u);
    if (seen.has(s)) throw invalid(`${field}[${i}]`, "is listed twice");
    seen.add(s);
    return s;
  });
}

/** A client secret: 16-512 characters. Never echoed in a message. */
export function clientSecret(field: string, x: unknown): string {
  if (typeof x !== "string" || x.length < MIN_SECRET_LENGTH || x.length > MAX_SECRET_LENGTH) {
    throw invalid(field, `must be ${MIN_SECRET_LENGTH}-${MAX_SECRET_LENGTH} characters`);
  }
  return x;
}

/** Members of a JWK that hold private or symmetric key material (RFC 7518 section 6). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** A JWK Set (RFC 7517 section 5) as JSON text: {"keys": [...]} with at least one public key. */
export function jwks(field: string, x: unknown): string {
  const s = v.text(field, x, MAX_JWKS, { multiline: true, required: true });
  let set: unknown;
  try {
    set = JSON.parse(s);
  } catch {
    throw invalid(field, "must be a JSON Web Key Set (JSON text)");
  }
  const keys = isObject(set) ? set.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => isObject(k) && typeof k.kty === "string")) {
    throw invalid(field, 'must be a JSON Web Key Set: {"keys": [...]} with at least one key, each with "kty"');
  }
  if (keys.some((k) => PRIVATE_MEMBERS.some((m) => m in k))) throw invalid(field, "must hold public keys only");
  return s;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

export interface CheckedNewClient {
  id: string;
  /** Undefined for a client that authenticates with its JWKS. */
  secret: string | undefined;
  jwks: string;
  name: string;
  description: string;
  clientURI: string;
  redirectURIs: string[];
  type: string;
}

export function checkNewClient(c: M.NewClient): CheckedNewClient {
  const o = v.object("client", c);
  v.knownKeys("client", o, ["id", "secret", "jwks", "name", "description", "clientURI", "redirectURIs", "type"]);
  const id = clientID("id", c.id);
  if ((c.secret === undefined) === (c.jwks === undefined)) throw invalid("client", "must have exactly one of secret and jwks");
  return {
    id,
    secret: c.secret === undefined ? undefined : clientSecret("secret", c.secret),
    jwks: c.jwks === undefined ? "" : jwks("jwks", c.jwks),
    name: v.optText("name", c.name, 255),
    description: v.optText("description", c.description, 4096, { multiline: true }),
    clientURI: v.url("clientURI", c.clientURI),
    redirectURIs: c.redirectURIs === undefined ? [] : redirectURIs("redirectURIs", c.redirectURIs),
    type: c.type === undefined ? DEFAULT_CLIENT_TYPE : v.name("type", c.type),
  };
}

/** Every field but the secret; `jwks` may be replaced by another key set, not removed. */
export function checkClientUpdate(u: M.ClientUpdate): M.ClientUpdate {
  const o = v.object("update", u);
  if ("secret" in o) throw invalid("update.secret", "cannot be changed: delete the client and create it again");
  v.knownKeys("update", o, ["name", "description", "clientURI", "redirectURIs", "type", "jwks"]);
  const out: M.ClientUpdate = {};
  if (u.name !== undefined) out.name = v.text("name", u.name, 255);
  if (u.description !== undefined) out.description = v.text("description", u.description, 4096, { multiline: true });
  if (u.clientURI !== undefined) out.clientURI = v.url("clientURI", u.clientURI);
  if (u.redirectURIs !== undefined) out.redirectURIs = redirectURIs("redirectURIs", u.redirectURIs);
  if (u.type !== undefined) out.type = v.name("type", u.type);
  if (u.jwks !== undefined) out.jwks = jwks("jwks", u.jwks);
  return out;
}

export interface CheckedClientList {
  type: string | undefined;
  limit: number;
  cursor: string | undefined;
}

export function checkClientList(o: M.ClientListOptions): CheckedClientList {
  v.knownKeys("options", v.object("options", o), ["type", "limit", "cursor"]);
  return {
    type: o.type === undefined ? undefined : v.name("type", o.type),
    limit: v.limit(o.limit),
    cursor: o.cursor === undefined ? undefined : v.text("cursor", o.cursor, 1024),
  };
}

/** The arguments of getByCredentials(). A secret too short to be one is not an error: it matches nothing. */
export function checkCredentials(id: unknown, secret: unknown): { id: string; secret: string } {
  const checkedID = clientID("id", id);
  if (typeof secret !== "string" || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
    throw invalid("secret", `must be a string of 1-${MAX_SECRET_LENGTH} characters`);
  }
  return { id: checkedID, secret };
}
