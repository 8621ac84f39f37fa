/**
 * The `src` CLI as a person uses it: real processes on a temp $SGPATH, on the runtime running the
 * test. Errors must be one line without a stack trace, and a password never comes from argv.
 */
import { oneLineError } from "./support/cli-assert.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { isDeno, tempDir } from "./support/disk-fs.ts";
import { repoRoot } from "./support/spawn.ts";
import { openStore } from "../lib/mod.ts";
import { runtimeFs } from "./support/disk-fs.ts";

function src(sgpath: string, args: string[], input?: string) {
  const script = join(repoRoot, "cli", "src.ts");
  const [cmd, argv] = isDeno
    ? [(globalThis as { Deno?: { execPath(): string } }).Deno!.execPath(), ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, ["--import", "tsx", script, ...args]];
  const r = spawnSync(cmd, argv, {
    cwd: repoRoot,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, SGPATH: sgpath, NO_COLOR: "1", SRCSTORE_DEBUG: "" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("src --help lists every command; --version prints the version", async () => {
  const tmp = await tempDir();
  try {
    const help = src(tmp.dir, ["--help"]);
    assert.is(help.code, 0);
    for (const c of ["user add", "user list", "user passwd", "store info"]) assert.ok(help.out.includes(c), c);
    const v = src(tmp.dir, ["--version"]);
    assert.is(v.code, 0);
    assert.match(v.out, /\d+\.\d+\.\d+/);
  } finally {
    await tmp.remove();
  }
});

test("src user add / list / passwd / store info work on the default fs store", async () => {
  const tmp = await tempDir();
  try {
    const add = src(tmp.dir, ["user", "add", "alice", "--email", "alice@example.com", "--admin"]);
    assert.is(add.code, 0, add.err);
    assert.match(add.out, /created user alice \(uid 1\), admin/);
    assert.is(src(tmp.dir, ["user", "add", "bob"]).code, 0);
    const list = src(tmp.dir, ["user", "list"]);
    assert.is(list.code, 0, list.err);
    assert.match(list.out, /^UID\s+LOGIN/);
    assert.match(list.out, /\n1\s+alice\s+yes/);
    assert.match(list.out, /\n2\s+bob/);
    const json = src(tmp.dir, ["user", "list", "--json", "--query", "AL"]).out.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(json.map((u: { login: string }) => u.login), ["alice"]);

    const pw = src(tmp.dir, ["user", "passwd", "alice"], "s3cret-Passw0rd\n");
    assert.is(pw.code, 0, pw.err);
    assert.not.match(pw.out + pw.err, /s3cret/);
    const stores = await openStore({ fs: await runtimeFs(join(tmp.dir, "store")) });
    assert.ok(await stores.passwords.check(1, "s3cret-Passw0rd"), "the trailing newline is not part of the password");
    assert.is((await stores.users.getByEmail("alice@example.com")).uid, 1);

    const info = src(tmp.dir, ["store", "info"]);
    assert.is(info.code, 0, info.err);
    assert.match(info.out, /backend:\s+fs/);
    assert.match(info.out, /\nusers\s+2\n/);
    assert.match(info.out, /\npasswords\s+1\n/);
  } finally {
    await tmp.remove();
  }
});

test("errors are one line, with exit 1 (or 2 for bad input), and leave nothing half-done", async () => {
  const tmp = await tempDir();
  try {
    assert.is(src(tmp.dir, ["user", "add", "alice", "--email", "a@example.com"]).code, 0);
    const dup = src(tmp.dir, ["user", "add", "ALICE"]);
    assert.is(dup.code, 1);
    oneLineError(dup, undefined, /already exists/);
    const bad = src(tmp.dir, ["user", "add", "../etc"]);
    assert.is(bad.code, 2);
    oneLineError(bad, undefined, /login/);
    const taken = src(tmp.dir, ["user", "add", "bob", "--email", "A@example.com"]);
    assert.is(taken.code, 1);
    oneLineError(taken, undefined, /already exists/);
    assert.not.match(src(tmp.dir, ["user", "list"]).out, /bob/, "a user whose email was refused is not left behind");
    const empty = src(tmp.dir, ["user", "passwd", "alice"], "");
    assert.is(empty.code, 1);
    oneLineError(empty, undefined, /must not be empty/);
    const nobody = src(tmp.dir, ["user", "passwd", "nobody"], "x");
    oneLineError(nobody, undefined, /not found/);
    const unknown = src(tmp.dir, ["frobnicate"]);
    assert.is(unknown.code, 1);
    oneLineError(unknown, undefined, /unknown command/);
  } finally {
    await tmp.remove();
  }
});

test.run();
