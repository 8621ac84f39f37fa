/**
 * Settings as an operator meets them: `src config` and other `src` commands as real processes, on the
 * runtime running the test, with --config and --env-file files in a temp dir, and against a real
 * PostgreSQL (the one test/run.ts started, PG* from the environment, or one started here) for
 * `-s pgsql` and `Store = pgsql`. No run may print a password: every run is checked for it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { oneLineError, type Run } from "./support/cli-assert.ts";
import { isDeno, tempDir } from "./support/disk-fs.ts";
import { freshDatabase } from "./support/pg-db.ts";
import { pgServer, type PgServer } from "./support/pg-server.ts";
import { repoRoot } from "./support/spawn.ts";

let serverPromise: Promise<PgServer> | undefined;
const server = () => (serverPromise ??= pgServer());

const SECRET = "cfg-Secret-pw-8841";
const secrets = new Set([SECRET]);

/** `src args` with `env` and none of the parent's settings variables (SGPATH, SRC_*, PG*, DATABASE_URL, AWS_*). */
function src(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const script = join(repoRoot, "cli", "src.ts");
  const [cmd, argv] = isDeno
    ? [(globalThis as { Deno?: { execPath(): string } }).Deno!.execPath(), ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, ["--import", "tsx", script, ...args]];
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(SGPATH|SRC_.*|PG.*|DATABASE_URL|AWS_.*)$/.test(k)) base[k] = v;
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: repoRoot, env: { ...base, NO_COLOR: "1", SRCSTORE_DEBUG: "", ...env } });
    let out = "", err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      for (const s of secrets) if ((out + err).includes(s)) return reject(new Error(`src ${args.join(" ")} printed a password:\n${out}${err}`));
      resolve({ code, out, err });
    });
    p.stdin.end();
  });
}

function ok(r: Run): string {
  assert.is(r.code, 0, `exit 0 expected, got ${r.code}:\n${r.out}${r.err}`);
  return r.out;
}

/** A temp dir with `files` written in it; `at(name)` is a path in it. */
async function dirWith(files: Record<string, string>) {
  const tmp = await tempDir("srcstore-cli-config-");
  for (const [name, text] of Object.entries(files)) await writeFile(join(tmp.dir, name), text);
  return { ...tmp, at: (name: string) => join(tmp.dir, name) };
}

test("src config: every setting with its source (flag, env, env file:line, config file:line, default), secrets masked", async () => {
  const d = await dirWith({
    "config.ini": "; srcstore\n[serve.Local store]\nStore = pgsql\n[serve]\ngraphstore.root = graphs\n",
    "config.env": `# database\nPGHOST=db.internal\nPGPASSWORD='${SECRET}'\nSRC_ADDR=0.0.0.0:8080\n`,
  });
  try {
    const args = ["config", "--config", d.at("config.ini"), "--env-file", d.at("config.env")];
    const r = await src(args, { SGPATH: d.at("sg"), AWS_SECRET_ACCESS_KEY: SECRET });
    const out = ok(r);
    assert.is(r.err, "");
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0]!, /^NAME\s+VALUE\s+SOURCE$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.split(/\s{2,}/);
    assert.equal(row("local-store"), ["local-store", "pgsql", `${d.at("config.ini")}:3`]);
    assert.equal(row("graphstore.root"), ["graphstore.root", d.at("graphs"), `${d.at("config.ini")}:5`]);
    assert.equal(row("sgpath"), ["sgpath", d.at("sg"), "env SGPATH"]);
    assert.equal(row("addr"), ["addr", "0.0.0.0:8080", `${d.at("config.env")}:4`]);
    assert.equal(row("config"), ["config", d.at("config.ini"), "flag --config"]);
    assert.equal(row("env-file"), ["env-file", d.at("config.env"), "flag --env-file"]);
    assert.equal(row("PGHOST"), ["PGHOST", "db.internal", `${d.at("config.env")}:2`]);
    assert.equal(row("PGPASSWORD"), ["PGPASSWORD", "****", `${d.at("config.env")}:3`]);
    assert.equal(row("AWS_SECRET_ACCESS_KEY"), ["AWS_SECRET_ACCESS_KEY", "****", "env AWS_SECRET_ACCESS_KEY"]);

    // Flags win: -s over the file, --addr over the env file.
    const flagged = ok(await src(["-s", "fs", ...args, "--addr=127.0.0.1:0"], { SGPATH: d.at("sg") }));
    assert.match(flagged, /\nlocal-store\s+fs\s+flag --local-store\n/);
    assert.match(flagged, /\naddr\s+127\.0\.0\.1:0\s+flag --addr\n/);
  } finally {
    await d.remove();
  }
});

