/**
 * Invites on the fs backend. Layout under invites/:
 *   email/<seg(lower email)>.json    the record: the invite and `tokenHash` (sha256 hex of its token)
 *   token/<sha256 hex of the token>  claim of the current token: {"email": lower email}
 * The token is never stored. A replaced invite's old claim is removed, and every lookup by token
 * also checks the record's `tokenHash`, so an old token never matches. Every change runs under the
 * "invites" lock, so of concurrent retrieve() calls of one token exactly one marks it in use.
 */
import type * as M from "../model.ts";
import type { InvitesStore } from "../stores.ts";
import { conflict, notFound } from "../errors.ts";
import { randomToken, sha256Hex } from "../secrets.ts";
import type { FsCtx } from "./context.ts";
import type { Tx } from "./tx.ts";
import { seg } from "./names.ts";
import { checkInviteEmail, checkInviteToken, checkNewInvite } from "../input/invites.ts";

interface InviteRecord extends M.Invite {
  tokenHash: string;
}

const LOCK = "invites";
const EMAIL_DIR = "invites/email";
const emailPath = async (email: string) => `${EMAIL_DIR}/${await seg(email.toLowerCase())}.json`;
const tokenPath = (hash: string) => `invites/token/${hash}`;

function toInvite(r: InviteRecord): M.Invite {
  const { tokenHash: _, ...invite } = r;
  return invite;
}

const noInvite = () => notFound("invite");

class FsInvites implements InvitesStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async createOrUpdate(input: M.NewInvite): Promise<string> {
    const i = checkNewInvite(input);
    const token = randomToken();
    const tokenHash = await sha256Hex(token);
    const path = await emailPath(i.email);
    await this.#c.tx(LOCK, async (tx) => {
      const old = await tx.readJson<InviteRecord>(path);
      const rec: InviteRecord = { ...i, inUse: false, createdAt: this.#c.now(), tokenHash };
      tx.putJson(path, rec);
      if (old) tx.remove(tokenPath(old.tokenHash));
      tx.putJson(tokenPath(tokenHash), { email: i.email.toLowerCase() });
    });
    return token;
  }

  async retrieve(token: string): Promise<M.Invite> {
    const hash = await sha256Hex(checkInviteToken(token));
    return this.#c.tx(LOCK, async (tx) => {
      const { path, rec } = await byToken(tx, hash);
      if (rec.inUse) throw conflict("invite is already in use");
      const used: InviteRecord = { ...rec, inUse: true };
      tx.putJson(path, used);
      return toInvite(used);
    });
  }

  async markUnused(token: string): Promise<void> {
    const hash = await sha256Hex(checkInviteToken(token));
    await this.#c.tx(LOCK, async (tx) => {
      const { path, rec } = await byToken(tx, hash);
      if (rec.inUse) tx.putJson(path, { ...rec, inUse: false });
    });
  }

  async delete(token: string): Promise<void> {
    const hash = await sha256Hex(checkInviteToken(token));
    await this.#c.tx(LOCK, async (tx) => {
      const { path } = await byToken(tx, hash);
      tx.remove(tokenPath(hash));
      tx.remove(path);
    });
  }

  async deleteByEmail(email: string): Promise<void> {
    const path = await emailPath(checkInviteEmail(email));
    await this.#c.tx(LOCK, async (tx) => {
      const rec = await tx.readJson<InviteRecord>(path);
      if (!rec) throw notFound(`invite for ${JSON.stringify(email)}`);
      tx.remove(tokenPath(rec.tokenHash));
      tx.remove(path);
    });
  }

  async list(): Promise<M.Invite[]> {
    await this.#c.settle(LOCK);
    const out: M.Invite[] = [];
    for (const name of await this.#c.fs.list(EMAIL_DIR)) {
      const rec = await this.#c.readJson<InviteRecord>(`${EMAIL_DIR}/${name}`);
      if (rec) out.push(toInvite(rec));
    }
    const key = (i: M.Invite) => i.email.toLowerCase();
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
}

/** The invite whose current token has this hash, or not_found. */
async function byToken(tx: Tx, hash: string): Promise<{ path: string; rec: InviteRecord }> {
  const claim = await tx.readJson<{ email: string }>(tokenPath(hash));
  const path = claim && (await emailPath(claim.email));
  const rec = path && (await tx.readJson<InviteRecord>(path));
  if (!path || !rec || rec.tokenHash !== hash) throw noInvite();
  return { path, rec };
}

export function makeInvites(ctx: FsCtx): InvitesStore {
  return new FsInvites(ctx);
}
