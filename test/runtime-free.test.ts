/** lib/ outside lib/adapters/ must not touch a runtime: no node:* imports, no Deno.*, no process. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const lib = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "lib");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "adapters" && dir === lib ? [] : files(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

test("lib/ outside adapters/ imports no node:* module and touches no Deno or process global", () => {
  const found = files(lib);
  assert.ok(found.length > 10, `expected lib files, found ${found.length}`);
  const bad: string[] = [];
  for (const f of found) {
    const src = readFileSync(f, "utf8");
    for (const [i, line] of src.split("\n").entries()) {
      if (/from\s+["'](node:|fs|path|os|crypto|child_process)["']|import\(["']node:|\bDeno\.\w|\bprocess\.\w|\brequire\(/.test(line)) {
        bad.push(`${relative(lib, f)}:${i + 1}: ${line.trim()}`);
      }
    }
  }
  assert.equal(bad, [], `runtime-specific code in lib/:\n${bad.join("\n")}`);
});

test("lib/ outside adapters/ imports no driver (postgres, pg, AWS SDK)", () => {
  const bad = files(lib).filter((f) => /from\s+["'](postgres|pg|@aws-sdk\/[^"']+)["']/.test(readFileSync(f, "utf8")));
  assert.equal(bad.map((f) => relative(lib, f)), []);
});

test("no store module imports the migration runner", () => {
  const bad = files(lib).filter((f) => /from\s+["'][./\w-]*pg-migrate\.ts["']/.test(readFileSync(f, "utf8")));
  assert.equal(bad.map((f) => relative(lib, f)), []);
});

test.run();
