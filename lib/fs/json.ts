/**
 * Records are JSON files. Dates are written as ISO strings and read back as Dates for every field
 * whose name ends in "At" (the model's naming rule), so stores need no per-type codec.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function toBytes(value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value));
}

export function fromBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(dec.decode(bytes), (k, v) =>
    typeof v === "string" && k.endsWith("At") && ISO.test(v) ? new Date(v) : v) as T;
}
