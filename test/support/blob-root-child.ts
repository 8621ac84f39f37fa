/**
 * Child of test/blob-lazy-aws.test.ts: opens the graph root given as argv[2] with openBlobRoot,
 * puts, gets and lists one object, and prints one line: "ok <what it read>" or "error <code>:
 * <message> <- <cause>". Also prints "cjs-aws <n>": @aws-sdk modules in Node's CommonJS cache.
 */
import { createRequire } from "node:module";
import { openBlobRoot } from "../../lib/adapters/graph-root.ts";

async function main(): Promise<void> {
  const root = process.argv[2]!;
  try {
    const blob = await openBlobRoot(root, { env: { AWS_ACCESS_KEY_ID: "AKIACHILD", AWS_SECRET_ACCESS_KEY: "child-secret", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" } });
    try {
      await blob.put("lazy/probe", new TextEncoder().encode("folder"));
      const got = new TextDecoder().decode(await blob.get("lazy/probe"));
      const keys: string[] = [];
      for await (const e of blob.list("lazy/")) keys.push(e.key);
      console.log(`ok ${got} ${keys.join(",")}`);
    } finally {
      await blob.close();
    }
  } catch (e) {
    const err = e as { code?: string; message?: string; cause?: { message?: string } };
    console.log(`error ${err.code}: ${err.message} <- ${err.cause?.message ?? ""}`.replace(/\n/g, " "));
  }
  let cache: Record<string, unknown> = {};
  try {
    cache = createRequire(import.meta.url).cache ?? {};
  } catch { /* no CommonJS cache on this runtime */ }
  console.log(`cjs-aws ${Object.keys(cache).filter((k) => k.includes("@aws-sdk")).length}`);
}

void main();
