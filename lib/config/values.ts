/**
 * What each setting accepts. A check returns the value to use, or why the text is refused; the
 * caller says where the text came from (flag, variable, file:line key), so one message names both.
 */
import { hideUrlPassword } from "./mask.ts";
import { absolutePath } from "./paths.ts";

/** `raw` as typed; relative paths are taken from `base`; "~" is `home`. */
export type Check<T> = (raw: string, base: string, home: string) => { value: T } | { why: string };

export const checkLocalStore: Check<"fs" | "pgsql"> = (raw) =>
  raw === "fs" || raw === "pgsql" ? { value: raw } : { why: `must be fs or pgsql, got ${quote(raw)}` };

/** A folder, made absolute. */
export const checkFolder: Check<string> = (raw, base, home) => {
  if (raw === "") return { why: "must not be empty" };
  const scheme = SCHEME.exec(raw)?.[1];
  if (scheme !== undefined) return { why: `must be a folder, not a "${scheme}://" address` };
  return { value: absolutePath(raw, base, home) };
};

/**
 * s3://bucket[/prefix] as written (the bucket is checked when the root is opened), or a folder made
 * absolute. Other URL schemes, and "s3:" without "//", are refused here rather than becoming a
 * folder named "s3:" under the working directory. The refusal never repeats the value, which could
 * hold credentials (s3://key:secret@bucket).
 */
export const checkGraphRoot: Check<string> = (raw, base, home) => {
  if (raw.startsWith("s3://")) return { value: raw };
  const scheme = SCHEME.exec(raw)?.[1];
  if (scheme !== undefined) return { why: `a "${scheme}://" address is neither a folder nor s3://bucket[/prefix]` };
  if (/^s3:/i.test(raw)) return { why: "an S3 root is written s3://bucket[/prefix]" };
  return checkFolder(raw, base, home);
};

/** host:port: a host name, an IPv4 address or a [bracketed] IPv6 address, and a port 0..65535 (0: any free port). */
export const checkAddr: Check<string> = (raw) => {
  const parts = splitAddr(raw);
  if (parts === undefined) return { why: `must be host:port, e.g. 127.0.0.1:3080, 0.0.0.0:3080 (every interface) or [::1]:3080, got ${quote(raw)}` };
  if (parts.port > 65535) return { why: `the port must be 0 to 65535 (0: any free port), got ${parts.port}` };
  return { value: raw };
};

/**
 * The host (IPv6 without its brackets) and port of an addr, or undefined when it is not host:port.
 * A host is required: listen on every interface with 0.0.0.0:PORT or [::]:PORT.
 *
 * @example
 * ```ts
 * splitAddr("[::1]:0"); // { host: "::1", port: 0 }
 * ```
 */
export function splitAddr(addr: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):(\d{1,5})$/.exec(addr);
  if (m === null) return undefined;
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

// ---- internals -----------------------------------------------------------------------------------

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The refused text, quoted and cut short; any URL password hidden. */
function quote(raw: string): string {
  const shown = hideUrlPassword(raw);
  return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}...` : shown);
}
