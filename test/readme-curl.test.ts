/**
 * The README's curl examples for `src serve` run as written: every ```sh curl block, in order, in one
 * bash script (`set -euo pipefail`, so a failing curl -f or jq fails the test), with $SRC pointing at a
 * real `src serve` process on fs and then on pgsql, and the srclib fixtures reachable as $SRCLIB.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./support/spawn.ts";
import { startServe, stopPg } from "./support/serve-process.ts";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```sh curl\n([\s\S]*?)```/g)].map((m) => m[1]!);

test.after(stopPg);

test("the README has curl examples for src serve", () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} \`\`\`sh curl blocks`);
});

for (const backend of ["fs", "pgsql"] as const) {
  test(`the README's curl examples run against src serve on ${backend}`, async () => {
    const s = await startServe(backend);
    try {
      const script = ["set -euo pipefail", ...blocks].join("\n");
      const r = spawnSync("bash", ["-c", script], {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", SRC: s.url, SRCLIB: join(repoRoot, "test", "fixtures", "srclib") },
      });
      assert.is(r.status, 0, `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- server\n${s.stderr().slice(-3000)}`);
      assert.not.match(r.stdout, /"code":"internal"/);
      console.log(`# ${backend}: ${blocks.length} README curl blocks ran, ${r.stdout.split("\n").length} lines of output`);
    } finally {
      await s.stop();
    }
  });
}

test.run();
