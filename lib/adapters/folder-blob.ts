/**
 * BlobPort on a local folder, written on the FS port so that it runs wherever one does (nodeFs,
 * denoFs, memoryFs). Key "a/b/c" is the file a/b/c under the port's root.
 * Usage: `const blob = folderBlob(nodeFs("/srv/sg/graphstore"));`
 *
 * - put is FsPort.writeFile: temp file, fsync, rename, fsync of the folder: whole and durable.
 * - get with a range reads the whole file and slices it: not a partial read (objects are small).
 * - list walks only the folder the prefix names (up to its last "/"), one directory at a time, in
 *   UTF-8 byte order of the keys, without reading a tree the prefix leaves out.
 * - delete removes the files, then prunes the folders left empty with rmdir, which fails on a folder
 *   holding anything: a folder a concurrent put just wrote into survives, and a put whose new folder
 *   was pruned under it tries again.
 *
 * What a folder cannot hold (S3 can): keys under "tmp/", in any case (the port's temp files live in
 * <root>/tmp; refused, never listed) and segments over 255 UTF-8 bytes (file name limit): invalid_input "key",
 * before any I/O. A key that is also the folder of other keys ("a" next to "a/b"): unsupported.
 * Case-insensitive or normalizing filesystems (macOS) would merge keys that differ only so. POSIX
 * only, as the FS port's disk adapters are: names Windows refuses (":", "CON"...) are not checked.
 * Keys never leave the folder (no "..", leading "/" or backslash); symbolic links someone else put
 * in it are not listed, but get, put and delete follow them as any path: the folder is trusted as
 * $SGPATH is.
 * Needs FsPort.entries and removeDir (the posix, Node, Deno and memory adapters have them).
 */
import type { BlobEntry, BlobPort, BlobRange } from "../ports/blob.ts";
import type { FsEntry, FsPort } from "../ports/fs.ts";
import { checkBlobData, checkBlobKey, checkBlobPrefix, checkBlobRange, sliceRange } from "../blob-key.ts";
import { StoreError, invalid } from "../errors.ts";

const TMP = "tmp";
const MAX_SEGMENT_BYTES = 255;
const PUT_ATTEMPTS = 3;
/** Keys per FsPort.writeBatch in delete: one fsync per folder per batch. */
const DELETE_BATCH = 500;
const enc = new TextEncoder();

export function folderBlob(fs: FsPort): BlobPort {
  if (!fs.entries || !fs.removeDir) {
    throw new StoreError("unsupported", `${fs.location}: this FS adapter cannot list entries or remove folders, which a blob folder needs`);
  }
  return new FolderBlob(fs, fs.entries.bind(fs), fs.removeDir.bind(fs));
}

type Entries = (path: string) => Promise<FsEntry[] | undefined>;

class FolderBlob implements BlobPort {
  readonly location: string;
  readonly #fs: FsPort;
  readonly #entries: Entries;
  readonly #removeDir: (path: string) => Promise<boolean>;

  constructor(fs: FsPort, entries: Entries, removeDir: (path: string) => Promise<boolean>) {
    this.location = fs.location;
    this.#fs = fs;
    this.#entries = entries;
    this.#removeDir = removeDir;
  }

