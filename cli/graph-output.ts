/**
 * How `src graph ...` prints: aligned tables for people; with --json one JSON object per line
 * (JSON Lines), and, when a page was cut, a last line {"nextCursor": "..."} to pass to --cursor.
 */
import type { CommitInfo, Def, Doc, Ref, SourceUnit } from "../lib/graph/store.ts";
import type { Page } from "../lib/model.ts";
import { table } from "./output.ts";

export function printUnits(units: SourceUnit[], json: boolean): void {
  if (json) return jsonLines(units);
  if (units.length === 0) return void console.log("no units");
  process.stdout.write(table(["TYPE", "NAME", "DIR", "FILES"], units.map((u) => [u.Type, u.Name, u.Dir, String(u.Files.length)])));
}

export function printDefs(page: Page<Def>, json: boolean): void {
  if (json) return jsonPage(page);
  if (page.items.length === 0) console.log("no defs");
  else {
    process.stdout.write(table(
      ["UNIT TYPE", "UNIT", "PATH", "NAME", "KIND", "FILE", "START", "END", "DOCS"],
      page.items.map((d) => [d.UnitType, d.Unit, d.Path, d.Name, d.Kind, d.File, String(d.DefStart), String(d.DefEnd), d.Docs.length > 0 ? String(d.Docs.length) : ""]),
    ));
  }
  moreHint(page);
}

export function printRefs(page: Page<Ref>, json: boolean): void {
  if (json) return jsonPage(page);
  if (page.items.length === 0) console.log("no refs");
  else {
    process.stdout.write(table(
      ["UNIT", "FILE", "START", "END", "DEF", "DEF REPO", "DEF UNIT TYPE", "DEF UNIT", "DEF PATH"],
      page.items.map((r) => [r.Unit, r.File, String(r.Start), String(r.End), r.Def ? "yes" : "", r.DefRepo, r.DefUnitType, r.DefUnit, r.DefPath]),
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
    out.push(`== ${d.Format || "(no format)"}  ${d.File}:${d.Start}-${d.End}  (from unit ${d.DocUnit})`);
    out.push(d.Data.replace(/\n+$/, ""), "");
  }
  process.stdout.write(out.join("\n"));
}

export function printCommits(commits: CommitInfo[], json: boolean): void {
  if (json) return jsonLines(commits);
  if (commits.length === 0) return void console.log("no commits");
  process.stdout.write(table(
    ["REPO", "COMMIT", "UNITS", "DEFS", "REFS", "DOCS", "SIZE", "IMPORTED"],
    commits.map((c) => [c.repo, c.commit, String(c.units), String(c.defs), String(c.refs), String(c.docs), size(c.bytes), c.importedAt.toISOString()]),
  ));
}

/** "0.2 MB", "12.3 MB": srclib JSON sizes are what people compare. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function size(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return mb(bytes);
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