test("src config --json: one JSON array of {name, value, source}; warnings go to stderr, one line each with file:line", async () => {
  const d = await dirWith({
    "config.ini": "[serve]\naddr = 127.0.0.1:9000\ncolour = blue\n[mystery]\nx = 1\n",
    "config.env": `PGPASSWORD=${SECRET}\nnot an assignment\n`,
  });
  try {
    const r = await src(["config", "--json", "--config", d.at("config.ini"), "--env-file", d.at("config.env")], { SGPATH: d.dir });
    const rows = JSON.parse(ok(r)) as { name: string; value: string; source: string }[];
    assert.equal(rows.find((x) => x.name === "addr"), { name: "addr", value: "127.0.0.1:9000", source: `${d.at("config.ini")}:2` });
    assert.equal(rows.find((x) => x.name === "local-store"), { name: "local-store", value: "fs", source: "default" });
    assert.equal(rows.find((x) => x.name === "PGPASSWORD"), { name: "PGPASSWORD", value: "****", source: `${d.at("config.env")}:1` });
    assert.equal(r.err.trimEnd().split("\n"), [
      `src: warning: ${d.at("config.env")}:2: not a KEY=VALUE line (ignored)`,
      `src: warning: ${d.at("config.ini")}:3: unknown key "colour" in [serve] (ignored)`,
      `src: warning: ${d.at("config.ini")}:4: unknown section [mystery] (ignored)`,
    ]);
  } finally {
    await d.remove();
  }
});

test("a bad value exits 2 with one line naming file, line, key and the allowed values, for every command", async () => {
  const d = await dirWith({ "config.ini": "[serve.Local store]\nStore = mysql\n" });
  try {
    const message = new RegExp(`^src: ${d.at("config.ini")}:2: \\[serve\\.Local store\\] Store: must be fs or pgsql, got "mysql" \\(invalid_input\\)$`);
    oneLineError(await src(["config", "--config", d.at("config.ini")]), 2, message);
    oneLineError(await src(["user", "list", "--config", d.at("config.ini")], { SGPATH: d.dir }), 2, message);
    oneLineError(await src(["store", "info", "-s", "sqlite"], { SGPATH: d.dir }), 2, /^src: --local-store: must be fs or pgsql, got "sqlite"/);
    oneLineError(await src(["config", "--config", d.at("missing.ini")]), 2, new RegExp(`^src: --config ${d.at("missing.ini")}: no such file`));
    // Node 20 itself looks at a script's "--env-file" argument and stops when the file is missing
    // (nodejs/node#54232): the file is still named, by node, with its exit code 9.
    const noEnvFile = await src(["config", "--env-file", d.at("missing.env")]);
    if (!isDeno && noEnvFile.code === 9) assert.match(noEnvFile.err, new RegExp(`node: ${d.at("missing.env")}: not found\n$`));
    else oneLineError(noEnvFile, 2, new RegExp(`^src: --env-file ${d.at("missing.env")}: no such file`));
  } finally {
    await d.remove();
  }
});

