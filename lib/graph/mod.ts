/**
 * srcstore/graph: srclib code intelligence per repo commit on a folder or S3.
 *
 * @example
 * ```ts
 * import { openGraphStore } from "srcstore/graph";
 * import { openBlobRoot } from "srcstore/adapters/graph-root";
 * import { srclibDir } from "srcstore/adapters/srclib-dir";
 * const graph = await openGraphStore(await openBlobRoot("s3://my-bucket/graph"));
 * await graph.import({ repo: "github.com/a/b", commit: "0123...", files: srclibDir(".srclib-cache/0123...") });
 * ```
 */
export { openGraphStore, type GraphStoreOptions } from "./graph-store.ts";
export { countingBlob, type BlobStats, type CountingBlob } from "./counting-blob.ts";
export type * from "./store.ts";
export type { BlobPort, BlobEntry, BlobRange } from "../ports/blob.ts";
