/**
 * The graph store on a blob port: one implementation for every root (a folder, S3, memory).
 * Layout and protocol: layout.ts, build.ts, import.ts, read.ts; queries: defs.ts, refs.ts, listing.ts.
 *
 * @example
 * ```ts
 * import { openGraphStore } from "srcstore/graph";
 * import { memoryBlob } from "srcstore/adapters/memory-blob";
 * const graph = await openGraphStore(memoryBlob());
 * const units = await graph.units({ repo: "github.com/a/b", commit: "0".repeat(40) });
 * ```
 */
import type { BlobPort } from "../ports/blob.ts";
import type { GraphStore } from "./store.ts";
import { invalid } from "../errors.ts";
import {
  checkCommitRef, checkCommitsOptions, checkDefKey, checkDefsQuery, checkRefsQuery,
} from "./query-input.ts";
import { checkRoot } from "./root.ts";
import { importCommit, storeError } from "./import.ts";
import { deleteCommit, listCommits, listRepos, listUnits } from "./listing.ts";
import { getDef, getDocs, listDefs } from "./defs.ts";
import { listRefs } from "./refs.ts";

export interface GraphStoreOptions {
  /** Time source for import times and version ids; default the system clock. */
  clock?: () => Date;
}

/**
 * Opens the graph store on `blob`: schema_mismatch when the root has a newer format, or holds other
 * objects and is not a graph store. An empty root is fine (the first import writes graphstore.json).
 */
export async function openGraphStore(blob: BlobPort, options: GraphStoreOptions = {}): Promise<GraphStore> {
  if (typeof blob?.get !== "function" || typeof blob.list !== "function") throw invalid("blob", "must be a BlobPort");
  if (options.clock !== undefined && typeof options.clock !== "function") throw invalid("clock", "must be a function returning a Date");
  const clock = options.clock ?? (() => new Date());
  await guard(blob, () => checkRoot(blob));
  return {
    import: (input, o = {}) => guard(blob, () => importCommit(blob, input, o, clock)),
    commits: (o) => guard(blob, () => listCommits(blob, checkCommitsOptions(o).repo)),
    repos: () => guard(blob, () => listRepos(blob)),
    units: (at) => guard(blob, () => listUnits(blob, checkCommitRef(at))),
    def: (key) => guard(blob, () => getDef(blob, checkDefKey(key))),
    defs: (q) => guard(blob, () => listDefs(blob, checkDefsQuery(q))),
    refs: (q) => guard(blob, () => listRefs(blob, checkRefsQuery(q))),
    docs: (key) => guard(blob, () => getDocs(blob, checkDefKey(key))),
    deleteCommit: (at) => guard(blob, () => deleteCommit(blob, checkCommitRef(at), clock)),
    get location() {
      return blob.location;
    },
    close: () => guard(blob, () => blob.close()),
  };
}

/** Only StoreErrors leave the store. */
async function guard<T>(blob: BlobPort, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw storeError(e, blob);
  }
}
