#!/usr/bin/env node
// The `src` binary. In the repository it runs the TypeScript sources through tsx's loader (a dev
// dependency); the npm package has no cli/*.ts and runs the build in dist/cli/ with plain Node.
import { existsSync } from "node:fs";

if (existsSync(new URL("./src.ts", import.meta.url))) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./src.ts");
} else {
  await import("../dist/cli/src.js");
}
