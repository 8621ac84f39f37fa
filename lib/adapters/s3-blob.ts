/**
 * The blob port on S3 and S3-compatible servers (MinIO, R2, s3rver). The AWS SDK loads here, when
 * an S3 root is opened, never when this module is imported: a folder root never pays for it.
 * Settings: lib/adapters/s3-settings.ts; errors: lib/adapters/s3-errors.ts.
 *
 * - put: one PutObject with the bytes up to 16 MiB, else a multipart upload (@aws-sdk/lib-storage).
 *   Bodies are always bytes: a stream body would be sent aws-chunked, which S3-compatible servers
 *   store framing and all, and could not be retried.
 * - Retries: the SDK's standard mode, `maxAttempts` per request with exponential backoff and jitter,
 *   on 5xx, 503 SlowDown and other throttling, timeouts and connection resets.
 * - For a non-AWS endpoint, checksums only where S3 requires them (R2 refuses the SDK's defaults).
 *
 * @example
 * ```ts
 * import { s3Blob } from "srcstore/adapters/s3-blob";
 * const blob = await s3Blob({ bucket: "graphs", prefix: "prod" }); // AWS_* from the environment
 * await blob.put("a/b.json", new TextEncoder().encode("{}"));
 * await blob.close();
 * ```
 */
import type { S3Client as Client } from "@aws-sdk/client-s3";
import type { BlobEntry, BlobPort, BlobRange } from "../ports/blob.ts";
import { checkBlobKey, checkBlobPrefix } from "../blob-key.ts";
import { StoreError, invalid } from "../errors.ts";
import { checkBlobData, checkBlobRange } from "./memory-blob.ts";
import { errorFacts, s3Error } from "./s3-errors.ts";
import { s3Settings, type S3BlobOptions, type S3Settings } from "./s3-settings.ts";

export { parseS3Root, type S3BlobOptions, type S3Credentials } from "./s3-settings.ts";

type Sdk = typeof import("@aws-sdk/client-s3");

/** Objects above this size go up in parts. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
const DELETE_BATCH = 1000;
const SINGLE_DELETE_CONCURRENCY = 8;
const MAX_KEY_BYTES = 1024;
const enc = new TextEncoder();

/** Opens an S3 root. No request is made until the first operation. */
export async function s3Blob(o: S3BlobOptions): Promise<BlobPort> {
  const s = s3Settings(o);
  let sdk: Sdk;
  try {
    sdk = await import("@aws-sdk/client-s3");
  } catch (e) {
    throw new StoreError("unavailable", `cannot load @aws-sdk/client-s3 for ${s.location}: install it (npm i @aws-sdk/client-s3 @aws-sdk/lib-storage)`, { cause: e });
  }
  const client = new sdk.S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : { followRegionRedirects: true }),
    forcePathStyle: s.forcePathStyle,
    ...(s.credentials ? { credentials: s.credentials } : {}),
    maxAttempts: s.maxAttempts,
    retryMode: "standard",
    ...(s.isAws ? {} : { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }),
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
  });
  return new S3Blob(sdk, client, s);
}

class S3Blob implements BlobPort {
  readonly location: string;
  readonly #sdk: Sdk;
  readonly #client: Client;
  readonly #s: S3Settings;
  #closed = false;
  /** Set once the server refused DeleteObjects: one DeleteObject per key from then on. */
  #singleDeletes = false;

  constructor(sdk: Sdk, client: Client, s: S3Settings) {
    this.#sdk = sdk;
    this.#client = client;
    this.#s = s;
    this.location = s.location;
  }

