/**
 * Registered OAuth clients on the fs backend. Layout under oauth-clients/:
 *   id/<seg(id)>.json              the record, with `secretHash` ("$sha256$<salt>$<hash>", or "" for
 *                                  a client that authenticates with its JWKS)
 *   index/<seg(id)>                one file per client: list() reads only these names
 *   type/<seg(type)>/<seg(id)>     the same, per type, for list({ type })
 * An index file is empty, or holds {"id": ...} when seg() had to hash a long ID (the name then
 * cannot be decoded, so list() reads that one file). Every change runs under the "oauth-clients" lock;
 * list() first finishes a transaction a killed process left unfinished (ctx.settle).
 */
import type * as M from "../model.ts";
import type { OAuthClientsStore } from "../stores.ts";
import { alreadyExists, notFound } from "../errors.ts";
import { afterKey, decodeCursor, loadPage, sortByKey } from "../cursor.ts";
import type { FsCtx } from "./context.ts";
import type { Tx } from "./tx.ts";
import { toBytes } from "./json.ts";
import { isHashed, seg, unseg } from "./names.ts";
import { checkClientList, checkClientUpdate, checkCredentials, checkNewClient, clientID } from "../input/oauth-clients.ts";
import { decoySecretHash, hashClientSecret, verifyClientSecret } from "../secrets.ts";

interface ClientRecord extends M.RegisteredClient {
  secretHash: string;
}

const LOCK = "oauth-clients";
const EMPTY = new Uint8Array(0);

/** Where the client's record is; other stores read it to check that a client exists. */
export const clientPath = async (id: string): Promise<string> => `oauth-clients/id/${await seg(id)}.json`;
const typeDir = async (type: string) => `oauth-clients/type/${await seg(type)}`;

/**
 * When the client with exactly this ID was registered, or undefined when there is none: a client
 * deleted and registered again has another time, so what was made for the old one can tell.
 */
export async function clientCreatedAt(ctx: FsCtx, id: string): Promise<Date | undefined> {
  const rec = await ctx.readJson<ClientRecord>(await clientPath(id));
  return rec?.id === id ? rec.createdAt : undefined;
}

function toClient(r: ClientRecord): M.RegisteredClient {
  const { secretHash: _, ...client } = r;
  return { ...client, redirectURIs: [...client.redirectURIs] };
}

const described = (id: string) => `OAuth client ${JSON.stringify(id)}`;

class FsOAuthClients implements OAuthClientsStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async create(input: M.NewClient): Promise<M.RegisteredClient> {
    const { secret, ...c } = checkNewClient(input);
    const secretHash = secret === undefined ? "" : await hashClientSecret(secret);
    const path = await clientPath(c.id);
    const name = await seg(c.id);
    const entry = isHashed(name) ? toBytes({ id: c.id }) : EMPTY;
    const tdir = await typeDir(c.type);
    return this.#c.tx(LOCK, async (tx) => {
      if (await tx.read(path)) throw alreadyExists(described(c.id));
      const now = this.#c.now();
      const rec: ClientRecord = { ...c, hasSecret: secretHash !== "", createdAt: now, updatedAt: now, secretHash };
      tx.putJson(path, rec);
      tx.put(`oauth-clients/index/${name}`, entry);
      tx.put(`${tdir}/${name}`, entry);
      return toClient(rec);
    });
  }

  async get(id: string): Promise<M.RegisteredClient> {
    clientID("id", id);
    const rec = await this.#c.readJson<ClientRecord>(await clientPath(id));
    if (rec?.id !== id) throw notFound(described(id));
    return toClient(rec);
  }

  async getByCredentials(id: string, secret: string): Promise<M.RegisteredClient> {
    const cred = checkCredentials(id, secret);
    const rec = await this.#c.readJson<ClientRecord>(await clientPath(cred.id));
    // Every path does one read, one hash and one comparison: timing does not tell whether the ID
    // exists or has a secret.
    const real = rec !== undefined && rec.id === cred.id && rec.secretHash !== "";
    const ok = await verifyClientSecret(cred.secret, real ? rec.secretHash : await decoySecretHash());
    if (!ok || !real) throw notFound("OAuth client with these credentials");
    return toClient(rec);
  }

  async update(id: string, update: M.ClientUpdate): Promise<M.RegisteredClient> {
    clientID("id", id);
    const patch = checkClientUpdate(update);
    const path = await clientPath(id);
    const name = await seg(id);
    return this.#c.tx(LOCK, async (tx) => {
      const old = await txRecord(tx, path, id);
      const rec: ClientRecord = { ...old, ...patch, updatedAt: this.#c.now() };
      tx.putJson(path, rec);
      if (rec.type !== old.type) {
        const entry = isHashed(name) ? toBytes({ id }) : EMPTY;
        tx.remove(`${await typeDir(old.type)}/${name}`);
        tx.put(`${await typeDir(rec.type)}/${name}`, entry);
      }
      return toClient(rec);
    });
  }

  async delete(id: string): Promise<void> {
    clientID("id", id);
    const path = await clientPath(id);
    const name = await seg(id);
    await this.#c.tx(LOCK, async (tx) => {
      const old = await txRecord(tx, path, id);
      tx.remove(`${await typeDir(old.type)}/${name}`);
      tx.remove(`oauth-clients/index/${name}`);
      tx.remove(path);
    });
  }

  async list(options: M.ClientListOptions = {}): Promise<M.Page<M.RegisteredClient>> {
    const o = checkClientList(options);
    const kind = "oauth-clients:id:asc";
    const after = decodeCursor(o.cursor, kind, 1);
    const dir = o.type === undefined ? "oauth-clients/index" : await typeDir(o.type);
    await this.#c.settle(LOCK);
    const ids: string[] = [];
    for (const name of await this.#c.fs.list(dir)) {
      const id = isHashed(name) ? (await this.#c.readJson<{ id: string }>(`${dir}/${name}`))?.id : unseg(name);
      if (id !== undefined) ids.push(id);
    }
    const keyOf = (id: string) => [id];
    sortByKey(ids, keyOf);
    return loadPage(afterKey(ids, keyOf, after), {
      limit: o.limit,
      kind,
      keyOf,
      // The record decides: an entry of a type the client no longer has (an update being applied, or
      // left half-applied by a crash) is skipped.
      load: async (id) => {
        const rec = await this.#c.readJson<ClientRecord>(await clientPath(id));
        return rec?.id === id && (o.type === undefined || rec.type === o.type) ? toClient(rec) : undefined;
      },
    });
  }
}

async function txRecord(tx: Tx, path: string, id: string): Promise<ClientRecord> {
  const rec = await tx.readJson<ClientRecord>(path);
  if (rec?.id !== id) throw notFound(described(id));
  return rec;
}

export function makeOAuthClients(ctx: FsCtx): OAuthClientsStore {
  return new FsOAuthClients(ctx);
}
