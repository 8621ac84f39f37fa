import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** package.json's version: one level up from cli/ in the sources, two from the npm package's dist/cli/. */
function packageVersion(): string {
  for (const p of ["../package.json", "../../package.json"]) {
    try {
      const pkg = require(p) as { name?: string; version: string };
      if (pkg.name === "srcstore") return pkg.version;
    } catch { /* not at this depth */ }
  }
  return "0.0.0-unknown";
}

export const VERSION: string = packageVersion();
