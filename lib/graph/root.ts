/**
 * The root's format file, graphstore.json {"format":1}: written by the first import, checked at open
 * and before every import, so an older srcstore never reads or writes a layout it does not know.
 */
import type { BlobPort } from "../ports/blob.ts";
import { StoreError } from "../errors.ts";
import { COMMITS, DATA, FORMAT, FORMAT_KEY } from "./layout.ts";
import { encodeJSON } from "./marker.ts";

/**
 * True when the root is a graph store of our format, false when it holds no format file yet (empty,
 * or only our own prefixes). schema_mismatch for a newer format, a damaged format file, or a root that
 * holds other objects: we do not mix our objects into someone else's folder or bucket.
 */
export async function checkRoot(blob: BlobPort): Promise<boolean> {
  const b = await blob.get(FORMAT_KEY);
  if (b !== undefined) {
    let format: unknown;
    try {
      format = (JSON.parse(new TextDecoder().decode(b)) as { format?: unknown }).format;
    } catch {
      format = undefined;
    }
    if (format === FORMAT) return true;
    if (typeof format === "number" && Number.isInteger(format) && format > FORMAT) {
      throw new StoreError("schema_mismatch", `graph store at ${blob.location} has format ${format}; this srcstore reads format ${FORMAT}: upgrade srcstore`);
    }
    throw new StoreError("schema_mismatch", `graph store at ${blob.location}: ${FORMAT_KEY} is not a graph store format file (want {"format":${FORMAT}})`);
  }
  for await (const e of blob.list("")) {
    if (e.key.startsWith(COMMITS) || e.key.startsWith(DATA)) continue;
    throw new StoreError("schema_mismatch", `${blob.location} is not a graph store: it holds other objects (${JSON.stringify(e.key)}) and no ${FORMAT_KEY}; use an empty folder or prefix`);
  }
  return false;
}

/** Before an import writes: the root checked again (another srcstore may have upgraded it), the format file written if missing. */
export async function ensureRoot(blob: BlobPort): Promise<void> {
  if (!(await checkRoot(blob))) await blob.put(FORMAT_KEY, encodeJSON({ format: FORMAT }));
}
