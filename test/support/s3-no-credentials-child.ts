/**
 * Child of test/blob-s3.test.ts: opens the s3:// root given as argv[2] with the settings of the
 * process environment (which the test has stripped of every credential, and whose HOME, AWS config
 * files and instance metadata lead the SDK's credential chain nowhere), then tries get, put, list
 * and delete. Prints one JSON line per operation: { op, code, message, cause, ms }.
 */
import { parseS3Root, s3Blob } from "../../lib/adapters/s3-blob.ts";

async function main(): Promise<void> {
  const { bucket, prefix } = parseS3Root(process.argv[2]!);
  const blob = await s3Blob({ bucket, prefix, maxAttempts: 1 });
  const ops: [string, () => Promise<unknown>][] = [
    ["get", () => blob.get("x")],
    ["put", () => blob.put("x", new TextEncoder().encode("x"))],
    ["list", async () => { for await (const _ of blob.list("")) break; }],
    ["delete", () => blob.delete(["x"])],
  ];
  try {
    for (const [op, run] of ops) {
      const start = Date.now();
      let out: Record<string, unknown> = { op, code: "ok" };
      try {
        await run();
      } catch (e) {
        const err = e as { code?: string; message?: string; cause?: { name?: string; message?: string } };
        out = { op, code: err.code, message: err.message, cause: `${err.cause?.name}: ${err.cause?.message}` };
      }
      console.log(JSON.stringify({ ...out, ms: Date.now() - start }));
    }
  } finally {
    await blob.close();
  }
}

void main();
