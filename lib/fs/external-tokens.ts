/**
 * External auth tokens on the fs backend. Layout under external-tokens/:
 *   <uid>/<seg(host + " " + clientID)>.json    one record per (user, host, client ID)
 * A host never contains a space, so the name is unique per key. Each record is one file: set() is
 * an atomic overwrite (the last writer wins, as the contract says) and delete() one removal, so no
 * lock is taken. The token is a credential stored as given (the contract returns it): it never
 * appears in a message.
 */
import type * as M from "../model.ts";
import type { ExternalTokensStore } from "../stores.ts";
import { notFound } from "../errors.ts";
import { type FsCtx, userPath } from "./context.ts";
import { toBytes } from "./json.ts";
import { num, seg } from "./names.ts";
import { checkExternalToken, checkTokenKey, type TokenKey } from "../input/external-tokens.ts";

const userDir = (uid: number) => `external-tokens/${num(uid)}`;
const tokenPath = async (k: TokenKey) => `${userDir(k.uid)}/${await seg(`${k.host} ${k.clientID}`)}.json`;

/** Removes every token of a deleted user: credentials do not outlive their user on disk. */
export async function removeUserTokens(ctx: FsCtx, uid: number): Promise<void> {
  await ctx.fs.removeTree(userDir(uid));
}
const described = (k: TokenKey) => `external token of user ${k.uid} for ${k.host} client ${JSON.stringify(k.clientID)}`;

class FsExternalTokens implements ExternalTokensStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async set(input: Omit<M.ExternalToken, "updatedAt">): Promise<M.ExternalToken> {
    const t = checkExternalToken(input);
    await this.#mustHaveUser(t.uid);
    const rec: M.ExternalToken = { ...t, updatedAt: this.#c.now() };
    await this.#c.fs.writeFile(await tokenPath(t), toBytes(rec));
    return { ...rec };
  }

  async get(uid: number, host: string, clientID: string): Promise<M.ExternalToken> {
    const k = checkTokenKey(uid, host, clientID);
    await this.#mustHaveUser(k.uid, () => notFound(described(k)));
    const rec = await this.#c.readJson<M.ExternalToken>(await tokenPath(k));
    if (!rec || rec.uid !== k.uid || rec.host !== k.host || rec.clientID !== k.clientID) throw notFound(described(k));
    return rec;
  }

  async delete(uid: number, host: string, clientID: string): Promise<void> {
    const k = checkTokenKey(uid, host, clientID);
    if (!(await this.#c.fs.remove(await tokenPath(k)))) throw notFound(described(k));
  }

  /** Tokens of a deleted user are unreachable: the pgsql backend deletes them with the user. */
  async #mustHaveUser(uid: number, err = () => notFound(`user ${uid}`)): Promise<void> {
    if (!(await this.#c.readJson(userPath(uid)))) throw err();
  }
}

export function makeExternalTokens(ctx: FsCtx): ExternalTokensStore {
  return new FsExternalTokens(ctx);
}
