/**
 * The CLI and a running `src serve` on one data dir, as an operator mixes them: an admin made with
 * `src user add --admin` and `src user passwd` signs in through the API (a store with users has no
 * self-made first admin), and a later `src user passwd` revokes every token of that user.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./support/spawn.ts";
import { isDeno } from "./support/disk-fs.ts";
import { startServe } from "./support/serve-process.ts";
import { api, PASSWORD } from "./support/http-client.ts";

function src(sgpath: string, args: string[], input = ""): string {
  const script = join(repoRoot, "cli", "src.ts");
  const [cmd, argv] = isDeno
    ? [(globalThis as { Deno?: { execPath(): string } }).Deno!.execPath(), ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, ["--import", "tsx", script, ...args]];
  const r = spawnSync(cmd, argv, { cwd: repoRoot, input, encoding: "utf8", env: { ...process.env, SGPATH: sgpath, SRC_LOCAL_STORE: "fs", NO_COLOR: "1" } });
  assert.is(r.status, 0, `src ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

test("src user add/passwd make an admin who signs in through src serve; src user passwd revokes their tokens", async () => {
  const sgpath = mkdtempSync(join(tmpdir(), "srcstore-serve-cli-"));
  const s = await startServe("fs", { sgpath });
  try {
    src(sgpath, ["user", "add", "root", "--admin", "--email", "root@example.com"]);
    src(sgpath, ["user", "passwd", "root"], PASSWORD);
    const anon = api(s.url);
    assert.is((await anon.call("POST", "/api/accounts", { login: "squatter", password: PASSWORD })).status, 403, "no first admin once users exist");
    const { token } = await anon.ok("POST", "/api/tokens", { login: "root", password: PASSWORD });
    const root = api(s.url, token);
    assert.is((await root.ok("GET", "/api/user")).admin, true);
    assert.match(src(sgpath, ["user", "passwd", "root"], "a brand new password"), /tokens are revoked/);
    assert.is((await root.call("GET", "/api/user")).status, 401, "the token outlived the password");
    await anon.ok("POST", "/api/tokens", { login: "root", password: "a brand new password" });
  } finally {
    await s.stop();
    rmSync(sgpath, { recursive: true, force: true });
  }
});

test.run();
