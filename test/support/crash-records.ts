/**
 * What the crash writer (crash-writer.ts) writes and the crash test checks: every record's content
 * is a pure function of its key and version, with a checksum inside, so a torn or mixed record, or
 * one rolled back to an older version, is told apart from the acknowledged one.
 *
 * The writer prints `begin <kind> <key> <ver>` before a call and `ack <kind> <key> <ver> <sum> [extra]`
 * after it resolved; keys never contain spaces.
 */
import type * as M from "../../lib/model.ts";
import type { Stores } from "../../lib/stores.ts";
import { isStoreError } from "../../lib/errors.ts";

export type Kind = "user" | "profile" | "emails" | "kv" | "kvonce" | "repo" | "thread";

/** FNV-1a, 32 bits, as 8 hex digits. */
export function sum(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export function profile(login: string, ver: number): { name: string; company: string; location: string } {
  return { name: `v${ver}`, company: sum(`${login}|${ver}`), location: `loc-${ver}-${"x".repeat(ver % 80)}` };
}

/** The profile version a stored user carries, or undefined when its fields do not agree (torn). */
export function profileVersion(login: string, u: M.User): number | undefined {
  const m = /^v(\d+)$/.exec(u.name);
  if (!m) return undefined;
  const ver = Number(m[1]);
  const want = profile(login, ver);
  return u.company === want.company && u.location === want.location ? ver : undefined;
}

/** Version 0 is "no address set yet". */
export function emails(login: string, ver: number): M.EmailAddr[] {
  if (ver === 0) return [];
  return [
    { email: `${login}.p${ver}@crash.test`, verified: true, primary: true },
    { email: `${login}.s${ver}@crash.test`, verified: false, primary: false },
  ];
}

export function emailsVersion(login: string, list: M.EmailAddr[]): number | undefined {
  if (list.length === 0) return 0;
  const m = /\.p(\d+)@crash\.test$/.exec(list.find((e) => e.primary)?.email ?? "");
  if (!m) return undefined;
  const ver = Number(m[1]);
  return JSON.stringify(list) === JSON.stringify(emails(login, ver)) ? ver : undefined;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A value of a few bytes to a few KiB, its length and bytes depending on the version. */
export function kvValue(key: string, ver: number): Uint8Array {
  const pad = Array.from({ length: (ver * 397 + key.length * 31) % 6000 }, (_, i) => String.fromCharCode(97 + ((i * 7 + ver) % 26))).join("");
  return enc.encode(`${key}|v${ver}|${sum(`${key}|${ver}`)}|${pad}`);
}

export function kvVersion(key: string, value: Uint8Array): number | undefined {
  const m = /^[^|]*\|v(\d+)\|/.exec(dec.decode(value.subarray(0, 200)));
  if (!m) return undefined;
  const ver = Number(m[1]);
  const want = kvValue(key, ver);
  return want.length === value.length && want.every((b, i) => b === value[i]) ? ver : undefined;
}

export const repoDescription = (uri: string): string => `crash ${sum(uri)}`;
export const threadTitle = (key: string): string => `t ${key} ${sum(key)}`;
export const threadBody = (key: string): string => `body of ${key} ${sum(`body|${key}`)}`;

/** app storage scopes: one overwritten bucket per writer, one bucket of write-once keys. */
export const kvScope = (writer: number): M.StorageScope => ({ app: "crash", bucket: `w${writer}` });
export const onceScope: M.StorageScope = { app: "crash", bucket: "once" };

/** Which stores answer at all: stores still being written fail every call with "unsupported". */
export async function available(stores: Stores): Promise<{ repos: boolean; threads: boolean; appStorage: boolean }> {
  const works = async (p: Promise<unknown>) => {
    try {
      await p;
      return true;
    } catch (e) {
      return !isStoreError(e, "unsupported");
    }
  };
  return {
    repos: await works(stores.repos.get(1)),
    threads: await works(stores.threads.get(1, 1)),
    appStorage: await works(stores.appStorage.exists({ app: "probe", bucket: "probe" }, "probe")),
  };
}
