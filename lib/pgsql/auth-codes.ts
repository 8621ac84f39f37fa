/**
 * OAuth authorization codes on PostgreSQL (table auth_codes: migrations/0003_orgs_oauth.sql), keyed
 * by the sha256 of the code; the code itself is never stored. A code's rows go with its client and
 * its user (ON DELETE CASCADE), so a deleted client or user leaves nothing to exchange, even once the
 * client ID is registered again. exchange() spends a code with one guarded UPDATE: of concurrent
 * exchanges exactly one finds it unspent. Expiry compares with ctx.now(), bound as a parameter.
 */
import type * as M from "../model.ts";
import type { AuthCodesStore } from "../stores.ts";
import { conflict, notFound } from "../errors.ts";
import { randomToken, sha256Hex } from "../secrets.ts";
import { checkExchange, checkNewAuthCode } from "../input/auth-codes.ts";
import type { PgCtx } from "./context.ts";

interface GrantRow {
  [k: string]: unknown;
  client_id: string;
  redirect_uri: string;
  scope: string;
  uid: number;
}

/** The one message for every code that cannot be exchanged, so a caller learns nothing more. */
const noCode = () => notFound("authorization code");

/** Scope tokens have no space: stored joined by single spaces, as OAuth writes them. */
const splitScope = (s: string): string[] => (s === "" ? [] : s.split(" "));

export function makeAuthCodes(ctx: PgCtx): AuthCodesStore {
  return new PgAuthCodes(ctx);
}

export class PgAuthCodes implements AuthCodesStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewAuthCode): Promise<string> {
    const c = checkNewAuthCode(input);
    const code = randomToken();
    const now = this.#c.now();
    const expiresAt = new Date(now.getTime() + c.ttlSeconds * 1000);
    // One statement: the client and the user are share-locked while the code goes in, and the
    // counts tell which one is missing.
    const [r] = await this.#c.query<{ usr: number; client: number }>(
      `WITH u AS (SELECT uid FROM users WHERE uid = $1 FOR KEY SHARE),
            c AS (SELECT id FROM oauth_clients WHERE id = $2 FOR KEY SHARE),
            ins AS (INSERT INTO auth_codes (code_hash, client_id, redirect_uri, scope, uid, created_at, expires_at)
                    SELECT $3, c.id, $4, $5, u.uid, $6, $7 FROM u, c RETURNING 1)
       SELECT (SELECT count(*) FROM u)::int AS usr, (SELECT count(*) FROM c)::int AS client,
              (SELECT count(*) FROM ins)::int AS added`,
      [c.uid, c.clientID, await sha256Hex(code), c.redirectURI, c.scope.join(" "), now, expiresAt],
    );
    if (!r || r.usr === 0) throw notFound(`user ${c.uid}`);
    if (r.client === 0) throw notFound(`OAuth client ${JSON.stringify(c.clientID)}`);
    return code;
  }

  async exchange(code: string, clientID: string, redirectURI: string): Promise<M.AuthCodeGrant> {
    const x = checkExchange(code, clientID, redirectURI);
    const hash = await sha256Hex(x.code);
    const now = this.#c.now();
    const params = [hash, x.clientID, x.redirectURI, now];
    // Valid until expires_at (exclusive). A wrong client or redirect URI is not_found even for a
    // spent code: only the party the code was made for learns that it was already used.
    const match = "code_hash = $1 AND client_id = $2 AND redirect_uri = $3 AND expires_at > $4";
    const [row] = await this.#c.query<GrantRow>(
      `UPDATE auth_codes SET spent_at = $4 WHERE ${match} AND spent_at IS NULL RETURNING client_id, redirect_uri, scope, uid`,
      params,
    );
    if (row) return { clientID: row.client_id, redirectURI: row.redirect_uri, scope: splitScope(row.scope), uid: row.uid };
    // Nothing spent: say whether it was spent already (by this or a concurrent exchange) or never usable.
    const [spent] = await this.#c.query(`SELECT 1 FROM auth_codes WHERE ${match} AND spent_at IS NOT NULL`, params);
    throw spent ? conflict("authorization code was already exchanged") : noCode();
  }

  async purgeExpired(): Promise<number> {
    const [r] = await this.#c.query<{ n: number }>(
      "WITH d AS (DELETE FROM auth_codes WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d",
      [this.#c.now()],
    );
    return r?.n ?? 0;
  }
}
