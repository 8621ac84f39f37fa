/**
 * POSIX path arithmetic for settings, without node:path: lib/ stays runtime-free, and the only
 * operations settings need are "~" expansion and making a path absolute against a folder.
 */

/**
 * `path` as an absolute, normalized path: "~" and "~/..." become the home folder (the shell leaves a
 * tilde alone in `--sgpath=~/sg` and in values read from files), a relative path is taken from `base`.
 */
export function absolutePath(path: string, base: string, home: string): string {
  const expanded = path === "~" ? home : path.startsWith("~/") ? `${home}/${path.slice(2)}` : path;
  return normalize(expanded.startsWith("/") ? expanded : `${base}/${expanded}`);
}

/** The folder holding `file` (an absolute path). */
export function parentFolder(file: string): string {
  return normalize(`${file}/..`);
}

/** Collapses "//", "." and ".." of an absolute path; ".." above the root stays at the root, as in the kernel. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}
