/**
 * The README's ```ts example blocks run as written (with "srcstore" imports pointed at lib/), so the
 * documentation cannot rot.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
/** ```ts example blocks; "```ts example node" or "```ts example deno" run only on that runtime. */
const runtime = "Deno" in globalThis ? "deno" : "node";
const all = [...readme.matchAll(/```ts example(?: (node|deno))?\n([\s\S]*?)```/g)].map((m) => ({ only: m[1], code: m[2]! }));
const blocks = all.filter((b) => b.only === undefined || b.only === runtime).map((b) => b.code);

/**
 * "srcstore/x" -> the source of the entry point package.json exports as "./x" (package.json names its
 * build in dist/; deno.json, whose keys are the same, names the .ts source it is built from).
 */
const json = (f: string) => JSON.parse(readFileSync(join(root, f), "utf8"));
const nodeExports: Record<string, unknown> = json("package.json").exports;
const sourceExports: Record<string, string> = json("deno.json").exports;

function localize(code: string): string {
  // "jsr:@srcstore/srcstore/x" is how a Deno program outside this repo names the same entry point.
  return code.replace(/from "(?:jsr:@srcstore\/)?srcstore(\/[\w/-]+)?"/g, (_, sub: string | undefined) => {
    const key = `.${sub ?? ""}`;
    const target = key in nodeExports ? sourceExports[key] : undefined;
    if (!target) throw new Error(`README imports "srcstore${sub ?? ""}", which package.json does not export`);
    return `from ${JSON.stringify(pathToFileURL(join(root, target)).href)}`;
  });
}

test("the README has a library example for this runtime", () => {
  assert.ok(blocks.length >= 1);
  console.log(`# ${blocks.length} of ${all.length} README examples run on ${runtime}`);
});

blocks.forEach((code, i) => {
  test(`README example ${i + 1} runs`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "srcstore-readme-"));
    const file = join(dir, `example-${i + 1}.mts`);
    writeFileSync(file, localize(code));
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(lines.length > 0, "the example prints what it did");
  });
});

test.run();
