/**
 * External auth tokens on PostgreSQL: table external_tokens (migrations/0002_accounts.sql), one row
 * per (uid, host, client ID), deleted with the user (ON DELETE CASCADE). Every call is one statement:
 * set() an upsert (the last writer wins) of the selected user, delete() one DELETE. The token is a credential the contract
 * returns, stored as given; it never appears in a message.
 */
import type * as M from "../model.ts";
import type { ExternalTokensStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import { checkExternalToken, checkTokenKey, type TokenKey } from "../input/external-tokens.ts";
import type { PgCtx } from "./context.ts";

interface TokenRow {
  uid: number;
  host: string;
  client_id: string;
  token: string;
  scope: string;
  updated_at: Date;
  [k: string]: unknown;
}

const COLS = "uid, host, client_id, token, scope, updated_at";
// Selects the user: a missing one (or one deleted meanwhile) writes no row.
const SQL_SET = `INSERT INTO external_tokens (uid, host, client_id, token, scope, updated_at) SELECT uid, $2, $3, $4, $5, $6 FROM users WHERE uid = $1
  ON CONFLICT (uid, host, client_id) DO UPDATE SET token = EXCLUDED.token, scope = EXCLUDED.scope, updated_at = EXCLUDED.updated_at
  RETURNING ${COLS}`;
const SQL_GET = `SELECT ${COLS} FROM external_tokens WHERE uid = $1 AND host = $2 AND client_id = $3`;
const SQL_DELETE = "DELETE FROM external_tokens WHERE uid = $1 AND host = $2 AND client_id = $3 RETURNING uid";

const toToken = (r: TokenRow): M.ExternalToken => ({
  uid: r.uid,
  host: r.host,
  clientID: r.client_id,
  token: r.token,
  scope: r.scope,
  updatedAt: new Date(r.updated_at.getTime()),
});

const described = (k: TokenKey) => `external token of user ${k.uid} for ${k.host} client ${JSON.stringify(k.clientID)}`;

class PgExternalTokens implements ExternalTokensStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async set(input: Omit<M.ExternalToken, "updatedAt">): Promise<M.ExternalToken> {
    const t = checkExternalToken(input);
    const [row] = await this.#c.query<TokenRow>(SQL_SET, [t.uid, t.host, t.clientID, t.token, t.scope, this.#c.now()]);
    if (!row) throw notFound(`user ${t.uid}`);
    return toToken(row);
  }

  async get(uid: number, host: string, clientID: string): Promise<M.ExternalToken> {
    const k = checkTokenKey(uid, host, clientID);
    const [row] = await this.#c.query<TokenRow>(SQL_GET, [k.uid, k.host, k.clientID]);
    if (!row) throw notFound(described(k));
    return toToken(row);
  }

  async delete(uid: number, host: string, clientID: string): Promise<void> {
    const k = checkTokenKey(uid, host, clientID);
    const rows = await this.#c.query(SQL_DELETE, [k.uid, k.host, k.clientID]);
    if (rows.length === 0) throw notFound(described(k));
  }
}

export function makeExternalTokens(ctx: PgCtx): ExternalTokensStore {
  return new PgExternalTokens(ctx);
}
