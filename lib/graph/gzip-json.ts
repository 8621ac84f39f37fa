/**
 * A version's data objects are gzip-compressed JSON: the same records are stored under several
 * indexes (by unit, key, file, name, target), and gzip shrinks what an import writes and a lookup reads
 * some 16-20 times. Web-standard CompressionStream/DecompressionStream, so this runs unchanged on Node,
 * Deno, browsers and Workers; `zcat` reads an object by hand. Markers and the format file stay plain JSON.
 */
import { invalid, StoreError } from "../errors.ts";
import { damaged } from "./marker.ts";
import { concatBytes } from "../bytes.ts";

/**
 * The most JSON bytes one object may hold. A reader refuses an object that inflates beyond it rather
 * than run out of memory on a damaged or hostile one; an import refuses to write one (no reader could
 * read it). JSON.stringify cannot build much more anyway (V8 strings hold at most 2^29 characters).
 */
export const MAX_INFLATED = 1024 ** 3;

const enc = new TextEncoder();

/** `v` as gzip-compressed JSON; `name` (the object's) for the message when it would be too large. */
export async function gzipJSON(v: unknown, name: string, max = MAX_INFLATED): Promise<Uint8Array> {
  const text = enc.encode(JSON.stringify(v));
  if (text.length > max) throw invalid("files", `the commit is too large: its ${name} would hold ${text.length} bytes of JSON, more than the ${max} a reader accepts`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  await pump(text, new CompressionStream("gzip"), (c) => {
    chunks.push(c);
    size += c.length;
  });
  return concatBytes(chunks, size);
}

/**
 * The JSON of a gzip object this store wrote. internal when it is not gzip (magic bytes 1f 8b), not
 * valid gzip or JSON, or inflates beyond `max` bytes (decompression stops there).
 */
export async function gunzipJSON(bytes: Uint8Array, key: string, location: string, max = MAX_INFLATED): Promise<unknown> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new StoreError("internal", `graph store at ${location}: ${key} is not gzip (srcstore writes every data object gzip-compressed); delete the commit and import it again`);
  }
  const dec = new TextDecoder("utf-8", { fatal: true });
  const parts: string[] = [];
  let size = 0;
  try {
    await pump(bytes, new DecompressionStream("gzip"), (c) => {
      size += c.length;
      if (size > max) throw new TooLarge();
      parts.push(dec.decode(c, { stream: true }));
    });
    parts.push(dec.decode());
    return JSON.parse(parts.join(""));
  } catch (e) {
    if (e instanceof TooLarge) {
      throw new StoreError("internal", `graph store at ${location}: ${key} inflates to more than ${max} bytes, more than srcstore ever writes; delete the commit and import it again`);
    }
    throw damaged(key, location, e);
  }
}

class TooLarge extends Error {}

/**
 * Feeds `bytes` through `t` and hands each output chunk to `each`; the write is not awaited first,
 * as the stream holds it back until its output is read. A throw from `each` cancels the stream, so
 * nothing more is inflated.
 */
async function pump(bytes: Uint8Array, t: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> }, each: (c: Uint8Array) => void): Promise<void> {
  const writer = t.writable.getWriter();
  // Its failure (damaged input, or the cancel below) also fails the reads, which report it.
  writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close()).catch(() => {});
  const reader = t.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      each(value);
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  }
}
