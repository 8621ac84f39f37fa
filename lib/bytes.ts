/** Byte helpers shared by the graph store and the server. */

/** The chunks as one array of `size` bytes (the sum of their lengths); one chunk is returned as is. */
export function concatBytes(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
