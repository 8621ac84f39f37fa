/**
 * Registered OAuth clients on PostgreSQL (table oauth_clients: migrations/0003_orgs_oauth.sql). The
 * secret is kept only as the salted hash of lib/secrets.ts and never selected into a client; redirect
 * URIs are a JSON array. list() pages by ID (cursor kind "oauth-clients:id:asc", as on fs, for the
 * list of every type and of one type alike). Deleting a client deletes its codes (auth_codes cascade).
 * JSON goes in as text cast to jsonb ($n::text::jsonb): a $n typed jsonb would be JSON-encoded again
 * by the driver.
 */
import type * as M from "../model.ts";
import type { SqlRow, SqlValue } from "../ports/sql.ts";
import type { OAuthClientsStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { checkClientList, checkClientUpdate, checkCredentials, checkNewClient, clientID } from "../input/oauth-clients.ts";
import { decoySecretHash, hashClientSecret, verifyClientSecret } from "../secrets.ts";
import { rethrowAs, type PgCtx } from "./context.ts";

/** Every column of a client but the secret's hash; redirect_uris as JSON text (whatever the driver's json parsing). */
const COLS = `id, name, description, client_uri, redirect_uris::text AS redirect_uris, type, jwks,
  secret_hash IS NOT NULL AS has_secret, created_at, updated_at`;
const LIST_KIND = "oauth-clients:id:asc";

interface ClientRow extends SqlRow {
  id: string;
  name: string;
  description: string;
  client_uri: string;
  redirect_uris: string;
  type: string;
  jwks: string;
  has_secret: boolean;
  created_at: Date;
  updated_at: Date;
}

const toClient = (r: ClientRow): M.RegisteredClient => ({
  id: r.id,
  name: r.name,
  description: r.description,
  clientURI: r.client_uri,
  redirectURIs: JSON.parse(r.redirect_uris) as string[],
  type: r.type,
  jwks: r.jwks,
  hasSecret: r.has_secret,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const described = (id: string) => `OAuth client ${JSON.stringify(id)}`;

export function makeOAuthClients(ctx: PgCtx): OAuthClientsStore {
  return new PgOAuthClients(ctx);
}

export class PgOAuthClients implements OAuthClientsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewClient): Promise<M.RegisteredClient> {
    const { secret, ...c } = checkNewClient(input);
    const secretHash = secret === undefined ? null : await hashClientSecret(secret);
    const now = this.#c.now();
    const [row] = await rethrowAs(this.#c.query<ClientRow>(
      `INSERT INTO oauth_clients (id, secret_hash, jwks, name, description, client_uri, redirect_uris, type, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $9) RETURNING ${COLS}`,
      [c.id, secretHash, c.jwks, c.name, c.description, c.clientURI, JSON.stringify(c.redirectURIs), c.type, now],
    ), "already_exists", () => alreadyExists(described(c.id)));
    return toClient(row!);
  }

  async get(id: string): Promise<M.RegisteredClient> {
    clientID("id", id);
    const [row] = await this.#c.query<ClientRow>(`SELECT ${COLS} FROM oauth_clients WHERE id = $1`, [id]);
    if (!row) throw notFound(described(id));
    return toClient(row);
  }

  async getByCredentials(id: string, secret: string): Promise<M.RegisteredClient> {
    const cred = checkCredentials(id, secret);
    const [row] = await this.#c.query<ClientRow & { secret_hash: string | null }>(
      `SELECT ${COLS}, secret_hash FROM oauth_clients WHERE id = $1`,
      [cred.id],
    );
    // Every path does one query, one hash and one comparison: timing does not tell whether the ID
    // exists or has a secret.
    const real = row !== undefined && row.secret_hash !== null;
    const ok = await verifyClientSecret(cred.secret, real ? row.secret_hash! : await decoySecretHash());
    if (!ok || !real) throw notFound("OAuth client with these credentials");
    return toClient(row);
  }

  async update(id: string, update: M.ClientUpdate): Promise<M.RegisteredClient> {
    clientID("id", id);
    const u = checkClientUpdate(update);
    // A field not given is bound as NULL and keeps its value.
    const [row] = await this.#c.query<ClientRow>(
      `UPDATE oauth_clients SET
         name = COALESCE($2::text, name), description = COALESCE($3::text, description),
         client_uri = COALESCE($4::text, client_uri), redirect_uris = COALESCE($5::text::jsonb, redirect_uris),
         type = COALESCE($6::text, type), jwks = COALESCE($7::text, jwks), updated_at = $8
       WHERE id = $1 RETURNING ${COLS}`,
      [
        id, u.name ?? null, u.description ?? null, u.clientURI ?? null,
        u.redirectURIs === undefined ? null : JSON.stringify(u.redirectURIs), u.type ?? null, u.jwks ?? null, this.#c.now(),
      ],
    );
    if (!row) throw notFound(described(id));
    return toClient(row);
  }

  async delete(id: string): Promise<void> {
    clientID("id", id);
    // Its codes go with it (ON DELETE CASCADE), so a client registered again later never gets them.
    const rows = await this.#c.query("DELETE FROM oauth_clients WHERE id = $1 RETURNING id", [id]);
    if (rows.length === 0) throw notFound(described(id));
  }

  async list(options: M.ClientListOptions = {}): Promise<M.Page<M.RegisteredClient>> {
    const o = checkClientList(options);
    const after = decodeCursor(o.cursor, LIST_KIND, 1);
    const params: SqlValue[] = [o.limit + 1];
    const where: string[] = [];
    if (o.type !== undefined) {
      params.push(o.type);
      where.push(`type = $${params.length}`);
    }
    if (after !== undefined) {
      params.push(String(after[0]));
      where.push(`id > $${params.length}`);
    }
    const rows = await this.#c.query<ClientRow>(
      `SELECT ${COLS} FROM oauth_clients ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT $1`,
      params,
    );
    const items = rows.slice(0, o.limit).map(toClient);
    if (rows.length <= o.limit) return { items };
    return { items, nextCursor: encodeCursor(LIST_KIND, [items[items.length - 1]!.id]) };
  }
}
