/**
 * App storage on the fs backend: key-value data of an app, globally or for one repo, in buckets.
 * Layout under apps/:
 *   <seg(app)>/global/<seg(bucket)>/<seg(key)>                    a key of the app's global scope
 *   <seg(app)>/repo-<num(repoID)>/<seg(bucket)>/<seg(key)>        a key of the app's scope for one repo
 * One file per key. seg() is reversible for short keys and hashed ("<prefix>~<sha256>") for long ones,
 * so every file carries its full key, framed as:
 *   4-byte big-endian key length n | n key bytes | value bytes (the rest of the file, maybe empty)
 * list() decodes plain names without reading them and reads only the hashed ones.
 *
 * No lock: every change is one file operation of the port, correct on its own. put overwrites
 * atomically (last writer wins); putNoOverwrite is an exclusive create (exactly one caller wins, across
 * processes); delete removes one file; deleteBucket removes the bucket's directory tree, retrying when
 * a concurrent put lands in it meanwhile (such a key, put after deleteBucket started, may survive).
 */
import type * as M from "../model.ts";
import type { AppStorageStore } from "../stores.ts";
import { StoreError, alreadyExists, isStoreError, notFound } from "../errors.ts";
import { checkKey, checkScope, checkValue, type CheckedScope } from "../input/app-storage.ts";
import type { FsCtx } from "./context.ts";
import { compareBytes, isHashed, num, seg, unsegBytes } from "./names.ts";

const ROOT = "apps";
/** Attempts of a write or a tree removal that a concurrent deleteBucket / put can make fail. */
const ATTEMPTS = 5;
const DELETE_BUCKET_ATTEMPTS = 20;

export function makeAppStorage(ctx: FsCtx): AppStorageStore {
  return new FsAppStorage(ctx);
}

/** How many keys are stored, from directory listings only (for `src store info`). */
export async function countAppStorageKeys(ctx: FsCtx): Promise<number> {
  let n = 0;
  for (const app of await ctx.fs.list(ROOT)) {
    for (const scope of await ctx.fs.list(`${ROOT}/${app}`)) {
      for (const bucket of await ctx.fs.list(`${ROOT}/${app}/${scope}`)) {
        n += (await ctx.fs.list(`${ROOT}/${app}/${scope}/${bucket}`)).length;
      }
    }
  }
  return n;
}

class FsAppStorage implements AppStorageStore {
  readonly #c: FsCtx;

  constructor(ctx: FsCtx) {
    this.#c = ctx;
  }

  async get(scope: M.StorageScope, key: M.StorageKey): Promise<Uint8Array> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const path = await this.#keyPath(s, k);
    const file = await this.#c.fs.readFile(path);
    if (file === undefined) throw notFound("key");
    const { key: stored, value } = unframe(path, file);
    if (compareBytes(stored, k) !== 0) throw notFound("key"); // a hash collision: not this key
    return value.slice();
  }

  async put(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const data = frame(k, checkValue(value)); // copied before any await: later changes by the caller don't count
    const path = await this.#keyPath(s, k);
    await retry(ATTEMPTS, () => this.#c.fs.writeFile(path, data));
  }

  async putNoOverwrite(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const data = frame(k, checkValue(value));
    const path = await this.#keyPath(s, k);
    let failure: unknown;
    for (let i = 0; i < ATTEMPTS; i++) {
      let created: boolean;
      try {
        created = await this.#c.fs.createExclusive(path, data);
      } catch (e) {
        if (!isStoreError(e, "unavailable")) throw e;
        failure = e; // the directory vanished under a concurrent deleteBucket: try again
        continue;
      }
      if (created) return;
      // After a failed attempt the file may be our own (created, then the port failed): say so
      // rather than claim someone else won.
      if (failure !== undefined) throw failure;
      throw alreadyExists("key");
    }
    throw failure;
  }

  async delete(scope: M.StorageScope, key: M.StorageKey): Promise<void> {
    const s = checkScope(scope);
    const k = checkKey(key);
    if (!(await this.#c.fs.remove(await this.#keyPath(s, k)))) throw notFound("key");
  }

  async deleteBucket(scope: M.StorageScope): Promise<void> {
    const s = checkScope(scope);
    const dir = await this.#bucketDir(s);
    // A put landing in the directory while it is removed makes the removal fail (not empty): the
    // next attempt removes what is there then.
    await retry(DELETE_BUCKET_ATTEMPTS, () => this.#c.fs.removeTree(dir));
  }

  async exists(scope: M.StorageScope, key: M.StorageKey): Promise<boolean> {
    const s = checkScope(scope);
    const k = checkKey(key);
    const path = await this.#keyPath(s, k);
    const file = await this.#c.fs.readFile(path);
    return file !== undefined && compareBytes(unframe(path, file).key, k) === 0;
  }

  async list(scope: M.StorageScope): Promise<Uint8Array[]> {
    const s = checkScope(scope);
    const dir = await this.#bucketDir(s);
    const keys: Uint8Array[] = [];
    for (const name of await this.#c.fs.list(dir)) {
      if (!isHashed(name)) {
        keys.push(unsegBytes(name));
        continue;
      }
      const file = await this.#c.fs.readFile(`${dir}/${name}`);
      if (file !== undefined) keys.push(unframe(`${dir}/${name}`, file).key.slice()); // else deleted meanwhile
    }
    return keys.sort(compareBytes);
  }

  /** The bucket's directory, after checking that the scope's repo exists. */
  async #bucketDir(s: CheckedScope): Promise<string> {
    let where = "global";
    if (s.repoID !== undefined) {
      await this.#c.mustHaveRepo(s.repoID);
      where = `repo-${num(s.repoID)}`;
    }
    return `${ROOT}/${await seg(s.app)}/${where}/${await seg(s.bucket)}`;
  }

  async #keyPath(s: CheckedScope, key: Uint8Array): Promise<string> {
    return `${await this.#bucketDir(s)}/${await seg(key)}`;
  }
}

/** Runs `op`, again (after i ms) when it fails as unavailable, up to `attempts` times. */
async function retry(attempts: number, op: () => Promise<unknown>): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await op();
      return;
    } catch (e) {
      if (i >= attempts || !isStoreError(e, "unavailable")) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, i));
  }
}

function frame(key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + key.length + value.length);
  new DataView(out.buffer).setUint32(0, key.length);
  out.set(key, 4);
  out.set(value, 4 + key.length);
  return out;
}

function unframe(path: string, file: Uint8Array): { key: Uint8Array; value: Uint8Array } {
  const n = file.length >= 4 ? new DataView(file.buffer, file.byteOffset, 4).getUint32(0) : -1;
  if (n < 1 || 4 + n > file.length) throw new StoreError("internal", `app storage file ${path} is not a framed key-value record`);
  return { key: file.subarray(4, 4 + n), value: file.subarray(4 + n) };
}

/**
 * Removes every app's data for a deleted repo (apps/<app>/repo-<id>), as the pgsql backend's cascade
 * does. Called once the repo record is gone, so nothing can reach these keys any more: a put that
 * checked the repo just before the delete and lands after this may leave a file, unreachable as before.
 */
export async function removeRepoAppData(ctx: FsCtx, repoID: number): Promise<void> {
  for (const app of await ctx.fs.list(ROOT)) await ctx.fs.removeTree(`${ROOT}/${app}/repo-${num(repoID)}`);
}
