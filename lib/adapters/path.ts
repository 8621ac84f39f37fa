import { StoreError } from "../errors.ts";

/**
 * The backend builds every path from encoded names; a path that could leave the root is a bug there,
 * so adapters refuse it instead of touching the disk.
 */
export function checkPath(path: string): string {
  const parts = path.split("/");
  if (path === "" || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\0"))) {
    throw new StoreError("internal", `refusing unsafe store path ${JSON.stringify(path)}`);
  }
  return path;
}