test("commands use the resolved settings: SGPATH from the env file, the graph store root next to the config file", async () => {
  const d = await dirWith({ "config.ini": "[serve]\ngraphstore.root = graphs\n" });
  try {
    await writeFile(d.at("config.env"), `SGPATH="${d.at("data")}"\n`);
    const files = ["--env-file", d.at("config.env"), "--config", d.at("config.ini")];
    ok(await src(["user", "add", "alice", ...files]));
    const info = JSON.parse(ok(await src(["store", "info", "--json", ...files]))) as { backend: string; location: string; counts: { users: number } };
    assert.is(info.location, d.at("data/store"));
    assert.is(info.counts.users, 1);
    oneLineError(await src(["graph", "ls", ...files]), 1, new RegExp(`no graph store at ${d.at("graphs")}:`));
  } finally {
    await d.remove();
  }
});

test("the env file's AWS_* reach the SDK's own credential chain (AWS_PROFILE + a shared credentials file)", async () => {
  const d = await dirWith({ creds: "[ci]\naws_access_key_id = AKIAENVFILE\naws_secret_access_key = env-file-secret\n" });
  try {
    await writeFile(d.at("config.env"), [
      `AWS_SHARED_CREDENTIALS_FILE=${d.at("creds")}`, `AWS_CONFIG_FILE=${d.at("no-config")}`, "AWS_PROFILE=ci",
      "AWS_ENDPOINT_URL_S3=http://127.0.0.1:9", "AWS_MAX_ATTEMPTS=1", "AWS_REGION=us-east-1", "",
    ].join("\n"));
    const r = await src(["graph", "ls", "--graphstore.root", "s3://some-bucket/graph", "--env-file", d.at("config.env")]);
    // With the profile's keys the request is made (and finds nothing listening); without, "no credentials".
    oneLineError(r, 1, /unreachable/);
    assert.not.match(r.err, /credential/i);
    assert.not.ok(r.err.includes("env-file-secret"));
  } finally {
    await d.remove();
  }
});

test("src store info -s pgsql, and Store = pgsql from a config file, open the database PG* in the env file names", async () => {
  const s = await server();
  const db = await freshDatabase(s);
  const pg = Object.entries(db.env).map(([k, v]) => `${k}='${v}'`).join("\n");
  if (db.env.PGPASSWORD) secrets.add(db.env.PGPASSWORD);
  const d = await dirWith({ "config.env": `${pg}\n`, "config.ini": "[serve.Local store]\nStore = pgsql\n" });
  try {
    const envFile = ["--env-file", d.at("config.env")];
    const flag = ok(await src(["store", "info", "-s", "pgsql", ...envFile], { SGPATH: d.dir }));
    assert.match(flag, new RegExp(`^backend:  pgsql\\nlocation: postgres://[^ ]*/${db.name}\\n`));

    const files = [...envFile, "--config", d.at("config.ini")];
    ok(await src(["user", "add", "bob", ...files], { SGPATH: d.dir }));
    const info = JSON.parse(ok(await src(["store", "info", "--json", ...files], { SGPATH: d.dir }))) as { backend: string; counts: { users: number } };
    assert.is(info.backend, "pgsql");
    assert.is(info.counts.users, 1);
    // `src pgsql ...` reads PG* from the env file too.
    assert.match(ok(await src(["pgsql", "status", ...envFile])), new RegExp(`^database: postgres://[^ ]*/${db.name}\\n[\\s\\S]*up to date\\n$`));
    // A flag beats the file: -s fs opens the fs store under SGPATH, which has no users.
    const fs = JSON.parse(ok(await src(["store", "info", "--json", "-s", "fs", ...files], { SGPATH: d.dir }))) as { backend: string; counts: { users: number } };
    assert.equal([fs.backend, fs.counts.users], ["fs", 0]);
    const shown = ok(await src(["config", ...files]));
    assert.match(shown, /\nPGPASSWORD\s+\*{4}\s/);
  } finally {
    await d.remove();
    await db.drop();
  }
});

test.run();
