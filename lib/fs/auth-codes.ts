/**
 * OAuth authorization codes on the fs backend. Layout under oauth-codes/:
 *   code/<sha256 hex of the code>.json      the grant, `expiresAt`, and `spentAt` once exchanged
 *   expiry/<expires ms, 15 digits>.<sha256 hex>
 *                                           one empty file per code: purgeExpired() reads only names
 * The code itself is never stored. Every change (create, the exchange that spends a code, the purge)
 * runs under the "oauth-codes" lock, so of concurrent exchanges of one code exactly one spends it.
 */
import type * as M from "../model.ts";
import type { AuthCodesStore } from "../stores.ts";
import { conflict, notFound } from "../errors.ts";
import { randomToken, sha256Hex } from "../secrets.ts";
import { type FsCtx, userPath } from "./context.ts";
import { clientCreatedAt } from "./oauth-clients.ts";
import { checkExchange, checkNewAuthCode } from "../input/auth-codes.ts";

interface CodeRecord extends M.AuthCodeGrant {
  /** The client's registration time: a client deleted and registered again does not get the code. */
  clientCreatedAt: Date;
  createdAt: Date;
  expiresAt: Date;
  spentAt: Date | null;
}

const LOCK = "oauth-codes";
const EMPTY = new Uint8Array(0);
const codePath = (hash: string) => `oauth-codes/code/${hash}.json`;
const EXPIRY_DIR = "oauth-codes/expiry";
const expiryName = (expiresAt: Date, hash: string) => `${String(expiresAt.getTime()).padStart(15, "0")}.${hash}`;
const EXPIRY = /^(\d{15})\.([0-9a-f]{64})$/;

/** The one message for every code that cannot be exchanged, so a caller learns nothing more. */
const noCode = () => notFound("authorization code");

class FsAuthCodes implements AuthCodesStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewAuthCode): Promise<string> {
    const c = checkNewAuthCode(input);
    await this.#c.mustHaveUser(c.uid);
    const clientCreated = await clientCreatedAt(this.#c, c.clientID);
    if (!clientCreated) throw notFound(`OAuth client ${JSON.stringify(c.clientID)}`);
    const code = randomToken();
    const hash = await sha256Hex(code);
    await this.#c.tx(LOCK, async (tx) => {
      const now = this.#c.now();
      const expiresAt = new Date(now.getTime() + c.ttlSeconds * 1000);
      const rec: CodeRecord = {
        clientID: c.clientID, redirectURI: c.redirectURI, scope: c.scope, uid: c.uid,
        clientCreatedAt: clientCreated, createdAt: now, expiresAt, spentAt: null,
      };
      tx.putJson(codePath(hash), rec);
      tx.put(`${EXPIRY_DIR}/${expiryName(expiresAt, hash)}`, EMPTY);
    });
    return code;
  }

  async exchange(code: string, clientID: string, redirectURI: string): Promise<M.AuthCodeGrant> {
    const x = checkExchange(code, clientID, redirectURI);
    const hash = await sha256Hex(x.code);
    return this.#c.tx(LOCK, async (tx) => {
      const rec = await tx.readJson<CodeRecord>(codePath(hash));
      const now = this.#c.now();
      // A wrong client or redirect URI is not_found even for a spent code: only the party the code
      // was made for learns that it was already used.
      if (!rec || rec.clientID !== x.clientID || rec.redirectURI !== x.redirectURI || now >= rec.expiresAt) throw noCode();
      if (rec.spentAt) throw conflict("authorization code was already exchanged");
      const clientCreated = await clientCreatedAt(this.#c, rec.clientID);
      if (clientCreated?.getTime() !== rec.clientCreatedAt.getTime()) throw noCode();
      if (!(await this.#c.readJson(userPath(rec.uid)))) throw noCode();
      tx.putJson(codePath(hash), { ...rec, spentAt: now });
      return { clientID: rec.clientID, redirectURI: rec.redirectURI, scope: [...rec.scope], uid: rec.uid };
    });
  }

  async purgeExpired(): Promise<number> {
    return this.#c.tx(LOCK, async (tx) => {
      const now = this.#c.now().getTime();
      let n = 0;
      for (const name of await tx.list(EXPIRY_DIR)) {
        const m = EXPIRY.exec(name);
        if (!m || Number(m[1]) > now) continue;
        tx.remove(`${EXPIRY_DIR}/${name}`);
        tx.remove(codePath(m[2]!));
        n++;
      }
      return n;
    });
  }
}

export function makeAuthCodes(ctx: FsCtx): AuthCodesStore {
  return new FsAuthCodes(ctx);
}
