/**
 * The blob port on S3 and S3-compatible servers (MinIO, R2, s3rver). The AWS SDK loads here, when
 * an S3 root is opened, never when this module is imported: a folder root never pays for it.
 * Settings: lib/adapters/s3-settings.ts; errors: lib/adapters/s3-errors.ts.
 *
 * - put: one PutObject with the bytes up to 16 MiB, else a multipart upload (@aws-sdk/lib-storage).
 *   Bodies are always bytes: a stream body would be sent aws-chunked, which S3-compatible servers
 *   store framing and all, and could not be retried.
 * - Retries: the SDK's standard mode, `maxAttempts` per request with exponential backoff and jitter,
 *   on 5xx, 503 SlowDown and other throttling, timeouts and connection resets, until a response's
 *   headers arrive. Beyond that, here, up to `maxAttempts` too: a GET whose body breaks off, and the
 *   keys DeleteObjects reports failed with a transient code (its HTTP status is 200).
 * - A failed multipart upload is aborted (lib-storage, leavePartsOnError: false), so its parts are
 *   not left billed in the bucket; a bucket lifecycle rule is still the backstop for a crash.
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
import { checkBlobData, checkBlobKey, checkBlobPrefix, checkBlobRange, sliceRange } from "../blob-key.ts";
import { StoreError, invalid } from "../errors.ts";
import { TRANSIENT_CODES, backoff, errorFacts, refusesBatchDelete, s3Error, sanitizedCause } from "./s3-errors.ts";
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
    // The endpoint is the settings' alone: the SDK would otherwise take AWS_ENDPOINT_URL* from the
    // process environment (not `o.env`) or endpoint_url from ~/.aws/config on its own, with the
    // addressing, checksums and messages chosen for AWS.
    ignoreConfiguredEndpointUrls: true,
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
    // HTTP cannot ask for zero bytes: a HEAD tells whether the object exists. (A HEAD's 404 has
    // no body, so a missing bucket reads as a missing object here; every other call names it.)
    const headOnly = end !== undefined && end <= start;
    for (let attempt = 1; ; attempt++) {
      let r;
      try {
        if (headOnly) {
          await this.#client.send(new this.#sdk.HeadObjectCommand({ Bucket: this.#s.bucket, Key: k }));
          return new Uint8Array(0);
        }
        r = await this.#client.send(new this.#sdk.GetObjectCommand({ Bucket: this.#s.bucket, Key: k, ...(header ? { Range: header } : {}) }));
      } catch (e) {
        const f = errorFacts(e);
        // Only S3's NoSuchKey means "no object": a GET's bare 404 is a server that is not S3.
        if (f.code === "NoSuchKey" || (headOnly && f.code === "NotFound" && f.status === 404)) return undefined;
        // A range starting at or past the end (or any range of an empty object): the object exists.
        if (f.code === "InvalidRange" || f.status === 416) return new Uint8Array(0);
        throw s3Error(e, this.#s);
      }
      // The SDK retries a request until its headers arrive; a body cut off later is retried here.
      let bytes: Uint8Array;
      try {
        bytes = r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
      } catch (e) {
        if (attempt < this.#s.maxAttempts) {
          await backoff(attempt);
          continue;
        }
        const tries = attempt > 1 ? ` after ${attempt} attempts` : "";
        throw new StoreError("unavailable", `S3 at ${this.#s.where} broke off sending ${JSON.stringify(key)} from bucket ${JSON.stringify(this.#s.bucket)}${tries}; try again`, { cause: sanitizedCause(e), retryable: true });
      }
      // A server that ignores Range sends the whole object (200, no Content-Range).
      return header && r.ContentRange === undefined && r.$metadata.httpStatusCode === 200 ? sliceRange(bytes, { start, ...(end === undefined ? {} : { end }) }) : bytes;
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
    const base = this.#base;
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
      const next = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !next) throw new StoreError("internal", `S3 at ${this.#s.where} cut a listing of ${this.location} short without a continuation token`);
      // The same token again would ask for the same page again, forever.
      if (next !== undefined && next === token) throw new StoreError("internal", `S3 at ${this.#s.where} sent the same continuation token twice while listing ${this.location}: stopped rather than loop`);
      token = next;
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

  /**
   * One DeleteObjects call. S3 answers 200 and names the keys it failed; those that failed with a
   * transient code (InternalError, SlowDown...) are sent again, up to maxAttempts in all, with backoff.
   */
  async #deleteBatch(batch: string[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const r = await this.#client.send(new this.#sdk.DeleteObjectsCommand({
        Bucket: this.#s.bucket,
        Delete: { Objects: pending.map((Key) => ({ Key })), Quiet: true },
      }));
      // Some servers report keys that were not there: the port calls that success.
      const failed = (r.Errors ?? []).filter((x) => x.Code !== "NoSuchKey");
      if (failed.length === 0) return;
      const keys = failed.map((x) => x.Key).filter((k): k is string => typeof k === "string" && pending.includes(k));
      if (attempt < this.#s.maxAttempts && keys.length === failed.length && failed.every((x) => TRANSIENT_CODES.has(x.Code ?? ""))) {
        pending = keys;
        await backoff(attempt);
        continue;
      }
      // The per-key code alone: the call's HTTP 200 says nothing about it.
      const first = failed[0]!;
      const code = first.Code ?? "DeleteFailed";
      const mapped = s3Error(Object.assign(new Error(code), { name: code, Code: code, $metadata: { attempts: attempt } }), this.#s);
      const key = first.Key?.startsWith(this.#base) ? first.Key.slice(this.#base.length) : "";
      throw new StoreError(mapped.code, `${failed.length} of ${pending.length} deletes failed (first: ${JSON.stringify(key)}): ${mapped.message}`, { cause: mapped.cause, retryable: mapped.retryable });
    }
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

  /** What every object key starts with: "<prefix>/" or "". */
  get #base(): string {
    return this.#s.prefix ? `${this.#s.prefix}/` : "";
  }

  /** The object key of a port key, checked. */
  #key(key: string): string {
    checkBlobKey(key);
    this.#open();
    const full = this.#base + key;
    if (enc.encode(full).length > MAX_KEY_BYTES) throw invalid("key", `with the prefix "${this.#s.prefix}/" must be at most ${MAX_KEY_BYTES} UTF-8 bytes`);
    return full;
  }

  #open(): void {
    if (this.#closed) throw new StoreError("internal", `${this.location} is closed`);
  }
}
