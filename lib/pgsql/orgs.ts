/**
 * Orgs and their members on PostgreSQL (tables orgs, org_members: migrations/0003_orgs_oauth.sql).
 * Every operation is one statement. Logins are unique by lower(login) (ASCII), which is also the list
 * order and the cursor key ("orgs:login:asc", as on fs). Memberships cascade from both the org and
 * the user, so a deleted user is no longer a member anywhere.
 */
import type * as M from "../model.ts";
import type { SqlRow, SqlValue } from "../ports/sql.ts";
import type { OrgsStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { checkNewOrg, checkOrgList } from "../input/orgs.ts";
import { likePrefix, rethrowAs, type PgCtx } from "./context.ts";

const COLS = "id, login, name, description, created_at";
const LIST_KIND = "orgs:login:asc";

interface OrgRow extends SqlRow {
  id: number;
  login: string;
  name: string;
  description: string;
  created_at: Date;
}

const toOrg = (r: OrgRow): M.Org => ({
  id: r.id, login: r.login, name: r.name, description: r.description, createdAt: new Date(r.created_at),
});

export function makeOrgs(ctx: PgCtx): OrgsStore {
  return new PgOrgs(ctx);
}

export class PgOrgs implements OrgsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewOrg): Promise<M.Org> {
    const o = checkNewOrg(input);
    const [row] = await rethrowAs(this.#c.query<OrgRow>(
      `INSERT INTO orgs (login, name, description, created_at) VALUES ($1, $2, $3, $4) RETURNING ${COLS}`,
      [o.login, o.name, o.description, this.#c.now()],
    ), "already_exists", () => alreadyExists(`org with login ${JSON.stringify(o.login)}`));
    return toOrg(row!);
  }

  async get(id: number): Promise<M.Org> {
    v.id("id", id);
    const [row] = await this.#c.query<OrgRow>(`SELECT ${COLS} FROM orgs WHERE id = $1`, [id]);
    if (!row) throw notFound(`org ${id}`);
    return toOrg(row);
  }

  async getByLogin(login: string): Promise<M.Org> {
    v.login("login", login);
    const [row] = await this.#c.query<OrgRow>(`SELECT ${COLS} FROM orgs WHERE lower(login) = $1`, [login.toLowerCase()]);
    if (!row) throw notFound(`org ${JSON.stringify(login)}`);
    return toOrg(row);
  }

  async list(options: M.OrgListOptions = {}): Promise<M.Page<M.Org>> {
    const o = checkOrgList(options);
    const after = decodeCursor(o.cursor, LIST_KIND, 1);
    const params: SqlValue[] = [o.limit + 1];
    const where: string[] = [];
    if (o.query) {
      params.push(likePrefix(o.query));
      where.push(`lower(login) LIKE $${params.length}`);
    }
    if (after !== undefined) {
      params.push(String(after[0]));
      where.push(`lower(login) > $${params.length}`);
    }
    const rows = await this.#c.query<OrgRow>(
      `SELECT ${COLS} FROM orgs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY lower(login) LIMIT $1`,
      params,
    );
    const items = rows.slice(0, o.limit).map(toOrg);
    if (rows.length <= o.limit) return { items };
    return { items, nextCursor: encodeCursor(LIST_KIND, [items[items.length - 1]!.login.toLowerCase()]) };
  }

  async delete(id: number): Promise<void> {
    v.id("id", id);
    // Memberships go with it (ON DELETE CASCADE).
    const rows = await this.#c.query("DELETE FROM orgs WHERE id = $1 RETURNING id", [id]);
    if (rows.length === 0) throw notFound(`org ${id}`);
  }

  async addMember(orgID: number, uid: number): Promise<void> {
    v.id("orgID", orgID);
    v.id("uid", uid);
    // One statement: the org and the user are share-locked while the row goes in; an existing
    // membership (or a concurrent insert of it, once committed) inserts nothing.
    const [r] = await this.#c.query<{ org: number; usr: number; added: number }>(
      `WITH o AS (SELECT id FROM orgs WHERE id = $1 FOR KEY SHARE),
            u AS (SELECT uid FROM users WHERE uid = $2 FOR KEY SHARE),
            ins AS (INSERT INTO org_members (org_id, uid) SELECT o.id, u.uid FROM o, u
                    ON CONFLICT DO NOTHING RETURNING 1)
       SELECT (SELECT count(*) FROM o)::int AS org, (SELECT count(*) FROM u)::int AS usr,
              (SELECT count(*) FROM ins)::int AS added`,
      [orgID, uid],
    );
    if (!r || r.org === 0) throw notFound(`org ${orgID}`);
    if (r.usr === 0) throw notFound(`user ${uid}`);
    if (r.added === 0) throw alreadyExists(`membership of user ${uid} in org ${orgID}`);
  }

  async removeMember(orgID: number, uid: number): Promise<void> {
    v.id("orgID", orgID);
    v.id("uid", uid);
    const rows = await this.#c.query("DELETE FROM org_members WHERE org_id = $1 AND uid = $2 RETURNING uid", [orgID, uid]);
    if (rows.length === 0) throw notFound(`membership of user ${uid} in org ${orgID}`);
  }

  async listMembers(orgID: number): Promise<number[]> {
    v.id("orgID", orgID);
    const rows = await this.#c.query<{ uid: number | null }>(
      `SELECT m.uid FROM orgs o LEFT JOIN org_members m ON m.org_id = o.id WHERE o.id = $1 ORDER BY m.uid`,
      [orgID],
    );
    if (rows.length === 0) throw notFound(`org ${orgID}`);
    return rows.filter((r) => r.uid !== null).map((r) => r.uid!);
  }

  async listForUser(uid: number): Promise<M.Org[]> {
    v.id("uid", uid);
    const rows = await this.#c.query<{ found: number } & Partial<OrgRow>>(
      `SELECT 1 AS found, o.id, o.login, o.name, o.description, o.created_at
         FROM users u LEFT JOIN (org_members m JOIN orgs o ON o.id = m.org_id) ON m.uid = u.uid
        WHERE u.uid = $1 ORDER BY lower(o.login)`,
      [uid],
    );
    if (rows.length === 0) throw notFound(`user ${uid}`);
    return rows.filter((r) => r.id != null).map((r) => toOrg(r as OrgRow));
  }
}
