/**
 * The index of the fs repos store: one empty file per repo in repos/index/ whose name carries every
 * sort and filter key, so a list reads only names (and the records of its page):
 *
 *   <num id>.<created ms>.<pushed ms|n>.<private><fork><mirror>.<lang>.<name>.<uri>
 *
 * - flags are 0/1; <lang> is the lower-cased language encoded (or "~" + 32 hex digits of its SHA-256
 *   when the encoding is longer than 40 characters: filters compare it by equality).
 * - <uri> is "f" + the encoded lower-cased URI, or "t" + the encoding of its longest prefix that fits
 *   112 characters when the URI is longer ("truncated").
 * - <name> is "-" when the URI is whole (the name is its last component); for a truncated URI, "f" +
 *   the encoded lower-cased name, or "t" + its prefix that fits 40 characters.
 * Encoding: `seg` plain form with "." also escaped, so fields never contain the "." separator.
 * Worst case 250 bytes: within the 255-byte limit on file names.
 */
import type * as M from "../model.ts";
import { num, segPlain, unseg, hex } from "./names.ts";

export const INDEX_DIR = "repos/index";
const URI_MAX = 112;
const NAME_MAX = 40;
const LANG_MAX = 40;
/** The sort key of a repo never pushed: before every date (first ascending, last descending). */
export const NEVER_PUSHED = -8_640_000_000_000_001;

export interface IndexEntry {
  file: string;
  id: number;
  created: number;
  pushed: number;
  private: boolean;
  fork: boolean;
  mirror: boolean;
  lang: string;
  /** Lower-cased URI, or its prefix when `uriCut`. */
  uri: string;
  uriCut: boolean;
  /** Lower-cased name, or its prefix when `nameCut`. */
  name: string;
  nameCut: boolean;
}

/** The "."-free, reversible encoding of one field. */
export const enc = (s: string): string => segPlain(s).replace(/\./g, "%2E");

/** The longest prefix (whole code points) whose encoding fits `max`; `cut` when shorter than `s`. */
function fit(s: string, max: number): { text: string; cut: boolean } {
  let out = "", len = 0;
  for (const ch of s) {
    const e = enc(ch).length;
    if (len + e > max) return { text: out, cut: true };
    out += ch;
    len += e;
  }
  return { text: out, cut: false };
}

export async function langKey(language: string): Promise<string> {
  const e = enc(language.toLowerCase());
  if (e.length <= LANG_MAX) return e;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(language.toLowerCase()));
  return "~" + hex(new Uint8Array(digest)).slice(0, 32);
}

export const lowerName = (lowerURI: string): string => lowerURI.slice(lowerURI.lastIndexOf("/") + 1);

export async function indexName(r: M.Repo): Promise<string> {
  const lower = r.uri.toLowerCase();
  const u = fit(lower, URI_MAX);
  let nameField = "-";
  if (u.cut) {
    const n = fit(lowerName(lower), NAME_MAX);
    nameField = (n.cut ? "t" : "f") + enc(n.text);
  }
  const flags = `${r.private ? 1 : 0}${r.fork ? 1 : 0}${r.mirror ? 1 : 0}`;
  const pushed = r.pushedAt === null ? "n" : String(r.pushedAt.getTime());
  return [
    num(r.id), String(r.createdAt.getTime()), pushed, flags, await langKey(r.language), nameField,
    (u.cut ? "t" : "f") + enc(u.text),
  ].join(".");
}

const ENTRY = /^(\d+)\.(-?\d+)\.(n|-?\d+)\.([01])([01])([01])\.([^.]+)\.(-|[ft][^.]+)\.([ft][^.]+)$/;

export function parseIndex(file: string): IndexEntry | undefined {
  const m = ENTRY.exec(file);
  if (!m) return undefined;
  const uri = unseg(m[9]!.slice(1));
  const cut = m[9]![0] === "t";
  const nameField = m[8]!;
  return {
    file,
    id: Number(m[1]),
    created: Number(m[2]),
    pushed: m[3] === "n" ? NEVER_PUSHED : Number(m[3]),
    private: m[4] === "1",
    fork: m[5] === "1",
    mirror: m[6] === "1",
    lang: m[7]!,
    uri,
    uriCut: cut,
    name: nameField === "-" ? lowerName(uri) : unseg(nameField.slice(1)),
    nameCut: nameField !== "-" && nameField[0] === "t",
  };
}

/** Whether `full` starts with `q`, when `text` is `full` or (when `cut`) a prefix of it; undefined: cannot tell. */
export function prefixMatch(text: string, cut: boolean, q: string): boolean | undefined {
  if (!cut || q.length <= text.length) return text.startsWith(q);
  return q.startsWith(text) ? undefined : false;
}

/** Code point order (the order of UTF-8 bytes, as PostgreSQL's "C" collation sorts). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
