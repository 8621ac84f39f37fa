/**
 * Passwords and reset tokens on PostgreSQL: tables user_passwords and password_reset_tokens
 * (migrations/0002_accounts.sql), both deleted with their user (ON DELETE CASCADE). Hashes are the
 * PBKDF2-SHA256 strings of lib/secrets.ts, verifiable by either backend; a weaker stored hash is
 * upgraded on the next good check(). Reset tokens are kept by their SHA-256 only; reset() spends the
 * token and sets the password in one statement, so of racing callers exactly one wins.
 */
import type * as M from "../model.ts";
import type { PasswordsStore } from "../stores.ts";
import { isStoreError, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { decoyPasswordHash, hashPassword, needsRehash, randomToken, sha256Hex, verifyPassword } from "../secrets.ts";
import { checkReset, checkResetOptions } from "../input/passwords.ts";
import type { PgCtx } from "./context.ts";

const SQL_HAS_USER = "SELECT 1 FROM users WHERE uid = $1";
// Writes select the user: a missing one (or one deleted meanwhile) writes no row.
const SQL_SET = `INSERT INTO user_passwords (uid, hash, updated_at) SELECT uid, $2, $3 FROM users WHERE uid = $1
  ON CONFLICT (uid) DO UPDATE SET hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at RETURNING uid`;
const SQL_HASH = "SELECT hash FROM user_passwords WHERE uid = $1";
const SQL_UPGRADE = "UPDATE user_passwords SET hash = $2 WHERE uid = $1 AND hash = $3";
// Also drops the user's expired tokens: they can never be used again.
const SQL_REQUEST = `WITH purge AS (DELETE FROM password_reset_tokens WHERE uid = $2 AND expires_at <= $3)
  INSERT INTO password_reset_tokens (token_hash, uid, created_at, expires_at) SELECT $1, uid, $3, $4 FROM users WHERE uid = $2
  RETURNING uid`;
// The live token's user; an expired one is removed on the way (as the fs backend does).
const SQL_PEEK = `WITH dead AS (DELETE FROM password_reset_tokens WHERE token_hash = $1 AND expires_at <= $2)
  SELECT uid FROM password_reset_tokens WHERE token_hash = $1 AND expires_at > $2`;
// Spends the token (live or not) and sets the password only if it was live, in one statement.
const SQL_RESET = `WITH t AS (DELETE FROM password_reset_tokens WHERE token_hash = $1 RETURNING uid, expires_at)
  INSERT INTO user_passwords (uid, hash, updated_at) SELECT t.uid, $2, $3 FROM t WHERE t.expires_at > $3
  ON CONFLICT (uid) DO UPDATE SET hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at RETURNING uid`;

class PgPasswords implements PasswordsStore {
  readonly #c: PgCtx;

  constructor(ctx: PgCtx) {
    this.#c = ctx;
  }

  async set(uid: number, password: string): Promise<void> {
    v.id("uid", uid);
    const pw = v.password("password", password);
    // Before the slow hash; the write checks again.
    if ((await this.#c.query(SQL_HAS_USER, [uid])).length === 0) throw notFound(`user ${uid}`);
    const hash = await hashPassword(pw);
    if ((await this.#c.query(SQL_SET, [uid, hash, this.#c.now()])).length === 0) throw notFound(`user ${uid}`);
  }

  async check(uid: number, password: string): Promise<boolean> {
    v.id("uid", uid);
    const pw = v.password("password", password);
    const [row] = await this.#c.query<{ hash: string }>(SQL_HASH, [uid]);
    // Without a password, verify against a decoy: a missing user costs as long as a wrong password.
    const ok = await verifyPassword(pw, row?.hash ?? decoyPasswordHash());
    if (!row || !ok) return false;
    if (needsRehash(row.hash)) await this.#upgrade(uid, pw, row.hash);
    return true;
  }

  async requestReset(uid: number, options?: { ttlSeconds?: number }): Promise<M.ResetToken> {
    v.id("uid", uid);
    const { ttlSeconds } = checkResetOptions(options);
    const token = randomToken();
    const now = this.#c.now();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    const made = await this.#c.query(SQL_REQUEST, [await sha256Hex(token), uid, now, expiresAt]);
    if (made.length === 0) throw notFound(`user ${uid}`);
    return { token, uid, expiresAt };
  }

  async reset(token: string, newPassword: string): Promise<number> {
    const r = checkReset(token, newPassword);
    const tokenHash = await sha256Hex(r.token);
    // Cheap check first, so a dead token costs no hashing; the statement below decides.
    const [seen] = await this.#c.query<{ uid: number }>(SQL_PEEK, [tokenHash, this.#c.now()]);
    if (!seen) throw notFound("reset token");
    const hash = await hashPassword(r.password);
    const uid = await this.#c.tx(async (q) => {
      // The user row first, as users.delete() takes it (then cascades to the token): no deadlock.
      if ((await q.query("SELECT 1 FROM users WHERE uid = $1 FOR KEY SHARE", [seen.uid])).length === 0) return undefined;
      const [row] = await q.query<{ uid: number }>(SQL_RESET, [tokenHash, hash, this.#c.now()]);
      return row?.uid;
    });
    if (uid === undefined) throw notFound("reset token");
    return uid;
  }

  /** Re-hashes at today's cost, unless the password changed meanwhile. Best effort: check() stays true. */
  async #upgrade(uid: number, password: string, old: string): Promise<void> {
    try {
      await this.#c.query(SQL_UPGRADE, [uid, await hashPassword(password), old]);
    } catch (e) {
      if (!isStoreError(e)) throw e;
    }
  }
}

export function makePasswords(ctx: PgCtx): PasswordsStore {
  return new PgPasswords(ctx);
}
