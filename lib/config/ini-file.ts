/**
 * The config file (`/etc/sourcegraph/config.ini`, `--config`), read as the seed's go-flags INI was:
 * section and key names match case-insensitively, so `[serve.Local store]` / `Store = pgsql` works as
 * operators wrote it. The `ini` package parses; it keeps no line numbers, so the lines are found
 * here, by going over the text with ini's own line pattern, only to name them in messages.
 */
import { decode, unsafe } from "ini";
import { StoreError } from "../errors.ts";

/** The settings a config file can hold. */
export type FileSettingName = "localStore" | "graphstoreRoot" | "addr";

export interface FileSetting {
  value: string;
  line: number;
  /** The section and key as written, e.g. "[serve.Local store] Store". */
  key: string;
}

export interface IniProblem {
  line: number;
  message: string;
}

/**
 * The known settings of `text` (a key given twice: the later one) and problems to warn about:
 * unknown sections and keys, keys outside any section, lines that are neither. invalid_input, naming
 * file, line and key, for a setting written as a list (`Store[] = ...`).
 */
export function readIniSettings(text: string, file: string): { settings: Partial<Record<FileSettingName, FileSetting>>; problems: IniProblem[] } {
  // go-flags trimmed every line, so an indented "  [serve.Local store]" is a section; ini reads a
  // line as a header only from its first column. Lines keep their numbers.
  const clean = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).map((l) => l.trimStart()).join("\n");
  const lines = lineNumbers(clean);
  const settings: Partial<Record<FileSettingName, FileSetting>> = {};
  const problems: IniProblem[] = lines.stray.map((line) => ({ line, message: "neither a [section] nor a key = value line (ignored)" }));

  const walk = (node: IniNode, path: string[]) => {
    const section = path.join(".");
    const known = path.length === 0 || KNOWN_SECTIONS.has(section.toLowerCase());
    const header = lines.sections.get(section);
    // An unknown section is one warning, at its header, not one per key in it.
    if (!known && header !== undefined) problems.push({ line: header, message: `unknown section [${section}] (ignored)` });
    for (const [name, value] of Object.entries(node)) {
      if (isSection(value)) {
        walk(value, [...path, name]);
        continue;
      }
      const line = lines.keys.get(`${section}\0${name}`) ?? header ?? 1;
      const setting = SETTINGS.find((s) => s.section === section.toLowerCase() && s.key === name.toLowerCase());
      if (setting === undefined) {
        if (path.length === 0) problems.push({ line, message: `key "${name}" is outside any section (ignored)` });
        else if (known) problems.push({ line, message: `unknown key "${name}" in [${section}] (ignored)` });
        else if (header === undefined) problems.push({ line, message: `unknown section [${section}] (ignored)` });
        continue;
      }
      const key = `[${section}] ${name}`;
      if (Array.isArray(value)) {
        throw new StoreError("invalid_input", `${file}:${line}: ${key}: must be one value, not a list`, { field: setting.name });
      }
      // Case variants of one key ([serve] and [Serve]): the one written last wins, as a repeated key does.
      const earlier = settings[setting.name];
      if (earlier === undefined || earlier.line < line) settings[setting.name] = { value: String(value), line, key };
    }
  };
  walk(decode(clean) as IniNode, []);
  return { settings, problems };
}

// ---- internals -----------------------------------------------------------------------------------

/** What `decode` returns: sections are objects, values strings (or true/false/null, or arrays for `key[]`). */
interface IniNode {
  [name: string]: unknown;
}

/** Section and key in lower case; the section dotted as ini nests it. */
const SETTINGS: readonly { name: FileSettingName; section: string; key: string }[] = [
  { name: "localStore", section: "serve.local store", key: "store" },
  { name: "graphstoreRoot", section: "serve", key: "graphstore.root" },
  { name: "addr", section: "serve", key: "addr" },
];
const KNOWN_SECTIONS: ReadonlySet<string> = new Set(SETTINGS.map((s) => s.section));

/** ini's own pattern for a line: `[section]`, or `key` with an optional `= value`. */
const INI_LINE = /^\[([^\]]*)\]\s*$|^([^=]+)(=(.*))?$/i;

const isSection = (v: unknown): v is IniNode => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Where each section header (first one) and key (last one, as the last wins) is, by the names
 * `decode` gives them; and the lines ini skips as neither. Lines are split as the file's lines, not
 * ini's way (which merges blank lines away).
 */
function lineNumbers(text: string): { sections: Map<string, number>; keys: Map<string, number>; stray: number[] } {
  const sections = new Map<string, number>();
  const keys = new Map<string, number>();
  const stray: number[] = [];
  let section = "";
  text.split(/\r\n|\r|\n/).forEach((l, i) => {
    if (/^\s*$/.test(l) || /^\s*[;#]/.test(l)) return;
    const m = INI_LINE.exec(l);
    if (m === null) return void stray.push(i + 1);
    if (m[1] !== undefined) {
      // ini nests "[a.b]" under "a"; an escaped "[a\.b]" is one section named "a.b". Either way the path reads "a.b".
      section = unsafe(m[1]).replace(/\\\./g, ".");
      if (!sections.has(section)) sections.set(section, i + 1);
      return;
    }
    const key = unsafe(m[2] ?? "");
    keys.set(`${section}\0${key.length > 2 && key.endsWith("[]") ? key.slice(0, -2) : key}`, i + 1);
  });
  return { sections, keys, stray };
}
