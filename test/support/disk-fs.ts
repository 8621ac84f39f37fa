/** A real temp directory and the FS adapter of the runtime running the test. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FsPort } from "../../lib/ports/fs.ts";

export const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** The runtime's adapter on `dir`: denoFs under Deno, nodeFs under Node. */
export async function runtimeFs(dir: string): Promise<FsPort> {
  if (isDeno) return (await import("../../lib/adapters/deno-fs.ts")).denoFs(dir);
  return (await import("../../lib/adapters/node-fs.ts")).nodeFs(dir);
}

export async function tempDir(prefix = "srcstore-"): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
