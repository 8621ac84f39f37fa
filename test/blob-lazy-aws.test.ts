/**
 * A folder graph root never loads the AWS SDK, and graph roots are parsed as documented. The proof
 * runs in a child (test/support/blob-root-child.ts) under a guard that makes loading @aws-sdk fail:
 * - Node: a resolve hook (test/support/deny-aws-loader.mjs) refusing every @aws-sdk specifier and
 *   every module resolved under node_modules/@aws-sdk, whoever imports it;
 * - Deno: an import map (test/support/deny-aws-import-map.json) sending @aws-sdk/client-s3 and
 *   @aws-sdk/lib-storage, the only SDK specifiers in lib/, to a module that throws. (Deno's
 *   --deny-read does not cover module loading: checked, the SDK still loads under it.)
 * The same child with an s3:// root must hit the guard, which shows the guard works. The child also
 * counts @aws-sdk modules in the CommonJS cache, which both runtimes fill when the SDK loads
 * (shown by a run without the guard).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath } from "node:path";
import { defaultGraphRoot, isS3Root, openBlobRoot } from "../lib/adapters/graph-root.ts";
import { isStoreError, type StoreError } from "../lib/errors.ts";
import { isDeno, tempDir } from "./support/disk-fs.ts";
import { repoRoot } from "./support/spawn.ts";

const child = join(repoRoot, "test", "support", "blob-root-child.ts");

/** Runs the child on `root`; `guard` adds the runtime's @aws-sdk denial. Resolves with its stdout lines. */
function runChild(root: string, guard: boolean): Promise<string[]> {
  const D = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [cmd, argv] = isDeno
    ? [D!.execPath(), ["run", "-A", "--quiet", ...(guard ? ["--import-map=test/support/deny-aws-import-map.json"] : []), child, root]]
    : [process.execPath, ["--import", "tsx", ...(guard ? ["--import", "./test/support/deny-aws-register.mjs"] : []), child, root]];
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", AWS_MAX_ATTEMPTS: "1", NO_COLOR: "1" };
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { cwd: repoRoot, env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
      else resolve(stdout.trim().split("\n"));
    });
  });
}

test("a folder root puts, gets and lists in a process where loading @aws-sdk fails", async () => {
  const tmp = await tempDir("srcstore-lazy-");
  try {
    const lines = await runChild(join(tmp.dir, "graphstore"), true);
    assert.equal(lines, ["ok folder lazy/probe", "cjs-aws 0"]);
    console.log(`# ${isDeno ? "deno (import map)" : "node (resolve hook)"}: folder root worked with the AWS SDK denied`);
  } finally {
    await tmp.remove();
  }
});

test("the same child with an s3:// root hits the guard (so the guard works)", async () => {
  const lines = await runChild("s3://some-bucket/graph", true);
  assert.is(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, /^error unavailable: cannot load @aws-sdk\/client-s3 for s3:\/\/some-bucket\/graph .*<- deny-aws/);
  assert.is(lines[1], "cjs-aws 0");
});

test("without the guard an s3:// root loads the SDK, and the CommonJS-cache count sees it", async () => {
  const lines = await runChild("s3://some-bucket/graph", false);
  assert.match(lines[0]!, /^error unavailable: S3 at http:\/\/127\.0\.0\.1:9 is unreachable/);
  const n = Number(/^cjs-aws (\d+)$/.exec(lines[1] ?? "")?.[1]);
  assert.ok(n > 0, lines.join("\n"));
});

async function refused(root: string): Promise<StoreError> {
  try {
    await openBlobRoot(root, { env: {} });
  } catch (e) {
    assert.ok(isStoreError(e, "invalid_input"), `${root}: ${String(e)}`);
    assert.is(e.field, "graphstore.root");
    return e;
  }
  throw new assert.Assertion({ message: `${root} should be refused`, generated: false, operator: "rejects", expects: "error", actual: "ok" });
}

test("openBlobRoot refuses other schemes, empty roots and bad buckets on graphstore.root", async () => {
  for (const r of ["gs://bucket/x", "http://host/x", "HTTPS://host", "S3://bucket", "", "  ", "s3://", "s3://Bad_Bucket", "s3://bucket//x",
    "s3:/bucket/x", "s3:bucket", "S3:/bucket"]) await refused(r);
  const e = await refused("http://user:pass-word@host/x");
  assert.not.match(e.message, /pass-word/);
});

/** Static imports of `file` (type-only ones left out: they vanish when transpiled), resolved when relative. */
function staticImports(file: string): string[] {
  const src = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  // `import { type A } from "x"` stays as `import {} from "x"` under verbatimModuleSyntax: counted.
  for (const m of src.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
    out.push(m[1]!.startsWith(".") ? resolvePath(dirname(file), m[1]!) : m[1]!);
  }
  return out;
}

test("nothing a CLI module, lib/mod.ts, lib/graph or a graph root imports statically reaches the AWS SDK or s3-blob.ts", () => {
  // Every CLI module (commands load lazily, so each is an entry) and the library's entry points.
  const cli = readdirSync(join(repoRoot, "cli")).filter((f) => f.endsWith(".ts")).map((f) => `cli/${f}`);
  const entries = [...cli, "lib/mod.ts", "lib/graph/mod.ts", "lib/adapters/graph-root.ts"].map((f) => join(repoRoot, f));
  const seen = new Set<string>(), bad: string[] = [];
  const visit = (file: string, via: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of staticImports(file)) {
      const chain = [...via, relative(repoRoot, file)];
      if (dep.startsWith("@aws-sdk/") || /[\\/]s3-(blob|errors)\.ts$/.test(dep)) bad.push(`${chain.join(" -> ")} -> ${dep.startsWith("/") ? relative(repoRoot, dep) : dep}`);
      else if (dep.startsWith("/") && dep.endsWith(".ts")) visit(dep, chain);
    }
  };
  for (const e of entries) visit(e, []);
  assert.ok(seen.size > 30, `walked only ${seen.size} modules`);
  assert.equal(bad, [], bad.join("\n"));
  console.log(`\n# ${seen.size} modules statically reachable from the CLI and lib entry points: no AWS SDK among them`);
});

test("isS3Root and defaultGraphRoot", () => {
  assert.ok(isS3Root("s3://b/p"));
  assert.not.ok(isS3Root("/srv/s3://x"));
  assert.not.ok(isS3Root("./s3"));
  assert.is(defaultGraphRoot("/srv/sg"), "/srv/sg/graphstore");
  assert.is(defaultGraphRoot("/srv/sg/"), "/srv/sg/graphstore");
});

test("an s3:// root opens the S3 adapter with its location, making no request", async () => {
  const blob = await openBlobRoot("s3://my-bucket/graph/prod/", { env: { AWS_ACCESS_KEY_ID: "AKIAX", AWS_SECRET_KEY: "sekrit", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" } });
  try {
    assert.is(blob.location, "s3://my-bucket/graph/prod (http://127.0.0.1:9)");
  } finally {
    await blob.close();
  }
});

test.run();
