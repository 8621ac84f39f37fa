/**
 * A real S3-compatible HTTP server for the tests: s3rver (devDependency) in this process, on a
 * random loopback port, storing under a temp dir that close() removes. Path-style addressing.
 *
 * Two quirks of s3rver 3.7 are handled here (FACTS.md):
 * - It encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 and Deno refuse: the
 *   token is opaque to clients, so "des" is mapped to AES-128-CBC (key and IV widened to 16 bytes).
 * - Its listing order, in-place object writes and empty ranged GETs differ from S3: patchS3rver()
 *   (s3rver-fixes.ts) makes them S3's.
 * - Its only account is S3RVER/S3RVER; a key pair with a realistic secret is added so that tests
 *   can check the secret never shows in an error.
 */
import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { patchS3rver } from "./s3rver-fixes.ts";

export interface S3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** A bucket that exists. */
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The environment an s3:// root needs: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
   *  AWS_ENDPOINT_URL_S3. */
  env: Record<string, string>;
  /** Creates another empty bucket and returns its name. */
  newBucket(): Promise<string>;
  close(): Promise<void>;
}

let patched = false;

function widen(b: crypto.BinaryLike | crypto.CipherKey | null): Buffer {
  const x = Buffer.from(b as Uint8Array);
  return Buffer.concat([x, x]).subarray(0, 16);
}

/** s3rver's DES -> AES-128-CBC; every other algorithm is untouched. */
function patchDes(): void {
  if (patched) return;
  patched = true;
  const c = crypto as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of ["createCipheriv", "createDecipheriv"]) {
    const original = c[name]!.bind(crypto);
    c[name] = (alg: unknown, key: unknown, iv: unknown, ...rest: unknown[]) =>
      alg === "des"
        ? original("aes-128-cbc", widen(key as Buffer), widen(iv as Buffer), ...rest)
        : original(alg, key, iv, ...rest);
  }
}

export async function s3Server(): Promise<S3Server> {
  patchDes();
  patchS3rver();
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver");
  const account = require("s3rver/lib/models/account.js");
  const accessKeyId = "AKIASRCSTORETEST0001";
  const secretAccessKey = "srcstore-test-secret-" + crypto.randomBytes(12).toString("hex");
  account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

  const directory = await mkdtemp(join(tmpdir(), "srcstore-s3-"));
  const bucket = "graph-test";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const addr = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${addr.port}`;
  const region = "us-east-1";
  let n = 0;
  return {
    endpoint,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    env: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    async newBucket() {
      const name = `graph-test-${++n}-${crypto.randomBytes(3).toString("hex")}`;
      await server.store.putBucket(name);
      return name;
    },
    async close() {
      await server.close().catch(() => {});
      await rm(directory, { recursive: true, force: true });
    },
  };
}
