/**
 * srclib output on the local disk, as the SrclibFile list an import reads: a build folder walked for
 * `*.unit.json` / `*.graph.json` (node:fs/promises, which Node and Deno both provide), or files given
 * one by one. Filesystem errors become StoreErrors naming the path.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { SrclibFile } from "../graph/store.ts";
import { compareKeys } from "../blob-key.ts";
import { invalid, StoreError } from "../errors.ts";

const SRCLIB_NAME = /.\.(unit|graph)\.json$/;

/**
 * Every srclib unit and graph file below `dir`, paths relative to it ("/"-separated), in UTF-8 byte
 * order of those paths. The folder is listed completely before the first file is yielded. Symbolic
 * links to files are followed; links to folders are skipped (no cycles, no walking out of the tree).
 * A missing folder, or a file given as `dir`, is invalid_input on field "dir".
 *
 * @example
 * ```ts
 * await graph.import({ repo, commit, files: srclibDir(".srclib-cache/" + commit) });
 * ```
 */
export async function* srclibDir(dir: string): AsyncIterable<SrclibFile> {
  if (typeof dir !== "string" || dir === "") throw invalid("dir", "must be a folder path");
  const st = await stat(dir).catch((e) => {
    throw fsError(e, "dir", dir, "no such folder");
  });
  if (!st.isDirectory()) throw invalid("dir", `${dir}: is a file, not a folder`);
  const found: string[] = [];
  await walk(dir, "", found);
  found.sort(compareKeys);
  for (const rel of found) yield diskFile(join(dir, rel), rel, "dir");
}

async function walk(root: string, rel: string, found: string[]): Promise<void> {
  const abs = rel === "" ? root : join(root, rel);
  const entries = await readdir(abs, { withFileTypes: true }).catch((e) => {
    throw fsError(e, "dir", abs, "no such folder");
  });
  for (const e of entries) {
    const sub = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(root, sub, found);
    else if (SRCLIB_NAME.test(e.name) && (e.isFile() || (e.isSymbolicLink() && await linksToFile(join(root, sub))))) {
      found.push(sub);
    }
  }
}

/** A link to a file is read through; a link to a folder is skipped; a broken one is an error. */
async function linksToFile(abs: string): Promise<boolean> {
  const st = await stat(abs).catch((e) => {
    throw fsError(e, "dir", abs, "is a broken symbolic link");
  });
  return st.isFile();
}

/**
 * Files given one by one (the CLI's "unit and graph files" form), paths as given (normalized,
 * "/"-separated). A name that is not `*.unit.json` / `*.graph.json` is invalid_input now; a missing
 * file when it is read.
 */
export function srclibFiles(paths: string[]): SrclibFile[] {
  if (!Array.isArray(paths)) throw invalid("files", "must be a list of file paths");
  return paths.map((p) => {
    if (typeof p !== "string" || p === "") throw invalid("files", "must be file paths");
    const path = normalize(p).split("\\").join("/");
    if (!SRCLIB_NAME.test(path.slice(path.lastIndexOf("/") + 1))) {
      throw invalid("files", `${p}: not a <UnitType>.unit.json or <UnitType>.graph.json file`);
    }
    return diskFile(p, path, "files");
  });
}

function diskFile(abs: string, path: string, field: string): SrclibFile {
  return {
    path,
    read: async () => {
      try {
        const st = await stat(abs);
        if (st.isDirectory()) throw invalid(field, `${path}: is a folder, not a file`);
        const b = await readFile(abs);
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw fsError(e, field, path, "no such file");
      }
    },
  };
}

/** Native errors as StoreErrors naming the path; the original rides along as cause. */
function fsError(e: unknown, field: string, path: string, missing: string): StoreError {
  const code = (e as { code?: unknown })?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return new StoreError("invalid_input", `${field}: ${path}: ${missing}`, { field, cause: e });
  if (code === "EISDIR") return new StoreError("invalid_input", `${field}: ${path}: is a folder, not a file`, { field, cause: e });
  if (code === "EACCES" || code === "EPERM") return new StoreError("permission_denied", `${path}: permission denied`, { cause: e });
  if (code === "ELOOP") return new StoreError("invalid_input", `${field}: ${path}: too many levels of symbolic links`, { field, cause: e });
  return new StoreError("unavailable", `${path}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
