/**
 * The Deno module (issue 5): deno.json names the same version and entry points as package.json, and
 * `deno publish --dry-run` (type check of every export, JSR's slow-types rules, the file list) passes,
 * so the module can go to JSR as it is.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./support/spawn.ts";

const json = (f: string) => JSON.parse(readFileSync(join(repoRoot, f), "utf8"));

test("deno.json has package.json's version, license and exports", () => {
  const deno = json("deno.json"), pkg = json("package.json");
  assert.is(deno.version, pkg.version);
  assert.is(deno.license, pkg.license);
  assert.equal(Object.keys(deno.exports), Object.keys(pkg.exports));
  // Deno imports the .ts source; Node the build of that same file in dist/ (npm run build), with its .d.ts.
  for (const [key, source] of Object.entries(deno.exports as Record<string, string>)) {
    const built = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
    assert.equal(pkg.exports[key], { types: `${built}.d.ts`, default: `${built}.js` }, `package.json exports["${key}"]`);
  }
});

test("deno publish --dry-run passes: every export type-checks, no slow types, tests and CLI left out", () => {
  const r = spawnSync(join(repoRoot, "node_modules", ".bin", "deno"), ["publish", "--dry-run", "--allow-dirty"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" }, // deno colours whenever FORCE_COLOR is set
    timeout: 240_000,
  });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  assert.is(r.status, 0, out);
  assert.ok(/Success Dry run complete/.test(out), out.slice(-3000));
  const files = out.split("\n").filter((l) => /^\s+file:\/\//.test(l));
  assert.ok(files.some((l) => l.includes("/lib/mod.ts")), out);
  assert.not.ok(files.some((l) => /\/(test|cli|node_modules)\//.test(l)), "only lib/, migrations/, README.md, deno.json");
  console.log(`# deno publish --dry-run: ${files.length} files`);
});

test.run();