  async get(key: string, range?: BlobRange): Promise<Uint8Array | undefined> {
    checkKey(key);
    const r = checkBlobRange(range);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#fs.readFile(key);
    } catch (e) {
      // "a" next to "a/b" is a folder, not an object: reading it fails (EISDIR).
      if ((await this.#entries(key).catch(() => undefined)) !== undefined) return undefined;
      throw e;
    }
    // The port's bytes are the caller's already; only a range is copied, to let the rest go.
    return bytes === undefined || r === undefined ? bytes : sliceRange(bytes, r);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    checkBlobData(data);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#fs.writeFile(key, data);
      } catch (e) {
        const clash = await this.#clash(key).catch(() => undefined);
        if (clash !== undefined) throw new StoreError("unsupported", clash, { cause: e });
        // A delete pruned the new folder between the port creating it and moving the file in.
        const parentGone = (await this.#entries(parentOf(key)).catch(() => [])) === undefined;
        if (attempt < PUT_ATTEMPTS && parentGone) continue;
        throw e;
      }
    }
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    checkBlobPrefix(prefix);
    const cut = prefix.lastIndexOf("/");
    const dir = cut < 0 ? "" : prefix.slice(0, cut);
    // A folder no valid key lies in ("a/../", "tmp/") holds nothing to list.
    if (dir !== "" && !dir.split("/").every((s, i) => isSegment(s) && !(i === 0 && isTmp(s)))) return;
    yield* this.#walk(dir, prefix.slice(cut + 1));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) checkKey(k);
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += DELETE_BATCH) {
      const batch = unique.slice(i, i + DELETE_BATCH);
      try {
        await this.#fs.writeBatch(batch.map((k) => [k, null]));
      } catch {
        // A key naming a folder fails the batch: one by one, skipping folders.
        for (const k of batch) {
          await this.#fs.remove(k).catch(async (e: unknown) => {
            if ((await this.#entries(k).catch(() => undefined)) === undefined) throw e;
          });
        }
      }
    }
    await this.#prune(unique);
  }

  async close(): Promise<void> {}

  /** The keys under folder `dir` whose next segment starts with `start`, in UTF-8 byte order. */
  async *#walk(dir: string, start: string): AsyncGenerator<BlobEntry> {
    const found = await this.#entries(dir);
    if (found === undefined) return;
    // A folder's keys all start with "name/": sorting it as that string orders it among the files.
    const items = found
      .filter((e) => e.kind !== "other" && e.name.startsWith(start) && !(dir === "" && isTmp(e.name)))
      .map((e) => ({ e, order: enc.encode(e.kind === "dir" ? `${e.name}/` : e.name) }))
      .sort((a, b) => compareBytes(a.order, b.order));
    for (const { e } of items) {
      const key = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.kind === "dir") yield* this.#walk(key, "");
      else if (isKey(key)) yield { key, size: e.size };
    }
  }

  /** Removes the folders of `keys` left empty, deepest first; never the root. Best effort. */
  async #prune(keys: string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const k of keys) for (let d = parentOf(k); d !== "" && !dirs.has(d); d = parentOf(d)) dirs.add(d);
    const deepestFirst = [...dirs].sort((a, b) => depth(b) - depth(a));
    for (const d of deepestFirst) await this.#removeDir(d).catch(() => false);
  }

  /** Why `key` cannot be a file here, when it is a folder or below a file; undefined otherwise. */
  async #clash(key: string): Promise<string | undefined> {
    if ((await this.#entries(key)) !== undefined) {
      return `cannot store ${JSON.stringify(key)} in folder ${this.location}: it is the folder of other keys`;
    }
    const parts = key.split("/");
    for (let i = 1; i < parts.length; i++) {
      const above = parts.slice(0, i).join("/");
      const kind = (await this.#entries(parts.slice(0, i - 1).join("/")))?.find((e) => e.name === parts[i - 1])?.kind;
      if (kind === undefined) return undefined;
      if (kind === "file") return `cannot store ${JSON.stringify(key)} in folder ${this.location}: ${JSON.stringify(above)} is an object`;
    }
    return undefined;
  }
}

/** The port's key rules plus what a folder cannot hold. */
function checkKey(key: string): void {
  checkBlobKey(key);
  const segs = key.split("/");
  if (isTmp(segs[0]!)) throw invalid("key", `must not start with "tmp/" on a folder (its temp files live there): ${JSON.stringify(key)}`);
  if (segs.some((s) => enc.encode(s).length > MAX_SEGMENT_BYTES)) {
    throw invalid("key", `segments must be at most ${MAX_SEGMENT_BYTES} UTF-8 bytes on a folder`);
  }
}

/** A file someone else put in the folder may not be a valid key (a backslash...): not listed. */
function isKey(key: string): boolean {
  try {
    checkKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * The FS port's temp folder, in any case: on a case-insensitive filesystem (macOS, Windows) "TMP/x"
 * would be a file in it, never listed, and removed by the port as a stale temp file.
 */
const isTmp = (segment: string): boolean => segment.toLowerCase() === TMP;

const isSegment = (s: string): boolean => s !== "." && s !== ".." && enc.encode(s).length <= MAX_SEGMENT_BYTES;

const parentOf = (p: string): string => p.slice(0, Math.max(p.lastIndexOf("/"), 0));

const depth = (p: string): number => p.split("/").length;

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
