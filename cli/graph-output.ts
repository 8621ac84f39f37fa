/**
 * How `src graph ...` prints: aligned tables for people; with --json one JSON object per line
 * (JSON Lines), and, when a page was cut, a last line {"nextCursor": "..."} to pass to --cursor.
 * srclib output is untrusted text: what goes to a terminal has its control characters escaped, so a
 * def name cannot move the cursor, recolour or retitle the terminal, or break a table row.
 */
import type { CommitInfo, Def, Doc, Ref, SourceUnit } from "../lib/graph/store.ts";
import type { Page } from "../lib/model.ts";
import { table } from "./output.ts";

export function printUnits(units: SourceUnit[], json: boolean): void {
  if (json) return jsonLines(units);
  if (units.length === 0) return void console.log("no units");
  process.stdout.write(table(["TYPE", "NAME", "DIR", "FILES"], units.map((u) => [u.Type, u.Name, u.Dir, String(u.Files.length)].map(cell))));
}

export function printDefs(page: Page<Def>, json: boolean): void {
  if (json) return jsonPage(page);
  if (page.items.length === 0) console.log("no defs");
  else {
    process.stdout.write(table(
      ["UNIT TYPE", "UNIT", "PATH", "NAME", "KIND", "FILE", "START", "END", "DOCS"],
      page.items.map((d) => [d.UnitType, d.Unit, d.Path, d.Name, d.Kind, d.File, String(d.DefStart), String(d.DefEnd), d.Docs.length > 0 ? String(d.Docs.length) : ""].map(cell)),
    ));
  }
  moreHint(page);
}

export function printRefs(page: Page<Ref>, json: boolean): void {
  if (json) return jsonPage(page);
  if (page.items.length === 0) console.log("no refs");
  else {
    process.stdout.write(table(
      ["UNIT TYPE", "UNIT", "FILE", "START", "END", "DEF", "DEF REPO", "DEF UNIT TYPE", "DEF UNIT", "DEF PATH"],
      page.items.map((r) => [r.UnitType, r.Unit, r.File, String(r.Start), String(r.End), r.Def ? "yes" : "", r.DefRepo, r.DefUnitType, r.DefUnit, r.DefPath].map(cell)),
    ));
  }
  moreHint(page);
}

/** Docs are free text (often HTML over several lines): a header line per doc, then its text. */
export function printDocs(docs: Doc[], json: boolean): void {
  if (json) return jsonLines(docs);
  if (docs.length === 0) return void console.log("no docs");
  const out: string[] = [];
  for (const d of docs) {
    const at = d.File !== "" ? `${d.File}:${d.Start}-${d.End}` : d.Start !== 0 || d.End !== 0 ? `${d.Start}-${d.End}` : "";
    out.push(cell(`== ${[d.Format || "(no format)", at, `(from unit ${d.DocUnit})`].filter((x) => x !== "").join("  ")}`));
    out.push(text(d.Data.replace(/\r\n/g, "\n").replace(/\n+$/, "")), "");
  }
  process.stdout.write(out.join("\n"));
}

export function printCommits(commits: CommitInfo[], json: boolean): void {
  if (json) return jsonLines(commits);
  if (commits.length === 0) return void console.log("no commits");
  process.stdout.write(table(
    ["REPO", "COMMIT", "UNITS", "DEFS", "REFS", "DOCS", "SIZE", "IMPORTED"],
    commits.map((c) => [c.repo, c.commit, String(c.units), String(c.defs), String(c.refs), String(c.docs), size(c.bytes), c.importedAt.toISOString()].map(cell)),
  ));
}

/** "427 B", "19.1 kB", "12.3 MB": srclib JSON sizes are what people compare. */
export function size(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** "1 unit", "2 units". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

// C0 and C1 controls, and the bidirectional overrides that reorder what a terminal shows.
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const LINE_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };
const escape = (c: string) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** One table cell or line: every control character escaped ("\n", "\u001b"). */
export function cell(s: string): string {
  return s.replace(CONTROLS, escape);
}

/** Free text over several lines (a doc): newlines and tabs kept, other controls escaped. */
export function text(s: string): string {
  return s.replace(LINE_CONTROLS, escape);
}

function jsonLines(items: readonly unknown[]): void {
  if (items.length > 0) process.stdout.write(items.map((i) => JSON.stringify(i)).join("\n") + "\n");
}

function jsonPage(page: Page<unknown>): void {
  jsonLines(page.items);
  if (page.nextCursor) console.log(JSON.stringify({ nextCursor: page.nextCursor }));
}

/** On stderr, so that stdout holds only the table. */
function moreHint(page: Page<unknown>): void {
  if (page.nextCursor) process.stderr.write(`(more: run again with --cursor ${page.nextCursor}, or --all for everything)\n`);
}
