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
  return revive(JSON.parse(dec.decode(bytes))) as T;
}

/** A walk after parsing: much cheaper than a JSON.parse reviver, which V8 calls for every value. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
  } else if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === "string") {
        if (k.endsWith("At") && ISO.test(x)) o[k] = new Date(x);
      } else if (x !== null && typeof x === "object") o[k] = revive(x);
    }
  }
  return v;
}
