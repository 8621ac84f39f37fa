/**
 * `src graph import`: srclib build folders and unit/graph files into the graph store, with progress
 * on a terminal and Ctrl-C aborting cleanly (nothing of the import becomes visible; exit 130).
 */
import { stat } from "node:fs/promises";
import { basename, normalize, posix, sep } from "node:path";
import type { ImportProgress, ImportSummary, SrclibFile } from "../lib/graph/store.ts";
import { srclibDir, srclibFiles } from "../lib/adapters/srclib-dir.ts";
import { commitRef, guarded, withGraph } from "./graph-open.ts";
import { count, size } from "./graph-output.ts";
import { UsageError } from "./output.ts";

/** The exit code of an import stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

export const graphImport = guarded(async (paths: string[], o: { json?: boolean }): Promise<void> => {
  const { repo, commit } = commitRef();
  const files = await inputFiles(paths.map(String));
  const abort = new AbortController();
  const progress = progressLine();
  const onSigint = () => {
    // A second Ctrl-C quits at once: what was written stays unmarked, so still invisible.
    if (abort.signal.aborted) process.exit(INTERRUPTED);
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  const started = performance.now();
  let summary: ImportSummary | undefined;
  let location = "";
  try {
    await withGraph({ create: true }, async (graph) => {
      location = graph.location;
      try {
        summary = await graph.import({ repo, commit, files }, { signal: abort.signal, ...(progress ? { onProgress: progress.show } : {}) });
      } catch (e) {
        if (!abort.signal.aborted) throw e;
      } finally {
        progress?.clear();
      }
    });
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (summary === undefined) {
    process.stderr.write(`src: interrupted: nothing was imported into ${location}\n`);
    process.exit(INTERRUPTED);
  }
  const seconds = Math.max(performance.now() - started, 1) / 1000;
  if (o.json) return void console.log(JSON.stringify({ ...summary, location, seconds: Number(seconds.toFixed(3)) }));
  console.log(summaryLine(summary, location, seconds));
});

export function summaryLine(s: ImportSummary, location: string, seconds: number): string {
  return `imported ${s.repo}@${s.commit} into ${location}: ${count(s.units, "unit")}, ${count(s.defs, "def")}, ` +
    `${count(s.refs, "ref")}, ${count(s.docs, "doc")}; read ${size(s.bytesRead)} in ${seconds.toFixed(seconds < 10 ? 2 : 1)} s ` +
    `(${(s.bytesRead / 1e6 / seconds).toFixed(1)} MB/s); version ${s.version}${s.replaced ? ", replaced the earlier import" : ""}`;
}

// ---- internals -----------------------------------------------------------------------------------

const SRCLIB_FILE = /\.(unit|graph)\.json$/;

/**
 * Every path checked before anything is read: a folder is walked for unit/graph pairs, a file must
 * be a *.unit.json or *.graph.json (its pair given too, or the import names the one missing). A list,
 * not a stream, so that the import knows the file count and the progress line can show "n/total".
 */
async function inputFiles(paths: string[]): Promise<SrclibFile[]> {
  const folders: string[] = [];
  const loose: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch((e: { code?: string }) => {
      if (e.code === "ENOENT" || e.code === "ENOTDIR") throw new UsageError(`${p}: no such file or folder`);
      throw e;
    });
    if (st.isDirectory()) folders.push(p);
    else if (SRCLIB_FILE.test(basename(p))) loose.push(p);
    else throw new UsageError(`${p}: not a srclib build folder, nor a *.unit.json or *.graph.json file`);
  }
  // Paths as given (a folder's files are relative to it): two folders' units never pair up, and
  // an error names a file the user can open. Only names are listed here; contents are read later.
  const files: SrclibFile[] = [];
  for (const dir of folders) {
    const base = normalize(dir).split(sep).join("/");
    for await (const f of srclibDir(dir)) files.push({ path: posix.join(base, f.path), read: () => f.read() });
  }
  files.push(...srclibFiles(loose));
  return files;
}

/**
 * One self-overwriting stderr line, redrawn at most ~10 times a second (the latest state is drawn
 * when the pause is over, so the line never stays behind); undefined off a terminal. Reading ends
 * with indexing and writing with the removal of a replaced import: both can take seconds, so the
 * line says so rather than sit on "800/800".
 */
function progressLine(): { show(p: ImportProgress): void; clear(): void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  let phase = "";
  let shown = false;
  let pending: ImportProgress | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = (p: ImportProgress) => {
    last = performance.now();
    phase = p.phase;
    shown = true;
    pending = undefined;
    const finished = p.total > 0 && p.done >= p.total;
    const text = p.phase === "read"
      ? `reading srclib output: ${p.done}/${p.total} files, ${size(p.bytes)}${finished ? "; indexing..." : ""}`
      : `writing: ${p.done}/${p.total} objects${finished ? "; finishing..." : ""}`;
    process.stderr.write(`\r\x1b[2K${text}`);
  };
  return {
    show(p) {
      const wait = 100 - (performance.now() - last);
      if (wait <= 0 || p.phase !== phase || p.done >= p.total) return draw(p);
      pending = p;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending) draw(pending);
      }, wait);
    },
    clear() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      if (shown) process.stderr.write("\r\x1b[2K");
    },
  };
}
