/**
 * The graph store's root, as the user names it (`--graphstore.root`): a folder path, or
 * `s3://bucket[/prefix]`. The S3 adapter, and with it the AWS SDK, loads only for an s3:// root.
 *
 * @example
 * ```ts
 * import { openBlobRoot, defaultGraphRoot } from "srcstore/adapters/graph-root";
 * const blob = await openBlobRoot(process.env.SRC_GRAPHSTORE_ROOT ?? defaultGraphRoot("/srv/sg"));
 * ```
 */
import { resolve } from "node:path";
import type { BlobPort } from "../ports/blob.ts";
import { invalid } from "../errors.ts";
import { folderBlob } from "./folder-blob.ts";
import { nodeFs } from "./node-fs.ts";
import type { Env } from "./s3-settings.ts";

const FIELD = "graphstore.root";

/** True for "s3://...". */
export function isS3Root(root: string): boolean {
  return typeof root === "string" && root.startsWith("s3://");
}

/** The root when none is given: `<sgpath>/graphstore`. */
export function defaultGraphRoot(sgpath: string): string {
  return `${sgpath.replace(/\/+$/, "")}/graphstore`;
}

/**
 * Opens the root: s3:// -> the S3 adapter (settings from `o.env`, default the process environment),
 * anything else -> a folder (relative paths from the working directory). Other URL schemes are
 * invalid_input, field "graphstore.root". A folder is not created here.
 */
export async function openBlobRoot(root: string, o: { env?: Env } = {}): Promise<BlobPort> {
  if (typeof root !== "string" || root.trim() === "") throw invalid(FIELD, "must be a folder path or s3://bucket[/prefix]");
  if (isS3Root(root)) {
    const { s3Blob, parseS3Root } = await import("./s3-blob.ts");
    const { bucket, prefix } = parseS3Root(root, FIELD);
    return s3Blob({ bucket, prefix, ...(o.env ? { env: o.env } : {}) });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(root);
  if (scheme) throw invalid(FIELD, `"${scheme[1]}://" roots are not supported: use a folder path or s3://bucket[/prefix]`);
  // "s3:/bucket" or "s3:bucket" is a mistyped S3 root, not a folder named "s3:" to create here.
  if (/^s3:/i.test(root)) throw invalid(FIELD, "an S3 root is written s3://bucket[/prefix]");
  return folderBlob(nodeFs(resolve(root)));
}
