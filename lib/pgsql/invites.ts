/**
 * Invites on PostgreSQL (table invites: migrations/0003_orgs_oauth.sql): one row per lower-cased
 * email, holding the sha256 of its current token only. Replacing an invite replaces the hash, so the
 * old token matches nothing. Every change is one statement; retrieve() flips in_use with a guarded
 * UPDATE, so of concurrent calls exactly one sees the row not in use.
 */
import type * as M from "../model.ts";
import type { SqlRow } from "../ports/sql.ts";
import type { InvitesStore } from "../stores.ts";
import { conflict, notFound } from "../errors.ts";
import { randomToken, sha256Hex } from "../secrets.ts";
import { checkInviteEmail, checkInviteToken, checkNewInvite } from "../input/invites.ts";
import type { PgCtx } from "./context.ts";

const COLS = "email, admin, write, in_use, created_at";

interface InviteRow extends SqlRow {
  email: string;
  admin: boolean;
  write: boolean;
  in_use: boolean;
  created_at: Date;
}

const toInvite = (r: InviteRow): M.Invite => ({
  email: r.email, admin: r.admin, write: r.write, inUse: r.in_use, createdAt: new Date(r.created_at),
});

const noInvite = () => notFound("invite");

export function makeInvites(ctx: PgCtx): InvitesStore {
  return new PgInvites(ctx);
}

export class PgInvites implements InvitesStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async createOrUpdate(input: M.NewInvite): Promise<string> {
    const i = checkNewInvite(input);
    const token = randomToken();
    await this.#c.query(
      `INSERT INTO invites (email_lower, email, admin, write, in_use, created_at, token_hash)
       VALUES ($1, $2, $3, $4, false, $5, $6)
       ON CONFLICT (email_lower) DO UPDATE SET email = excluded.email, admin = excluded.admin, write = excluded.write,
         in_use = false, created_at = excluded.created_at, token_hash = excluded.token_hash`,
      [i.email.toLowerCase(), i.email, i.admin, i.write, this.#c.now(), await sha256Hex(token)],
    );
    return token;
  }

  async retrieve(token: string): Promise<M.Invite> {
    const hash = await sha256Hex(checkInviteToken(token));
    const [row] = await this.#c.query<InviteRow>(
      `UPDATE invites SET in_use = true WHERE token_hash = $1 AND NOT in_use RETURNING ${COLS}`,
      [hash],
    );
    if (row) return toInvite(row);
    // Nothing changed: the token is unknown, or its invite is in use already.
    const [cur] = await this.#c.query("SELECT 1 FROM invites WHERE token_hash = $1", [hash]);
    throw cur ? conflict("invite is already in use") : noInvite();
  }

  async markUnused(token: string): Promise<void> {
    const hash = await sha256Hex(checkInviteToken(token));
    const rows = await this.#c.query("UPDATE invites SET in_use = false WHERE token_hash = $1 RETURNING 1", [hash]);
    if (rows.length === 0) throw noInvite();
  }

  async delete(token: string): Promise<void> {
    const hash = await sha256Hex(checkInviteToken(token));
    const rows = await this.#c.query("DELETE FROM invites WHERE token_hash = $1 RETURNING 1", [hash]);
    if (rows.length === 0) throw noInvite();
  }

  async deleteByEmail(email: string): Promise<void> {
    checkInviteEmail(email);
    const rows = await this.#c.query("DELETE FROM invites WHERE email_lower = $1 RETURNING 1", [email.toLowerCase()]);
    if (rows.length === 0) throw notFound(`invite for ${JSON.stringify(email)}`);
  }

  async list(): Promise<M.Invite[]> {
    const rows = await this.#c.query<InviteRow>(`SELECT ${COLS} FROM invites ORDER BY email_lower`);
    // The fs order exactly (code units of the lower-cased address), where it differs from UTF-8 bytes.
    const key = (r: InviteRow) => r.email.toLowerCase();
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map(toInvite);
  }
}
