/**
 * The blob port: what the graph store needs from an object store, and nothing more. Types only.
 * Adapters: lib/adapters/folder-blob.ts (a local folder, over the FS port), lib/adapters/s3-blob.ts
 * (S3 and S3-compatible servers; the AWS SDK loads only when one is opened), memory-blob.ts (tests,
 * edge).
 *
 * Keys are "/"-separated, 1-1024 UTF-8 bytes, without empty, "." or ".." segments, a leading "/",
 * a backslash or control characters (lib/blob-key.ts checks them; every adapter calls it).
 * Adapters map native failures to StoreError: "unavailable" for I/O, network, missing bucket;
 * "permission_denied" for refused credentials; the native error rides along as `cause`, stripped of
 * anything secret (credentials, signatures, request headers).
 */
export interface BlobPort {
  /**
   * The object's bytes, or undefined when there is none. With `range`, only bytes
   * [start, end) (end exclusive, default: to the end of the object); a range past the end is cut.
   */
  get(key: string, range?: BlobRange): Promise<Uint8Array | undefined>;

  /**
   * Stores the object whole: a reader sees the old bytes or the new ones, never a part. On a folder
   * the write is durable (fsynced) when the promise resolves; on S3 when the server acknowledged it.
   */
  put(key: string, data: Uint8Array): Promise<void>;

  /**
   * Every object whose key starts with `prefix` (a plain string prefix, not only at "/"), in
   * ascending order of the keys' UTF-8 bytes, paged internally to the very end (no 1,000-key cap).
   */
  list(prefix: string): AsyncIterable<BlobEntry>;

  /** Removes the objects; keys that do not exist are no error. Batches as the backend allows. */
  delete(keys: readonly string[]): Promise<void>;

  /** Where the objects live, for messages: a folder path or "s3://bucket/prefix (endpoint)". No secret. */
  readonly location: string;

  /** Releases connections; the port is unusable afterwards. */
  close(): Promise<void>;
}

export interface BlobRange {
  start: number;
  end?: number;
}

export interface BlobEntry {
  key: string;
  size: number;
}
