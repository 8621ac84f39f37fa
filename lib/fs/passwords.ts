/**
 * Passwords and reset tokens on the fs backend, kept with the users. Layout under users/:
 *   password/<uid>.json          {"hash": "$pbkdf2-sha256$i=600000$<salt>$<hash>", "updatedAt": ...}
 *   reset/<sha256 hex of token>.json
 *                                {"uid": n, "createdAt": ..., "expiresAt": ...}: one reset token
 * Every change runs under the "users" lock, the lock of users.ts, whose delete() removes
 * password/<uid>.json: a delete and a set() never interleave. Hashes are PBKDF2-SHA256 strings that
 * any backend verifies (lib/secrets.ts); a weaker stored hash is upgraded on the next good check().
 * Tokens are stored by their SHA-256 only; a spent, expired or orphaned token file is removed.
 */
import type * as M from "../model.ts";
import type { PasswordsStore } from "../stores.ts";
import { isStoreError, notFound } from "../errors.ts";
import * as v from "../validate.ts";
import { decoyPasswordHash, hashPassword, needsRehash, randomToken, sha256Hex, verifyPassword } from "../secrets.ts";
import { checkReset, checkResetOptions } from "../input/passwords.ts";
import { type FsCtx, userPath } from "./context.ts";
import { num } from "./names.ts";

interface PasswordRecord {
  hash: string;
  updatedAt: Date;
}

interface ResetRecord {
  uid: number;
  createdAt: Date;
  expiresAt: Date;
}

const LOCK = "users";
const passwordPath = (uid: number) => `users/password/${num(uid)}.json`;
const resetPath = (tokenHash: string) => `users/reset/${tokenHash}.json`;

export function makePasswords(ctx: FsCtx): PasswordsStore {
  return new FsPasswords(ctx);
}

export class FsPasswords implements PasswordsStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async set(uid: number, password: string): Promise<void> {
    v.id("uid", uid);
    const pw = v.password("password", password);
    await this.#c.mustHaveUser(uid); // before the slow hash
    const hash = await hashPassword(pw);
    await this.#c.tx(LOCK, async (tx) => {
      if (!(await tx.read(userPath(uid)))) throw notFound(`user ${uid}`);
      tx.putJson(passwordPath(uid), { hash, updatedAt: this.#c.now() } satisfies PasswordRecord);
    });
  }

  async check(uid: number, password: string): Promise<boolean> {
    v.id("uid", uid);
    const pw = v.password("password", password);
    const rec = await this.#c.readJson<PasswordRecord>(passwordPath(uid));
    // Without a password, verify against a decoy: a missing user costs as long as a wrong password.
    const ok = await verifyPassword(pw, rec?.hash ?? decoyPasswordHash());
    if (!rec || !ok) return false;
    if (needsRehash(rec.hash)) await this.#upgrade(uid, pw, rec.hash);
    return true;
  }

  async requestReset(uid: number, options?: { ttlSeconds?: number }): Promise<M.ResetToken> {
    v.id("uid", uid);
    const { ttlSeconds } = checkResetOptions(options);
    const token = randomToken();
    const path = resetPath(await sha256Hex(token));
    return this.#c.tx(LOCK, async (tx) => {
      if (!(await tx.read(userPath(uid)))) throw notFound(`user ${uid}`);
      const now = this.#c.now();
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
      tx.putJson(path, { uid, createdAt: now, expiresAt } satisfies ResetRecord);
      return { token, uid, expiresAt };
    });
  }

  async reset(token: string, newPassword: string): Promise<number> {
    const r = checkReset(token, newPassword);
    const path = resetPath(await sha256Hex(r.token));
    // Cheap checks first, so a dead token costs no hashing; the transaction checks again.
    const seen = await this.#c.readJson<ResetRecord>(path);
    if (!seen) throw notFound("reset token");
    if (await this.#dead(seen, (p) => this.#c.fs.readFile(p))) {
      await this.#c.tx(LOCK, async (tx) => {
        const rec = await tx.readJson<ResetRecord>(path);
        if (rec && (await this.#dead(rec, (p) => tx.read(p)))) tx.remove(path);
      });
      throw notFound("reset token");
    }
    const hash = await hashPassword(r.password);
    // The token is spent in the transaction that sets the password: of racing callers one wins.
    const uid = await this.#c.tx(LOCK, async (tx) => {
      const rec = await tx.readJson<ResetRecord>(path);
      if (!rec) return undefined;
      tx.remove(path);
      if (await this.#dead(rec, (p) => tx.read(p))) return undefined; // commit the removal, then fail
      tx.putJson(passwordPath(rec.uid), { hash, updatedAt: this.#c.now() } satisfies PasswordRecord);
      return rec.uid;
    });
    if (uid === undefined) throw notFound("reset token");
    return uid;
  }

  /** Expired (valid until, not at, expiresAt), or its user is gone. */
  async #dead(rec: ResetRecord, read: (path: string) => Promise<Uint8Array | undefined>): Promise<boolean> {
    return this.#c.now().getTime() >= rec.expiresAt.getTime() || !(await read(userPath(rec.uid)));
  }

  /** Re-hashes at today's cost, unless the password changed meanwhile. Best effort: check() stays true. */
  async #upgrade(uid: number, password: string, old: string): Promise<void> {
    try {
      const hash = await hashPassword(password);
      await this.#c.tx(LOCK, async (tx) => {
        const cur = await tx.readJson<PasswordRecord>(passwordPath(uid));
        if (cur?.hash === old) tx.putJson(passwordPath(uid), { ...cur, hash } satisfies PasswordRecord);
      });
    } catch (e) {
      if (!isStoreError(e)) throw e;
    }
  }
}
