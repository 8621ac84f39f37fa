/**
 * What the S3 blob tests share: one in-process s3rver per test file, a port reached through a
 * fault-injecting proxy (s3-proxy.ts), and checks that no credential shows anywhere in an error.
 */
import { inspect } from "node:util";
import * as assert from "uvu/assert";
import { s3Blob } from "../../lib/adapters/s3-blob.ts";
import type { BlobPort } from "../../lib/ports/blob.ts";
import { s3Server, type S3Server } from "./s3-server.ts";
import { s3Proxy, type ProxyOptions, type S3Proxy } from "./s3-proxy.ts";

let server: Promise<S3Server> | undefined;
/** The file's server, started on first use. s3rver lists in S3's order once patched (s3rver-fixes.ts). */
export const srv = (): Promise<S3Server> => (server ??= s3Server());
/** Stops the file's server, if it started. */
export async function closeServer(): Promise<void> {
  if (server) await (await server).close();
}

export interface WithBlobOptions {
  p?: Omit<ProxyOptions, "target">;
  maxAttempts?: number;
  prefix?: string;
  env?: Record<string, string>;
}

/** A port on a fresh bucket under prefix "root/p" (default), reached through a proxy with `o.p`. */
export async function withBlob(fn: (blob: BlobPort, proxy: S3Proxy, s: S3Server, bucket: string) => Promise<void>, o: WithBlobOptions = {}): Promise<void> {
  const s = await srv();
  const bucket = await s.newBucket();
  const proxy = await s3Proxy({ target: s.endpoint, ...o.p });
  const blob = await s3Blob({ bucket, prefix: o.prefix ?? "root/p", env: { ...s.env, ...o.env, AWS_ENDPOINT_URL_S3: proxy.endpoint }, ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}) });
  try {
    await fn(blob, proxy, s, bucket);
  } finally {
    await blob.close();
    await proxy.close();
  }
}

/** Everything an error holds, hidden properties and causes included, as text. */
export function everything(e: unknown): string {
  const seen = new Set<unknown>();
  const walk = (x: unknown): string => {
    if (x === null || (typeof x !== "object" && typeof x !== "function")) return String(x);
    if (seen.has(x)) return "";
    seen.add(x);
    return Object.getOwnPropertyNames(x).map((k) => `${k}=${walk((x as Record<string, unknown>)[k])}`).join("\n");
  };
  return [String(e), JSON.stringify(e), inspect(e, { showHidden: true, depth: null }), walk(e)].join("\n");
}

export function noCredentials(e: unknown, ...secrets: string[]): void {
  const text = everything(e);
  for (const s of secrets) assert.not.ok(text.includes(s), `a credential leaked (${s.slice(0, 4)}...):\n${text}`);
}

export const count = (log: string[], re: RegExp): number => log.filter((l) => re.test(l)).length;