  async get(key: string, range?: BlobRange): Promise<Uint8Array | undefined> {
    const k = this.#key(key);
    const { start, end } = checkBlobRange(range) ?? { start: 0, end: undefined };
    const header = start > 0 || end !== undefined ? `bytes=${start}-${end === undefined ? "" : end - 1}` : undefined;
    try {
      // HTTP cannot ask for zero bytes: a HEAD tells whether the object exists. (A HEAD's 404 has
      // no body, so a missing bucket reads as a missing object here; every other call names it.)
      if (end !== undefined && end <= start) {
        await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: this.#s.bucket, Key: k }));
        return new Uint8Array(0);
      }
      const r = await this.#client.send(new this.#sdk.GetObjectCommand({ Bucket: this.#s.bucket, Key: k, ...(header ? { Range: header } : {}) }));
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
    } catch (e) {
      const f = errorFacts(e);
      if (f.code === "NoSuchKey" || (f.code === "NotFound" && f.status === 404)) return undefined;
      // A range starting at or past the end (or any range of an empty object): the object exists.
      if (f.code === "InvalidRange" || f.status === 416) return new Uint8Array(0);
      throw s3Error(e, this.#s);
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const k = this.#key(key);
    checkBlobData(data);
    const params = { Bucket: this.#s.bucket, Key: k, Body: data, ContentLength: data.length, ContentType: "application/octet-stream" };
    try {
      if (data.length <= MULTIPART_THRESHOLD) {
        await this.#client.send(new this.#sdk.PutObjectCommand(params));
        return;
      }
      const { Upload } = await import("@aws-sdk/lib-storage");
      // Parts are subarrays of `data`: bytes, so each part is retried as a whole.
      await new Upload({ client: this.#client, params, partSize: PART_SIZE, queueSize: 4, leavePartsOnError: false }).done();
    } catch (e) {
      throw s3Error(e, this.#s);
    }
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    checkBlobPrefix(prefix);
    this.#open();
    const base = this.#s.prefix ? `${this.#s.prefix}/` : "";
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(new this.#sdk.ListObjectsV2Command({
          Bucket: this.#s.bucket,
          ...(base + prefix ? { Prefix: base + prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }));
      } catch (e) {
        throw s3Error(e, this.#s);
      }
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(base)) continue;
        yield { key: o.Key.slice(base.length), size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !token) throw new StoreError("internal", `S3 at ${this.#s.where} cut a listing of ${this.location} short without a continuation token`);
    } while (token);
  }

  async delete(keys: readonly string[]): Promise<void> {
    const full = [...new Set(keys.map((k) => this.#key(k)))];
    for (let i = 0; i < full.length; i += DELETE_BATCH) {
      const batch = full.slice(i, i + DELETE_BATCH);
      if (!this.#singleDeletes) {
        try {
          await this.#deleteBatch(batch);
          continue;
        } catch (e) {
          if (!refusesBatchDelete(e)) throw s3Error(e, this.#s);
          this.#singleDeletes = true;
        }
      }
      await this.#deleteOneByOne(batch);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.destroy();
  }

  async #deleteBatch(batch: string[]): Promise<void> {
    const r = await this.#client.send(new this.#sdk.DeleteObjectsCommand({
      Bucket: this.#s.bucket,
      Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
    }));
    // Some servers report keys that were not there: the port calls that success.
    const failed = (r.Errors ?? []).filter((x) => x.Code !== "NoSuchKey");
    if (failed.length === 0) return;
    const first = failed[0]!;
    const e = Object.assign(new Error(first.Code ?? "DeleteFailed"), { name: first.Code ?? "DeleteFailed", Code: first.Code, $metadata: r.$metadata });
    const mapped = s3Error(e, this.#s);
    throw new StoreError(mapped.code, `${failed.length} of ${batch.length} deletes failed (first: ${JSON.stringify(first.Key ?? "")}): ${mapped.message}`, { cause: mapped.cause, retryable: mapped.retryable });
  }

  async #deleteOneByOne(batch: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const Key = batch[next++]!;
        try {
          await this.#client.send(new this.#sdk.DeleteObjectCommand({ Bucket: this.#s.bucket, Key }));
        } catch (e) {
          if (errorFacts(e).code !== "NoSuchKey") throw s3Error(e, this.#s);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SINGLE_DELETE_CONCURRENCY, batch.length) }, worker));
  }

  /** The object key of a port key, checked. */
  #key(key: string): string {
    checkBlobKey(key);
    this.#open();
    const full = this.#s.prefix ? `${this.#s.prefix}/${key}` : key;
    if (enc.encode(full).length > MAX_KEY_BYTES) throw invalid("key", `with the prefix "${this.#s.prefix}/" must be at most ${MAX_KEY_BYTES} UTF-8 bytes`);
    return full;
  }

  #open(): void {
    if (this.#closed) throw new StoreError("internal", `${this.location} is closed`);
  }
}

/** A server without multi-object delete (501), or one that wants Content-MD5 the SDK no longer sends. */
function refusesBatchDelete(e: unknown): boolean {
  const f = errorFacts(e);
  if (f.code === "NotImplemented" || f.status === 501) return true;
  const msg = typeof (e as { message?: unknown })?.message === "string" ? (e as Error).message : "";
  return f.code === "InvalidRequest" && /content-?md5/i.test(msg);
}
